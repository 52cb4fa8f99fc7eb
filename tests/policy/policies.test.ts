import * as assert from "node:assert/strict";
import type { PolicyResource, ResourceValidationArgs } from "@pulumi/policy";
import { resourcePolicies, stackPolicies } from "../../policy/policies";
import { RecordedResource } from "../../offline/mockCloud";
import { evaluateStack, shippedStack } from "../harness";

type Props = Record<string, unknown>;
const asPolicyResource = (type: string, props: Props, name = "r"): PolicyResource =>
    ({ type, props, urn: `urn:pulumi:test::idp-eks::${type}::${name}`, name, opts: {}, isType: () => false, asType: () => undefined, dependencies: [], propertyDependencies: {} }) as unknown as PolicyResource;

/** Runs every policy over a set of resources; returns "policy: message" findings. */
function findings(resources: PolicyResource[], config: Record<string, unknown> = {}): string[] {
    const out: string[] = [];
    for (const policy of resourcePolicies) {
        for (const r of resources) {
            const args = { ...r, getConfig: () => config[policy.name] ?? {}, notApplicable: () => undefined } as unknown as ResourceValidationArgs;
            for (const validate of [policy.validateResource!].flat()) void validate(args, (message: string) => out.push(`${policy.name}: ${message}`));
        }
    }
    for (const policy of stackPolicies) {
        void policy.validateStack({ resources, getConfig: () => ({}) } as never, (message: string) => out.push(`${policy.name}: ${message}`));
    }
    return out;
}
const fromRecorded = (resources: readonly RecordedResource[]) => resources.map((r) => asPolicyResource(r.type, r.inputs, r.name));
const PROD = { "prod-cluster-hardening": { production: true } };

const deployment = (container: Props, pod: Props = {}) => asPolicyResource("kubernetes:apps/v1:Deployment", {
    metadata: { name: "app", namespace: "apps" },
    spec: { template: { spec: { ...pod, containers: [{ name: "c", image: "x:1", ...container }] } } },
});
const hardened = { securityContext: { runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false }, resources: { limits: { cpu: "1", memory: "1Gi" } } };
const denyAll = asPolicyResource("kubernetes:networking.k8s.io/v1:NetworkPolicy", { metadata: { name: "default-deny", namespace: "apps" }, spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } });
const cniOn = asPolicyResource("aws:eks/addon:Addon", { addonName: "vpc-cni", configurationValues: JSON.stringify({ enableNetworkPolicy: "true" }) });

describe("policy pack", () => {
    it("dev has no findings but the advisory one: ingress-nginx is retired", async () => {
        assert.deepEqual(findings(fromRecorded((await shippedStack("dev")).resources)).map((f) => f.split(":")[0]), ["ingress-nginx-retired"]);
    });

    // ingress-nginx's retirement (announced 2025-11-11): best-effort maintenance ended March 2026,
    // 4.15.1 / 1.15.1 is the final release. The pack advises, it does not block: the path stays supported.
    it("ingress-nginx-retired advises (never blocks) on any ingress-nginx release and names the gateway path", () => {
        const policy = resourcePolicies.find((p) => p.name === "ingress-nginx-retired")!;
        assert.equal(policy.enforcementLevel, "advisory");
        const release = asPolicyResource("kubernetes:helm.sh/v3:Release", { name: "edge", chart: "ingress-nginx", values: {} });
        const [finding] = findings([release]);
        assert.match(finding, /^ingress-nginx-retired: .*March 2026.*idpIngress: gateway/);
        assert.deepEqual(findings([asPolicyResource("kubernetes:helm.sh/v3:Release", { name: "x", chart: "cert-manager", values: {} })]).filter((f) => f.startsWith("ingress-nginx-retired")), []);
    });

    it("load-balancer-tls13 fires on a Gateway LoadBalancerConfiguration whose HTTPS listener lacks the TLS 1.3 policy", () => {
        const lbc = (sslPolicy?: string) => asPolicyResource("kubernetes:gateway.k8s.aws/v1:LoadBalancerConfiguration", { metadata: { name: "edge" }, spec: { scheme: "internal", listenerConfigurations: [{ protocolPort: "HTTPS:443", defaultCertificate: "arn", sslPolicy }] } });
        assert.deepEqual(findings([lbc()]).map((f) => f.split(":")[0]), ["load-balancer-tls13"]);
        assert.deepEqual(findings([lbc("ELBSecurityPolicy-TLS13-1-2-2021-06")]), []);
    });

    it("prod has no findings, with the production checks on", async () => {
        assert.deepEqual(findings(fromRecorded((await shippedStack("prod")).resources), PROD), []);
    });

    it("volume-retention-follows-protection: retained volumes on an unprotected cluster, and deletable ones on a protected cluster, are findings", () => {
        const cluster = (deletionProtection: boolean) => asPolicyResource("eks:index:Cluster", { deletionProtection });
        const sc = (reclaimPolicy?: string) => asPolicyResource("kubernetes:storage.k8s.io/v1:StorageClass", { metadata: { name: "gp3" }, provisioner: "ebs.csi.aws.com", ...(reclaimPolicy ? { reclaimPolicy } : {}) });
        const set = (whenDeleted?: string) => asPolicyResource("kubernetes:apps/v1:StatefulSet", {
            metadata: { name: "db", namespace: "apps" },
            spec: { ...(whenDeleted ? { persistentVolumeClaimRetentionPolicy: { whenDeleted, whenScaled: "Retain" } } : {}), volumeClaimTemplates: [{ metadata: { name: "data" } }], template: { spec: { containers: [] } } },
        });
        const retention = (rs: PolicyResource[]) => findings([...rs, denyAll, cniOn]).filter((f) => f.startsWith("volume-retention-follows-protection"));
        // Unprotected (dev): Retain orphans volumes on destroy; the StatefulSet default (no policy) is Retain too.
        assert.equal(retention([cluster(false), sc("Retain"), set()]).length, 2);
        assert.deepEqual(retention([cluster(false), sc("Delete"), set("Delete")]), []);
        // Protected (prod): the StorageClass default, Delete, would lose data with its claim.
        assert.equal(retention([cluster(true), sc(), set("Delete")]).length, 2);
        assert.deepEqual(retention([cluster(true), sc("Retain"), set("Retain")]), []);
    });

    it("prod with the ALB Gateway has no findings, with the production checks on", async () => {
        assert.deepEqual(findings(fromRecorded((await evaluateStack("prod", { "idp-eks:idpIngress": "gateway" })).resources), PROD), []);
    });

    it("prod-cluster-hardening fires on dev's cluster when production checks are on", async () => {
        const found = findings(fromRecorded((await shippedStack("dev")).resources), PROD).filter((f) => f.startsWith("prod-cluster-hardening"));
        assert.deepEqual(found, [
            "prod-cluster-hardening: control plane log api is off",
            "prod-cluster-hardening: control plane log authenticator is off",
            "prod-cluster-hardening: deletion protection is off",
        ]);
    });

    it("prod-cluster-hardening reads the aws.eks.Cluster a real preview shows", () => {
        const cluster = asPolicyResource("aws:eks/cluster:Cluster", { vpcConfig: { endpointPrivateAccess: false }, enabledClusterLogTypes: ["api", "audit", "authenticator"], encryptionConfig: { resources: [] }, deletionProtection: true });
        assert.deepEqual(findings([cluster], PROD), ["prod-cluster-hardening: the cluster's private API endpoint is off", "prod-cluster-hardening: Kubernetes Secrets are not envelope-encrypted with KMS"]);
    });

    it("load-balancer-tls13 fires on an NLB and an ALB without the TLS 1.3 policy", () => {
        const nlb = asPolicyResource("kubernetes:core/v1:Service", { metadata: { name: "lb", annotations: { "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": "arn", "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" } }, spec: { type: "LoadBalancer", loadBalancerClass: "service.k8s.aws/nlb" } });
        const alb = asPolicyResource("kubernetes:networking.k8s.io/v1:Ingress", { metadata: { name: "web", annotations: { "alb.ingress.kubernetes.io/certificate-arn": "arn", "alb.ingress.kubernetes.io/scheme": "internal" } }, spec: { ingressClassName: "alb" } });
        assert.deepEqual(findings([nlb, alb]).map((f) => f.split(":")[0]), ["load-balancer-tls13", "load-balancer-tls13"]);
    });

    it("load-balancer-controller-explicit-scheme fires on a legacy NLB without a scheme and an ALB without a scheme", () => {
        const legacy = asPolicyResource("kubernetes:core/v1:Service", { metadata: { name: "lb", annotations: { "service.beta.kubernetes.io/aws-load-balancer-type": "nlb" } }, spec: { type: "LoadBalancer" } });
        const alb = asPolicyResource("kubernetes:networking.k8s.io/v1:Ingress", { metadata: { name: "web" }, spec: { ingressClassName: "alb" } });
        const found = findings([legacy, alb]).filter((f) => f.startsWith("load-balancer-controller-explicit-scheme"));
        assert.equal(found.length, 4);
        assert.match(found.join("\n"), /legacy in-tree controller/);
        assert.match(found.join("\n"), /ALB Ingress web has no/);
    });

    it("no-ingress-class-annotation fires on the deprecated annotation", () => {
        const ing = asPolicyResource("kubernetes:networking.k8s.io/v1:Ingress", { metadata: { name: "web", annotations: { "kubernetes.io/ingress.class": "nginx" } }, spec: {} });
        assert.deepEqual(findings([ing]), ["no-ingress-class-annotation: Ingress web uses the deprecated kubernetes.io/ingress.class annotation"]);
    });

    it("hardened-containers fires on root, writable, escalating, unlimited containers", () => {
        const found = findings([deployment({}), denyAll, cniOn]).filter((f) => f.startsWith("hardened-containers"));
        assert.equal(found.length, 4);
        assert.deepEqual(findings([deployment(hardened), denyAll, cniOn]), []);
    });

    it("no-plaintext-secrets-in-env fires on a literal password", () => {
        const d = deployment({ ...hardened, env: [{ name: "DB_PASSWORD", value: "hunter2" }, { name: "API_TOKEN", valueFrom: { secretKeyRef: { name: "s", key: "k" } } }] });
        assert.deepEqual(findings([d, denyAll, cniOn]), ["no-plaintext-secrets-in-env: app/c sets DB_PASSWORD as a literal value; use valueFrom.secretKeyRef"]);
    });

    it("default-deny-per-app-namespace fires on a namespace with workloads and no default-deny", () => {
        assert.deepEqual(findings([deployment(hardened)]), ["default-deny-per-app-namespace: namespace apps runs workloads without a default-deny NetworkPolicy for ingress and egress"]);
    });

    // Issue 15: every platform namespace has PSS labels and default-deny. A Helm release's pods are not
    // stack resources, so its namespace (and every namespace the stack creates) must count too.
    it("default-deny-per-app-namespace also covers Helm release namespaces and created namespaces", () => {
        const release = asPolicyResource("kubernetes:helm.sh/v3:Release", { chart: "cert-manager", namespace: "cert-manager" });
        const ns = asPolicyResource("kubernetes:core/v1:Namespace", { metadata: { name: "ingress-nginx", labels: { "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/audit": "restricted", "pod-security.kubernetes.io/warn": "restricted" } } });
        assert.deepEqual(findings([release, ns]).sort(), [
            "default-deny-per-app-namespace: namespace cert-manager runs workloads without a default-deny NetworkPolicy for ingress and egress",
            "default-deny-per-app-namespace: namespace ingress-nginx runs workloads without a default-deny NetworkPolicy for ingress and egress",
        ]);
        const kubeSystem = asPolicyResource("kubernetes:helm.sh/v3:Release", { chart: "aws-load-balancer-controller", namespace: "kube-system" });
        assert.deepEqual(findings([kubeSystem]), []);
    });

    it("pod-security-admission-labels fires on a created namespace without enforce/audit/warn at baseline or restricted", () => {
        const bare = asPolicyResource("kubernetes:core/v1:Namespace", { metadata: { name: "apps", labels: { "pod-security.kubernetes.io/enforce": "privileged" } } });
        assert.deepEqual(findings([bare, denyAll, cniOn]), [
            "pod-security-admission-labels: namespace apps has no pod-security.kubernetes.io/enforce label of baseline or restricted (got \"privileged\")",
            "pod-security-admission-labels: namespace apps has no pod-security.kubernetes.io/audit label of baseline or restricted (got null)",
            "pod-security-admission-labels: namespace apps has no pod-security.kubernetes.io/warn label of baseline or restricted (got null)",
        ]);
    });

    it("network-policy-enforcement fires when policies exist but the VPC CNI does not enforce them", () => {
        const off = asPolicyResource("aws:eks/addon:Addon", { addonName: "vpc-cni", configurationValues: JSON.stringify({ enableNetworkPolicy: "false" }) });
        assert.deepEqual(findings([denyAll, off]).map((f) => f.split(":")[0]), ["network-policy-enforcement"]);
        assert.deepEqual(findings([denyAll, cniOn]), []);
    });
});
