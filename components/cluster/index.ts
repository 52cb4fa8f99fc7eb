import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { NODE_ROLE_POLICIES, NodeGroupArgs, eksTaints, nodeLaunchTemplateData } from "./nodeGroup";
import { ControlPlaneLogType } from "./types";
import { podIdentityTrustPolicy } from "../addons/awsIdentity";
import { withPreviousType } from "../aliases";

export * from "./types";
export * from "./nodeGroup";

/** What a Cluster is; the platform fills in the network and tags. */
export interface ClusterSettings {
    /** The EKS cluster's name (fixed, so add-ons and tags can name it before it exists). */
    clusterName: string;
    /** Kubernetes minor version, e.g. "1.34". */
    kubernetesVersion: string;
    endpointPrivateAccess: boolean;
    endpointPublicAccess: boolean;
    /** CIDRs allowed to the public endpoint; required when it is on. */
    publicAccessCidrs?: string[];
    controlPlaneLogTypes: ControlPlaneLogType[];
    /** Envelope-encrypt Secrets with KMS. */
    secretsEncryption: boolean;
    /** Use this KMS key instead of creating one. */
    secretsKmsKeyArn?: string;
    /** EKS deletion protection plus Pulumi `protect` on the cluster and its key. */
    deletionProtection: boolean;
    /** IAM principals given cluster-admin through access entries. */
    adminPrincipalArns: string[];
    nodeGroups: NodeGroupArgs[];
    /** Run the VPC CNI network policy agent; without it EKS ignores every NetworkPolicy. */
    networkPolicyEnforcement: boolean;
    /**
     * Install the metrics-server EKS add-on (default true): HorizontalPodAutoscalers and `kubectl top`
     * read it, and EKS does not install it.
     */
    metricsServer?: boolean;
}

export interface ClusterArgs extends ClusterSettings {
    vpcId: pulumi.Input<string>;
    /** Subnets for internet-facing load balancers. */
    publicSubnetIds: pulumi.Input<string[]>;
    /** Subnets for nodes and pods. */
    privateSubnetIds: pulumi.Input<string[]>;
    /**
     * Subnets for the control plane's network interfaces (the intra tier). Unset: the public and
     * private subnets, as before the intra tier. Changing it on a live cluster is an in-place
     * UpdateClusterConfig (same zones), not a replacement.
     */
    controlPlaneSubnetIds?: pulumi.Input<string[]>;
    tags?: Record<string, string>;
}

/**
 * An EKS cluster in API authentication mode with managed node groups in private subnets, the VPC
 * CNI add-on with NetworkPolicy enforcement, the Pod Identity agent, and a Kubernetes provider.
 */
export class Cluster extends pulumi.ComponentResource {
    public readonly clusterName: pulumi.Output<string>;
    /** Admin kubeconfig (JSON), a secret. */
    public readonly kubeconfig: pulumi.Output<string>;
    public readonly oidcProviderArn: pulumi.Output<string>;
    /** OIDC issuer URL without the scheme, as IRSA trust policies name it. */
    public readonly oidcProviderUrl: pulumi.Output<string>;
    public readonly clusterSecurityGroupId: pulumi.Output<string>;
    public readonly nodeSecurityGroupId: pulumi.Output<string>;
    public readonly nodeRoleArn: pulumi.Output<string>;
    /** Whether NetworkPolicies are enforced in this cluster. */
    public readonly networkPolicyEnforced: pulumi.Output<boolean>;
    /** Provider for Kubernetes resources in this cluster; waits for the nodes. */
    public readonly provider: k8s.Provider;

    constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("idp-eks:index:Cluster", name, {}, withPreviousType("idp-eks:cluster:Cluster", opts));
        const parent = { parent: this };
        const tags = args.tags ?? {};
        const partition = aws.getPartitionOutput({}, parent).partition;
        const managedPolicy = (p: string) => pulumi.interpolate`arn:${partition}:iam::aws:policy/${p}`;

        const secretsKey = args.secretsEncryption && !args.secretsKmsKeyArn
            ? new aws.kms.Key(`${name}-secrets`, {
                description: `Envelope encryption of Kubernetes Secrets in EKS cluster ${args.clusterName}`,
                enableKeyRotation: true,
                deletionWindowInDays: 30,
                tags,
            }, { parent: this, protect: args.deletionProtection })
            : undefined;
        if (secretsKey) {
            new aws.kms.Alias(`${name}-secrets`, { name: `alias/${args.clusterName}-secrets`, targetKeyId: secretsKey.keyId }, parent);
        }

        const cluster = new eks.Cluster(name, {
            name: args.clusterName,
            version: args.kubernetesVersion,
            vpcId: args.vpcId,
            // eks.Cluster makes vpcConfig.subnetIds from subnetIds, or else public + private (exclusive).
            ...(args.controlPlaneSubnetIds
                ? { subnetIds: args.controlPlaneSubnetIds }
                : { publicSubnetIds: args.publicSubnetIds, privateSubnetIds: args.privateSubnetIds }),
            nodeAssociatePublicIpAddress: false,
            // Nodes come from the managed node groups below, which use the EKS-created cluster security group.
            skipDefaultNodeGroup: true,
            skipDefaultSecurityGroups: true,
            authenticationMode: eks.AuthenticationMode.Api,
            accessEntries: Object.fromEntries(args.adminPrincipalArns.map((arn, i) => [`admin-${i}`, {
                principalArn: arn,
                accessPolicies: {
                    clusterAdmin: {
                        policyArn: pulumi.interpolate`arn:${partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`,
                        accessScope: { type: "cluster" },
                    },
                },
            }])),
            createOidcProvider: true,
            endpointPrivateAccess: args.endpointPrivateAccess,
            endpointPublicAccess: args.endpointPublicAccess,
            publicAccessCidrs: args.endpointPublicAccess ? args.publicAccessCidrs : undefined,
            enabledClusterLogTypes: args.controlPlaneLogTypes,
            encryptionConfigKeyArn: args.secretsKmsKeyArn ?? secretsKey?.arn,
            deletionProtection: args.deletionProtection,
            // The VPC CNI is managed below as an EKS add-on with network policy enforcement on.
            useDefaultVpcCni: true,
            tags,
        }, { parent: this, protect: args.deletionProtection });

        // Add-ons take the cluster by name; the explicit dependency orders them after it.
        const afterCluster = { parent: this, dependsOn: [cluster] };
        const vpcCni = new aws.eks.Addon(`${name}-vpc-cni`, {
            clusterName: args.clusterName,
            addonName: "vpc-cni",
            // Without the network policy agent, EKS silently ignores every NetworkPolicy.
            configurationValues: JSON.stringify({ enableNetworkPolicy: String(args.networkPolicyEnforcement) }),
            resolveConflictsOnCreate: "OVERWRITE",
            resolveConflictsOnUpdate: "OVERWRITE",
            tags,
        }, afterCluster);
        new aws.eks.Addon(`${name}-pod-identity-agent`, {
            clusterName: args.clusterName,
            addonName: "eks-pod-identity-agent",
            resolveConflictsOnCreate: "OVERWRITE",
            resolveConflictsOnUpdate: "OVERWRITE",
            tags,
        }, afterCluster);

        // EBS volumes for StatefulSets (the in-cluster datastores) need the EBS CSI driver, which
        // EKS does not install by default; its controller gets AWS rights through Pod Identity.
        const ebsCsiRole = new aws.iam.Role(`${name}-ebs-csi`, {
            description: `EBS CSI driver of EKS cluster ${args.clusterName}`,
            assumeRolePolicy: podIdentityTrustPolicy(),
            tags,
        }, parent);
        new aws.iam.RolePolicyAttachment(`${name}-ebs-csi`, { role: ebsCsiRole.name, policyArn: managedPolicy("service-role/AmazonEBSCSIDriverPolicy") }, parent);

        const nodeRole = new aws.iam.Role(`${name}-node`, {
            description: `Managed nodes of EKS cluster ${args.clusterName}`,
            assumeRolePolicy: JSON.stringify({
                Version: "2012-10-17",
                Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
            }),
            tags,
        }, parent);
        const attachments = NODE_ROLE_POLICIES.map((p) =>
            new aws.iam.RolePolicyAttachment(`${name}-node-${p}`, { role: nodeRole.name, policyArn: managedPolicy(p) }, parent));

        const nodeGroups = args.nodeGroups.map((ng) => {
            const launchTemplate = new aws.ec2.LaunchTemplate(`${name}-${ng.name}`, {
                description: `Nodes of ${args.clusterName}/${ng.name}: IMDSv2 only, encrypted gp3 root volume`,
                updateDefaultVersion: true,
                ...nodeLaunchTemplateData(ng.diskSizeGiB),
                tagSpecifications: [{ resourceType: "instance", tags: { ...tags, Name: `${args.clusterName}-${ng.name}` } }],
                tags,
            }, parent);
            return new aws.eks.NodeGroup(`${name}-${ng.name}`, {
                clusterName: args.clusterName,
                nodeRoleArn: nodeRole.arn,
                subnetIds: args.privateSubnetIds,
                instanceTypes: ng.instanceTypes,
                capacityType: ng.capacityType,
                amiType: ng.amiType,
                scalingConfig: { minSize: ng.minSize, desiredSize: ng.desiredSize, maxSize: ng.maxSize },
                updateConfig: { maxUnavailable: 1 },
                labels: ng.labels ?? {},
                taints: eksTaints(ng.taints ?? []),
                launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply(String) },
                tags,
            }, {
                parent: this,
                // Nodes join with the network policy agent configured, and only once they can pull images.
                dependsOn: [cluster, vpcCni, ...attachments],
                // A cluster autoscaler owns the live node count; config only sets the initial one.
                ignoreChanges: ["scalingConfig.desiredSize"],
            });
        });

        new aws.eks.Addon(`${name}-ebs-csi-driver`, {
            clusterName: args.clusterName,
            addonName: "aws-ebs-csi-driver",
            podIdentityAssociations: [{ roleArn: ebsCsiRole.arn, serviceAccount: "ebs-csi-controller-sa" }],
            resolveConflictsOnCreate: "OVERWRITE",
            resolveConflictsOnUpdate: "OVERWRITE",
            tags,
        }, { parent: this, dependsOn: [cluster, ...nodeGroups] });

        if (args.metricsServer ?? true) {
            // Runs on the nodes, so it waits for them; without it an autoscaler never scales.
            new aws.eks.Addon(`${name}-metrics-server`, {
                clusterName: args.clusterName,
                addonName: "metrics-server",
                resolveConflictsOnCreate: "OVERWRITE",
                resolveConflictsOnUpdate: "OVERWRITE",
                tags,
            }, { parent: this, dependsOn: [cluster, ...nodeGroups] });
        }

        this.provider = new k8s.Provider(`${name}-k8s`, {
            kubeconfig: cluster.kubeconfigJson,
            enableServerSideApply: true,
        }, { parent: this, dependsOn: nodeGroups });

        // The name as the created cluster reports it, so whatever takes it (Pod Identity associations,
        // add-ons outside this component) waits for the cluster instead of racing its creation.
        this.clusterName = cluster.eksCluster.apply((c) => c.name);
        this.kubeconfig = pulumi.secret(cluster.kubeconfigJson);
        this.oidcProviderArn = cluster.oidcProviderArn;
        // eks.Cluster's oidcProviderUrl keeps the https:// scheme; IRSA condition keys need it without.
        this.oidcProviderUrl = cluster.oidcIssuer;
        this.clusterSecurityGroupId = cluster.clusterSecurityGroupId;
        this.nodeSecurityGroupId = cluster.nodeSecurityGroupId;
        this.nodeRoleArn = nodeRole.arn;
        this.networkPolicyEnforced = pulumi.output(args.networkPolicyEnforcement);
        this.registerOutputs({
            clusterName: this.clusterName,
            kubeconfig: this.kubeconfig,
            oidcProviderArn: this.oidcProviderArn,
            oidcProviderUrl: this.oidcProviderUrl,
            clusterSecurityGroupId: this.clusterSecurityGroupId,
            nodeSecurityGroupId: this.nodeSecurityGroupId,
            nodeRoleArn: this.nodeRoleArn,
            networkPolicyEnforced: this.networkPolicyEnforced,
        });
    }
}
