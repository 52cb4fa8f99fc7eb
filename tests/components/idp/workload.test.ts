import * as assert from "node:assert/strict";
import { Evaluation, RecordedResource } from "../../../offline/mockCloud";
import { dependsOn, evaluateStack, shippedStack, ofType, only, stackConfig } from "../../harness";
import { evaluate } from "../../../offline/mockCloud";
import { containerEnv, envProblems, programEnv } from "../../../components/idp/workload";

type Obj = { metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec: any; [k: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
const obj = (r: RecordedResource) => r.inputs as unknown as Obj;
const named = (resources: readonly RecordedResource[], type: string, name: string) => {
    const found = ofType(resources, type).filter((r) => obj(r).metadata?.name === name);
    assert.equal(found.length, 1, `expected one ${type} named ${name}, found ${found.length}`);
    return found[0];
};

describe("idp: workload", () => {
    let dev: Evaluation;
    let prod: Evaluation;
    before(async () => {
        dev = await shippedStack("dev");
        prod = await shippedStack("prod");
    });

    it("namespace idp-system enforces the restricted Pod Security Standard and injects LB readiness gates", () => {
        const ns = obj(only(dev.resources, "kubernetes:core/v1:Namespace", "-idp-ns"));
        assert.equal(ns.metadata.name, "idp-system");
        assert.equal(ns.metadata.labels!["pod-security.kubernetes.io/enforce"], "restricted");
        assert.equal(ns.metadata.labels!["pod-security.kubernetes.io/warn"], "restricted");
        assert.equal(ns.metadata.labels!["elbv2.k8s.aws/pod-readiness-gate-inject"], "enabled");
    });

    it("runs the configured image with ports http 8080 and management 9090 and probes on the actuator health groups", () => {
        const d = obj(only(dev.resources, "kubernetes:apps/v1:Deployment", "-idp-deployment"));
        const c = d.spec.template.spec.containers[0];
        assert.equal(c.image, "111122223333.dkr.ecr.us-east-1.amazonaws.com/idp-server:1.0.0");
        assert.deepEqual(c.ports, [{ name: "http", containerPort: 8080, protocol: "TCP" }, { name: "management", containerPort: 9090, protocol: "TCP" }]);
        assert.deepEqual(c.readinessProbe.httpGet, { path: "/actuator/health/readiness", port: "http" });
        assert.deepEqual(c.livenessProbe.httpGet, { path: "/actuator/health/liveness", port: "http" });
        assert.deepEqual(d.spec.selector, { matchLabels: { app: "idp-server" } });
    });

    it("runs non-root with a numeric UID, a read-only root filesystem with /tmp, no capabilities, RuntimeDefault seccomp", () => {
        const pod = obj(only(prod.resources, "kubernetes:apps/v1:Deployment", "-idp-deployment")).spec.template.spec;
        assert.deepEqual(pod.securityContext, { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: "RuntimeDefault" } });
        const c = pod.containers[0];
        assert.deepEqual(c.securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } });
        assert.deepEqual(c.volumeMounts, [{ name: "tmp", mountPath: "/tmp" }]);
        assert.deepEqual(pod.volumes, [{ name: "tmp", emptyDir: {} }]);
        assert.deepEqual(c.resources, { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2", memory: "1Gi" } });
    });

    it("uses its own service account without a mounted token", () => {
        const sa = obj(only(dev.resources, "kubernetes:core/v1:ServiceAccount", "-idp-sa"));
        assert.equal(sa.metadata.name, "idp-server");
        assert.equal(sa.automountServiceAccountToken, false);
        const pod = obj(only(dev.resources, "kubernetes:apps/v1:Deployment", "-idp-deployment")).spec.template.spec;
        assert.equal(pod.serviceAccountName, "idp-server");
        assert.equal(pod.automountServiceAccountToken, false);
    });

    it("rolls out without dropping capacity: maxUnavailable 0, preStop sleep, grace period", () => {
        const d = obj(only(prod.resources, "kubernetes:apps/v1:Deployment", "-idp-deployment"));
        assert.deepEqual(d.spec.strategy, { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
        assert.deepEqual(d.spec.template.spec.containers[0].lifecycle, { preStop: { sleep: { seconds: 40 } } });
        assert.equal(d.spec.template.spec.terminationGracePeriodSeconds, 75);
    });

    it("spreads pods across zones", () => {
        const pod = obj(only(dev.resources, "kubernetes:apps/v1:Deployment", "-idp-deployment")).spec.template.spec;
        assert.deepEqual(pod.topologySpreadConstraints.map((t: { topologyKey: string }) => t.topologyKey), ["topology.kubernetes.io/zone", "kubernetes.io/hostname"]);
    });

    it("dev: 2 replicas with a PodDisruptionBudget and no autoscaler", () => {
        assert.equal(obj(only(dev.resources, "kubernetes:apps/v1:Deployment", "-idp-deployment")).spec.replicas, 2);
        assert.deepEqual(obj(only(dev.resources, "kubernetes:policy/v1:PodDisruptionBudget", "-idp-pdb")).spec, { minAvailable: 1, selector: { matchLabels: { app: "idp-server" } } });
        assert.equal(ofType(dev.resources, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler").length, 0);
    });

    it("prod: a HorizontalPodAutoscaler from 3 to 9 owns the replica count", () => {
        const hpa = obj(only(prod.resources, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "-idp-hpa"));
        assert.equal(hpa.spec.minReplicas, 3);
        assert.equal(hpa.spec.maxReplicas, 9);
        assert.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: "apps/v1", kind: "Deployment", name: "idp-server" });
        assert.equal(obj(only(prod.resources, "kubernetes:apps/v1:Deployment", "-idp-deployment")).spec.replicas, undefined);
        assert.equal(obj(only(prod.resources, "kubernetes:policy/v1:PodDisruptionBudget", "-idp-pdb")).spec.minAvailable, 2);
    });

    it("no PodDisruptionBudget for a single replica", async () => {
        const { resources } = await evaluateStack("dev", { "idp-eks:idpReplicas": 1 });
        assert.equal(ofType(resources, "kubernetes:policy/v1:PodDisruptionBudget").length, 0);
    });

    it("ClusterIP idp-server: http 80 -> 8080 and management 9090", () => {
        const svc = obj(named(dev.resources, "kubernetes:core/v1:Service", "idp-server"));
        assert.equal(svc.spec.type, "ClusterIP");
        assert.deepEqual(svc.spec.ports, [{ protocol: "TCP", name: "http", port: 80, targetPort: "http" }, { protocol: "TCP", name: "management", port: 9090, targetPort: "management" }]);
        assert.deepEqual(svc.spec.selector, { app: "idp-server" });
    });

    it("dev: NodePort idp-server-nodeport on 30080; prod has none", () => {
        const svc = obj(named(dev.resources, "kubernetes:core/v1:Service", "idp-server-nodeport"));
        assert.equal(svc.spec.type, "NodePort");
        assert.deepEqual(svc.spec.ports, [{ protocol: "TCP", name: "http", port: 80, targetPort: "http", nodePort: 30080 }]);
        assert.equal(ofType(prod.resources, "kubernetes:core/v1:Service").filter((s) => obj(s).spec.type === "NodePort").length, 0);
    });

    it("dev: PostgreSQL and Redis StatefulSets behind headless Services, with stable pod DNS and encrypted gp3 volumes deleted with the unprotected stack", () => {
        const sc = obj(only(dev.resources, "kubernetes:storage.k8s.io/v1:StorageClass"));
        assert.equal(sc.provisioner, "ebs.csi.aws.com");
        assert.deepEqual(sc.parameters, { type: "gp3", encrypted: "true" });
        assert.equal(sc.reclaimPolicy, "Delete");
        for (const [name, port] of [["postgres", 5432], ["redis", 6379]] as const) {
            const headless = obj(named(dev.resources, "kubernetes:core/v1:Service", `${name}-headless`));
            assert.equal(headless.spec.clusterIP, "None");
            const set = obj(named(dev.resources, "kubernetes:apps/v1:StatefulSet", name));
            assert.equal(set.spec.serviceName, `${name}-headless`, "pod DNS <name>-0.<name>-headless");
            assert.deepEqual(set.spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: "Delete", whenScaled: "Retain" });
            assert.equal(set.spec.volumeClaimTemplates[0].spec.storageClassName, "idp-gp3-encrypted");
            assert.equal(set.spec.template.spec.containers[0].ports[0].containerPort, port);
            assert.equal(set.spec.template.spec.securityContext.runAsNonRoot, true);
            assert.equal(obj(named(dev.resources, "kubernetes:core/v1:Service", name)).spec.type, "ClusterIP");
        }
        assert.equal(dev.outputs.serviceFqdns && (dev.outputs.serviceFqdns as Record<string, string>)["postgres-headless"], "postgres-headless.idp-system.svc.cluster.local");
    });

    it("dev: datastore passwords are generated and kept only in Secrets", () => {
        for (const name of ["postgres-credentials", "redis-credentials"]) {
            const secret = obj(named(dev.resources, "kubernetes:core/v1:Secret", name));
            assert.deepEqual(secret.stringData, { password: "[secret]" });
        }
        const env = obj(only(dev.resources, "kubernetes:apps/v1:Deployment", "-idp-deployment")).spec.template.spec.containers[0].env;
        assert.deepEqual(env.find((e: { name: string }) => e.name === "SPRING_DATASOURCE_PASSWORD").valueFrom, { secretKeyRef: { name: "postgres-credentials", key: "password" } });
    });

    it("prod: ExternalName Services alias the managed endpoints, so the IdP's connection strings match dev's", () => {
        assert.deepEqual(obj(named(prod.resources, "kubernetes:core/v1:Service", "postgres")).spec, { type: "ExternalName", externalName: "idp.cluster-example.us-east-1.rds.amazonaws.com" });
        assert.deepEqual(obj(named(prod.resources, "kubernetes:core/v1:Service", "redis")).spec, { type: "ExternalName", externalName: "idp.example.cache.amazonaws.com" });
        assert.equal(ofType(prod.resources, "kubernetes:apps/v1:StatefulSet").length, 0);
        const envOf = (e: Evaluation) => obj(only(e.resources, "kubernetes:apps/v1:Deployment", "-idp-deployment")).spec.template.spec.containers[0].env
            .filter((v: { name: string }) => v.name === "SPRING_DATASOURCE_URL" || v.name === "SPRING_DATA_REDIS_HOST");
        assert.deepEqual(envOf(prod), envOf(dev));
    });

    it("puts secret config in a Kubernetes Secret and never in the Deployment", async () => {
        const config = stackConfig("dev", { "idp-eks:idpSecretEnv": ["CLIENT_SECRET=s3cr3t-value"] });
        config.secretKeys.push("idp-eks:idpSecretEnv");
        const { resources } = await evaluate({ stack: "dev", config });
        const secret = obj(named(resources, "kubernetes:core/v1:Secret", "idp-server-env"));
        assert.deepEqual(secret.stringData, { CLIENT_SECRET: "[secret]" });
        const d = only(resources, "kubernetes:apps/v1:Deployment", "-idp-deployment");
        assert.deepEqual(obj(d).spec.template.spec.containers[0].envFrom, [{ secretRef: { name: "idp-server-env" } }]);
        assert.doesNotMatch(JSON.stringify(resources), /s3cr3t-value/);
    });

    it("passes plain env and the pod dnsConfig from config", async () => {
        const { resources } = await evaluateStack("dev", { "idp-eks:idpEnv": ["SPRING_PROFILES_ACTIVE=dev"], "idp-eks:idpDnsSearches": ["corp.example.com"] });
        const pod = obj(only(resources, "kubernetes:apps/v1:Deployment", "-idp-deployment")).spec.template.spec;
        assert.deepEqual(pod.containers[0].env.at(-1), { name: "SPRING_PROFILES_ACTIVE", value: "dev" });
        assert.deepEqual(pod.dnsConfig, { searches: ["corp.example.com"], options: [{ name: "ndots", value: "2" }] });
    });

    // Server-side apply refuses a container env with a name twice (kubernetes/kubernetes#121575); the
    // README suggests overriding the datasource URL (sslmode=verify-full), so idpEnv replaces a default.
    it("an idpEnv entry replaces the program's default of that name: one entry per name, in a fixed order", async () => {
        const url = "jdbc:postgresql://idp.cluster-example.us-east-1.rds.amazonaws.com:5432/idp?sslmode=verify-full";
        const { resources } = await evaluateStack("dev", { "idp-eks:idpEnv": ["LOG_LEVEL=debug", `SPRING_DATASOURCE_URL=${url}`] });
        const env = obj(only(resources, "kubernetes:apps/v1:Deployment", "-idp-deployment")).spec.template.spec.containers[0].env as { name: string; value?: string; valueFrom?: unknown }[];
        assert.deepEqual(env.map((e) => e.name), ["SPRING_DATASOURCE_URL", "SPRING_DATA_REDIS_HOST", "SPRING_DATASOURCE_USERNAME", "SPRING_DATASOURCE_PASSWORD", "SPRING_DATA_REDIS_PASSWORD", "LOG_LEVEL"]);
        assert.equal(env[0].value, url);
        assert.equal(env[2].value, "idp");
        assert.deepEqual(env[3].valueFrom, { secretKeyRef: { name: "postgres-credentials", key: "password" } });
    });

    it("containerEnv keeps Secret-fed variables and envProblems names a plain value given for one", () => {
        const program = programEnv("idp-system", true);
        const env = containerEnv(program, { SPRING_DATA_REDIS_PASSWORD: "plain", A: "1" });
        assert.deepEqual(env.filter((e) => e.name === "SPRING_DATA_REDIS_PASSWORD"), [program[4]]);
        assert.match(envProblems(program, { SPRING_DATA_REDIS_PASSWORD: "plain" }).join(), /SPRING_DATA_REDIS_PASSWORD .*from its Secret/);
        // postgres is created with the user idp (POSTGRES_USER): another user name cannot log in.
        assert.match(envProblems(program, { SPRING_DATASOURCE_USERNAME: "app" }).join(), /SPRING_DATASOURCE_USERNAME .*the user it was created with/);
        assert.deepEqual(containerEnv(program, { SPRING_DATASOURCE_USERNAME: "app" }).find((e) => e.name === "SPRING_DATASOURCE_USERNAME"), { name: "SPRING_DATASOURCE_USERNAME", value: "idp" });
        assert.deepEqual(envProblems(programEnv("idp-system", false), { SPRING_DATASOURCE_USERNAME: "app" }), [], "external datastores: the user is yours");
        assert.deepEqual(envProblems(programEnv("idp-system", false), { SPRING_DATA_REDIS_PASSWORD: "x" }), []);
    });

    it("everything in the namespace waits for the namespace", () => {
        const ns = only(dev.resources, "kubernetes:core/v1:Namespace", "-idp-ns");
        for (const r of dev.resources.filter((x) => obj(x).metadata?.namespace === "idp-system")) assert.ok(dependsOn(dev.resources, r, ns), r.name);
    });
});
