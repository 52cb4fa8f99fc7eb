import * as assert from "node:assert/strict";
import { Evaluation, RecordedResource } from "../../../offline/mockCloud";
import { dependsOn, shippedStack, ofType, only } from "../../harness";

/** The order `pulumi destroy` deletes in: a resource goes before everything it depends on. */
function deletionOrder(resources: readonly RecordedResource[]): string[] {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const created: string[] = [];
    const visit = (urn: string, seen: Set<string>) => {
        if (seen.has(urn)) return;
        seen.add(urn);
        for (const d of byUrn.get(urn)?.dependencies ?? []) visit(d, seen);
        created.push(urn);
    };
    const seen = new Set<string>();
    for (const r of resources) visit(r.urn, seen);
    return created.reverse();
}

const componentOf = (resources: readonly RecordedResource[], type: string) => only(resources, type);
const descendants = (resources: readonly RecordedResource[], root: RecordedResource) => {
    const out = new Set<string>([root.urn]);
    let grew = true;
    while (grew) {
        grew = false;
        for (const r of resources) if (!out.has(r.urn) && out.has(r.parent)) { out.add(r.urn); grew = true; }
    }
    return resources.filter((r) => out.has(r.urn) && r.custom);
};

describe("addons: install and destroy order", () => {
    let dev: Evaluation;
    let prod: Evaluation;
    before(async () => {
        dev = await shippedStack("dev");
        prod = await shippedStack("prod");
    });

    it("ingress-nginx (whose Service is a LoadBalancer) waits for the load balancer controller", () => {
        const nginx = only(dev.resources, "kubernetes:helm.sh/v3:Release", "-ingress-nginx");
        const lbc = only(dev.resources, "kubernetes:helm.sh/v3:Release", "-lbc");
        assert.ok(nginx.dependencies.includes(lbc.urn));
    });

    it("every AWS resource that names the cluster waits for it (a Pod Identity association made first fails: no such cluster)", () => {
        for (const { resources } of [dev, prod]) {
            const cluster = only(resources, "eks:index:Cluster");
            const namers = resources.filter((r) => r.custom && r.type.startsWith("aws:eks/") && "clusterName" in r.inputs);
            assert.ok(namers.some((r) => r.type === "aws:eks/podIdentityAssociation:PodIdentityAssociation"));
            for (const r of namers) assert.ok(dependsOn(resources, r, cluster), `${r.name} (${r.type}) does not wait for the cluster`);
        }
    });

    it("destroy deletes ingress-nginx before the controller, so its NLB and security groups are removed", () => {
        const order = deletionOrder(dev.resources);
        const nginx = only(dev.resources, "kubernetes:helm.sh/v3:Release", "-ingress-nginx");
        const lbc = only(dev.resources, "kubernetes:helm.sh/v3:Release", "-lbc");
        assert.ok(order.indexOf(nginx.urn) < order.indexOf(lbc.urn));
        for (const issuer of ofType(dev.resources, "kubernetes:cert-manager.io/v1:ClusterIssuer")) {
            assert.ok(order.indexOf(issuer.urn) < order.indexOf(only(dev.resources, "kubernetes:helm.sh/v3:Release", "-cert-manager").urn));
        }
    });

    for (const stack of ["dev", "prod"] as const) {
        it(`${stack}: the controller and cert-manager do not wait on each other (they install in parallel)`, () => {
            const { resources } = stack === "dev" ? dev : prod;
            const lbc = descendants(resources, componentOf(resources, "idp-eks:index:LoadBalancerController"));
            const cm = descendants(resources, componentOf(resources, "idp-eks:index:CertManager"));
            for (const a of lbc) for (const b of cm) {
                assert.ok(!dependsOn(resources, a, b), `${a.name} needlessly waits for ${b.name}`);
                assert.ok(!dependsOn(resources, b, a), `${b.name} needlessly waits for ${a.name}`);
            }
        });

        it(`${stack}: every add-on release uses the cluster's provider, which waits for the nodes`, () => {
            const { resources } = stack === "dev" ? dev : prod;
            const provider = only(resources, "pulumi:providers:kubernetes");
            for (const release of ofType(resources, "kubernetes:helm.sh/v3:Release")) assert.equal(release.provider, provider.urn, release.name);
            assert.ok(provider.dependencies.includes(only(resources, "aws:eks/nodeGroup:NodeGroup").urn));
        });
    }

    it("cert-manager does not wait for ingress-nginx", () => {
        const cm = only(dev.resources, "kubernetes:helm.sh/v3:Release", "-cert-manager");
        const nginx = only(dev.resources, "kubernetes:helm.sh/v3:Release", "-ingress-nginx");
        assert.ok(!dependsOn(dev.resources, cm, nginx));
    });
});
