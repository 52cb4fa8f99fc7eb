import * as assert from "node:assert/strict";
import { eksTaints, parseLabels, parseTaints } from "../../../components/cluster";
import { TaintEffect } from "../../../components/cluster/types";
import { Evaluation } from "../../../offline/mockCloud";
import { dependsOn, evaluateStack, shippedStack, ofType, only } from "../../harness";

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

    it("uses API authentication with access entries for the configured admins, and an OIDC provider", () => {
        const cluster = only(prod.resources, "eks:index:Cluster");
        assert.equal(cluster.inputs.authenticationMode, "API");
        assert.equal(cluster.inputs.createOidcProvider, true);
        assert.deepEqual(cluster.inputs.accessEntries, {
            "admin-0": {
                principalArn: "arn:aws:iam::111122223333:role/platform-admins",
                accessPolicies: { clusterAdmin: { policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy", accessScope: { type: "cluster" } } },
            },
        });
        assert.deepEqual(only(dev.resources, "eks:index:Cluster").inputs.accessEntries, {});
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
        const tainted = await evaluateStack("dev", { "idp-eks:nodeTaints": ["dedicated=idp:NoExecute"] });
        assert.deepEqual(only(tainted.resources, "aws:eks/nodeGroup:NodeGroup").inputs.taints, [{ key: "dedicated", value: "idp", effect: "NO_EXECUTE" }]);
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
