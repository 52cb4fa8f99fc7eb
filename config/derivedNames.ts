// Every AWS name the program and its components derive from clusterName, with the limit AWS puts on
// it, so clusterName can be validated from the longest of them before anything is registered. The
// mocked cloud enforces the same limits on what is actually registered (offline/rules/aws.ts), and a
// test checks that this list covers every name it checks.
import type { ConfigValues } from "./keys";
import { AcmeSolver } from "../components/addons/types";

/** Pulumi's auto-name suffix: a hyphen and 7 random characters. */
export const AUTO_SUFFIX = "-xxxxxxx";

export interface DerivedName {
    /** The name with Pulumi's suffix where the resource is auto-named. */
    name: string;
    limit: number;
    /** What the name is and who derives it. */
    what: string;
    /** Where AWS sets the limit. */
    source: string;
}

type NameKeys = "loadBalancerController" | "certManager" | "acmeSolver" | "route53HostedZoneId" | "secretsEncryption" | "secretsKmsKeyArn";

/** The platform's component names: IdpPlatform(clusterName) -> `${clusterName}-cluster`, `-lbc`, `-cert-manager` (components/platform/index.ts). */
export function derivedNames(clusterName: string, c: Pick<ConfigValues, NameKeys>): DerivedName[] {
    const cluster = `${clusterName}-cluster`;
    const iamRole = (base: string, what: string): DerivedName => ({ name: base + AUTO_SUFFIX, limit: 64, what: `IAM role name (${what}, auto-named)`, source: "IAM CreateRole RoleName: 64 characters" });
    const iamPolicy = (base: string, what: string): DerivedName => ({ name: base + AUTO_SUFFIX, limit: 128, what: `IAM policy name (${what}, auto-named)`, source: "IAM CreatePolicy PolicyName: 128 characters" });
    const names: DerivedName[] = [
        { name: clusterName, limit: 100, what: "EKS cluster name", source: "EKS CreateCluster name: 100 characters" },
        // @pulumi/eks 4.3 nodejs/eks/cluster/cluster.ts: new ServiceRole(`${name}-eksRole`) -> servicerole.ts aws.iam.Role(`${name}-role`).
        iamRole(`${cluster}-eksRole-role`, "@pulumi/eks's cluster service role"),
        iamRole(`${cluster}-ebs-csi`, "EBS CSI driver"),
        iamRole(`${cluster}-node`, "managed nodes"),
        // The managed node group "general" (config/platformArgs.ts) and its launch template.
        { name: `${cluster}-general${AUTO_SUFFIX}`, limit: 63, what: "EKS node group name (auto-named)", source: "EKS CreateNodegroup nodegroupName: 63 characters" },
        { name: `${cluster}-general${AUTO_SUFFIX}`, limit: 128, what: "launch template name (auto-named)", source: "EC2 CreateLaunchTemplate LaunchTemplateName: 128 characters" },
        { name: `kubernetes.io/cluster/${clusterName}`, limit: 128, what: "subnet tag key", source: "EC2 tag keys: 128 characters" },
        // components/cluster/logging.ts: the log group EKS writes control plane logs to, created first.
        { name: `/aws/eks/${clusterName}/cluster`, limit: 512, what: "CloudWatch log group name", source: "CloudWatch Logs CreateLogGroup logGroupName: 512 characters" },
    ];
    if (c.secretsEncryption && !c.secretsKmsKeyArn) names.push({ name: `alias/${clusterName}-secrets`, limit: 256, what: "KMS alias name", source: "KMS CreateAlias AliasName: 256 characters" });
    if (c.loadBalancerController) names.push(iamRole(`${clusterName}-lbc-identity`, "load balancer controller"), iamPolicy(`${clusterName}-lbc-identity`, "load balancer controller"));
    if (c.certManager && c.acmeSolver === AcmeSolver.Dns01 && c.route53HostedZoneId) {
        names.push(iamRole(`${clusterName}-cert-manager-route53`, "cert-manager DNS-01"), iamPolicy(`${clusterName}-cert-manager-route53`, "cert-manager DNS-01"));
    }
    return names;
}

/** The names clusterName makes too long, tightest first, each with the longest clusterName it allows. */
export function derivedNameProblems(clusterName: string, c: Pick<ConfigValues, NameKeys>): { name: DerivedName; maxClusterName: number }[] {
    return derivedNames(clusterName, c)
        .filter((n) => n.name.length > n.limit)
        .map((n) => ({ name: n, maxClusterName: clusterName.length - (n.name.length - n.limit) }))
        .sort((a, b) => a.maxClusterName - b.maxClusterName);
}
