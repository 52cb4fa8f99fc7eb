import * as assert from "node:assert/strict";
import { resourceView } from "./fixtures";
import { portNameProblem, qualifiedNameProblem } from "../../../components/kubernetesNames";
import { clusterViolations, objectViolations } from "../../../offline/rules/kubernetes";
import { parseQuantity } from "../../../config/quantity";

const obj = resourceView;
const deployment = (spec: Record<string, unknown>, metadata: Record<string, unknown> = { name: "web", namespace: "apps" }) =>
    obj("kubernetes:apps/v1:Deployment", "web", { apiVersion: "apps/v1", kind: "Deployment", metadata, spec: { template: { metadata: { labels: { app: "web" } }, spec } } });

describe("offline rules: Kubernetes objects", () => {
    it("refuses a Service exposing one port and protocol twice, or one node port twice (ValidateService)", () => {
        const svc = (ports: unknown[]) => objectViolations(obj("kubernetes:core/v1:Service", "s", { kind: "Service", metadata: { name: "s", namespace: "a" }, spec: { ports } }));
        assert.deepEqual(svc([{ name: "dns", port: 53, protocol: "UDP" }, { name: "dns-tcp", port: 53, protocol: "TCP" }]), [], "one port under two protocols is fine");
        const [dup] = svc([{ name: "http", port: 80 }, { name: "management", port: 80, protocol: "TCP" }]);
        assert.equal(dup.property, "spec.ports[1].port");
        assert.match(dup.rule, /80\/TCP is also spec.ports\[0\]/);
        assert.ok(svc([{ name: "a", port: 80, nodePort: 30080 }, { name: "b", port: 81, nodePort: 30080 }]).some((v) => v.property === "spec.ports[1].nodePort"));
    });


    it("names objects by kind: namespaces are DNS-1123 labels, Services DNS-1035 labels, others subdomains", () => {
        assert.match(objectViolations(obj("kubernetes:core/v1:Namespace", "n", { kind: "Namespace", metadata: { name: "my.ns" } }))[0].rule, /DNS-1123 label/);
        assert.match(objectViolations(obj("kubernetes:core/v1:Service", "s", { kind: "Service", metadata: { name: "1svc" }, spec: {} }))[0].rule, /DNS-1035 label/);
        assert.deepEqual(objectViolations(obj("kubernetes:core/v1:ConfigMap", "c", { kind: "ConfigMap", metadata: { name: "my.config" } })), []);
        assert.match(objectViolations(obj("kubernetes:core/v1:ConfigMap", "c", { kind: "ConfigMap", metadata: { name: "My" } }))[0].source, /IsDNS1123Subdomain/);
    });

    // cert-manager's chart names its RBAC objects `cert-manager-webhook:subjectaccessreviews` and the API server takes them.
    it("names RBAC roles and bindings as path segments (ValidateRBACName): ':' and capitals pass, '/', '%', '.' and '..' do not", () => {
        const rbac = (kind: string, name: string) => objectViolations(obj(`kubernetes:rbac.authorization.k8s.io/v1:${kind}`, "r", { kind, metadata: { name } }));
        for (const kind of ["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"]) assert.deepEqual(rbac(kind, "cert-manager-webhook:subjectaccessreviews"), [], kind);
        assert.deepEqual(rbac("ClusterRole", "system:Aggregate"), []);
        assert.match(rbac("ClusterRole", "a/b")[0].rule, /may not contain '\/'/);
        assert.match(rbac("RoleBinding", "50%")[0].rule, /may not contain '%'/);
        assert.match(rbac("Role", "..")[0].source, /ValidateRBACName/);
    });

    it("checks label keys and values and the 256 KiB annotation total", () => {
        assert.match(qualifiedNameProblem("example.com/" + "k".repeat(64))!, /63/);
        const labels = objectViolations(obj("kubernetes:core/v1:ConfigMap", "c", { kind: "ConfigMap", metadata: { name: "c", labels: { "bad key": "v", ok: "-v" } } }));
        assert.equal(labels.length, 2);
        const big = objectViolations(obj("kubernetes:core/v1:ConfigMap", "c", { kind: "ConfigMap", metadata: { name: "c", annotations: { a: "x".repeat(256 * 1024) } } }));
        assert.match(big[0].rule, /at most 262144 bytes/);
        assert.match(big[0].source, /TotalAnnotationSizeLimitB/);
    });

    it("checks container and port names (IANA_SVC_NAME, 15 characters), uniqueness, probes' named ports and requests within limits", () => {
        assert.equal(portNameProblem("management-http"), undefined, "15 characters fit");
        assert.match(portNameProblem("management-https")!, /1 to 15/);
        assert.match(portNameProblem("8080")!, /at least one letter/);
        const v = objectViolations(deployment({
            containers: [
                { name: "app", ports: [{ name: "http", containerPort: 80 }, { name: "http", containerPort: 81 }], readinessProbe: { httpGet: { path: "/", port: "health" } }, resources: { requests: { cpu: "2", memory: "1Gi" }, limits: { cpu: "1500m", memory: "1024Mi" } } },
                { name: "app" },
                { name: "Side_car" },
            ],
        }));
        const rules = v.map((x) => `${x.property}: ${x.rule}`);
        assert.ok(rules.some((r) => /ports\[1\]\.name: port names must be unique/.test(r)), rules.join("\n"));
        assert.ok(rules.some((r) => /readinessProbe\.port: a probe's named port must be a port of its container \(has http\)/.test(r)));
        assert.ok(rules.some((r) => /requests\.cpu: must be less than or equal to the cpu limit "1500m"/.test(r)));
        assert.ok(!rules.some((r) => /requests\.memory/.test(r)), "1Gi equals 1024Mi");
        assert.ok(rules.some((r) => /containers\[1\]\.name: container names must be unique/.test(r)));
        assert.ok(rules.some((r) => /containers\[2\]\.name: a container name must be a DNS-1123 label/.test(r)));
        assert.equal(parseQuantity("1Gi"), parseQuantity("1024Mi"));
        assert.equal(parseQuantity("500m"), 0.5);
    });

    it("refuses two objects with one kind, namespace and name", () => {
        const cm = () => obj("kubernetes:core/v1:ConfigMap", "c", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "n" } });
        const v = clusterViolations([cm(), { ...cm(), urn: "urn:other" }]);
        assert.match(v[0].rule, /already exists/);
    });

    it("evaluates pod templates against the level their namespace enforces, as the API server does", () => {
        const ns = (labels: Record<string, string>) => obj("kubernetes:core/v1:Namespace", "ns", { kind: "Namespace", metadata: { name: "apps", labels } });
        const pod = deployment({ containers: [{ name: "app", image: "x:1" }] });
        assert.deepEqual(clusterViolations([ns({}), pod]), [], "unlabelled namespaces are privileged");
        const v = clusterViolations([ns({ "pod-security.kubernetes.io/enforce": "restricted" }), pod]);
        assert.equal(v.length, 1);
        assert.match(v[0].rule, /violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false/);
        assert.match(v[0].source, /check_allowPrivilegeEscalation\.go/);
        assert.deepEqual(clusterViolations([ns({ "pod-security.kubernetes.io/enforce": "baseline" }), pod]), [], "the same pod meets baseline");
    });
});
