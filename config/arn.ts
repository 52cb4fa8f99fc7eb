// ARNs as the IAM User Guide defines them ("Amazon Resource Names (ARNs)":
// arn:partition:service:region:account-id:resource), for config checks and the mocked cloud's AWS rules. Pure.

export interface Arn {
    partition: string;
    service: string;
    region: string;
    account: string;
    resource: string;
}

export function parseArn(text: string): Arn | undefined {
    const parts = text.split(":");
    if (parts.length < 6 || parts[0] !== "arn") return undefined;
    const [, partition, service, region, account, ...rest] = parts;
    return { partition, service, region, account, resource: rest.join(":") };
}

/** The partition of a region: cn-* in aws-cn, us-gov-* in aws-us-gov, the rest in aws. */
export function partitionOf(region: string): string {
    if (region.startsWith("cn-")) return "aws-cn";
    if (region.startsWith("us-gov-")) return "aws-us-gov";
    if (region.startsWith("us-iso-")) return "aws-iso";
    if (region.startsWith("us-isob-")) return "aws-iso-b";
    return "aws";
}

/** What aws.getPartition reports for a region's partition. */
export interface PartitionInfo {
    partition: string;
    /** Base domain of the partition's endpoints (ELB and EKS host names, the OIDC issuer). */
    dnsSuffix: string;
    reverseDnsPrefix: string;
}

// dnsSuffix per partition from the AWS SDK's partition table (aws-sdk-js-v3
// packages/util-endpoints/src/lib/aws/partitions.json); reverseDnsPrefix as the AWS provider's
// aws_partition documents it (com.amazonaws, cn.com.amazonaws in China).
const PARTITION_DNS: Readonly<Record<string, { dnsSuffix: string; reverseDnsPrefix: string }>> = {
    "aws": { dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" },
    "aws-cn": { dnsSuffix: "amazonaws.com.cn", reverseDnsPrefix: "cn.com.amazonaws" },
    "aws-us-gov": { dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" },
    "aws-iso": { dnsSuffix: "c2s.ic.gov", reverseDnsPrefix: "gov.ic.c2s" },
    "aws-iso-b": { dnsSuffix: "sc2s.sgov.gov", reverseDnsPrefix: "gov.sgov.sc2s" },
};

export function partitionInfo(region: string): PartitionInfo {
    const partition = partitionOf(region);
    return { partition, ...PARTITION_DNS[partition] };
}
