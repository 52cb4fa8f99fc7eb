import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { NODE_ROLE_POLICIES, NodeGroupArgs, eksTaints, nodeLaunchTemplateData, nodeRoleTrustPolicy } from "./nodeGroup";
import { ControlPlaneLogType, SupportType } from "./types";
import { explicitAdminPrincipals, principalKey, samePrincipal } from "./accessEntries";
import { controlPlaneLogGroupName } from "./logging";
import { EksAddon } from "./versions";
import { managedAddonVersion } from "./addons";
import { podIdentityTrustPolicy } from "../addons/awsIdentity";
import { withPreviousType } from "../aliases";

export * from "./types";
export * from "./nodeGroup";
export * from "./accessEntries";
export * from "./logging";
export * from "./versions";

/** What a Cluster is; the platform fills in the network and tags. */
export interface ClusterSettings {
    /** The EKS cluster's name (fixed, so add-ons and tags can name it before it exists). */
    clusterName: string;
    /**
     * Kubernetes minor version, e.g. "1.35". The control plane, the node groups and every EKS managed
     * add-on follow it, in that order.
     */
    kubernetesVersion: string;
    /**
     * The cluster's upgrade policy at the end of standard support (default STANDARD: EKS upgrades
     * the control plane; EXTENDED keeps the version at the extended-support price).
     */
    supportType?: SupportType;
    endpointPrivateAccess: boolean;
    endpointPublicAccess: boolean;
    /** CIDRs allowed to the public endpoint; required when it is on. */
    publicAccessCidrs?: string[];
    controlPlaneLogTypes: ControlPlaneLogType[];
    /**
     * Retention of the control plane log group `/aws/eks/<clusterName>/cluster`, which this creates
     * before the cluster (one of CLOUDWATCH_RETENTION_DAYS; default 90).
     */
    controlPlaneLogRetentionDays?: number;
    /**
     * Adopt the log group EKS already made for an existing cluster that has logged before (Pulumi's
     * `import` option; creating it would fail with ResourceAlreadyExistsException). An import must
     * match the live group, which EKS creates with no retention and no tags, so both are left out
     * while this is on: turn it off and `up` again once imported to apply them.
     */
    importControlPlaneLogGroup?: boolean;
    /** Envelope-encrypt Secrets with KMS. */
    secretsEncryption: boolean;
    /** Use this KMS key instead of creating one. */
    secretsKmsKeyArn?: string;
    /** EKS deletion protection plus Pulumi `protect` on the cluster and its key. */
    deletionProtection: boolean;
    /**
     * IAM principals given cluster-admin through access entries, one entry per principal keyed by
     * its ARN. The identity that creates the cluster is admin through EKS's creator grant and gets
     * no entry of its own (see `clusterCreatorArn`).
     */
    adminPrincipalArns: string[];
    /**
     * The IAM principal (role ARN for an assumed role) that created the cluster, when it is not the
     * identity running the first `pulumi up` of this version (an existing cluster upgraded by another
     * identity). Unset: that identity, recorded once in a Stash.
     */
    clusterCreatorArn?: string;
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
     * What gives the private subnets their way out (NAT gateways, routes, route-table associations;
     * Network's `egressReady`). Nodes wait for it to join, and the Kubernetes provider depends on it,
     * so destroy keeps egress until the controllers have deleted their load balancers.
     */
    egressReady?: pulumi.Resource[];
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
    /** Provider for Kubernetes resources in this cluster; waits for the nodes, egress and the add-ons workloads need. */
    public readonly provider: k8s.Provider;
    /** The EKS Pod Identity agent add-on: controllers using Pod Identity wait for it. */
    public readonly podIdentityAgent: aws.eks.Addon;
    /** The EBS CSI driver add-on: workloads with volumes wait for it (and are deleted before it). */
    public readonly ebsCsiDriver: aws.eks.Addon;
    /** The IAM principal (role ARN for an assumed role) that created the cluster: admin through EKS's creator grant. */
    public readonly clusterCreatorArn: pulumi.Output<string>;
    /** The control plane log group, created before the cluster with its retention. */
    public readonly controlPlaneLogGroupName: pulumi.Output<string>;

    constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("idp-eks:index:Cluster", name, {}, withPreviousType("idp-eks:cluster:Cluster", opts));
        const parent = { parent: this };
        const tags = args.tags ?? {};
        const partition = aws.getPartitionOutput({}, parent).partition;
        const managedPolicy = (p: string) => pulumi.interpolate`arn:${partition}:iam::aws:policy/${p}`;
        const addonVersion = (addon: EksAddon) => managedAddonVersion(addon, args.kubernetesVersion, parent);

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

        // Created before the cluster, so EKS writes into it instead of creating it with no expiry and
        // leaving it behind on destroy.
        const logGroupName = controlPlaneLogGroupName(args.clusterName);
        const adoptLogGroup = args.importControlPlaneLogGroup ?? false;
        if (adoptLogGroup) {
            void pulumi.log.warn(`importControlPlaneLogGroup: adopting ${logGroupName} as EKS made it (no retention, no tags); once imported, turn it off and run up again to apply the retention and tags`, this);
        }
        const logGroup = new aws.cloudwatch.LogGroup(`${name}-control-plane`, {
            name: logGroupName,
            retentionInDays: adoptLogGroup ? undefined : args.controlPlaneLogRetentionDays ?? 90,
            tags: adoptLogGroup ? undefined : tags,
        }, { parent: this, protect: args.deletionProtection, import: adoptLogGroup ? logGroupName : undefined });

        const cluster = new eks.Cluster(name, {
            name: args.clusterName,
            version: args.kubernetesVersion,
            // Explicit: EKS (and pulumi-eks) default to EXTENDED, which bills six times the standard rate.
            upgradePolicy: { supportType: args.supportType ?? SupportType.Standard },
            // kube-proxy stays pulumi-eks's add-on (created right after the control plane), pinned here.
            kubeProxyAddonOptions: { version: addonVersion(EksAddon.KubeProxy) },
            // CoreDNS needs nodes to become ACTIVE; created inside eks.Cluster it would wait for node
            // groups that wait for the cluster (pulumi-eks#1819). It is created below, after the nodes.
            corednsAddonOptions: { enabled: false },
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
            // Access entries are created below, keyed by principal.
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
        }, { parent: this, protect: args.deletionProtection, dependsOn: [logGroup] });

        this.clusterCreatorArn = this.accessEntries(name, args, cluster, partition);

        // Add-ons take the cluster by name; the explicit dependency orders them after it.
        const afterCluster = { parent: this, dependsOn: [cluster] };
        const vpcCni = new aws.eks.Addon(`${name}-vpc-cni`, {
            clusterName: args.clusterName,
            addonName: EksAddon.VpcCni,
            addonVersion: addonVersion(EksAddon.VpcCni),
            // Without the network policy agent, EKS silently ignores every NetworkPolicy.
            configurationValues: JSON.stringify({ enableNetworkPolicy: String(args.networkPolicyEnforcement) }),
            resolveConflictsOnCreate: "OVERWRITE",
            resolveConflictsOnUpdate: "OVERWRITE",
            tags,
        }, afterCluster);
        const podIdentityAgent = new aws.eks.Addon(`${name}-pod-identity-agent`, {
            clusterName: args.clusterName,
            addonName: EksAddon.PodIdentityAgent,
            addonVersion: addonVersion(EksAddon.PodIdentityAgent),
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
            assumeRolePolicy: partition.apply(nodeRoleTrustPolicy),
            tags,
        }, parent);
        const attachments = NODE_ROLE_POLICIES.map((p) =>
            new aws.iam.RolePolicyAttachment(`${name}-node-${p}`, { role: nodeRole.name, policyArn: managedPolicy(p) }, parent));

        const egressReady = args.egressReady ?? [];
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
                // Nodes follow the control plane: a kubernetesVersion bump rolls them after it is upgraded.
                version: args.kubernetesVersion,
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
                // Nodes join with the network policy agent configured, and only once they can pull images
                // (attached policies, and a route out through NAT from the private subnets).
                // The Pod Identity agent first too: the EBS CSI driver on these nodes gets its rights through it.
                dependsOn: [cluster, vpcCni, podIdentityAgent, ...attachments, ...egressReady],
                // A cluster autoscaler owns the live node count; config only sets the initial one.
                ignoreChanges: ["scalingConfig.desiredSize"],
            });
        });

        // CoreDNS as an EKS managed add-on (it adopts the self-managed CoreDNS EKS installs); its pods
        // need nodes, so it waits for them.
        const coreDns = new aws.eks.Addon(`${name}-coredns`, {
            clusterName: args.clusterName,
            addonName: EksAddon.CoreDns,
            addonVersion: addonVersion(EksAddon.CoreDns),
            resolveConflictsOnCreate: "OVERWRITE",
            resolveConflictsOnUpdate: "OVERWRITE",
            tags,
        }, { parent: this, dependsOn: [cluster, ...nodeGroups] });

        const ebsCsiDriver = new aws.eks.Addon(`${name}-ebs-csi-driver`, {
            clusterName: args.clusterName,
            addonName: EksAddon.EbsCsiDriver,
            addonVersion: addonVersion(EksAddon.EbsCsiDriver),
            podIdentityAssociations: [{ roleArn: ebsCsiRole.arn, serviceAccount: "ebs-csi-controller-sa" }],
            resolveConflictsOnCreate: "OVERWRITE",
            resolveConflictsOnUpdate: "OVERWRITE",
            tags,
        }, { parent: this, dependsOn: [cluster, ...nodeGroups] });

        if (args.metricsServer ?? true) {
            // Runs on the nodes, so it waits for them; without it an autoscaler never scales.
            new aws.eks.Addon(`${name}-metrics-server`, {
                clusterName: args.clusterName,
                addonName: EksAddon.MetricsServer,
                addonVersion: addonVersion(EksAddon.MetricsServer),
                resolveConflictsOnCreate: "OVERWRITE",
                resolveConflictsOnUpdate: "OVERWRITE",
                tags,
            }, { parent: this, dependsOn: [cluster, ...nodeGroups] });
        }

        // Every Kubernetes resource uses this provider, so it is created after, and destroyed before,
        // what the controllers and workloads need: nodes, the private subnets' egress (controllers call
        // AWS APIs to delete their load balancers), Pod Identity (their credentials) and the EBS CSI
        // driver (volumes detach and are deleted by it), and CoreDNS (the controllers resolve the AWS
        // endpoints by name).
        this.provider = new k8s.Provider(`${name}-k8s`, {
            kubeconfig: cluster.kubeconfigJson,
            enableServerSideApply: true,
        }, { parent: this, dependsOn: [...nodeGroups, ...egressReady, podIdentityAgent, ebsCsiDriver, coreDns] });
        this.podIdentityAgent = podIdentityAgent;
        this.ebsCsiDriver = ebsCsiDriver;
        this.controlPlaneLogGroupName = logGroup.name;

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
            clusterCreatorArn: this.clusterCreatorArn,
            controlPlaneLogGroupName: this.controlPlaneLogGroupName,
        });
    }

    /**
     * One access entry (with the cluster-admin policy) per admin principal, keyed by its ARN, except
     * for the cluster's creator, whom EKS made admin already. The creator is recorded once, in a
     * Stash, from the identity that ran the `pulumi up` creating it (for an assumed role its IAM
     * role, with the role's path, as aws.iam.getSessionContext resolves it), so later deployments by
     * other identities neither add a conflicting entry nor remove one. Returns the creator.
     */
    private accessEntries(name: string, args: ClusterArgs, cluster: eks.Cluster, partition: pulumi.Output<string>): pulumi.Output<string> {
        const caller = aws.getCallerIdentityOutput({}, { parent: this }).arn;
        const principal = aws.iam.getSessionContextOutput({ arn: caller }, { parent: this }).issuerArn;
        // A Stash's output keeps the first value stored even when its input changes later (Pulumi docs,
        // Concepts, "Stash"; pulumi/pulumi pkg/resource/deploy/builtins.go: Create, previews included,
        // copies input to output, Update keeps the old output): the creator, not whoever runs this
        // deployment, and known in the first preview too.
        const stashed = new pulumi.Stash(`${name}-creator`, { input: principal }, { parent: this }).output as pulumi.Output<string>;
        const creator = args.clusterCreatorArn ? pulumi.output(args.clusterCreatorArn) : stashed;
        const clusterName = cluster.eksCluster.name;
        const policyArn = pulumi.interpolate`arn:${partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`;
        return creator.apply((creatorArn: string) => {
            if (args.adminPrincipalArns.some((arn) => samePrincipal(arn, creatorArn))) {
                pulumi.log.warn(`adminPrincipalArns: ${creatorArn} created cluster ${args.clusterName} and is its admin through EKS's creator grant; it gets no access entry of its own (a second one fails with 409)`, this);
            }
            const explicit = explicitAdminPrincipals(args.adminPrincipalArns, creatorArn);
            for (const arn of explicit) {
                const key = principalKey(arn);
                // Before entries were keyed by principal, pulumi-eks created them as children of the
                // eks.Cluster, named `<name>-admin-<index>` with a `-clusterAdmin` policy association
                // (createAccessEntries in nodejs/eks/cluster/authenticationMode.ts): adopt them by
                // their position in the list as it is at the upgrade, instead of replacing them.
                const legacy = `${name}-admin-${args.adminPrincipalArns.indexOf(arn)}`;
                const legacyEntryUrn = pulumi.createUrn(legacy, "aws:eks/accessEntry:AccessEntry", cluster);
                const entry = new aws.eks.AccessEntry(`${name}-admin-${key}`, {
                    clusterName,
                    principalArn: arn,
                    tags: args.tags ?? {},
                }, { parent: this, aliases: [{ name: legacy, parent: cluster }] });
                new aws.eks.AccessPolicyAssociation(`${name}-admin-${key}`, {
                    clusterName,
                    principalArn: arn,
                    policyArn,
                    accessScope: { type: "cluster" },
                }, { parent: this, dependsOn: [entry], aliases: [{ name: `${legacy}-clusterAdmin`, parent: legacyEntryUrn }] });
            }
            return creatorArn;
        });
    }
}
