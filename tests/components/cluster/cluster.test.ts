import * as assert from "node:assert/strict";
import { eksTaints, parseLabels, parseTaints } from "../../../components/cluster";
import { TaintEffect } from "../../../components/cluster/types";
import { Evaluation, RecordedResource, evaluate } from "../../../offline/mockCloud";
import { dependsOn, evaluateStack, shippedStack, stackConfig, ofType, only } from "../../harness";

const ADMIN_TYPES = ["aws:eks/accessEntry:AccessEntry", "aws:eks/accessPolicyAssociation:AccessPolicyAssociation"];
/** Access entries and policy associations by principal: what an edit of adminPrincipalArns may touch. */
const adminResources = (resources: readonly RecordedResource[]) => {
    const by: Record<string, { urn: string; inputs: unknown }[]> = {};
    for (const r of resources.filter((x) => ADMIN_TYPES.includes(x.type))) (by[r.inputs.principalArn as string] ??= []).push({ urn: r.urn, inputs: r.inputs });
    return by;
};
const A = "arn:aws:iam::111122223333:role/platform-admins";
const B = "arn:aws:iam::111122223333:role/ops/break-glass";
const C = "arn:aws:iam::444455556666:user/alice";

describe("cluster: node group value builders", () => {
    it("parses kubectl-style labels and taints and maps effects to the EKS API", () => {
        assert.deepEqual(parseLabels(["workload=idp", "tier=web"]), { workload: "idp", tier: "web" });
        const taints = parseTaints(["dedicated=idp:NoSchedule", "spot:PreferNoSchedule"]);
        assert.deepEqual(taints, [{ key: "dedicated", value: "idp", effect: TaintEffect.NoSchedule }, { key: "spot", effect: TaintEffect.PreferNoSchedule }]);
        assert.deepEqual(eksTaints(taints).map((t) => t.effect), ["NO_SCHEDULE", "PREFER_NO_SCHEDULE"]);
    });
});

describe("cluster: EKS per stack", () => {
    let dev: Evaluation;
    let prod: Evaluation;
    before(async () => {
        dev = await shippedStack("dev");
        prod = await shippedStack("prod");
    });

    it("puts the cluster in the network's VPC with workers in private subnets only", () => {
        const cluster = only(prod.resources, "eks:index:Cluster");
        assert.equal(cluster.inputs.vpcId, "mock-id-idp-prod-network-vpc");
        assert.equal(cluster.inputs.nodeAssociatePublicIpAddress, false);
        assert.equal(cluster.inputs.skipDefaultNodeGroup, true);
        const nodes = only(prod.resources, "aws:eks/nodeGroup:NodeGroup");
        assert.deepEqual(nodes.inputs.subnetIds, ["us-east-1a", "us-east-1b", "us-east-1c"].map((z) => `mock-id-idp-prod-network-private-${z}`));
    });

    it("uses API authentication with an access entry and cluster-admin policy per configured admin, and an OIDC provider", () => {
        const cluster = only(prod.resources, "eks:index:Cluster");
        assert.equal(cluster.inputs.authenticationMode, "API");
        assert.equal(cluster.inputs.createOidcProvider, true);
        // Entries are this component's own resources (keyed by principal), not pulumi-eks's index-keyed map.
        assert.equal(cluster.inputs.accessEntries, undefined);
        const entry = only(prod.resources, "aws:eks/accessEntry:AccessEntry");
        assert.deepEqual(entry.inputs, { clusterName: "idp-prod", principalArn: "arn:aws:iam::111122223333:role/platform-admins", tags: { "idp-eks:cluster": "idp-prod", "idp-eks:stack": "prod" } });
        const association = only(prod.resources, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation");
        assert.deepEqual(association.inputs, { clusterName: "idp-prod", principalArn: "arn:aws:iam::111122223333:role/platform-admins", policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", accessScope: { type: "cluster" } });
        assert.ok(association.dependencies.includes(entry.urn), "a policy is associated with an existing entry");
        assert.deepEqual(ofType(dev.resources, "aws:eks/accessEntry:AccessEntry"), []);
    });

    it("keys access entries by principal: removing the first of three admins leaves the other two with the same URNs and inputs", async () => {
        // EKS allows one access entry per principal (CreateAccessEntry: ResourceInUseException when it
        // exists), and Pulumi replaces create-before-delete, so an entry that moves to another
        // principal's URN fails with 409, and under prod's protect is refused outright.
        const three = adminResources((await evaluateStack("prod", { "idp-eks:adminPrincipalArns": [A, B, C] })).resources);
        const two = adminResources((await evaluateStack("prod", { "idp-eks:adminPrincipalArns": [B, C] })).resources);
        assert.deepEqual(Object.keys(three).sort(), [A, B, C].sort());
        for (const arn of [A, B, C]) assert.equal(three[arn].length, 2, `${arn}: an entry and its cluster-admin association`);
        assert.deepEqual(two, { [B]: three[B], [C]: three[C] });
        // Reordering touches nothing either.
        const reordered = adminResources((await evaluateStack("prod", { "idp-eks:adminPrincipalArns": [C, B] })).resources);
        assert.deepEqual(reordered, two);
    });

    it("adopts prod's entry created by pulumi-eks as admin-0 through aliases instead of replacing it", () => {
        // pulumi-eks 4.3 named them `<component>-<key>` under the eks.Cluster and the policy
        // association `<component>-<key>-<policy>` under the entry (createAccessEntries,
        // nodejs/eks/cluster/authenticationMode.ts); prod's only admin was key admin-0.
        const entry = only(prod.resources, "aws:eks/accessEntry:AccessEntry");
        assert.ok(entry.aliasUrns!.includes("urn:pulumi:prod::idp-eks::eks:index:Cluster$aws:eks/accessEntry:AccessEntry::idp-prod-cluster-admin-0"), entry.aliasUrns!.join(", "));
        const association = only(prod.resources, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation");
        assert.ok(association.aliasUrns!.includes("urn:pulumi:prod::idp-eks::aws:eks/accessEntry:AccessEntry$aws:eks/accessPolicyAssociation:AccessPolicyAssociation::idp-prod-cluster-admin-0-clusterAdmin"), association.aliasUrns!.join(", "));
    });

    it("gives the cluster's creator no access entry of its own, even listed as an assumed role with a path", async () => {
        // pulumi-eks 4.3 creates the cluster with bootstrapClusterCreatorAdminPermissions: true
        // (nodejs/eks/cluster/cluster.ts), so EKS makes the creator's IAM principal admin itself and an
        // explicit entry for it fails with 409 (pulumi/pulumi-eks#2373). A role session's ARN drops the
        // role's path (arn:aws:sts::<acct>:assumed-role/<name>/<session>); aws.iam.getSessionContext
        // resolves it to the role ARN with the path, which is how the role is listed.
        const deployer = "arn:aws:iam::111122223333:role/ci/deployer";
        const run = await evaluate({
            stack: "prod",
            config: stackConfig("prod", { "idp-eks:adminPrincipalArns": [A, deployer] }),
            caller: { arn: "arn:aws:sts::111122223333:assumed-role/deployer/gha-1234", issuerArn: deployer },
        });
        assert.deepEqual(Object.keys(adminResources(run.resources)), [A]);
        assert.equal(run.outputs.clusterCreatorArn, deployer);
        assert.ok(run.warnings.some((w) => w.includes(deployer) && /creator/.test(w)), run.warnings.join("\n"));
        // The creator is recorded once, in state, so a later run by another identity keeps the same entries.
        const stash = only(run.resources, "pulumi:index:Stash");
        assert.equal(stash.inputs.input, deployer);
    });

    it("clusterCreatorArn names the creator when another identity runs the upgrade, so that identity keeps its entry", async () => {
        // An existing cluster upgraded by CI: the Stash would record the CI role as the creator and drop
        // its entry, leaving it without access after the run; the configured creator is used instead.
        const ci = "arn:aws:iam::111122223333:role/ci/deployer";
        const run = await evaluate({
            stack: "prod",
            config: stackConfig("prod", { "idp-eks:adminPrincipalArns": [A, ci], "idp-eks:clusterCreatorArn": B }),
            caller: { arn: "arn:aws:sts::111122223333:assumed-role/deployer/gha-1", issuerArn: ci },
        });
        assert.deepEqual(Object.keys(adminResources(run.resources)).sort(), [A, ci].sort());
        assert.equal(run.outputs.clusterCreatorArn, B);
    });

    it("builds managed node groups from config: instance types, capacity, scaling, labels, taints", async () => {
        const devNodes = only(dev.resources, "aws:eks/nodeGroup:NodeGroup");
        assert.deepEqual(devNodes.inputs.instanceTypes, ["t4g.medium"]);
        assert.equal(devNodes.inputs.amiType, "AL2023_ARM_64_STANDARD");
        assert.equal(devNodes.inputs.capacityType, "SPOT");
        assert.deepEqual(devNodes.inputs.scalingConfig, { minSize: 2, desiredSize: 2, maxSize: 3 });
        const prodNodes = only(prod.resources, "aws:eks/nodeGroup:NodeGroup");
        assert.equal(prodNodes.inputs.capacityType, "ON_DEMAND");
        assert.equal(prodNodes.inputs.amiType, "AL2023_x86_64_STANDARD");
        assert.deepEqual(prodNodes.inputs.scalingConfig, { minSize: 3, desiredSize: 3, maxSize: 9 });
        assert.deepEqual(prodNodes.inputs.labels, { workload: "idp" });
        assert.deepEqual(prodNodes.ignoreChanges, ["scalingConfig.desiredSize"]);
        // NoSchedule/NoExecute are config errors on the only node group (nothing the platform runs tolerates them).
        const tainted = await evaluateStack("dev", { "idp-eks:nodeTaints": ["dedicated=idp:PreferNoSchedule"] });
        assert.deepEqual(only(tainted.resources, "aws:eks/nodeGroup:NodeGroup").inputs.taints, [{ key: "dedicated", value: "idp", effect: "PREFER_NO_SCHEDULE" }]);
    });

    it("requires IMDSv2 on nodes with a hop limit that keeps pods away from node credentials", () => {
        const lt = only(prod.resources, "aws:ec2/launchTemplate:LaunchTemplate");
        assert.deepEqual(lt.inputs.metadataOptions, { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 });
        assert.deepEqual(lt.inputs.blockDeviceMappings, [{ deviceName: "/dev/xvda", ebs: { volumeSize: 50, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } }]);
        const nodes = only(prod.resources, "aws:eks/nodeGroup:NodeGroup");
        assert.deepEqual(nodes.inputs.launchTemplate, { id: `mock-id-${lt.name}`, version: "1" });
    });

    for (const stack of ["dev", "prod"]) {
        it(`${stack}: runs the VPC CNI add-on with NetworkPolicy enforcement, the Pod Identity agent, CoreDNS and metrics-server`, () => {
            const { resources } = stack === "dev" ? dev : prod;
            const addons = ofType(resources, "aws:eks/addon:Addon");
            assert.deepEqual(addons.map((a) => a.inputs.addonName).sort(), ["aws-ebs-csi-driver", "coredns", "eks-pod-identity-agent", "metrics-server", "vpc-cni"]);
            const cni = addons.find((a) => a.inputs.addonName === "vpc-cni")!;
            assert.deepEqual(JSON.parse(cni.inputs.configurationValues as string), { enableNetworkPolicy: "true" });
            assert.equal(cni.inputs.clusterName, `idp-${stack}`);
            // The cluster must not install a second, unmanaged CNI configuration.
            assert.equal(only(resources, "eks:index:Cluster").inputs.useDefaultVpcCni, true);
            for (const a of addons) assert.ok(dependsOn(resources, a, only(resources, "eks:index:Cluster")), `${a.name} must wait for the cluster`);
            // Nodes join only after the CNI is configured for network policies.
            assert.ok(dependsOn(resources, only(resources, "aws:eks/nodeGroup:NodeGroup"), cni));
            // metrics-server runs on the nodes (the IdP's autoscaler reads it).
            const metrics = addons.find((a) => a.inputs.addonName === "metrics-server")!;
            assert.ok(dependsOn(resources, metrics, only(resources, "aws:eks/nodeGroup:NodeGroup")));
        });
    }

    it("leaves metrics-server out when metricsServer is false", async () => {
        const { resources } = await evaluateStack("dev", { "idp-eks:metricsServer": false });
        assert.deepEqual(ofType(resources, "aws:eks/addon:Addon").map((a) => a.inputs.addonName).filter((n) => n === "metrics-server"), []);
    });

    it("runs the EBS CSI driver (for encrypted gp3 volumes) with its role through Pod Identity", () => {
        const ebs = ofType(prod.resources, "aws:eks/addon:Addon").find((a) => a.inputs.addonName === "aws-ebs-csi-driver")!;
        const role = only(prod.resources, "aws:iam/role:Role", "-ebs-csi");
        assert.deepEqual(ebs.inputs.podIdentityAssociations, [{ roleArn: `arn:aws:iam:us-east-1:000000000000:mock/${role.name}`, serviceAccount: "ebs-csi-controller-sa" }]);
        assert.deepEqual(JSON.parse(role.inputs.assumeRolePolicy as string).Statement[0].Principal, { Service: "pods.eks.amazonaws.com" });
        assert.equal(only(prod.resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "-ebs-csi").inputs.policyArn, "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy");
    });

    it("prod: private endpoint on, public endpoint limited to the configured CIDRs, all control plane logs", () => {
        const cluster = only(prod.resources, "eks:index:Cluster");
        assert.equal(cluster.inputs.endpointPrivateAccess, true);
        assert.equal(cluster.inputs.endpointPublicAccess, true);
        assert.deepEqual(cluster.inputs.publicAccessCidrs, ["203.0.113.0/24"]);
        assert.deepEqual(cluster.inputs.enabledClusterLogTypes, ["api", "audit", "authenticator", "controllerManager", "scheduler"]);
    });

    for (const stack of ["dev", "prod"]) {
        it(`${stack}: creates the control plane log group before the cluster, with the configured retention`, async () => {
            // EKS sends control plane logs to /aws/eks/<cluster-name>/cluster and creates that group
            // itself, with no expiry and outside the stack, unless it exists first (EKS User Guide,
            // "Send control plane logs to CloudWatch Logs").
            const { resources } = stack === "dev" ? dev : prod;
            const cluster = only(resources, "eks:index:Cluster");
            const group = only(resources, "aws:cloudwatch/logGroup:LogGroup");
            assert.equal(group.inputs.name, `/aws/eks/${cluster.inputs.name}/cluster`);
            assert.equal(group.inputs.retentionInDays, Number(stackConfig(stack).values["idp-eks:controlPlaneLogRetentionDays"]));
            assert.ok(cluster.dependencies.includes(group.urn), "the cluster waits for its log group");
            assert.equal(group.protect, cluster.protect, "protected like the cluster");
        });
    }

    it("importControlPlaneLogGroup adopts the group EKS made for a cluster that already logged, matching it (no retention, no tags)", async () => {
        // CloudWatch Logs CreateLogGroup fails with ResourceAlreadyExistsException for an existing group;
        // Pulumi's import option adopts it instead, and fails unless the inputs match the live group,
        // which EKS creates with no retention policy and no tags (EKS User Guide, control plane logs).
        const run = await evaluateStack("prod", { "idp-eks:importControlPlaneLogGroup": true });
        const group = only(run.resources, "aws:cloudwatch/logGroup:LogGroup");
        assert.equal(group.importId, "/aws/eks/idp-prod/cluster");
        assert.equal(group.inputs.retentionInDays, undefined);
        assert.equal(group.inputs.tags, undefined);
        assert.ok(run.warnings.some((w) => /importControlPlaneLogGroup/.test(w)));
        // Off (the default and a new stack): created with retention and tags, nothing imported.
        assert.equal(only(prod.resources, "aws:cloudwatch/logGroup:LogGroup").importId, undefined);
    });

    it("prod: secrets encrypted with a rotating KMS key; deletion protection and protect on cluster and key", () => {
        const cluster = only(prod.resources, "eks:index:Cluster");
        const key = only(prod.resources, "aws:kms/key:Key");
        assert.equal(key.inputs.enableKeyRotation, true);
        assert.ok(cluster.dependencies.includes(key.urn));
        assert.match(cluster.inputs.encryptionConfigKeyArn as string, /^arn:aws:kms:us-east-1:000000000000:key\//);
        assert.equal(cluster.inputs.deletionProtection, true);
        assert.equal(cluster.protect, true);
        assert.equal(key.protect, true);
    });

    it("dev: cheaper and more open only as configured (no protection, audit log only)", () => {
        const cluster = only(dev.resources, "eks:index:Cluster");
        assert.equal(cluster.protect, false);
        assert.equal(cluster.inputs.deletionProtection, false);
        assert.deepEqual(cluster.inputs.publicAccessCidrs, ["0.0.0.0/0"]);
        assert.deepEqual(cluster.inputs.enabledClusterLogTypes, ["audit"]);
    });

    it("a private-only endpoint sends no public CIDRs", async () => {
        const { resources } = await evaluateStack("prod", { "idp-eks:endpointPublicAccess": false, "idp-eks:publicAccessCidrs": undefined });
        const cluster = only(resources, "eks:index:Cluster");
        assert.equal(cluster.inputs.endpointPublicAccess, false);
        assert.equal(cluster.inputs.publicAccessCidrs, undefined);
    });

    it("uses a given KMS key instead of creating one", async () => {
        const arn = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        const { resources } = await evaluateStack("prod", { "idp-eks:secretsKmsKeyArn": arn });
        assert.equal(ofType(resources, "aws:kms/key:Key").length, 0);
        assert.equal(only(resources, "eks:index:Cluster").inputs.encryptionConfigKeyArn, arn);
    });

    it("gives nodes a role with the worker, ECR, CNI and SSM managed policies", () => {
        const attachments = ofType(prod.resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => a.name.includes("-node-"));
        assert.deepEqual(attachments.map((a) => a.inputs.policyArn).sort(), [
            "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
            "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
            "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
            "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
        ]);
    });

    it("exposes a Kubernetes provider built from the kubeconfig that waits for the nodes", () => {
        const provider = only(prod.resources, "pulumi:providers:kubernetes");
        const kubeconfig = JSON.parse(provider.inputs.kubeconfig as string);
        assert.equal(kubeconfig["current-context"], "idp-prod");
        assert.ok(provider.dependencies.includes(only(prod.resources, "eks:index:Cluster").urn));
        assert.ok(provider.dependencies.includes(only(prod.resources, "aws:eks/nodeGroup:NodeGroup").urn));
    });

    it("exports cluster name, OIDC provider, security group and a secret kubeconfig", () => {
        assert.equal(prod.outputs.clusterName, "idp-prod");
        assert.match(prod.outputs.oidcProviderArn as string, /^arn:aws:iam::000000000000:oidc-provider\/oidc\.eks\.us-east-1\.amazonaws\.com\/id\//);
        assert.match(prod.outputs.oidcProviderUrl as string, /^oidc\.eks\.us-east-1\.amazonaws\.com\/id\//);
        assert.equal(prod.outputs.clusterSecurityGroupId, "sg-mock-idp-prod-cluster");
        assert.equal(prod.outputs.kubeconfig, "[secret]");
    });
});

describe("cluster: versions that move together", () => {
    const managedAddons = ["aws-ebs-csi-driver", "coredns", "eks-pod-identity-agent", "metrics-server", "vpc-cni"];

    it("sets the upgrade policy explicitly: STANDARD unless supportType asks for EXTENDED", async () => {
        const prod = await shippedStack("prod");
        assert.deepEqual(only(prod.resources, "eks:index:Cluster").inputs.upgradePolicy, { supportType: "STANDARD" });
        const extended = await evaluateStack("prod", { "idp-eks:supportType": "EXTENDED" });
        assert.deepEqual(only(extended.resources, "eks:index:Cluster").inputs.upgradePolicy, { supportType: "EXTENDED" });
    });

    it("makes CoreDNS a managed add-on after the nodes, not pulumi-eks's (which would wait for nodes that wait for the cluster)", async () => {
        const { resources } = await shippedStack("dev");
        const cluster = only(resources, "eks:index:Cluster");
        assert.equal((cluster.inputs.corednsAddonOptions as { enabled: boolean }).enabled, false);
        const coredns = ofType(resources, "aws:eks/addon:Addon").find((a) => a.inputs.addonName === "coredns")!;
        assert.ok(dependsOn(resources, coredns, only(resources, "aws:eks/nodeGroup:NodeGroup")));
    });

    it("pins node groups, kube-proxy and every managed add-on to the cluster's version, and a version bump moves them all", async () => {
        const versionsOf = (e: Evaluation) => {
            const cluster = only(e.resources, "eks:index:Cluster");
            const addons = Object.fromEntries(ofType(e.resources, "aws:eks/addon:Addon").map((a) => [a.inputs.addonName, a.inputs.addonVersion]));
            return {
                cluster: cluster.inputs.version,
                nodes: only(e.resources, "aws:eks/nodeGroup:NodeGroup").inputs.version,
                kubeProxy: (cluster.inputs.kubeProxyAddonOptions as { version: string }).version,
                addons,
            };
        };
        const at135 = versionsOf(await shippedStack("prod"));
        // Pinned where the EKS user guide's version tables give one (eks-versions.json), EKS's default for the version otherwise.
        assert.deepEqual(at135, {
            cluster: "1.35",
            nodes: "1.35",
            kubeProxy: "v1.35.3-eksbuild.2",
            addons: {
                "aws-ebs-csi-driver": "mock-default-for-1.35",
                coredns: "v1.13.2-eksbuild.4",
                "eks-pod-identity-agent": "mock-default-for-1.35",
                "metrics-server": "mock-default-for-1.35",
                "vpc-cni": "mock-default-for-1.35",
            },
        });
        const at133 = versionsOf(await evaluateStack("prod", { "idp-eks:kubernetesVersion": "1.33", "idp-eks:supportType": "EXTENDED" }));
        assert.deepEqual(at133, {
            cluster: "1.33",
            nodes: "1.33",
            kubeProxy: "v1.33.10-eksbuild.2",
            addons: {
                "aws-ebs-csi-driver": "mock-default-for-1.33",
                coredns: "v1.13.2-eksbuild.4",
                "eks-pod-identity-agent": "mock-default-for-1.33",
                "metrics-server": "mock-default-for-1.33",
                "vpc-cni": "v1.20.1-eksbuild.3",
            },
        });
        assert.deepEqual(Object.keys(at133.addons).sort(), managedAddons);
    });

    it("upgrades in order: control plane, then add-ons and nodes, then the add-ons that run on nodes", async () => {
        const { resources } = await shippedStack("prod");
        const cluster = only(resources, "eks:index:Cluster");
        const nodes = only(resources, "aws:eks/nodeGroup:NodeGroup");
        const addon = (n: string) => ofType(resources, "aws:eks/addon:Addon").find((a) => a.inputs.addonName === n)!;
        for (const n of managedAddons) assert.ok(dependsOn(resources, addon(n), cluster), `${n} after the control plane`);
        assert.ok(dependsOn(resources, nodes, cluster));
        assert.ok(dependsOn(resources, nodes, addon("vpc-cni")));
        for (const n of ["coredns", "aws-ebs-csi-driver", "metrics-server"]) assert.ok(dependsOn(resources, addon(n), nodes), `${n} after the nodes`);
    });
});
