// Reads every project config key, applies defaults and validates the whole configuration before
// the program registers any resource. All problems are reported at once, each naming the key as
// the user writes it in Pulumi.<stack>.yaml.
import * as pulumi from "@pulumi/pulumi";
import * as v from "valibot";
import { cidrContains, cidrsOverlap, parseCidr } from "../components/network/cidr";
import { SubnetLayout, VpcMode } from "../components/network/types";
import { NodeAmiType } from "../components/cluster/types";
import { AcmeSolver, LoadBalancerScheme } from "../components/addons/types";
import { internalLoadBalancerProblem } from "../components/networkPolicy/subnets";
import { UPSTREAM_POLICIES } from "../components/addons/loadBalancerController/iamPolicy";
import { ConfigKey, ConfigShape, ConfigValues, KeyKind, KeySpec, PROJECT, configKeys, isSet } from "./keys";
import { rolloutProblems } from "../components/idp/loadBalancing";
import { nodePortRangeProblems } from "../components/idp/trafficIntent";
import { DatabaseMode, IngressKind } from "../components/idp/types";
import { awsRegion } from "./rules";
import { subnetCidrs } from "./platformArgs";

export const REGION_KEY = "aws:region";

export interface ConfigProblem {
    /** The key as written in Pulumi.<stack>.yaml, with a list index where it applies. */
    readonly key: string;
    readonly message: string;
}

export class ConfigError extends Error {
    constructor(
        readonly stack: string,
        readonly problems: readonly ConfigProblem[],
    ) {
        super(
            `Invalid configuration for stack "${stack}" (${problems.length} problem${problems.length === 1 ? "" : "s"}); ` +
                `no resources were registered:\n` +
                problems.map((p) => `  - ${p.key}: ${p.message}`).join("\n"),
        );
        this.name = "ConfigError";
    }
}

export interface PlatformConfig extends Omit<ConfigValues, "clusterName"> {
    readonly stack: string;
    readonly region: string;
    readonly clusterName: string;
}

const fullKey = (k: string) => `${PROJECT}:${k}`;
const show = (v: unknown) => JSON.stringify(v);

/** Turns the string Pulumi hands the program into the value its kind declares. */
function decode(kind: KeyKind, raw: string, secret: boolean): { value?: unknown; problem?: string } {
    const show = (v: unknown) => (secret ? "[secret]" : JSON.stringify(v));
    switch (kind) {
        case "string":
            return { value: raw };
        case "integer":
            return /^-?\d+$/.test(raw.trim()) ? { value: Number(raw) } : { problem: `${show(raw)} is not a whole number` };
        case "boolean":
            return raw === "true" || raw === "false" ? { value: raw === "true" } : { problem: `${show(raw)} is not true or false` };
        case "array": {
            try {
                const parsed: unknown = JSON.parse(raw);
                if (Array.isArray(parsed)) return { value: parsed };
            } catch {
                // fall through: a scalar where a list was expected
            }
            return { problem: `${show(raw)} is not a list (write it as a YAML list under the key)` };
        }
    }
}

/** Edit distance, for "did you mean" on unknown keys. */
function distance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        let diagonal = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const above = row[j];
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
            diagonal = above;
        }
    }
    return row[b.length];
}

function unknownKeyProblem(name: string): ConfigProblem {
    const known = Object.keys(configKeys);
    const best = known.map((k) => ({ k, d: distance(name, k) })).sort((a, b) => a.d - b.d)[0];
    const hint = best && best.d <= 3 ? ` Did you mean ${fullKey(best.k)}?` : "";
    return { key: fullKey(name), message: `is not a key of this project.${hint} (Known keys are listed in the README.)` };
}

/** Secret values never appear in messages, not even when they are wrong. */
const isSecret = (k: ConfigKey): boolean => (configKeys[k] as KeySpec).secret === true;

function issueMessage(issue: v.BaseIssue<unknown>, value: unknown, key: ConfigKey): string {
    if (value === undefined) return `is required: ${configKeys[key].description}`;
    const show = (x: unknown) => (isSecret(key) ? "[secret]" : JSON.stringify(x));
    // Rules carry their own messages (enums list their values); bare type checks do not.
    if (issue.kind !== "schema" || issue.type === "enum") return `${show(value)} ${issue.message}`;
    switch (issue.type) {
        case "array":
            return `${show(value)} is not a list`;
        default:
            return `${show(value)} is not a ${issue.type}`;
    }
}

function valueAt(root: Record<string, unknown>, path: readonly PropertyKey[]): unknown {
    return path.reduce<unknown>((v, p) => (v as Record<PropertyKey, unknown> | undefined)?.[p], root);
}

/** Rules that relate several keys; each problem names the key to change. */
function crossKeyProblems(c: ConfigValues, region: string, present: (k: ConfigKey) => boolean): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const add = (k: ConfigKey, message: string) => problems.push({ key: fullKey(k), message });
    const existingKeys = ["existingVpcId", "existingPublicSubnetIds", "existingPrivateSubnetIds", "existingPublicSubnetCidrs", "existingPrivateSubnetCidrs"] as const;
    const intraKeys = ["existingIntraSubnetIds", "existingIntraSubnetCidrs"] as const;
    const threeTier = c.subnetLayout === SubnetLayout.ThreeTier;

    const vpc = parseCidr(c.vpcCidr);
    if (vpc && (vpc.prefix < 16 || vpc.prefix > 20)) add("vpcCidr", `${show(c.vpcCidr)} has prefix /${vpc.prefix}; expected /16 to /20 (EKS nodes and pods need room)`);

    if (c.vpcMode === VpcMode.Create) {
        const zones = c.availabilityZones;
        if (!zones) add("availabilityZones", "is required when vpcMode is create: list 2 to 6 zones of aws:region");
        else {
            if (zones.length < 2 || zones.length > 6) add("availabilityZones", `lists ${zones.length} zone(s); expected 2 to 6 (EKS and ALBs need at least 2)`);
            zones.forEach((z, i) => {
                if (region && !z.startsWith(region)) problems.push({ key: `${fullKey("availabilityZones")}[${i}]`, message: `${show(z)} is not in aws:region ${show(region)}` });
            });
        }
        for (const k of [...existingKeys, ...intraKeys]) if (present(k)) add(k, "is only used when vpcMode is existing; remove it or set vpcMode: existing");
    } else {
        for (const k of existingKeys) if (c[k] === undefined) add(k, "is required when vpcMode is existing");
        for (const k of intraKeys) {
            if (threeTier && c[k] === undefined) add(k, "is required when vpcMode is existing and subnetLayout is threeTier: the intra subnets (no internet route) for the control plane and internal load balancers");
            if (!threeTier && present(k)) add(k, "is only used when subnetLayout is threeTier");
        }
        if (present("availabilityZones")) add("availabilityZones", "is only used when vpcMode is create (the existing subnets fix the zones)");
        const tiers = [
            ["existingPublicSubnetIds", "existingPublicSubnetCidrs"],
            ["existingPrivateSubnetIds", "existingPrivateSubnetCidrs"],
            ...(threeTier ? [["existingIntraSubnetIds", "existingIntraSubnetCidrs"] as const] : []),
        ] as const;
        for (const [ids, cidrs] of tiers) {
            const idList = c[ids];
            const cidrList = c[cidrs];
            if (idList && idList.length < 2) add(ids, `lists ${idList.length} subnet(s); expected one per zone in at least 2 zones`);
            if (idList && cidrList && idList.length !== cidrList.length) add(cidrs, `lists ${cidrList.length} CIDR(s) for ${idList.length} subnet id(s) in ${fullKey(ids)}; expected one per subnet, same order`);
        }
        const listed = (k: "existingPublicSubnetCidrs" | "existingPrivateSubnetCidrs" | "existingIntraSubnetCidrs") => (c[k] ?? []).map((s, i) => ({ s, key: `${fullKey(k)}[${i}]` }));
        const all = [...listed("existingPublicSubnetCidrs"), ...listed("existingPrivateSubnetCidrs"), ...(threeTier ? listed("existingIntraSubnetCidrs") : [])];
        all.forEach(({ s, key }, i) => {
            const block = parseCidr(s);
            if (!block) return;
            if (vpc && !cidrContains(vpc, block)) problems.push({ key, message: `${show(s)} is not inside vpcCidr ${show(c.vpcCidr)}` });
            const clash = all.slice(0, i).find((o) => parseCidr(o.s) && cidrsOverlap(parseCidr(o.s)!, block));
            if (clash) problems.push({ key, message: `${show(s)} overlaps ${clash.key} (${show(clash.s)})` });
        });
    }

    if (!c.endpointPrivateAccess && !c.endpointPublicAccess) add("endpointPrivateAccess", "and endpointPublicAccess are both false: the cluster API would be unreachable");
    if (c.endpointPublicAccess && !(c.publicAccessCidrs && c.publicAccessCidrs.length > 0)) add("publicAccessCidrs", "is required when endpointPublicAccess is true: list the CIDRs allowed to reach the API (0.0.0.0/0 only if you mean it)");
    if (!c.endpointPublicAccess && present("publicAccessCidrs")) add("publicAccessCidrs", "is set but endpointPublicAccess is false; remove it or enable the public endpoint");
    if (!c.secretsEncryption && present("secretsKmsKeyArn")) add("secretsKmsKeyArn", "is set but secretsEncryption is false");

    if (c.nodeMinSize > c.nodeDesiredSize) add("nodeMinSize", `${c.nodeMinSize} is above nodeDesiredSize ${c.nodeDesiredSize}; expected nodeMinSize <= nodeDesiredSize <= nodeMaxSize`);
    if (c.nodeDesiredSize > c.nodeMaxSize) add("nodeDesiredSize", `${c.nodeDesiredSize} is above nodeMaxSize ${c.nodeMaxSize}; expected nodeMinSize <= nodeDesiredSize <= nodeMaxSize`);

    // Graviton families carry a "g" after the generation digit (m7g, c6gn, t4g).
    const arm = (t: string) => /^[a-z]+\d+g/.test(t);
    const wantArm = c.nodeAmiType === NodeAmiType.Al2023Arm;
    c.nodeInstanceTypes.forEach((t, i) => {
        if (arm(t) !== wantArm) problems.push({ key: `${fullKey("nodeInstanceTypes")}[${i}]`, message: `${show(t)} is ${arm(t) ? "an ARM (Graviton)" : "an x86"} type but nodeAmiType is ${c.nodeAmiType}` });
    });
    addonProblems(c, add);
    workloadProblems(c, add, present);
    internalLoadBalancerProblems(c, add);
    return problems;
}

/** IdP workload rules: exposures have their controller and certificate, rollouts cannot drop requests. */
function workloadProblems(c: ConfigValues, add: (k: ConfigKey, message: string) => void, present: (k: ConfigKey) => boolean): void {
    if (c.idpReplicas > 1 && c.idpReplicas <= c.idpPdbMinAvailable) {
        add("idpReplicas", `${c.idpReplicas} is not above idpPdbMinAvailable ${c.idpPdbMinAvailable}: the PodDisruptionBudget would block every node drain`);
    }
    if (c.idpAutoscaleMaxReplicas !== undefined && c.idpAutoscaleMaxReplicas < c.idpReplicas) {
        add("idpAutoscaleMaxReplicas", `${c.idpAutoscaleMaxReplicas} is below idpReplicas ${c.idpReplicas} (the autoscaler's minimum)`);
    }
    if (c.idpHttpPort === c.idpManagementPort) add("idpManagementPort", `${c.idpManagementPort} is the same as idpHttpPort`);
    nodePortProblems(c, add, present);
    for (const problem of rolloutProblems({ deregistrationDelaySeconds: c.lbDeregistrationDelaySeconds, preStopSleepSeconds: c.idpPreStopSleepSeconds, terminationGracePeriodSeconds: c.idpTerminationGracePeriodSeconds })) {
        add(problem.startsWith("deregistration") ? "idpPreStopSleepSeconds" : "idpTerminationGracePeriodSeconds", problem);
    }
    const hasCertificateSource = !!c.idpCertificateArn || !!c.route53HostedZoneId;
    if (c.idpNlb) {
        if (!c.loadBalancerController) add("idpNlb", "is true but loadBalancerController is false: the NLB is made by the load balancer controller");
        if (!hasCertificateSource) add("idpCertificateArn", "is required for the NLB's TLS listener (idpNlb is true): give an ACM certificate ARN, or route53HostedZoneId to create one");
    }
    if (c.idpIngress === IngressKind.Alb) {
        if (!c.loadBalancerController) add("idpIngress", "is alb but loadBalancerController is false: the ALB is made by the load balancer controller");
        if (!hasCertificateSource) add("idpCertificateArn", "is required for the ALB's HTTPS listener (idpIngress is alb): give an ACM certificate ARN, or route53HostedZoneId to create one");
    }
    if (c.idpIngress === IngressKind.Nginx) {
        if (!c.ingressNginx) add("idpIngress", "is nginx but ingressNginx is false: install ingress-nginx or use alb");
        if (!c.certManager && !c.idpTlsCertificate) add("idpTlsCertificate", "is required for the NGINX Ingress when certManager is false");
    }
    if (present("idpTlsCertificate") !== present("idpTlsPrivateKey")) {
        add(present("idpTlsCertificate") ? "idpTlsPrivateKey" : "idpTlsCertificate", "must be set together with its pair (idpTlsCertificate and idpTlsPrivateKey)");
    }
    if (c.addonNetworkPolicies && !c.networkPolicyEnforcement && (c.certManager || c.ingressNginx)) {
        add("addonNetworkPolicies", "is true but networkPolicyEnforcement is false: the policies would be silently ignored; enable enforcement or set addonNetworkPolicies: false");
    }
    if (c.idpNetworkPolicies && !c.networkPolicyEnforcement) {
        add("idpNetworkPolicies", "is true but networkPolicyEnforcement is false: the policies would be silently ignored; enable enforcement or set idpNetworkPolicies: false");
    }
    const external = ["externalPostgresHost", "externalRedisHost", ...(c.idpNetworkPolicies ? (["externalPostgresCidrs", "externalRedisCidrs"] as const) : [])] as const;
    for (const k of external) {
        if (c.databaseMode === DatabaseMode.External && !present(k)) add(k, "is required when databaseMode is external");
        if (c.databaseMode === DatabaseMode.InCluster && present(k)) add(k, "is only used when databaseMode is external");
    }
}

/**
 * NodePort clients reach the pods with their own addresses (the Service keeps client IPs), so they
 * are named; a range inside the private subnets would admit every pod (pods take addresses there).
 */
function nodePortProblems(c: ConfigValues, add: (k: ConfigKey, message: string) => void, present: (k: ConfigKey) => boolean): void {
    if (c.idpNodePort === undefined) {
        if (present("idpNodePortSourceRanges")) add("idpNodePortSourceRanges", "is only used when idpNodePort is set");
        return;
    }
    if (!c.idpNodePortSourceRanges?.length) {
        add("idpNodePortSourceRanges", "is required when idpNodePort is set: list the CIDRs of the clients that may use the NodePort (a VPN or bastion range)");
        return;
    }
    // `add` prefixes the project; the index names the offending entry.
    for (const { index, message } of nodePortRangeProblems(c.idpNodePortSourceRanges, subnetCidrs(c).privateSubnetCidrs)) add(`idpNodePortSourceRanges[${index}]` as ConfigKey, message);
}

/**
 * NetworkPolicies admit load balancers by their subnets; an internal one is only told apart from
 * the pods when it sits in intra subnets. Each internal scheme that a policy would have to admit
 * is named.
 */
function internalLoadBalancerProblems(c: ConfigValues, add: (k: ConfigKey, message: string) => void): void {
    const problem = internalLoadBalancerProblem(subnetCidrs(c));
    if (!problem) return;
    const internal = LoadBalancerScheme.Internal;
    if (c.idpNetworkPolicies && c.idpIngress === IngressKind.Alb && c.idpAlbScheme === internal) add("idpAlbScheme", `is internal with idpNetworkPolicies on: ${problem}`);
    if (c.idpNetworkPolicies && c.idpNlb && c.idpNlbScheme === internal) add("idpNlbScheme", `is internal with idpNetworkPolicies on: ${problem}`);
    if (c.addonNetworkPolicies && c.ingressNginx && c.ingressNginxScheme === internal) add("ingressNginxScheme", `is internal with addonNetworkPolicies on: ${problem}`);
}

/** Add-on rules: each add-on's prerequisites are on. */
function addonProblems(c: ConfigValues, add: (k: ConfigKey, message: string) => void): void {
    if (c.loadBalancerController && !(c.loadBalancerControllerVersion in UPSTREAM_POLICIES)) {
        add("loadBalancerControllerVersion", `${show(c.loadBalancerControllerVersion)} has no upstream IAM policy kept in the project (have ${Object.keys(UPSTREAM_POLICIES).join(", ")}); add it first`);
    }
    if (c.ingressNginx && !c.loadBalancerController) add("ingressNginx", "is true but loadBalancerController is false: the ingress-nginx NLB is made by the load balancer controller");
    if (c.certManager && c.acmeSolver === AcmeSolver.Dns01 && !c.route53HostedZoneId) add("route53HostedZoneId", "is required when acmeSolver is dns01: the zone cert-manager may write challenge records to");
    if (c.certManager && c.acmeSolver === AcmeSolver.Http01 && !c.ingressNginx) add("acmeSolver", "is http01 but ingressNginx is false: HTTP-01 challenges are served through the nginx IngressClass; use dns01 or enable ingressNginx");
}

/**
 * Validates a whole stack configuration as Pulumi hands it to the program (`runtime.allConfig()`:
 * full keys to strings, lists as JSON). Pure: no Pulumi resources, no I/O.
 */
export function validateConfig(raw: Readonly<Record<string, string>>, stack: string, secretKeys: Iterable<string>): PlatformConfig {
    const secrets = new Set(secretKeys);
    const problems: ConfigProblem[] = [];
    const prefix = `${PROJECT}:`;
    for (const k of Object.keys(raw).sort()) {
        if (k.startsWith(prefix) && !(k.slice(prefix.length) in configKeys)) problems.push(unknownKeyProblem(k.slice(prefix.length)));
        // Other namespaces belong to providers (aws:region); one a letter or two off is a typo of ours.
        const namespace = k.slice(0, Math.max(k.indexOf(":"), 0));
        if (namespace && namespace !== PROJECT && distance(namespace, PROJECT) <= 2) {
            problems.push({ key: k, message: `is not read: its namespace is "${namespace}", not this project's "${PROJECT}". Did you mean ${prefix}${k.slice(namespace.length + 1)}?` });
        }
    }

    const decoded: Record<string, unknown> = {};
    for (const [name, spec] of Object.entries(configKeys) as [ConfigKey, KeySpec][]) {
        const text = raw[fullKey(name)];
        if (!isSet(spec, text)) continue;
        if (spec.secret && !secrets.has(fullKey(name))) {
            problems.push({ key: fullKey(name), message: `is a secret but is stored in plain text: set it with \`pulumi config set --secret ${fullKey(name)}\` (--path for list entries) and remove the plain value` });
            continue;
        }
        const { value, problem } = decode(spec.kind, text, isSecret(name));
        if (problem) problems.push({ key: fullKey(name), message: problem });
        else decoded[name] = value;
    }

    const region = raw[REGION_KEY];
    const regionResult = v.safeParse(awsRegion, region);
    if (region === undefined) problems.push({ key: REGION_KEY, message: "is required: the AWS region to deploy to (pulumi config set aws:region us-east-1)" });
    else if (!regionResult.success) problems.push({ key: REGION_KEY, message: `${show(region)} ${regionResult.issues[0].message}` });

    const shape = Object.fromEntries(Object.entries(configKeys).map(([k, s]) => [k, s.schema])) as ConfigShape;
    // Every key is checked (no abortEarly); within one value the first problem is the one reported.
    const parsed = v.safeParse(v.object(shape), decoded, { abortPipeEarly: true });
    if (!parsed.success) {
        for (const issue of parsed.issues) {
            const path = (issue.path ?? []).map((p) => p.key as PropertyKey);
            const [name, ...rest] = path;
            if (typeof name !== "string" || !(name in configKeys)) continue;
            const key = fullKey(name) + rest.map((p) => `[${String(p)}]`).join("");
            problems.push({ key, message: issueMessage(issue, valueAt(decoded, path), name as ConfigKey) });
        }
    } else {
        problems.push(...crossKeyProblems(parsed.output, regionResult.success ? region! : "", (k) => decoded[k] !== undefined));
    }

    if (problems.length > 0 || !parsed.success) throw new ConfigError(stack, problems);
    return { ...parsed.output, stack, region: region!, clusterName: parsed.output.clusterName ?? `idp-${stack}` };
}

/** Keys whose stack value is a secret (the SDK knows; its check is internal, hence the guard). */
function secretConfigKeys(config: Record<string, string>): string[] {
    const isConfigSecret = (pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean }).isConfigSecret;
    if (typeof isConfigSecret === "function") return Object.keys(config).filter((k) => isConfigSecret(k));
    // Fail closed: without the SDK's answer no secret key can be shown to be encrypted.
    if ((Object.entries(configKeys) as [ConfigKey, KeySpec][]).some(([k, s]) => s.secret && isSet(s, config[fullKey(k)]))) {
        throw new Error("this @pulumi/pulumi does not expose runtime.isConfigSecret, so secret config keys cannot be checked; use the version in package.json");
    }
    return [];
}

/** Reads and validates the current stack's configuration. Throws ConfigError before any resource exists. */
export function loadConfig(): PlatformConfig {
    const config = pulumi.runtime.allConfig();
    return validateConfig(config, pulumi.getStack(), secretConfigKeys(config));
}
