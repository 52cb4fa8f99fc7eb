import * as assert from "node:assert/strict";
import { loadConfig, platformArgs } from "../../../config";
import { IdpPlatform } from "../../../components/platform";
import { IdpApplication, IngressKind, STORAGE_CLASS } from "../../../components/idp";
import { Evaluation, RecordedResource, evaluate } from "../../../offline/mockCloud";
import { evaluateStack, ofType, only, shippedStack, stackConfig } from "../../harness";

/**
 * True when `from` is created after, and deleted before, `to`: Pulumi orders by dependencies, and
 * a resource also waits for its provider (so everything a provider depends on outlives every
 * resource that uses it).
 */
function waitsFor(resources: readonly RecordedResource[], from: RecordedResource, to: RecordedResource): boolean {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const seen = new Set<string>();
    const next = (r: RecordedResource | undefined) => [...(r?.dependencies ?? []), ...(r?.provider ? [r.provider] : [])];
    const todo = next(from);
    while (todo.length > 0) {
        const urn = todo.pop()!;
        if (urn === to.urn) return true;
        if (seen.has(urn)) continue;
        seen.add(urn);
        todo.push(...next(byUrn.get(urn)));
    }
    return false;
}

const addon = (resources: readonly RecordedResource[], addonName: string) => ofType(resources, "aws:eks/addon:Addon").find((a) => a.inputs.addonName === addonName)!;
/** What gives the private subnets a way out: NAT gateways, the private route tables and their associations. */
const egress = (resources: readonly RecordedResource[]) => [
    ...ofType(resources, "aws:ec2/natGateway:NatGateway"),
    ...[...ofType(resources, "aws:ec2/routeTable:RouteTable"), ...ofType(resources, "aws:ec2/routeTableAssociation:RouteTableAssociation")].filter((r) => /-private-/.test(r.name)),
];
const kubernetesObjects = (resources: readonly RecordedResource[]) => resources.filter((r) => r.custom && r.type.startsWith("kubernetes:") && !r.type.startsWith("pulumi:providers:"));
const WORKLOADS = ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet", "kubernetes:apps/v1:DaemonSet"];
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const obj = (r: RecordedResource) => r.inputs as any;

describe("platform: create and destroy order", () => {
    const stacks: Record<string, Evaluation> = {};
    before(async () => {
        for (const s of ["dev", "prod"]) stacks[s] = await shippedStack(s);
    });

    for (const stack of ["dev", "prod"]) {
        it(`${stack}: node groups join only once the private subnets route out through NAT`, () => {
            // Nodes in private subnets pull images and reach the EKS API through NAT; without a route they never join.
            const { resources } = stacks[stack];
            const routes = egress(resources);
            assert.ok(routes.length >= 3, "NAT gateways, route tables and associations");
            for (const ng of ofType(resources, "aws:eks/nodeGroup:NodeGroup")) for (const r of routes) assert.ok(waitsFor(resources, ng, r), `${ng.name} must wait for ${r.name}`);
        });

        it(`${stack}: node groups join after the Pod Identity agent, which the add-ons on them (EBS CSI) take their AWS rights from`, () => {
            const { resources } = stacks[stack];
            for (const ng of ofType(resources, "aws:eks/nodeGroup:NodeGroup")) assert.ok(waitsFor(resources, ng, addon(resources, "eks-pod-identity-agent")), ng.name);
        });

        it(`${stack}: every Kubernetes object and controller is created after, and destroyed before, egress, the Pod Identity agent, CoreDNS and the EBS CSI driver`, () => {
            // On destroy the load balancer controller deletes its NLBs/ALBs through the AWS API (needs NAT
            // egress, its Pod Identity credentials and CoreDNS to resolve the AWS endpoints; LBC#1879:
            // otherwise they leak and the VPC cannot be deleted), and volumes are detached and deleted by
            // the EBS CSI driver.
            const { resources } = stacks[stack];
            const needed = [...egress(resources), addon(resources, "eks-pod-identity-agent"), addon(resources, "coredns"), addon(resources, "aws-ebs-csi-driver")];
            const objects = kubernetesObjects(resources);
            assert.ok(objects.some((o) => o.type === "kubernetes:helm.sh/v3:Release"), "the controllers are among them");
            for (const o of objects) for (const n of needed) assert.ok(waitsFor(resources, o, n), `${o.name} must wait for ${n.name}`);
        });

        it(`${stack}: workloads in a namespace with readiness-gate injection wait for the load balancer controller's webhook`, () => {
            // The controller's pod webhook injects readiness gates only when a pod is created, in namespaces
            // labelled elbv2.k8s.aws/pod-readiness-gate-inject=enabled (LBC docs, "Pod readiness gate").
            const { resources } = stacks[stack];
            const lbc = only(resources, "kubernetes:helm.sh/v3:Release", "-lbc");
            const gated = new Set(ofType(resources, "kubernetes:core/v1:Namespace")
                .filter((n) => obj(n).metadata?.labels?.["elbv2.k8s.aws/pod-readiness-gate-inject"] === "enabled").map((n) => obj(n).metadata.name));
            const workloads = resources.filter((r) => WORKLOADS.includes(r.type) && gated.has(obj(r).metadata?.namespace));
            assert.ok(workloads.some((w) => w.type === "kubernetes:apps/v1:Deployment"));
            for (const w of workloads) assert.ok(waitsFor(resources, w, lbc), `${w.name} must wait for ${lbc.name}`);
        });
    }

    it("dev: StatefulSets wait for their StorageClass and the EBS CSI driver that provisions it", () => {
        const { resources } = stacks.dev;
        const sets = ofType(resources, "kubernetes:apps/v1:StatefulSet");
        assert.equal(sets.length, 2);
        for (const set of sets) {
            for (const claim of obj(set).spec.volumeClaimTemplates) {
                const sc = ofType(resources, "kubernetes:storage.k8s.io/v1:StorageClass").find((c) => obj(c).metadata.name === claim.spec.storageClassName)!;
                assert.ok(sc, `${set.name}: StorageClass ${claim.spec.storageClassName} is declared`);
                assert.ok(waitsFor(resources, set, sc), `${set.name} must wait for ${sc.name}`);
                assert.ok(waitsFor(resources, sc, addon(resources, "aws-ebs-csi-driver")));
            }
        }
    });
});

describe("platform: volumes and their StorageClass", () => {
    for (const [stack, overrides] of [["dev", {}], ["prod", {}], ["dev", { "idp-eks:deletionProtection": true }], ["prod", { "idp-eks:databaseMode": "inCluster", "idp-eks:externalPostgresHost": undefined, "idp-eks:externalRedisHost": undefined, "idp-eks:externalPostgresCidrs": undefined, "idp-eks:externalRedisCidrs": undefined }]] as const) {
        it(`${stack} ${JSON.stringify(overrides)}: datastore volumes are kept exactly when the stack is protected`, async () => {
            // A dynamically provisioned PV takes its StorageClass's reclaimPolicy; a StatefulSet's
            // persistentVolumeClaimRetentionPolicy.whenDeleted decides whether its PVCs go with it
            // (Kubernetes docs: Storage Classes; StatefulSets, PersistentVolumeClaim retention). Retained
            // volumes of an unprotected stack are orphaned by every destroy.
            const { resources } = await evaluateStack(stack, overrides);
            const protectedStack = only(resources, "eks:index:Cluster").protect;
            const expected = protectedStack ? "Retain" : "Delete";
            const sets = ofType(resources, "kubernetes:apps/v1:StatefulSet");
            if (stackConfig(stack, overrides).values["idp-eks:databaseMode"] !== "inCluster") {
                assert.equal(sets.length, 0);
                return;
            }
            for (const set of sets) {
                assert.deepEqual(obj(set).spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: expected, whenScaled: "Retain" });
                const sc = ofType(resources, "kubernetes:storage.k8s.io/v1:StorageClass").find((c) => obj(c).metadata.name === obj(set).spec.volumeClaimTemplates[0].spec.storageClassName)!;
                assert.equal(obj(sc).reclaimPolicy, expected);
            }
        });
    }

    it("one StorageClass per name, owned by the platform or by the one IdpApplication using it", async () => {
        // StorageClasses are cluster-scoped: an instance that owned a shared class would delete it for
        // every other instance when destroyed.
        const { resources } = await evaluate({
            stack: "dev",
            config: stackConfig("dev"),
            program: () => {
                const config = loadConfig();
                const args = platformArgs(config);
                const platform = new IdpPlatform(config.clusterName, args);
                const standalone = { ...args.idp, ingress: IngressKind.None, nlb: undefined, nodePort: undefined, nodePortSourceRanges: undefined, networkPolicies: undefined, route53HostedZoneId: undefined, provider: platform.kubernetesProvider };
                new IdpApplication("second", { ...standalone, namespace: "idp-two" });
                new IdpApplication("third", { ...standalone, namespace: "idp-three", database: { ...args.idp.database, storageClassName: STORAGE_CLASS } });
            },
        });
        const classes = ofType(resources, "kubernetes:storage.k8s.io/v1:StorageClass");
        const names = classes.map((c) => obj(c).metadata.name);
        assert.equal(new Set(names).size, names.length, `StorageClass names declared twice: ${names.join(", ")}`);
        const apps = ofType(resources, "idp-eks:index:IdpApplication");
        const ownerApp = (r: RecordedResource) => apps.find((a) => a.urn === r.parent);
        for (const set of ofType(resources, "kubernetes:apps/v1:StatefulSet")) {
            const sc = classes.find((c) => obj(c).metadata.name === obj(set).spec.volumeClaimTemplates[0].spec.storageClassName)!;
            assert.ok(sc, `${set.name}: its StorageClass is declared`);
            const owner = ownerApp(sc);
            assert.ok(!owner || owner.urn === set.parent, `${set.name} uses ${obj(sc).metadata.name}, owned by another IdpApplication (${owner?.name})`);
        }
        assert.deepEqual(names.sort(), ["idp-gp3-encrypted", "idp-two-gp3-encrypted"]);
    });

    it("dev: the platform adopts the StorageClass the IdpApplication used to own, instead of deleting and re-creating it", async () => {
        const sc = only((await shippedStack("dev")).resources, "kubernetes:storage.k8s.io/v1:StorageClass");
        assert.ok(sc.aliasUrns!.includes("urn:pulumi:dev::idp-eks::idp-eks:index:IdpApplication$kubernetes:storage.k8s.io/v1:StorageClass::idp-dev-idp-storage"));
    });
});
