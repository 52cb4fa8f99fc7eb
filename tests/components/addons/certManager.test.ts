import * as assert from "node:assert/strict";
import { Evaluation } from "../../../offline/mockCloud";
import { evaluateStack, shippedStack, ofType, only } from "../../harness";

describe("addons: cert-manager per stack", () => {
    let dev: Evaluation;
    let prod: Evaluation;
    before(async () => {
        dev = await shippedStack("dev");
        prod = await shippedStack("prod");
    });

    for (const stack of ["dev", "prod"] as const) {
        it(`${stack}: installs the pinned chart from cert-manager's OCI registry with CRDs enabled and kept, HA, into its own namespace`, () => {
            const { resources } = stack === "dev" ? dev : prod;
            const release = only(resources, "kubernetes:helm.sh/v3:Release", "-cert-manager");
            assert.equal(release.inputs.chart, "oci://quay.io/jetstack/charts/cert-manager");
            assert.equal(release.inputs.version, "v1.21.1");
            assert.equal(release.inputs.repositoryOpts, undefined, "an OCI chart takes no repository options");
            assert.equal(release.inputs.namespace, "cert-manager");
            const values = release.inputs.values as Record<string, unknown>;
            assert.deepEqual(values.crds, { enabled: true, keep: true });
            assert.equal(values.installCRDs, undefined, "installCRDs is deprecated");
            assert.equal(values.replicaCount, 2);
            assert.deepEqual((values.webhook as { replicaCount: number }).replicaCount, 2);
        });

        it(`${stack}: defines letsencrypt-staging and letsencrypt-prod with the configured e-mail, after the release`, () => {
            const { resources } = stack === "dev" ? dev : prod;
            const release = only(resources, "kubernetes:helm.sh/v3:Release", "-cert-manager");
            const issuers = ofType(resources, "kubernetes:cert-manager.io/v1:ClusterIssuer");
            assert.deepEqual(issuers.map((i) => (i.inputs.metadata as { name: string }).name).sort(), ["letsencrypt-prod", "letsencrypt-staging"]);
            for (const issuer of issuers) {
                const acme = (issuer.inputs.spec as { acme: Record<string, unknown> }).acme;
                assert.equal(acme.email, "platform-team@example.com");
                const name = (issuer.inputs.metadata as { name: string }).name;
                assert.equal(acme.server, name === "letsencrypt-prod" ? "https://acme-v02.api.letsencrypt.org/directory" : "https://acme-staging-v02.api.letsencrypt.org/directory");
                assert.deepEqual(acme.privateKeySecretRef, { name: `${name}-account-key` });
                assert.ok(issuer.dependencies.includes(release.urn), `${name} must wait for the cert-manager release (CRDs, webhook)`);
            }
        });
    }

    it("dev: solves HTTP-01 through the nginx IngressClass and needs no AWS identity", () => {
        for (const issuer of ofType(dev.resources, "kubernetes:cert-manager.io/v1:ClusterIssuer")) {
            assert.deepEqual((issuer.inputs.spec as { acme: { solvers: unknown } }).acme.solvers, [{ http01: { ingress: { ingressClassName: "nginx" } } }]);
        }
        assert.equal(ofType(dev.resources, "aws:iam/role:Role").filter((r) => r.name.includes("cert-manager")).length, 0);
        const values = only(dev.resources, "kubernetes:helm.sh/v3:Release", "-cert-manager").inputs.values as { serviceAccount: object };
        assert.deepEqual(values.serviceAccount, { create: true, name: "cert-manager" });
    });

    it("prod: solves DNS-01 in the configured Route53 zone with a role that can change that zone only", () => {
        for (const issuer of ofType(prod.resources, "kubernetes:cert-manager.io/v1:ClusterIssuer")) {
            assert.deepEqual((issuer.inputs.spec as { acme: { solvers: unknown } }).acme.solvers, [{ dns01: { route53: { region: "us-east-1", hostedZoneID: "Z0123456789EXAMPLEZONE" } } }]);
        }
        const policy = JSON.parse(only(prod.resources, "aws:iam/policy:Policy", "-cert-manager-route53").inputs.policy as string);
        const changeStatement = policy.Statement.find((s: { Action: string | string[] }) => [s.Action].flat().includes("route53:ChangeResourceRecordSets"));
        assert.equal(changeStatement.Resource, "arn:aws:route53:::hostedzone/Z0123456789EXAMPLEZONE");
        for (const s of policy.Statement as { Action: string | string[]; Resource: string }[]) {
            if (s.Resource === "*") assert.deepEqual([s.Action].flat(), ["route53:ListHostedZonesByName"], "only the zone lookup may be unscoped");
        }
        const association = only(prod.resources, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "-cert-manager-route53");
        assert.deepEqual([association.inputs.namespace, association.inputs.serviceAccount], ["cert-manager", "cert-manager"]);
        const release = only(prod.resources, "kubernetes:helm.sh/v3:Release", "-cert-manager");
        assert.deepEqual((release.inputs.values as { serviceAccount: object }).serviceAccount, { create: false, name: "cert-manager" });
        assert.ok(release.dependencies.includes(association.urn), "cert-manager starts only once its identity exists");
    });

    // cert-manager v1.21.1 pods (controller, webhook, cainjector, startupapicheck) all run non-root with
    // RuntimeDefault seccomp, no privilege escalation and drop ALL (helm template of the pinned chart): restricted.
    it("labels its namespace Pod Security restricted and installs under default-deny NetworkPolicies", async () => {
        for (const stack of ["dev", "prod"]) {
            const { resources } = await shippedStack(stack);
            const ns = only(resources, "kubernetes:core/v1:Namespace", "-cert-manager");
            const labels = (ns.inputs.metadata as { labels: Record<string, string> }).labels;
            for (const mode of ["enforce", "audit", "warn"]) assert.equal(labels[`pod-security.kubernetes.io/${mode}`], "restricted");
            const release = only(resources, "kubernetes:helm.sh/v3:Release", "-cert-manager");
            const policies = ofType(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy").filter((p) => (p.inputs.metadata as { namespace: string }).namespace === "cert-manager");
            assert.deepEqual(policies.map((p) => (p.inputs.metadata as { name: string }).name).sort(), [
                "allow-api-server", "allow-control-plane-to-webhook", "allow-controller-egress", "allow-dns", "allow-monitoring-to-metrics", "default-deny",
            ]);
            for (const p of policies) assert.ok(release.dependencies.includes(p.urn), `${stack}: release waits for ${p.name}`);
        }
    });

    it("with addonNetworkPolicies false: namespace labels stay, no policies", async () => {
        const { resources } = await evaluateStack("dev", { "idp-eks:addonNetworkPolicies": false });
        assert.equal(ofType(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy").filter((p) => (p.inputs.metadata as { namespace: string }).namespace !== "idp-system").length, 0);
    });

    it("is not installed when switched off", async () => {
        const { resources } = await evaluateStack("prod", { "idp-eks:certManager": false });
        assert.equal(ofType(resources, "idp-eks:index:CertManager").length, 0);
        assert.equal(ofType(resources, "kubernetes:cert-manager.io/v1:ClusterIssuer").length, 0);
    });
});
