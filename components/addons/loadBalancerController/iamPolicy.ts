// The controller's IAM policy: upstream's docs/install/iam_policy*.json, kept as data per controller
// version and partition (a vendored copy that drifts from the running version breaks upgrades), plus
// upstream's recommended scoping of security-group ingress changes to the cluster's VPC. Pure.
import policyV3_5_0 from "./iam-policy-v3.5.0.json";
import policyV3_5_0Cn from "./iam-policy-v3.5.0-cn.json";
import policyV3_5_0UsGov from "./iam-policy-v3.5.0-us-gov.json";

export interface PolicyStatement {
    Effect: string;
    Action: string | string[];
    Resource: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
    Version: string;
    Statement: PolicyStatement[];
}

/**
 * Upstream's file for each partition (docs/deploy/installation.md: iam_policy_us-gov.json for
 * GovCloud, iam_policy_cn.json for China, iam_policy.json elsewhere). They differ only in the
 * partition of their resource ARNs (and the order of two statements): IAM refuses another
 * partition's ARNs in a policy, so the standard file cannot be used in GovCloud or China.
 */
export const UPSTREAM_POLICY_FILES: Readonly<Record<string, string>> = {
    "aws": "docs/install/iam_policy.json",
    "aws-us-gov": "docs/install/iam_policy_us-gov.json",
    "aws-cn": "docs/install/iam_policy_cn.json",
};

/** Upstream policies by controller version (chart version == app version from v3.0.0), then partition. */
export const UPSTREAM_POLICIES: Readonly<Record<string, Readonly<Record<string, PolicyDocument>>>> = {
    "3.5.0": {
        "aws": policyV3_5_0 as PolicyDocument,
        "aws-us-gov": policyV3_5_0UsGov as PolicyDocument,
        "aws-cn": policyV3_5_0Cn as PolicyDocument,
    },
};

export const DEFAULT_CONTROLLER_VERSION = "3.5.0";

const SG_INGRESS_ACTIONS = ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"];

const actions = (s: PolicyStatement) => (typeof s.Action === "string" ? [s.Action] : s.Action);

/**
 * Upstream's policy for `version` in the partition of `vpcArn` (the cluster's VPC, so the policy
 * and its scoping cannot name two partitions), with the one unconditioned statement that lets the
 * controller open security-group ingress anywhere limited to security groups in that VPC.
 */
export function controllerPolicy(version: string, vpcArn: string): PolicyDocument {
    const byPartition = UPSTREAM_POLICIES[version];
    if (!byPartition) {
        throw new Error(`no upstream IAM policy is kept for aws-load-balancer-controller ${version} (have ${Object.keys(UPSTREAM_POLICIES).join(", ")}); ` +
            `add its ${Object.values(UPSTREAM_POLICY_FILES).join(", ")} as components/addons/loadBalancerController/iam-policy-v${version}[-us-gov|-cn].json`);
    }
    // Parsed here: the published package ships components/ only (package.json files), not config/arn.ts.
    const partition = /^arn:([a-z-]+):ec2:/.exec(vpcArn)?.[1];
    if (!partition) throw new Error(`${JSON.stringify(vpcArn)} is not a VPC ARN (arn:<partition>:ec2:<region>:<account>:vpc/<id>)`);
    const upstream = byPartition[partition];
    if (!upstream) {
        throw new Error(`no upstream IAM policy for partition ${partition} is kept for aws-load-balancer-controller ${version} (have ${Object.keys(byPartition).sort().join(", ")}); ` +
            "add upstream's docs/install/iam_policy_<partition>.json for it");
    }
    let scoped = 0;
    const statements = upstream.Statement.map((s) => {
        const isSgIngress = !s.Condition && s.Resource === "*" && actions(s).length === SG_INGRESS_ACTIONS.length && SG_INGRESS_ACTIONS.every((a) => actions(s).includes(a));
        if (!isSgIngress) return s;
        scoped++;
        return { ...s, Condition: { ArnEquals: { "ec2:Vpc": vpcArn } } };
    });
    if (scoped !== 1) throw new Error(`expected one unconditioned security-group ingress statement in the ${version} ${partition} policy, found ${scoped}`);
    return { ...upstream, Statement: statements };
}
