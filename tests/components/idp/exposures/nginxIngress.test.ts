import * as assert from "node:assert/strict";
import { evaluateStack, only, ofType, shippedStack } from "../../../harness";

type Named = { metadata: { name: string }; spec: { issuerRef: { name: string } } };

describe("idp exposures: NGINX Ingress", () => {
    // Issue 13.1. A `.get` is performed during preview whatever its dependsOn says (pulumi/pulumi#16395,
    // pulumi-kubernetes#2789), so reading ingress-nginx's controller Service fails preview whenever the
    // cluster exists but the chart has not made it yet. ingress-nginx publishes that Service's address
    // in the status of every Ingress it serves (chart value controller.publishService.enabled, default
    // true), so the host name comes from the IdP's own Ingress.
    it("takes the load balancer host name from the IdP Ingress's status and reads nothing from the cluster (preview works before ingress-nginx exists)", async () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const runtime = require("@pulumi/pulumi/runtime/resource") as { readResource: (...a: unknown[]) => unknown };
        const original = runtime.readResource;
        const reads: string[] = [];
        // What a preview against a cluster without the object does: the read fails.
        runtime.readResource = (_res: unknown, _parent: unknown, t: unknown, name: unknown) => {
            reads.push(`${String(t)} ${String(name)}`);
            throw new Error(`${String(t)} ${String(name)} not found`);
        };
        try {
            const dev = await evaluateStack("dev", { "idp-eks:route53HostedZoneId": "Z0123456789EXAMPLEZONE" });
            assert.deepEqual(reads, []);
            const ingress = only(dev.resources, "kubernetes:networking.k8s.io/v1:Ingress");
            assert.equal(dev.outputs.loadBalancerHostname, "mock-idp-server.elb.us-east-1.amazonaws.com", "the Ingress's own status address");
            const record = only(dev.resources, "aws:route53/record:Record", "-idp-host");
            assert.ok(record.propertyDependencies.aliases.includes(ingress.urn));
        } finally {
            runtime.readResource = original;
        }
    });

    it("keeps ingress-nginx publishing its Service's address into Ingress status", async () => {
        const dev = await shippedStack("dev");
        const values = only(dev.resources, "kubernetes:helm.sh/v3:Release", "-ingress-nginx").inputs.values as { controller: { publishService?: { enabled: boolean } } };
        assert.deepEqual(values.controller.publishService, { enabled: true });
    });

    // Issue 13.11. A Certificate whose issuer is missing fails to issue and cert-manager retries only
    // with back-off; the ClusterIssuer is an object of its own (created after the chart's CRDs and
    // webhook), so waiting for the chart is not enough.
    for (const issuer of ["letsencrypt-staging", "letsencrypt-prod"]) {
        it(`the cert-manager Certificate waits for the ClusterIssuer it names (${issuer})`, async () => {
            const { resources } = await evaluateStack("dev", { "idp-eks:idpClusterIssuer": issuer });
            const cert = only(resources, "kubernetes:cert-manager.io/v1:Certificate");
            const named = (cert.inputs as unknown as Named).spec.issuerRef.name;
            assert.equal(named, issuer);
            const clusterIssuer = ofType(resources, "kubernetes:cert-manager.io/v1:ClusterIssuer").find((r) => (r.inputs as unknown as Named).metadata.name === named)!;
            assert.ok(clusterIssuer, `no ClusterIssuer ${named}`);
            assert.ok(cert.dependencies.includes(clusterIssuer.urn), `the Certificate does not wait for ClusterIssuer ${named}`);
        });
    }
});
