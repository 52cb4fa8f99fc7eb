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
