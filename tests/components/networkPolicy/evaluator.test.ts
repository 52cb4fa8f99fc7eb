import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { parseConnectivityFile } from "../../../components/networkPolicy/connectivityFile";
import { ClusterState, NetworkPolicy, Pod, effectivePolicyTypes, evaluate, explain, selectorMatches } from "../../../components/networkPolicy/evaluator";

const pod = (namespace: string, name: string, labels: Record<string, string>, ip: string, ports: Pod["ports"] = []): Pod => ({ namespace, name, labels, ip, ports });
const web = pod("prod", "web", { app: "web" }, "10.0.0.1", [{ name: "http", port: 8080, protocol: "TCP" }]);
const api = pod("prod", "api", { app: "api", tier: "backend" }, "10.0.0.2", [{ name: "http", port: 9000, protocol: "TCP" }, { name: "dns", port: 53, protocol: "UDP" }]);
const other = pod("dev", "web", { app: "web" }, "10.0.1.1");
const namespaces = { prod: { "kubernetes.io/metadata.name": "prod", env: "prod" }, dev: { "kubernetes.io/metadata.name": "dev", env: "dev" } };
const np = (name: string, spec: NetworkPolicy["spec"], namespace = "prod"): NetworkPolicy => ({ metadata: { name, namespace }, spec });
const cluster = (...policies: NetworkPolicy[]): ClusterState => ({ namespaces, pods: [web, api, other], policies });
const allowed = (c: ClusterState, from: Pod | string, to: Pod | string, port: number | string, protocol: "TCP" | "UDP" | "SCTP" = "TCP") =>
    evaluate(c, { from: typeof from === "string" ? { ip: from } : { pod: from }, to: typeof to === "string" ? { ip: to } : { pod: to }, port, protocol }).allowed;

describe("networkPolicy: evaluator semantics", () => {
    it("a pod no policy selects allows everything", () => {
        assert.ok(allowed(cluster(), web, api, 9000));
    });

    it("isolation is per direction: an ingress-only policy leaves egress open", () => {
        const c = cluster(np("deny-in", { podSelector: { matchLabels: { app: "api" } }, policyTypes: ["Ingress"] }));
        assert.ok(!allowed(c, web, api, 9000));
        assert.ok(allowed(c, api, web, 8080));
    });

    it("infers policyTypes: Ingress always, Egress only with an egress rule", () => {
        assert.deepEqual(effectivePolicyTypes(np("a", { podSelector: {} })), ["Ingress"]);
        assert.deepEqual(effectivePolicyTypes(np("b", { podSelector: {}, egress: [{}] })), ["Ingress", "Egress"]);
        assert.deepEqual(effectivePolicyTypes(np("c", { podSelector: {}, egress: [] })), ["Ingress"]);
        assert.deepEqual(effectivePolicyTypes(np("d", { podSelector: {}, policyTypes: [] , egress: [{}] })), ["Ingress", "Egress"]);
    });

    // Kubernetes API reference (IPBlock.except: "a slice of CIDRs that should not be included within an
    // IPBlock"): an address in any of several excepts is outside the block. The platform's "internet"
    // (0.0.0.0/0 except the VPC and 169.254.0.0/16) and the control plane's intra CIDRs rely on it.
    it("an ipBlock with several excepts leaves out an address in any of them, pod IPs included", () => {
        const c = cluster(np("internet", { podSelector: { matchLabels: { app: "web" } }, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/16", "169.254.0.0/16"] } }], ports: [{ port: 443 }] }] }));
        assert.ok(allowed(c, web, "198.51.100.20", 443));
        assert.ok(!allowed(c, web, api, 443), "a pod in the VPC is excepted");
        assert.ok(!allowed(c, web, "10.0.192.5", 443), "the control plane in the VPC is excepted");
        assert.ok(!allowed(c, web, "169.254.170.23", 443), "link-local (Pod Identity agent) is excepted");
        assert.ok(!allowed(c, web, "169.254.169.254", 443), "instance metadata is excepted");
        assert.ok(allowed(c, web, "10.1.0.1", 443), "just outside the first except");
    });

    it("a policy with policyTypes [Egress] ignores its ingress list", () => {
        const c = cluster(np("e", { podSelector: {}, policyTypes: ["Egress"], ingress: [], egress: [] }));
        assert.ok(allowed(c, other, api, 9000), "ingress to api is not isolated");
        assert.ok(!allowed(c, api, other, 80));
    });

    it("empty and missing rule lists allow nothing; [{}] allows everything", () => {
        assert.ok(!allowed(cluster(np("x", { podSelector: {}, ingress: [] })), other, api, 9000));
        assert.ok(!allowed(cluster(np("x", { podSelector: {} })), other, api, 9000));
        assert.ok(allowed(cluster(np("x", { podSelector: {}, ingress: [{}] })), "8.8.8.8", api, 1234, "UDP"));
    });

    it("policies are a union: any selecting policy's rule admits", () => {
        const c = cluster(np("a", { podSelector: {}, ingress: [] }), np("b", { podSelector: { matchLabels: { app: "api" } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: "web" } } }] }] }));
        assert.ok(allowed(c, web, api, 9000));
        assert.ok(!allowed(c, api, web, 8080));
    });

    it("podSelector alone matches pods in the policy's namespace only", () => {
        const c = cluster(np("x", { podSelector: { matchLabels: { app: "api" } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: "web" } } }] }] }));
        assert.ok(allowed(c, web, api, 9000));
        assert.ok(!allowed(c, other, api, 9000), "same labels, other namespace");
    });

    it("namespaceSelector and podSelector in one peer AND; in separate peers OR", () => {
        const and = cluster(np("x", { podSelector: { matchLabels: { app: "api" } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { env: "dev" } }, podSelector: { matchLabels: { app: "nope" } } }] }] }));
        assert.ok(!allowed(and, other, api, 9000));
        const or = cluster(np("x", { podSelector: { matchLabels: { app: "api" } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { env: "dev" } } }, { podSelector: { matchLabels: { app: "nope" } } }] }] }));
        assert.ok(allowed(or, other, api, 9000));
    });

    it("ipBlock matches pod IPs and external IPs, minus except; selector peers never match external IPs", () => {
        const c = cluster(np("x", { podSelector: { matchLabels: { app: "api" } }, ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.0/16", except: ["10.0.1.0/24"] } }, { namespaceSelector: {} }] }] }));
        assert.ok(allowed(c, web, api, 9000));
        assert.ok(allowed(c, other, api, 9000), "namespaceSelector {} admits every pod");
        assert.ok(allowed(c, "10.0.5.5", api, 9000));
        assert.ok(!allowed(c, "10.0.1.9", api, 9000), "excepted external address");
        assert.ok(!allowed(c, "192.0.2.1", api, 9000), "namespaceSelector {} does not match outside addresses");
    });

    it("matchExpressions In, NotIn (key absent), Exists, DoesNotExist", () => {
        assert.ok(selectorMatches({ matchExpressions: [{ key: "tier", operator: "In", values: ["backend"] }] }, api.labels));
        assert.ok(!selectorMatches({ matchExpressions: [{ key: "tier", operator: "In", values: ["backend"] }] }, web.labels));
        assert.ok(selectorMatches({ matchExpressions: [{ key: "tier", operator: "NotIn", values: ["backend"] }] }, web.labels), "absent key satisfies NotIn");
        assert.ok(selectorMatches({ matchExpressions: [{ key: "tier", operator: "Exists" }] }, api.labels));
        assert.ok(selectorMatches({ matchExpressions: [{ key: "tier", operator: "DoesNotExist" }] }, web.labels));
        assert.ok(selectorMatches({ matchLabels: {} }, {}) && selectorMatches(null, {}));
    });

    it("ports: missing protocol is TCP, missing port is every port of the protocol, endPort is inclusive", () => {
        const c = (ports: object[]) => cluster(np("x", { podSelector: { matchLabels: { app: "api" } }, ingress: [{ ports: ports as never }] }));
        assert.ok(!allowed(c([{ port: 53 }]), web, api, 53, "UDP"));
        assert.ok(allowed(c([{ protocol: "UDP" }]), web, api, 5353, "UDP"));
        assert.ok(!allowed(c([{}]), web, api, 5353, "UDP"), "{} is TCP on every port");
        assert.ok(allowed(c([{ port: 9000, endPort: 9010 }]), web, api, 9010));
        assert.ok(!allowed(c([{ port: 9000, endPort: 9010 }]), web, api, 9011));
    });

    it("named ports resolve on the destination pod, for ingress and egress, never on outside addresses", () => {
        const ingress = cluster(np("x", { podSelector: { matchLabels: { app: "api" } }, ingress: [{ ports: [{ port: "http" }] }] }));
        assert.ok(allowed(ingress, web, api, 9000));
        assert.ok(!allowed(ingress, web, api, 8080), "web's http is 8080 but the selected pod's is 9000");
        const egress = cluster(np("y", { podSelector: { matchLabels: { app: "api" } }, egress: [{ ports: [{ port: "http" }] }] }));
        assert.ok(allowed(egress, api, web, 8080));
        assert.ok(!allowed(egress, api, "10.9.9.9", 8080));
        assert.ok(allowed(cluster(), web, api, "dns", "UDP"), "a probe's named port resolves on the destination");
    });

    it("explains which policies isolate and which rule allowed", () => {
        const c = cluster(np("deny", { podSelector: {}, ingress: [] }), np("allow-web", { podSelector: { matchLabels: { app: "api" } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: "web" } } }] }] }));
        const v = evaluate(c, { from: { pod: web }, to: { pod: api }, port: 9000, protocol: "TCP" });
        assert.equal(v.ingress.allowedBy, "prod/allow-web ingress[0]");
        assert.deepEqual(v.ingress.isolatedBy, ["prod/deny", "prod/allow-web"]);
        assert.match(explain(evaluate(c, { from: { pod: api }, to: { pod: web }, port: 8080, protocol: "TCP" })), /isolated by prod\/deny; no ingress rule/);
    });

    it("refuses out-of-scope connections instead of guessing", () => {
        assert.throws(() => allowed(cluster(), web, web, 8080), /itself/);
        assert.throws(() => allowed(cluster(), web, "10.0.0.9", "http"), /outside the cluster/);
    });

    it("passes the case suite written from the Kubernetes docs and e2e tests (at least 40 cases)", () => {
        const file = path.join(__dirname, "../../data/connectivity/kubernetes-semantics.json");
        const cases = parseConnectivityFile(fs.readFileSync(file, "utf8"), file);
        assert.ok(cases.length >= 40, `${cases.length} cases`);
        for (const c of cases) {
            assert.ok(c.source, `${c.name} names its source`);
            for (const p of c.probes) assert.equal(evaluate(c.cluster, p).allowed, p.allowed, `${c.name}: ${p.label} (${p.why})`);
        }
    });

    it("passes every probe of the shared worked examples", () => {
        const file = path.join(__dirname, "../../data/connectivity/shared-examples.json");
        const cases = parseConnectivityFile(fs.readFileSync(file, "utf8"), file);
        let probes = 0;
        for (const c of cases) for (const p of c.probes) {
            probes++;
            assert.equal(evaluate(c.cluster, p).allowed, p.allowed, `${c.name}: ${p.label} (${p.why})`);
        }
        assert.equal(probes, 94);
    });
});
