// Pure value builders for managed node groups (no Pulumi resources; unit-tested directly).
import { CapacityType, NodeAmiType, TaintEffect } from "./types";

export interface NodeTaint {
    key: string;
    value?: string;
    effect: TaintEffect;
}

export interface NodeGroupArgs {
    /** Short name, unique in the cluster; part of resource names. */
    name: string;
    instanceTypes: string[];
    capacityType: CapacityType;
    amiType: NodeAmiType;
    minSize: number;
    desiredSize: number;
    maxSize: number;
    diskSizeGiB: number;
    labels?: Record<string, string>;
    taints?: NodeTaint[];
}

/** Parses `key=value` node labels. */
export function parseLabels(specs: readonly string[]): Record<string, string> {
    return Object.fromEntries(specs.map((s) => s.split("=") as [string, string]));
}

/** Parses `key=value:Effect` / `key:Effect` taint specs (as `kubectl taint` writes them). */
export function parseTaints(specs: readonly string[]): NodeTaint[] {
    return specs.map((s) => {
        const [keyValue, effect] = s.split(":");
        const [key, value] = keyValue.split("=");
        return value === undefined ? { key, effect: effect as TaintEffect } : { key, value, effect: effect as TaintEffect };
    });
}

const EKS_TAINT_EFFECT: Record<TaintEffect, string> = {
    [TaintEffect.NoSchedule]: "NO_SCHEDULE",
    [TaintEffect.PreferNoSchedule]: "PREFER_NO_SCHEDULE",
    [TaintEffect.NoExecute]: "NO_EXECUTE",
};

/** Taints in the EKS API's form. */
export function eksTaints(taints: readonly NodeTaint[]): { key: string; value?: string; effect: string }[] {
    return taints.map((t) => ({ ...t, effect: EKS_TAINT_EFFECT[t.effect] }));
}

/**
 * Launch template data for nodes: IMDSv2 only, with a hop limit of 1 so pods (which are one hop
 * further away) cannot read the node role's credentials; workloads get AWS identity from EKS Pod
 * Identity or IRSA instead. Root volume gp3 and encrypted.
 */
export function nodeLaunchTemplateData(diskSizeGiB: number) {
    return {
        metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
        blockDeviceMappings: [
            { deviceName: "/dev/xvda", ebs: { volumeSize: diskSizeGiB, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } },
        ],
    };
}

/** Managed policies every node role needs (ECR pulls, joining the cluster, VPC CNI, SSM instead of SSH). */
export const NODE_ROLE_POLICIES = [
    "AmazonEKSWorkerNodePolicy",
    "AmazonEC2ContainerRegistryReadOnly",
    "AmazonEKS_CNI_Policy",
    "AmazonSSMManagedInstanceCore",
] as const;

/**
 * The EC2 service principals a node role trusts. In China, EKS CreateNodegroup has refused node roles
 * without `ec2.amazonaws.com.cn` ("Following required service principals [ec2.amazonaws.com.cn] were
 * not found in the trust relationships of nodeRole"; eksctl maps EC2 to it for aws-cn), while AWS's
 * node-role trust policy names `ec2.amazonaws.com`; China roles trust both, so either check passes.
 */
export function nodeRoleServicePrincipals(partition: string): string | string[] {
    return partition === "aws-cn" ? ["ec2.amazonaws.com", "ec2.amazonaws.com.cn"] : "ec2.amazonaws.com";
}

/** Trust policy of the managed nodes' role: EC2 instances of the node group assume it. */
export function nodeRoleTrustPolicy(partition: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: nodeRoleServicePrincipals(partition) }, Action: "sts:AssumeRole" }],
    });
}
