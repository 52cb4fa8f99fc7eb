// Reusable valibot rules for config values. Each message says what was expected; the loader prefixes
// the key and the offending value. (valibot rather than zod: it loads in a tenth of the time, which
// is most of what this project adds to every `pulumi up` and synth; see README "Performance".)
import * as v from "valibot";
import { cidrProblem } from "../components/network/cidr";
import { Direction, ExtraRule, Protocol, extraRuleProblems } from "../components/networkPolicy/generator";
import { Route, parseRoute } from "../components/idp/ingress";

/** A string that must match `pattern`; `message` says what was expected. */
const matching = (pattern: RegExp, message: string) => v.pipe(v.string(), v.regex(pattern, message));

/** A value of a string enum; the message lists the values the user may write. */
export function oneOf<E extends Record<string, string>>(values: E) {
    return v.enum(values, `is not one of ${Object.values(values).map((x) => JSON.stringify(x)).join(", ")}`);
}

export const cidr = v.pipe(
    v.string(),
    v.rawCheck<string>(({ dataset, addIssue }) => {
        const problem = dataset.typed ? cidrProblem(dataset.value) : undefined;
        if (problem) addIssue({ message: problem });
    }),
);

export const hostname = v.pipe(
    v.string(),
    v.maxLength(253, "is longer than 253 characters, the limit for a DNS name"),
    v.regex(
        /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
        "is not a lower-case DNS host name (expected labels of a-z, 0-9 and '-', e.g. auth.example.com)",
    ),
);

export const email = v.pipe(v.string(), v.email("is not an e-mail address (expected name@domain, e.g. platform@example.com)"));

export const iamPrincipalArn = matching(/^arn:aws(-[a-z]+)*:iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,512}$/, "is not an IAM role or user ARN (expected arn:aws:iam::<12-digit account>:role/<name> or :user/<name>)");

const kmsKeyArnOnly = matching(/^arn:aws(-[a-z]+)*:kms:[a-z]{2}(-[a-z]+)+-\d:\d{12}:key\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/, "is not a KMS key ARN (expected arn:aws:kms:<region>:<account>:key/<uuid>, or key/mrk-<32 hex> for a multi-Region key)");

export const kmsKeyArn = v.pipe(
    v.string(),
    // EKS CreateCluster takes "the ARN or the alias" (API Reference, EncryptionConfig), but the cluster
    // records the key the alias resolves to, and pulumi-aws then sees the alias differ from it on every
    // up (hashicorp/terraform-provider-aws#43244), an encryption config EKS will not change once set.
    v.check((s) => !/^arn:[^:]+:kms:[^:]*:[^:]*:alias\//.test(s), "is a KMS alias ARN: EKS accepts an alias but records the key it resolves to, so every later up would try to change the cluster's encryption config, which EKS refuses once encryption is on (terraform-provider-aws#43244); give the key's ARN: aws kms describe-key --key-id alias/<name> --query KeyMetadata.Arn"),
    kmsKeyArnOnly,
);

export const kubernetesVersion = v.pipe(
    matching(/^1\.\d{2}$/, 'is not a Kubernetes minor version (expected "1.NN", e.g. "1.35")'),
    v.check((version) => Number(version.split(".")[1]) >= 30, "is older than 1.30, the oldest version this project supports on EKS"),
);

export const availabilityZone = matching(/^[a-z]{2}(-gov)?-[a-z]+-\d[a-z]$/, "is not an availability zone name (expected e.g. us-east-1a)");

export const awsRegion = matching(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "is not an AWS region (expected e.g. us-east-1)");

export const vpcId = matching(/^vpc-[0-9a-f]{8}([0-9a-f]{9})?$/, "is not a VPC id (expected vpc-<8 or 17 hex digits>)");

export const subnetId = matching(/^subnet-[0-9a-f]{8}([0-9a-f]{9})?$/, "is not a subnet id (expected subnet-<8 or 17 hex digits>)");

export const clusterName = matching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/, "is not an EKS cluster name (1-100 letters, digits, '-' or '_', starting alphanumeric)");

export const instanceType = matching(/^[a-z][a-z0-9-]*\.[a-z0-9-]+$/, "is not an EC2 instance type (expected e.g. m6i.large)");

// Kubernetes label syntax: optional DNS-subdomain prefix, then a name of up to 63 characters.
const labelKey = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const labelValue = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** "key=value", as `kubectl label` takes it. */
export const nodeLabel = v.pipe(
    v.string(),
    v.check((s) => {
        const [key, value, ...rest] = s.split("=");
        return rest.length === 0 && value !== undefined && labelKey.test(key) && labelValue.test(value);
    }, "is not a Kubernetes label (expected key=value, e.g. workload=idp)"),
);

/** "key=value:Effect" or "key:Effect", as `kubectl taint` takes it. */
export const nodeTaint = v.pipe(
    matching(/^[^=:]+(=[^=:]*)?:(NoSchedule|PreferNoSchedule|NoExecute)$/, "is not a taint (expected key=value:PreferNoSchedule or key:PreferNoSchedule; the Kubernetes effects are NoSchedule, PreferNoSchedule and NoExecute, and only PreferNoSchedule suits the only node group)"),
    v.check((s) => labelKey.test(s.split(/[=:]/)[0]), "has a taint key that is not a valid Kubernetes key"),
);

export function uniqueList<T extends v.GenericSchema<string, string>>(item: T) {
    return v.pipe(
        v.array(item),
        v.check((xs) => new Set(xs).size === xs.length, "has duplicate entries"),
    );
}

/** A Helm chart version: "1.2.3", or "v1.2.3" where the chart's own versions carry the v. */
export const chartVersion = (withV: boolean) =>
    matching(withV ? /^v\d+\.\d+\.\d+$/ : /^\d+\.\d+\.\d+$/, withV ? 'is not a chart version (expected "vMAJOR.MINOR.PATCH", e.g. "v1.21.1")' : 'is not a chart version (expected "MAJOR.MINOR.PATCH", e.g. "3.5.0")');

export const hostedZoneId = matching(/^Z[A-Z0-9]{1,31}$/, "is not a Route53 hosted zone id (expected Z followed by upper-case letters and digits, e.g. Z0123456789ABCDEFGHIJ)");

/**
 * A container image with a tag, a digest or both: a bare name would float to whatever `latest` is.
 * Grammar of distribution/reference (reference.go): `reference := name [ ":" tag ] [ "@" digest ]`,
 * so `name:tag@sha256:<digest>` is valid (the runtime pulls by digest; the tag documents it).
 */
export const image = v.pipe(
    matching(/^[a-z0-9]([a-z0-9._\/-]*[a-z0-9])?(:[0-9]+)?(\/[a-z0-9._-]+)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}(@sha256:[a-f0-9]{64})?|@sha256:[a-f0-9]{64})$/, "is not an image reference with a tag or digest (expected registry/name:tag, registry/name@sha256:<64 hex> or registry/name:tag@sha256:<64 hex>)"),
    v.check((s) => !/:latest$/.test(s), "uses the floating tag latest (pin a version or a digest)"),
);

export const urlPath = matching(/^\/[A-Za-z0-9._~!$&'()*+,;=:@%\/-]*$/, "is not a URL path (expected it to start with /, e.g. /actuator/health/readiness)");

/** A whole number from `min` to `max`; each bound's message says what was expected. */
export const wholeNumber = (min: number, max: number, belowMin: string, aboveMax: string) =>
    v.pipe(v.number(), v.integer("is not a whole number"), v.minValue(min, belowMin), v.maxValue(max, aboveMax));

export const port = wholeNumber(1, 65535, "is not a port (expected 1-65535)", "is not a port (expected 1-65535)");

export const nodePort = wholeNumber(30000, 32767, "is outside the NodePort range 30000-32767", "is outside the NodePort range 30000-32767");

/** A Kubernetes resource quantity, e.g. 500m, 2, 1Gi. */
export const quantity = matching(/^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/, "is not a Kubernetes quantity (expected e.g. 500m, 2, 512Mi, 1Gi)");

/** KEY=value environment entries. */
// Kubernetes' env var name format (apimachinery validation.go envVarNameFmt): letters, digits, '_', '-'
// and '.', not starting with a digit, so `spring.profiles.active=dev` is a valid entry.
export const envEntry = matching(/^[-._a-zA-Z][-._a-zA-Z0-9]*=.*$/s, "is not an environment entry (expected NAME=value, NAME of letters, digits, '_', '-' and '.', not starting with a digit)");

/** An ALB IngressGroup name (load balancer controller annotations: group.name): lower-case alphanumerics, '-' and '.', at most 63. */
export const albGroupName = matching(/^[a-z0-9]([-.a-z0-9]{0,61}[a-z0-9])?$/, "is not an IngressGroup name (lower-case letters, digits, '-' and '.', starting and ending alphanumeric, at most 63)");
export const dnsLabelName = matching(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, "is not a Kubernetes name (lower-case letters, digits and '-', at most 63)");

export const acmCertificateArn = matching(/^arn:aws(-[a-z]+)*:acm:[a-z]{2}(-[a-z]+)+-\d:\d{12}:certificate\/[0-9a-f-]{36}$/, "is not an ACM certificate ARN (expected arn:aws:acm:<region>:<account>:certificate/<uuid>)");

/** An extra NGINX Ingress route, `/path=service:port[ -> key=value[,key=value]:containerPort]` (parseRoute). */
export const route = v.pipe(
    v.string(),
    v.rawTransform(({ dataset, addIssue, NEVER }): Route => {
        const { route: parsed, problems } = parseRoute(dataset.value);
        for (const message of problems) addIssue({ message });
        return parsed ?? NEVER;
    }),
);

/** PEM text of a certificate or private key. */
export const pem = (what: "CERTIFICATE" | "PRIVATE KEY") =>
    v.pipe(
        v.string(),
        v.check((s) => new RegExp(`-----BEGIN [A-Z ]*${what}-----`).test(s), `is not a PEM ${what.toLowerCase()} (expected -----BEGIN ...${what}----- text)`),
    );

/** `namespace/key=value[,key=value]`: pods by namespace and labels. */
export function parsePodsPeer(text: string): { namespace: string; podLabels: Record<string, string> } | undefined {
    const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/(.*)$/.exec(text);
    if (!m) return undefined;
    const pairs = m[3] === "" ? [] : m[3].split(",").map((p) => p.split("="));
    if (pairs.some((p) => p.length !== 2 || !labelKey.test(p[0]) || !labelValue.test(p[1]))) return undefined;
    return { namespace: m[1], podLabels: Object.fromEntries(pairs) };
}

export const podsPeer = v.pipe(
    v.string(),
    v.rawTransform(({ dataset, addIssue, NEVER }) => {
        const peer = parsePodsPeer(dataset.value);
        if (!peer) addIssue({ message: "is not a pod selection (expected namespace/key=value[,key=value], e.g. web/app=frontend)" });
        else if (Object.keys(peer.podLabels).length === 0) addIssue({ message: "has an empty label selector, which would match every pod of the namespace" });
        return peer && Object.keys(peer.podLabels).length > 0 ? peer : NEVER;
    }),
);

/**
 * An extra NetworkPolicy rule for the IdP pods:
 * `<ingress|egress> <peer> <port>[-<endPort>][/<TCP|UDP|SCTP>]`, the peer being
 * `cidr[!except[!except...]]` or `namespace/key=value[,key=value]`.
 */
export const networkPolicyRule = v.pipe(
    v.string(),
    v.rawTransform(({ dataset, addIssue, NEVER }): ExtraRule => parseExtraRule(dataset.value, addIssue) ?? NEVER),
);

function parseExtraRule(s: string, addIssue: (issue: { message: string }) => void): ExtraRule | undefined {
    const m = /^(ingress|egress) (\S+) (\d+)(?:-(\d+))?(?:\/(\w+))?$/.exec(s.trim());
    if (!m) {
        addIssue({ message: "is not a rule (expected '<ingress|egress> <cidr[!except]|namespace/key=value> <port>[-<endPort>][/<protocol>]', e.g. 'egress 10.30.0.0/16 5432/TCP')" });
        return undefined;
    }
    const [, direction, peerText, port, endPort, protocol] = m;
    const isPods = peerText.includes("/") && !/^\d/.test(peerText);
    const pods = isPods ? parsePodsPeer(peerText) : undefined;
    if (isPods && !pods) {
        addIssue({ message: `has peer ${JSON.stringify(peerText)}, which is neither a CIDR nor namespace/key=value` });
        return undefined;
    }
    const [cidr, ...except] = peerText.split("!");
    const rule: ExtraRule = {
        name: `${direction}-${peerText.replace(/[^a-z0-9]+/gi, "-").replace(/^-|-$/g, "").toLowerCase()}-${port}`.slice(0, 63).replace(/-$/, ""),
        direction: direction as Direction,
        ...(pods ? { pods } : { blocks: [{ cidr, ...(except.length ? { except } : {}) }] }),
        port: Number(port),
        ...(endPort ? { endPort: Number(endPort) } : {}),
        protocol: (protocol ?? "TCP").toUpperCase() as Protocol,
        why: `Extra rule from config: ${s.trim()}`,
    };
    for (const problem of extraRuleProblems(rule)) addIssue({ message: problem.replace(/^extra rule [^:]+: /, "") });
    return rule;
}
