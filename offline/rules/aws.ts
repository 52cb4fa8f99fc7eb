// AWS API limits the program's resources must meet, enforced offline per resource type. Each rule
// cites where AWS defines it (the service's API reference or quota page). Pure: recorded
// resources in, violations out.
import { ResourceView, RuleViolation, known } from "./types";
import { showValue } from "../../config/values";
import { parseArn, partitionOf } from "../../config/arn";
import { ELB_HOSTED_ZONE_IDS, LoadBalancerType } from "../../components/idp/dns";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = any;

/** Pulumi auto-naming: the resource name, a hyphen and 7 random characters (sdk: resource.NewUniqueName, randomChars 7). */
export const AUTO_NAME_SUFFIX = 8;
/** The AWS provider's name_prefix: the prefix plus a 26-character unique id (terraform-plugin-sdk id.PrefixedUniqueId). */
export const NAME_PREFIX_SUFFIX = 26;

interface NameRule {
    /** Input holding the name (`name`, `nodeGroupName`...). */
    field: string;
    max: number;
    min?: number;
    pattern?: RegExp;
    patternText?: string;
    /** Other checks on the full name. */
    extra?: (name: string) => string | undefined;
    /** Auto-named when the field is unset (no name/namePrefix: the provider derives it from the resource name). */
    autoNamed: boolean;
    /** Has a `<field>Prefix` input. */
    prefix?: boolean;
    what: string;
    source: string;
}

const IAM_NAME = /^[\w+=,.@-]+$/;
const ELB_NAME = /^[A-Za-z0-9-]+$/;

/** Name rules per resource type. */
export const NAME_RULES: Readonly<Record<string, NameRule>> = {
    "aws:iam/role:Role": { field: "name", max: 64, pattern: IAM_NAME, patternText: "letters, digits and +=,.@_-", autoNamed: true, prefix: true, what: "IAM role name", source: "IAM API Reference, CreateRole RoleName (1-64, [\\w+=,.@-]+)" },
    "aws:iam/policy:Policy": { field: "name", max: 128, pattern: IAM_NAME, patternText: "letters, digits and +=,.@_-", autoNamed: true, prefix: true, what: "IAM policy name", source: "IAM API Reference, CreatePolicy PolicyName (1-128)" },
    "aws:iam/instanceProfile:InstanceProfile": { field: "name", max: 128, pattern: IAM_NAME, patternText: "letters, digits and +=,.@_-", autoNamed: true, prefix: true, what: "IAM instance profile name", source: "IAM API Reference, CreateInstanceProfile InstanceProfileName (1-128)" },
    "aws:iam/rolePolicy:RolePolicy": { field: "name", max: 128, pattern: IAM_NAME, patternText: "letters, digits and +=,.@_-", autoNamed: true, prefix: true, what: "IAM inline policy name", source: "IAM API Reference, PutRolePolicy PolicyName (1-128)" },
    "aws:lb/loadBalancer:LoadBalancer": { field: "name", max: 32, pattern: ELB_NAME, patternText: "letters, digits and '-'", extra: elbNameExtra, autoNamed: true, prefix: true, what: "load balancer name", source: "ELBv2 API Reference, CreateLoadBalancer Name (32, alphanumerics and hyphens, not starting or ending with a hyphen, not starting with internal-)" },
    "aws:alb/loadBalancer:LoadBalancer": { field: "name", max: 32, pattern: ELB_NAME, patternText: "letters, digits and '-'", extra: elbNameExtra, autoNamed: true, prefix: true, what: "load balancer name", source: "ELBv2 API Reference, CreateLoadBalancer Name" },
    "aws:lb/targetGroup:TargetGroup": { field: "name", max: 32, pattern: ELB_NAME, patternText: "letters, digits and '-'", extra: (n) => (/^-|-$/.test(n) ? "must not begin or end with a hyphen" : undefined), autoNamed: true, prefix: true, what: "target group name", source: "ELBv2 API Reference, CreateTargetGroup Name (32, alphanumerics and hyphens)" },
    "aws:alb/targetGroup:TargetGroup": { field: "name", max: 32, pattern: ELB_NAME, patternText: "letters, digits and '-'", autoNamed: true, prefix: true, what: "target group name", source: "ELBv2 API Reference, CreateTargetGroup Name" },
    "aws:kms/alias:Alias": { field: "name", max: 256, pattern: /^alias\/[A-Za-z0-9/_-]+$/, patternText: "alias/ followed by letters, digits and /_-", extra: (n) => (n.startsWith("alias/aws/") ? "must not begin with alias/aws/ (reserved for AWS managed keys)" : undefined), autoNamed: false, prefix: true, what: "KMS alias name", source: "KMS API Reference, CreateAlias AliasName (1-256, ^alias/[a-zA-Z0-9/_-]+$)" },
    "aws:ec2/securityGroup:SecurityGroup": { field: "name", max: 255, pattern: /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]+$/, patternText: "a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*", extra: (n) => (n.startsWith("sg-") ? "must not begin with sg-" : undefined), autoNamed: true, prefix: true, what: "security group name", source: "EC2 API Reference, CreateSecurityGroup GroupName (255; VPC character set; not sg-*)" },
    "aws:eks/cluster:Cluster": { field: "name", max: 100, pattern: /^[0-9A-Za-z][A-Za-z0-9_-]*$/, patternText: "letters, digits, '-' and '_', starting alphanumeric", autoNamed: true, what: "EKS cluster name", source: "EKS API Reference, CreateCluster name (1-100, ^[0-9A-Za-z][A-Za-z0-9\\-_]*)" },
    "eks:index:Cluster": { field: "name", max: 100, pattern: /^[0-9A-Za-z][A-Za-z0-9_-]*$/, patternText: "letters, digits, '-' and '_', starting alphanumeric", autoNamed: true, what: "EKS cluster name", source: "EKS API Reference, CreateCluster name (1-100, ^[0-9A-Za-z][A-Za-z0-9\\-_]*)" },
    "aws:eks/nodeGroup:NodeGroup": { field: "nodeGroupName", max: 63, pattern: /^[0-9A-Za-z][A-Za-z0-9_-]*$/, patternText: "letters, digits, '-' and '_', starting alphanumeric", autoNamed: true, prefix: true, what: "EKS node group name", source: "EKS API Reference, CreateNodegroup nodegroupName (1-63)" },
    "aws:ec2/launchTemplate:LaunchTemplate": { field: "name", max: 128, pattern: /^[A-Za-z0-9().\-/_]+$/, patternText: "letters, digits and ().-/_", autoNamed: true, prefix: true, what: "launch template name", source: "EC2 API Reference, CreateLaunchTemplate LaunchTemplateName (3-128, [a-zA-Z0-9().\\-/_]+)" },
    "aws:cloudwatch/logGroup:LogGroup": { field: "name", max: 512, pattern: /^[.\-_/#A-Za-z0-9]+$/, patternText: "letters, digits and ._-/#", autoNamed: true, prefix: true, what: "CloudWatch log group name", source: "CloudWatch Logs API Reference, CreateLogGroup logGroupName (1-512, [\\.\\-_/#A-Za-z0-9]+)" },
};

function elbNameExtra(n: string): string | undefined {
    if (/^-|-$/.test(n)) return "must not begin or end with a hyphen";
    if (n.startsWith("internal-")) return "must not begin with internal-";
    return undefined;
}

/** The physical name a resource gets, and how it was derived. */
export function physicalName(r: ResourceView, rule: NameRule): { name: string; how: "given" | "prefix" | "auto" } | undefined {
    const given = r.inputs[rule.field];
    if (known(given)) return { name: given, how: "given" };
    const prefix = r.inputs[`${rule.field}Prefix`];
    if (rule.prefix && known(prefix)) return { name: prefix + "x".repeat(NAME_PREFIX_SUFFIX), how: "prefix" };
    if (given === undefined && rule.autoNamed) return { name: `${r.name}-${"x".repeat(AUTO_NAME_SUFFIX - 1)}`, how: "auto" };
    return undefined;
}

export function nameViolation(resource: string, property: string, name: string, how: "given" | "prefix" | "auto", rule: NameRule): RuleViolation | undefined {
    const shown = how === "auto" ? `${name} (auto-named: resource name + Pulumi's 8-character suffix)` : how === "prefix" ? `${name} (prefix + the provider's 26-character suffix)` : name;
    const problem = name.length > rule.max
        ? `the ${rule.what} may be at most ${rule.max} characters; this one is ${name.length}${how === "auto" ? ": shorten the resource name or set an explicit name" : ""}`
        : name.length < (rule.min ?? 1)
          ? `the ${rule.what} needs at least ${rule.min ?? 1} characters`
          : rule.pattern && !rule.pattern.test(name)
            ? `the ${rule.what} may contain only ${rule.patternText}`
            : rule.extra?.(name) && `the ${rule.what} ${rule.extra(name)}`;
    return problem ? { resource, property, value: showValue(shown), rule: problem, source: rule.source } : undefined;
}

// Tags: EC2/Resource Groups Tagging rules (docs: "Tag naming limits and requirements").
const TAG_SOURCE = "AWS Tagging Best Practices / EC2 User Guide, tag restrictions (50 per resource; key 1-128, value 0-256; aws: prefix reserved)";
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

function tagViolations(r: ResourceView, field: string, tags: Obj): RuleViolation[] {
    if (!tags || typeof tags !== "object" || Array.isArray(tags)) return [];
    const out: RuleViolation[] = [];
    const entries = Object.entries(tags as Record<string, unknown>);
    const add = (property: string, value: unknown, rule: string) => out.push({ resource: r.urn, property, value: showValue(value), rule, source: TAG_SOURCE });
    if (entries.length > 50) add(field, `${entries.length} tags`, "a resource may carry at most 50 tags");
    for (const [k, v] of entries) {
        if (k.length < 1 || k.length > 128) add(`${field}["${k}"]`, k, `a tag key must be 1-128 characters (is ${k.length})`);
        if (k.toLowerCase().startsWith("aws:")) add(`${field}["${k}"]`, k, "tag keys beginning with aws: are reserved for AWS");
        if (!TAG_CHARS.test(k)) add(`${field}["${k}"]`, k, "a tag key may contain only letters, digits, spaces and _.:/=+-@");
        if (known(v)) {
            if (v.length > 256) add(`${field}["${k}"]`, v, `a tag value may be at most 256 characters (is ${v.length})`);
            if (!TAG_CHARS.test(v)) add(`${field}["${k}"]`, v, "a tag value may contain only letters, digits, spaces and _.:/=+-@");
        }
    }
    return out;
}

// ARNs: "Amazon Resource Names (ARNs)" in the IAM User Guide: arn:partition:service:region:account-id:resource.
const ARN_SOURCE = "IAM User Guide, Amazon Resource Names (ARNs): arn:partition:service:region:account-id:resource";
const PARTITIONS = new Set(["aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc"]);
/** Services whose ARNs carry no region (global services). */
const GLOBAL_SERVICES = new Set(["iam", "sts", "route53", "cloudfront", "organizations", "s3", "waf", "budgets", "ce", "health", "shield"]);

/** Problems of one ARN: shape, partition of the stack, 12-digit account (or aws for AWS-owned), region where the service is regional. */
export function arnProblem(text: string, stackRegion: string): string | undefined {
    const arn = parseArn(text);
    if (!arn) return "is not an ARN (arn:partition:service:region:account-id:resource)";
    if (!PARTITIONS.has(arn.partition)) return `has partition ${showValue(arn.partition)}, not an AWS partition`;
    if (arn.partition !== partitionOf(stackRegion)) return `is in partition ${arn.partition}, but the stack's region ${stackRegion} is in ${partitionOf(stackRegion)}`;
    if (!/^[a-z0-9-]+$/.test(arn.service)) return "has no service";
    if (arn.account !== "" && arn.account !== "aws" && !/^\d{12}$/.test(arn.account)) return `has account ${showValue(arn.account)}, not a 12-digit account id`;
    if (!GLOBAL_SERVICES.has(arn.service) && arn.region !== "" && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(arn.region)) return `has region ${showValue(arn.region)}, not an AWS region`;
    if (arn.resource === "") return "has no resource part";
    return undefined;
}

/** Every string in a value that looks like an ARN, with its property path. */
function arnsIn(value: unknown, path: string, out: { path: string; arn: string }[]): void {
    // Policy documents are JSON text: their ARNs (with * wildcards) follow IAM's policy grammar and are not checked here.
    if (typeof value === "string") {
        if (value.startsWith("arn:")) out.push({ path, arn: value });
        return;
    }
    if (Array.isArray(value)) value.forEach((v, i) => arnsIn(v, `${path}[${i}]`, out));
    else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) arnsIn(v, path ? `${path}.${k}` : k, out);
}

// IAM policy documents: an account lives in one partition (IAM User Guide, ARNs), and IAM refuses a
// policy naming another partition's resource (MalformedPolicyDocument: Partition "aws" is not valid
// for resource "arn:aws:...") or principal ("Invalid principal in policy"); a condition on another
// partition's ARN is accepted but never matches. arnsIn above skips policy text, so it is read here.
const POLICY_PARTITION_SOURCE = "IAM User Guide, Identify AWS resources with ARNs (each AWS account is scoped to one partition); IAM CreatePolicy/PutRolePolicy/CreateRole refuse another partition's ARN: MalformedPolicyDocument (Partition \"aws\" is not valid for resource ..., Invalid principal in policy)";

/** Policy documents among a value's strings: JSON text with a Statement, at any depth (policy, assumeRolePolicy, inlinePolicies[i].policy, key policies). */
function policyDocumentsIn(value: unknown, path: string, out: { path: string; doc: Obj }[]): void {
    if (typeof value === "string") {
        if (!value.trimStart().startsWith("{") || !value.includes("Statement")) return;
        try {
            const doc = JSON.parse(value);
            if (doc && typeof doc === "object" && "Statement" in doc) out.push({ path, doc });
        } catch {
            // Not JSON: not a policy document.
        }
        return;
    }
    if (Array.isArray(value)) value.forEach((v, i) => policyDocumentsIn(v, `${path}[${i}]`, out));
    else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) policyDocumentsIn(v, path ? `${path}.${k}` : k, out);
}

/** Every ARN a policy document names, with its place: Resource, NotResource, Principal and NotPrincipal (AWS, Federated), Condition values. */
export function policyArns(doc: Obj): { where: string; arn: string }[] {
    const out: { where: string; arn: string }[] = [];
    const collect = (v: unknown, where: string) => {
        if (typeof v === "string") {
            if (v.startsWith("arn:")) out.push({ where, arn: v });
        } else if (Array.isArray(v)) v.forEach((e, i) => collect(e, `${where}[${i}]`));
        else if (v && typeof v === "object") for (const [k, e] of Object.entries(v)) collect(e, `${where}.${k}`);
    };
    const statements = Array.isArray(doc?.Statement) ? doc.Statement : [doc?.Statement];
    statements.forEach((st: Obj, i: number) => {
        if (!st || typeof st !== "object") return;
        for (const element of ["Resource", "NotResource", "Principal", "NotPrincipal", "Condition"]) {
            if (st[element] !== undefined) collect(st[element], `Statement[${i}].${element}`);
        }
    });
    return out;
}

/** Policy documents naming an ARN of another partition than the stack's. */
export function policyPartitionViolations(r: ResourceView, stackRegion: string): RuleViolation[] {
    const docs: { path: string; doc: Obj }[] = [];
    policyDocumentsIn(r.inputs, "", docs);
    const partition = partitionOf(stackRegion);
    const out: RuleViolation[] = [];
    for (const { path, doc } of docs) {
        for (const { where, arn } of policyArns(doc)) {
            const named = arn.split(":")[1];
            // A wildcard or policy variable in the partition segment names no one partition.
            if (!/^[a-z-]+$/.test(named) || named === partition) continue;
            out.push({ resource: r.urn, property: `${path} ${where}`, value: showValue(arn), rule: `the policy names partition ${named}, but the stack's region ${stackRegion} is in ${partition}: ${where.includes(".Condition") ? "the condition never matches" : "IAM refuses the policy"}`, source: POLICY_PARTITION_SOURCE });
        }
    }
    return out;
}

/** Where AWS requires a referenced ARN to be in the stack's own region. */
const SAME_REGION: { type: RegExp; path: RegExp; service: string; why: string; source: string }[] = [
    { type: /^(eks:index:Cluster)$/, path: /^encryptionConfigKeyArn$/, service: "kms", why: "EKS secrets encryption needs a KMS key in the cluster's region", source: "EKS User Guide, Encrypt Kubernetes secrets with KMS (the key must be in the cluster's Region)" },
    { type: /^aws:eks\/cluster:Cluster$/, path: /^encryptionConfig\.provider\.keyArn$/, service: "kms", why: "EKS secrets encryption needs a KMS key in the cluster's region", source: "EKS User Guide, Encrypt Kubernetes secrets with KMS" },
    { type: /^kubernetes:/, path: /annotations\.(alb\.ingress\.kubernetes\.io\/certificate-arn|service\.beta\.kubernetes\.io\/aws-load-balancer-ssl-cert)$/, service: "acm", why: "a load balancer's certificate must be an ACM certificate in the load balancer's region", source: "ACM User Guide, Integrated services: ELB (certificates must be in the same Region as the load balancer)" },
    { type: /^aws:lb\/listener(Certificate)?:/, path: /^certificateArn$/, service: "acm", why: "a load balancer's certificate must be an ACM certificate in the load balancer's region", source: "ACM User Guide, Integrated services: ELB" },
];

export function arnViolations(r: ResourceView, stackRegion: string): RuleViolation[] {
    const found: { path: string; arn: string }[] = [];
    arnsIn(r.inputs, "", found);
    const out: RuleViolation[] = [];
    for (const { path, arn } of found) {
        // Annotations may hold comma-separated certificate lists.
        for (const one of arn.split(",").map((s) => s.trim())) {
            const problem = arnProblem(one, stackRegion);
            if (problem) {
                out.push({ resource: r.urn, property: path, value: showValue(one), rule: `the ARN ${problem}`, source: ARN_SOURCE });
                continue;
            }
            for (const rule of SAME_REGION) {
                if (!rule.type.test(r.type) || !rule.path.test(path)) continue;
                const parsed = parseArn(one)!;
                if (parsed.service !== rule.service) out.push({ resource: r.urn, property: path, value: showValue(one), rule: `must be a ${rule.service} ARN: ${rule.why}`, source: rule.source });
                else if (parsed.region !== stackRegion) out.push({ resource: r.urn, property: path, value: showValue(one), rule: `is in ${parsed.region || "no region"}, not the stack's region ${stackRegion}: ${rule.why}`, source: rule.source });
            }
        }
    }
    return out;
}

/**
 * Add-ons EKS offers (aws eks describe-addon-versions, AWS and community add-ons); a name outside
 * the list fails CreateAddon with InvalidParameterException. Marketplace add-ons need adding here.
 */
export const EKS_ADDON_NAMES = new Set([
    "vpc-cni", "coredns", "kube-proxy", "aws-ebs-csi-driver", "aws-efs-csi-driver", "aws-mountpoint-s3-csi-driver", "aws-fsx-csi-driver",
    "snapshot-controller", "eks-pod-identity-agent", "amazon-cloudwatch-observability", "aws-guardduty-agent", "adot", "eks-node-monitoring-agent",
    "aws-network-flow-monitoring-agent", "aws-secrets-store-csi-driver-provider", "amazon-sagemaker-hyperpod-taskgovernance",
    "metrics-server", "kube-state-metrics", "prometheus-node-exporter", "cert-manager", "external-dns", "fluent-bit",
]);

/** Per-resource AWS rules: names, tags, ARNs (policy documents' included), add-on names. */
export function resourceViolations(r: ResourceView, stackRegion: string): RuleViolation[] {
    const out: RuleViolation[] = [];
    const rule = NAME_RULES[r.type];
    if (rule) {
        const name = physicalName(r, rule);
        if (name) {
            const v = nameViolation(r.urn, name.how === "prefix" ? `${rule.field}Prefix` : name.how === "auto" ? `${rule.field} (auto-named)` : rule.field, name.name, name.how, rule);
            if (v) out.push(v);
        }
    }
    if (r.type === "aws:ec2/securityGroup:SecurityGroup" && known(r.inputs.description)) {
        const d = r.inputs.description;
        if (d.length > 255 || !/^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/.test(d)) out.push({ resource: r.urn, property: "description", value: showValue(d), rule: "a security group description may be at most 255 characters of a-z, A-Z, 0-9, spaces and ._-:/()#,@[]+=&;{}!$*", source: "EC2 API Reference, CreateSecurityGroup GroupDescription" });
    }
    // A zone name is its region's name and a letter (a Local Zone's has a group between them).
    if (r.type === "aws:ec2/subnet:Subnet" && known(r.inputs.availabilityZone) && !new RegExp(`^${stackRegion}(-[a-z0-9]+-\\d+)?[a-z]$`).test(r.inputs.availabilityZone)) {
        out.push({ resource: r.urn, property: "availabilityZone", value: showValue(r.inputs.availabilityZone), rule: `is not a zone of the stack's region ${stackRegion}: a subnet can only be created in its provider's region`, source: "EC2 API Reference, CreateSubnet AvailabilityZone (InvalidParameterValue)" });
    }
    // RFC 5280 caps the certificate's common name, which ACM takes from DomainName, at 64 octets.
    if (r.type === "aws:acm/certificate:Certificate" && known(r.inputs.domainName) && r.inputs.domainName.length > 64) {
        out.push({ resource: r.urn, property: "domainName", value: showValue(r.inputs.domainName), rule: `is ${r.inputs.domainName.length} characters: a certificate's first domain name may be at most 64 (longer names fit as subjectAlternativeNames)`, source: "ACM API Reference, RequestCertificate DomainName (RFC 5280 ub-common-name)" });
    }
    if (r.type === "aws:eks/addon:Addon" && known(r.inputs.addonName) && !EKS_ADDON_NAMES.has(r.inputs.addonName)) {
        out.push({ resource: r.urn, property: "addonName", value: showValue(r.inputs.addonName), rule: `is not an add-on EKS offers (${[...EKS_ADDON_NAMES].sort().join(", ")})`, source: "EKS API Reference, CreateAddon addonName (names from DescribeAddonVersions)" });
    }
    if (r.type.startsWith("aws:") || r.type === "eks:index:Cluster") {
        out.push(...tagViolations(r, "tags", r.inputs.tags));
        if (r.type === "aws:ec2/launchTemplate:LaunchTemplate") {
            ((r.inputs.tagSpecifications ?? []) as Obj[]).forEach((t, i) => out.push(...tagViolations(r, `tagSpecifications[${i}].tags`, t?.tags)));
        }
        out.push(...arnViolations(r, stackRegion));
        out.push(...policyPartitionViolations(r, stackRegion));
    } else if (r.type.startsWith("kubernetes:")) {
        out.push(...arnViolations({ ...r, inputs: { metadata: { annotations: (r.inputs as Obj).metadata?.annotations } } }, stackRegion).filter((v) => /annotations\./.test(v.property)));
    }
    if (r.type === "eks:index:Cluster") out.push(...pulumiEksChildViolations(r));
    return out;
}

/**
 * Names @pulumi/eks 4.3 derives from the component's resource name N (nodejs/eks/cluster/cluster.ts,
 * servicerole.ts): the children are invisible under mocks (a remote component), so they are checked
 * here from the arguments that decide which exist.
 */
export function pulumiEksChildNames(name: string, inputs: Obj): { type: string; name: string; why: string }[] {
    const children = [{ type: "aws:iam/role:Role", name: `${name}-eksRole-role`, why: "cluster.ts: new ServiceRole(`${name}-eksRole`); servicerole.ts: new aws.iam.Role(`${name}-role`)" }];
    if (!inputs.skipDefaultSecurityGroups) {
        children.push({ type: "aws:ec2/securityGroup:SecurityGroup", name: `${name}-eksClusterSecurityGroup`, why: "cluster.ts: new aws.ec2.SecurityGroup(`${name}-eksClusterSecurityGroup`)" });
        children.push({ type: "aws:ec2/securityGroup:SecurityGroup", name: `${name}-nodeSecurityGroup`, why: "nodes/securitygroup.ts: new aws.ec2.SecurityGroup(`${name}-nodeSecurityGroup`)" });
    }
    if (inputs.createInstanceRole || (!inputs.skipDefaultNodeGroup && inputs.createInstanceRole === undefined)) {
        children.push({ type: "aws:iam/role:Role", name: `${name}-instanceRole-role`, why: "cluster.ts: new ServiceRole(`${name}-instanceRole`)" });
    }
    if (!inputs.skipDefaultNodeGroup) children.push({ type: "aws:iam/instanceProfile:InstanceProfile", name: `${name}-instanceProfile`, why: "cluster.ts: new aws.iam.InstanceProfile(`${name}-instanceProfile`)" });
    return children;
}

function pulumiEksChildViolations(r: ResourceView): RuleViolation[] {
    const out: RuleViolation[] = [];
    for (const child of pulumiEksChildNames(r.name, r.inputs)) {
        const rule = NAME_RULES[child.type];
        const v = nameViolation(r.urn, `(child ${child.type} of @pulumi/eks 4.3: ${child.why})`, `${child.name}-xxxxxxx`, "auto", rule);
        if (v) out.push(v);
    }
    return out;
}

// --- rules across resources ---------------------------------------------------------------


/** The load balancer kind and region an ELB DNS name belongs to: ALB `x.<region>.elb.amazonaws.com`, NLB `x.elb.<region>.amazonaws.com`. */
export function elbDnsTarget(dns: string): { kind: "alb" | "nlb"; region: string } | undefined {
    const host = dns.toLowerCase().replace(/\.$/, "");
    let m = /\.elb\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(host);
    if (m) return { kind: "nlb", region: m[1] };
    m = /\.([a-z]{2}(-[a-z]+)+-\d)\.elb\.amazonaws\.com(\.cn)?$/.exec(host);
    if (m) return { kind: "alb", region: m[1] };
    return undefined;
}

const normalize = (n: string) => n.toLowerCase().replace(/\.$/, "");

/** Route53: no CNAME at a zone apex or beside another record of the same name; alias targets carry the load balancer's zone. */
export function route53Violations(resources: readonly ResourceView[], zoneName: (zoneId: string, recordName: string) => string | undefined): RuleViolation[] {
    const out: RuleViolation[] = [];
    const records = resources.filter((r) => r.type === "aws:route53/record:Record" && known(r.inputs.zoneId) && known(r.inputs.name));
    const byName = new Map<string, ResourceView[]>();
    for (const r of records) {
        const key = `${r.inputs.zoneId}|${normalize(r.inputs.name as string)}`;
        byName.set(key, [...(byName.get(key) ?? []), r]);
    }
    for (const r of records) {
        const name = normalize(r.inputs.name as string);
        const zone = zoneName(r.inputs.zoneId as string, name);
        if (r.inputs.type === "CNAME") {
            if (zone && name === normalize(zone)) out.push({ resource: r.urn, property: "name", value: showValue(r.inputs.name), rule: `a CNAME cannot be at the zone apex ${zone} (the apex holds the zone's SOA and NS records); use an alias A/AAAA record`, source: "RFC 1034 section 3.6.2; Route 53 Developer Guide, Choosing between alias and non-alias records" });
            const others = (byName.get(`${r.inputs.zoneId}|${name}`) ?? []).filter((o) => o !== r);
            if (others.length) out.push({ resource: r.urn, property: "name", value: showValue(r.inputs.name), rule: `a CNAME cannot share its name with another record (${others.map((o) => `${o.inputs.type} ${o.urn}`).join(", ")})`, source: "RFC 1034 section 3.6.2; Route 53 Developer Guide, CNAME record type" });
        }
        ((r.inputs.aliases ?? []) as Obj[]).forEach((alias, i) => {
            if (!known(alias?.name) || !known(alias?.zoneId)) return;
            const target = elbDnsTarget(alias.name);
            if (!target) return;
            // The program's table (AWS General Reference, "Elastic Load Balancing endpoints and quotas"); a
            // region it lacks is refused by config before anything is registered.
            const expected = ELB_HOSTED_ZONE_IDS[target.kind === "alb" ? LoadBalancerType.Application : LoadBalancerType.Network][target.region];
            if (!expected) return;
            if (alias.zoneId !== expected) out.push({ resource: r.urn, property: `aliases[${i}].zoneId`, value: showValue(alias.zoneId), rule: `an alias to the ${target.kind === "alb" ? "Application" : "Network"} Load Balancer ${alias.name} must carry that load balancer's canonical hosted zone ${expected} (${target.region})`, source: "AWS General Reference, Elastic Load Balancing endpoints (canonical hosted zone IDs); Route 53 API Reference, AliasTarget HostedZoneId" });
        });
        if (r.inputs.aliases && r.inputs.records) out.push({ resource: r.urn, property: "records", value: showValue(r.inputs.records), rule: "an alias record has no records (values) of its own", source: "Route 53 API Reference, ResourceRecordSet (AliasTarget excludes ResourceRecords)" });
    }
    return out;
}

/**
 * EKS access entries: one per principal per cluster; with authenticationMode set, @pulumi/eks 4.3
 * grants the identity that creates the cluster an entry itself (cluster.ts:
 * bootstrapClusterCreatorAdminPermissions: true), so that principal cannot be listed again.
 */
export function accessEntryViolations(resources: readonly ResourceView[], callerArn: string): RuleViolation[] {
    const out: RuleViolation[] = [];
    const source = "EKS API Reference, CreateAccessEntry (ResourceInUseException: one entry per principal); @pulumi/eks 4.3 cluster.ts bootstrapClusterCreatorAdminPermissions: true (pulumi/pulumi-eks#2373)";
    const creator = creatorPrincipal(callerArn);
    for (const cluster of resources.filter((r) => r.type === "eks:index:Cluster" || r.type === "aws:eks/cluster:Cluster")) {
        const clusterName = known(cluster.inputs.name) ? cluster.inputs.name : cluster.name;
        const seen = new Map<string, string>();
        const bootstrap = cluster.type === "eks:index:Cluster" ? cluster.inputs.authenticationMode !== undefined : (cluster.inputs.accessConfig as Obj)?.bootstrapClusterCreatorAdminPermissions !== false;
        if (bootstrap) seen.set(creator, "the deploying identity's implicit entry (bootstrapClusterCreatorAdminPermissions)");
        const entries: { where: string; property: string; arn: unknown }[] = [];
        if (cluster.type === "eks:index:Cluster") for (const [key, e] of Object.entries((cluster.inputs.accessEntries ?? {}) as Record<string, Obj>)) entries.push({ where: cluster.urn, property: `accessEntries.${key}.principalArn`, arn: e?.principalArn });
        for (const r of resources.filter((x) => x.type === "aws:eks/accessEntry:AccessEntry" && x.inputs.clusterName === clusterName)) entries.push({ where: r.urn, property: "principalArn", arn: r.inputs.principalArn });
        for (const e of entries) {
            if (!known(e.arn)) continue;
            const principal = creatorPrincipal(e.arn);
            const first = seen.get(principal);
            if (first) out.push({ resource: e.where, property: e.property, value: showValue(e.arn), rule: `cluster ${clusterName} already has an access entry for this principal (${first}); a second one fails with 409 ResourceInUseException`, source });
            else seen.set(principal, `${e.where} ${e.property}`);
        }
    }
    return out;
}

/** The IAM principal EKS records for a caller: an assumed-role session is its role. */
export function creatorPrincipal(arn: string): string {
    const m = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(arn);
    return m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : arn;
}
