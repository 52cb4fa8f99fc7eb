// The controller's IAM policy: upstream's docs/install/iam_policy.json, kept as data per controller
// version (a vendored copy that drifts from the running version breaks upgrades), plus upstream's
// recommended scoping of security-group ingress changes to the cluster's VPC. Pure.
import policyV3_5_0 from "./iam-policy-v3.5.0.json";

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

/** Upstream policies by controller version (chart version == app version from v3.0.0). */
export const UPSTREAM_POLICIES: Readonly<Record<string, PolicyDocument>> = {
    "3.5.0": policyV3_5_0 as PolicyDocument,
};

export const DEFAULT_CONTROLLER_VERSION = "3.5.0";

const SG_INGRESS_ACTIONS = ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"];

const actions = (s: PolicyStatement) => (typeof s.Action === "string" ? [s.Action] : s.Action);

/**
 * Upstream's policy for `version`, with the one unconditioned statement that lets the controller
 * open security-group ingress anywhere limited to security groups in `vpcArn`.
 */
export function controllerPolicy(version: string, vpcArn: string): PolicyDocument {
    const upstream = UPSTREAM_POLICIES[version];
    if (!upstream) {
        throw new Error(`no upstream IAM policy is kept for aws-load-balancer-controller ${version} (have ${Object.keys(UPSTREAM_POLICIES).join(", ")}); ` +
            `add its docs/install/iam_policy.json as components/addons/loadBalancerController/iam-policy-v${version}.json`);
    }
    let scoped = 0;
    const statements = upstream.Statement.map((s) => {
        const isSgIngress = !s.Condition && s.Resource === "*" && actions(s).length === SG_INGRESS_ACTIONS.length && SG_INGRESS_ACTIONS.every((a) => actions(s).includes(a));
        if (!isSgIngress) return s;
        scoped++;
        return { ...s, Condition: { ArnEquals: { "ec2:Vpc": vpcArn } } };
    });
    if (scoped !== 1) throw new Error(`expected one unconditioned security-group ingress statement in the ${version} policy, found ${scoped}`);
    return { ...upstream, Statement: statements };
}
