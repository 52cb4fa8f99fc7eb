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
import { ConfigKey, ConfigValues, KeyKind, KeySpec, PROJECT, configKeys, expectedForm, isSet } from "./keys";
import { rolloutProblems } from "../components/idp/loadBalancing";
import { nodePortRangeProblems } from "../components/idp/trafficIntent";
import { DatabaseMode, IngressKind } from "../components/idp/types";
import { formatRoute, routeProblems } from "../components/idp/ingress";
import { duplicateServicePorts, idpServicePorts, isFixedEnv, namespaceProblem, programEnv } from "../components/idp/workload";
import { ACM_DOMAIN_NAME_MAX, planExposures, requestsAcmCertificate } from "../components/idp/exposures/plan";
import { networkPolicySettings } from "./platformConfig";
import { CERT_MANAGER_NAMESPACE } from "../components/addons/certManager";
import { INGRESS_NGINX_NAMESPACE } from "../components/addons/ingressNginx";
import { ELB_HOSTED_ZONE_IDS, LoadBalancerType } from "../components/idp/dns";
import { LBC_GATEWAY_CRD_VERSIONS } from "../components/addons/gatewayApi";
import { awsRegion } from "./rules";
import { derivedNameProblems } from "./derivedNames";
import { stackFileRewrites, rewriteHint, Rewrite } from "./stackFile";
import { escapeText, showValue } from "./values";
import { parseArn, partitionOf } from "./arn";
import { parseQuantity } from "./quantity";
import { subnetCidrs } from "./subnets";
import type { PlatformConfig } from "./platformConfig";

export type { PlatformConfig } from "./platformConfig";
import { lifecycleToday } from "./today";
import { ChartRangeKey, versionProblems } from "../components/cluster/versions";
import pricing from "../components/cluster/eks-pricing.json";

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

const fullKey = (k: string) => `${PROJECT}:${k}`;
/** Values as a user can check them: strings quoted with invisible and look-alike characters escaped. */
const show = (v: unknown) => showValue(v);

/** Turns the string Pulumi hands the program into the value its kind declares. */
function decode(kind: KeyKind, raw: string, secret: boolean): { value?: unknown; problem?: string } {
    const show = (v: unknown) => (secret ? "[secret]" : escapeText(String(v)));
    switch (kind) {
        case "string":
            return { value: raw };
        case "integer": {
            if (!/^-?\d+$/.test(raw.trim())) return { problem: `${show(raw)} is not a whole number` };
            // Beyond 2^53 a JS number would round the value the user wrote; say so with the digits as written.
            if (!Number.isSafeInteger(Number(raw))) return { problem: `${secret ? "[secret]" : raw.trim()} is too large to be read exactly (above ${Number.MAX_SAFE_INTEGER})` };
            return { value: Number(raw) };
        }
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

function issueMessage(issue: v.BaseIssue<unknown>, value: unknown, key: ConfigKey, secret: boolean): string {
    if (value === undefined) return `is required: ${configKeys[key].description}`;
    const show = (x: unknown) => (secret ? "[secret]" : showValue(x));
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
function crossKeyProblems(c: ConfigValues, region: string, present: (k: ConfigKey) => boolean, today: Date): ConfigProblem[] {
    const problems: ConfigProblem[] = [];
    const add = (k: ConfigKey, message: string) => problems.push({ key: fullKey(k), message });
    const existingKeys = ["existingVpcId", "existingPublicSubnetIds", "existingPrivateSubnetIds", "existingPublicSubnetCidrs", "existingPrivateSubnetCidrs"] as const;
    const intraKeys = ["existingIntraSubnetIds", "existingIntraSubnetCidrs"] as const;
    const threeTier = c.subnetLayout === SubnetLayout.ThreeTier;

    const vpc = parseCidr(c.vpcCidr);
    // A created VPC is planned into /20 at the smallest; an existing one is whatever AWS allows (/16 to /28).
    const [minPrefix, maxPrefix] = c.vpcMode === VpcMode.Create ? [16, 20] : [16, 28];
    if (vpc && (vpc.prefix < minPrefix || vpc.prefix > maxPrefix)) add("vpcCidr", `${show(c.vpcCidr)} has prefix /${vpc.prefix}; expected /${minPrefix} to /${maxPrefix} (${c.vpcMode === VpcMode.Create ? "the subnet plan needs room for nodes and pods" : "a VPC's CIDR block is /16 to /28, Amazon VPC User Guide"})`);

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
        existingSubnetProblems(c, problems);
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

    // Any min > max also breaks one of these two, so they report every ordering problem.
    if (c.nodeMinSize > c.nodeDesiredSize) add("nodeMinSize", `${show(c.nodeMinSize)} is above nodeDesiredSize ${show(c.nodeDesiredSize)}${c.nodeMinSize > c.nodeMaxSize ? ` and nodeMaxSize ${show(c.nodeMaxSize)}` : ""}; expected nodeMinSize <= nodeDesiredSize <= nodeMaxSize`);
    if (c.nodeDesiredSize > c.nodeMaxSize) add("nodeDesiredSize", `${show(c.nodeDesiredSize)} is above nodeMaxSize ${show(c.nodeMaxSize)}; expected nodeMinSize <= nodeDesiredSize <= nodeMaxSize`);
    // The only node group runs everything: a taint that repels pods repels the platform's own.
    c.nodeTaints.forEach((t, i) => {
        const effect = t.slice(t.lastIndexOf(":") + 1);
        if (effect === "NoSchedule" || effect === "NoExecute") {
            problems.push({ key: `${fullKey("nodeTaints")}[${i}]`, message: `${show(t)} has effect ${effect} on the only node group, and nothing the platform runs tolerates it (the load balancer controller, cert-manager, ingress-nginx, the IdP and its datastores have no tolerations, and this project has no setting to add them): they would stay Pending and the Helm releases would time out. Use PreferNoSchedule, or no taint` });
        }
    });

    // Graviton families carry a "g" after the generation digit (m7g, c6gn, t4g).
    // The first-generation Graviton family is a1; AL2023 does not run on it (AL2023 User Guide).
    const arm = (t: string) => /^[a-z]+\d+g/.test(t) || t.startsWith("a1.");
    const wantArm = c.nodeAmiType === NodeAmiType.Al2023Arm;
    c.nodeInstanceTypes.forEach((t, i) => {
        if (t.startsWith("a1.")) problems.push({ key: `${fullKey("nodeInstanceTypes")}[${i}]`, message: `${show(t)} is a first-generation Graviton (A1) type, which the AL2023 node images do not support; use a Graviton2 or later type (m6g, m7g, t4g, ...)` });
        else if (arm(t) !== wantArm) problems.push({ key: `${fullKey("nodeInstanceTypes")}[${i}]`, message: `${show(t)} is ${arm(t) ? "an ARM (Graviton)" : "an x86"} type but nodeAmiType is ${c.nodeAmiType}` });
    });
    addonProblems(c, add);
    lifecycleProblems(c, add, today);
    workloadProblems(c, region, add, present);
    cloudProblems(c, region, add);
    internalLoadBalancerProblems(c, add);
    externalDatastoreCidrProblems(c, add);
    return problems;
}

/**
 * vpcMode existing: a subnet is in one tier only, and each is large enough for what the tier holds.
 * An ALB (idpIngress alb or gateway) needs subnets of at least /27 ("your subnets must have a CIDR
 * block with at least a /27 bitmask", ELB User Guide for Application Load Balancers, subnets); an NLB
 * and the EKS control plane need only /28 (NLBs: 8 free addresses, ELB User Guide for Network Load
 * Balancers, Availability Zones; EKS User Guide, subnet requirements). Internet-facing load
 * balancers sit in the public subnets, internal ones and the control plane in the intra subnets
 * (threeTier) or the private ones (twoTier).
 */
function existingSubnetProblems(c: ConfigValues, problems: ConfigProblem[]): void {
    const threeTier = c.subnetLayout === SubnetLayout.ThreeTier;
    const idKeys = ["existingPublicSubnetIds", "existingPrivateSubnetIds", ...(threeTier ? ["existingIntraSubnetIds"] as const : [])] as const;
    const seen = new Map<string, string>();
    for (const k of idKeys) {
        (c[k] ?? []).forEach((id, i) => {
            const key = `${fullKey(k)}[${i}]`;
            const first = seen.get(id);
            if (first && !first.startsWith(`${fullKey(k)}[`)) problems.push({ key, message: `${show(id)} is also listed in ${first}: each subnet belongs to one tier (public, private${threeTier ? ", intra" : ""}), whose route table, tags and NetworkPolicy peers differ` });
            if (!first) seen.set(id, key);
        });
    }
    const alb = c.idpIngress === IngressKind.Alb || c.idpIngress === IngressKind.Gateway;
    const internalAlb = alb && c.idpAlbScheme === LoadBalancerScheme.Internal;
    const tiers: readonly (readonly ["existingPublicSubnetCidrs" | "existingPrivateSubnetCidrs" | "existingIntraSubnetCidrs", string, boolean])[] = [
        ["existingPublicSubnetCidrs", "internet-facing load balancers", alb && !internalAlb],
        threeTier
            ? ["existingIntraSubnetCidrs", "internal load balancers and the EKS control plane", internalAlb]
            : ["existingPrivateSubnetCidrs", "internal load balancers and the EKS control plane (subnetLayout twoTier)", internalAlb],
    ] as const;
    for (const [k, holds, holdsAlb] of tiers) {
        const min = holdsAlb ? MIN_ALB_SUBNET_PREFIX : MIN_NLB_SUBNET_PREFIX;
        const why = holdsAlb
            ? `the IdP's ALB (idpIngress ${c.idpIngress}, idpAlbScheme ${c.idpAlbScheme}) needs subnets of at least /${MIN_ALB_SUBNET_PREFIX} with 8 free addresses (ELB User Guide, Application Load Balancers: subnets)`
            : `an NLB needs 8 free addresses and the EKS control plane a /${MIN_NLB_SUBNET_PREFIX} (ELB User Guide, Network Load Balancers; EKS User Guide, subnet requirements)`;
        (c[k] ?? []).forEach((cidr, i) => {
            const block = parseCidr(cidr);
            if (block && block.prefix > min) problems.push({ key: `${fullKey(k)}[${i}]`, message: `${show(cidr)} is a /${block.prefix}; this tier holds ${holds}, and ${why}` });
        });
    }
}

/** The smallest subnets an ALB, and an NLB or the EKS control plane, can use (ELB and EKS user guides). */
const MIN_ALB_SUBNET_PREFIX = 27;
const MIN_NLB_SUBNET_PREFIX = 28;

/**
 * Rules only the cloud would otherwise catch, at config time: ARNs AWS requires in the stack's
 * region, requests above limits, and names derived from clusterName beyond AWS's limits.
 */
function cloudProblems(c: ConfigValues, region: string, add: (k: ConfigKey, message: string) => void): void {
    const sameRegion = [
        ["secretsKmsKeyArn", "EKS encrypts Secrets only with a KMS key in the cluster's region (EKS User Guide, envelope encryption)"],
        ["idpCertificateArn", "a load balancer uses only ACM certificates in its own region (ACM User Guide, integrated services)"],
    ] as const;
    for (const [k, why] of sameRegion) {
        const arn = c[k] ? parseArn(c[k]!) : undefined;
        if (!arn || !region) continue;
        if (arn.region !== region) add(k, `${show(c[k])} is in ${arn.region}, not aws:region ${show(region)}: ${why}`);
        else if (arn.partition !== partitionOf(region)) add(k, `${show(c[k])} is in partition ${arn.partition}, but aws:region ${show(region)} is in ${partitionOf(region)}`);
    }
    if (region) {
        c.adminPrincipalArns.forEach((a, i) => {
            const arn = parseArn(a);
            if (arn && arn.partition !== partitionOf(region)) add(`adminPrincipalArns[${i}]` as ConfigKey, `${show(a)} is in partition ${arn.partition}, but aws:region ${show(region)} is in ${partitionOf(region)}`);
        });
    }
    // Kubernetes ValidateResourceRequirements: a request above its limit is refused by the API server.
    const pairs = [["idpCpuRequest", "idpCpuLimit"], ["idpMemoryRequest", "idpMemoryLimit"]] as const;
    for (const [request, limit] of pairs) {
        const rq = parseQuantity(c[request]);
        const lm = parseQuantity(c[limit]);
        if (rq !== undefined && lm !== undefined && rq > lm) add(request, `${show(c[request])} is above ${limit} ${show(c[limit])}: Kubernetes refuses a container whose request exceeds its limit`);
    }
}

/** clusterName (or its default idp-<stack>) against the longest AWS name derived from it. */
function clusterNameProblems(c: ConfigValues, stack: string): ConfigProblem[] {
    const clusterName = c.clusterName ?? `idp-${stack}`;
    const [tightest, ...others] = derivedNameProblems(clusterName, c);
    if (!tightest) return [];
    const { name, maxClusterName } = tightest;
    const whose = c.clusterName === undefined ? `the default clusterName ${show(clusterName)} (from the stack name)` : show(clusterName);
    const more = others.length ? ` (${others.length} more derived name${others.length === 1 ? "" : "s"} also too long)` : "";
    return [{
        key: fullKey("clusterName"),
        message: `${whose} is ${clusterName.length} characters; it may be at most ${Math.max(maxClusterName, 0)}: the ${name.what} ${show(name.name)} would be ${name.name.length} characters, above the limit of ${name.limit} (${name.source})${more}`,
    }];
}

/** IdP workload rules: exposures have their controller and certificate, rollouts cannot drop requests. */
function workloadProblems(c: ConfigValues, region: string, add: (k: ConfigKey, message: string) => void, present: (k: ConfigKey) => boolean): void {
    if (c.idpReplicas > 1 && c.idpReplicas <= c.idpPdbMinAvailable) {
        add("idpReplicas", `${c.idpReplicas} is not above idpPdbMinAvailable ${c.idpPdbMinAvailable}: the PodDisruptionBudget would block every node drain`);
    }
    if (c.idpAutoscaleMaxReplicas !== undefined && c.idpAutoscaleMaxReplicas < c.idpReplicas) {
        add("idpAutoscaleMaxReplicas", `${c.idpAutoscaleMaxReplicas} is below idpReplicas ${c.idpReplicas} (the autoscaler's minimum)`);
    }
    if (c.idpHttpPort === c.idpManagementPort) add("idpManagementPort", `${show(c.idpManagementPort)} is the same as idpHttpPort`);
    const owned: Record<string, string> = {
        ...(c.certManager ? { [CERT_MANAGER_NAMESPACE]: "cert-manager (certManager is true)" } : {}),
        ...(c.ingressNginx ? { [INGRESS_NGINX_NAMESPACE]: "ingress-nginx (ingressNginx is true)" } : {}),
    };
    const namespace = namespaceProblem(c.idpNamespace, owned);
    if (namespace) add("idpNamespace", `${show(c.idpNamespace)} ${namespace}`);
    // Kubernetes ValidateService: no two ports of one Service with the same port and protocol.
    const services = idpServicePorts({ managementPort: c.idpManagementPort, nodePort: c.idpNodePort, nlb: c.idpNlb });
    for (const d of duplicateServicePorts(services)) {
        add("idpManagementPort", `${show(c.idpManagementPort)} is also the ${d.earlier.name} port of Service ${d.service} (ports ${services[d.service].map((p) => `${p.name} ${p.port}`).join(", ")}): Kubernetes refuses a Service with two ports of the same number and protocol (ValidateService: spec.ports Duplicate value); choose another port`);
    }
    envKeyProblems(c, add);
    const plans = planExposures({ ingress: c.idpIngress, alb: { scheme: c.idpAlbScheme }, nlb: c.idpNlb ? { scheme: c.idpNlbScheme, sourceRanges: c.idpNlbSourceRanges ?? [] } : undefined });
    if (requestsAcmCertificate(plans, { certificateArn: c.idpCertificateArn, route53HostedZoneId: c.route53HostedZoneId }) && c.idpHost.length > ACM_DOMAIN_NAME_MAX) {
        add("idpHost", `${show(c.idpHost)} is ${c.idpHost.length} characters; the ACM certificate this stack requests for it (route53HostedZoneId is set, idpCertificateArn is not) takes a domain name of at most ${ACM_DOMAIN_NAME_MAX} (ACM API Reference, RequestCertificate DomainName; RFC 5280 ub-common-name): use a shorter host, or give idpCertificateArn for a certificate whose name fits (e.g. a wildcard)`);
    }
    ignoredKeyProblems(c, add, present);
    nodePortProblems(c, add, present);
    for (const problem of rolloutProblems({ deregistrationDelaySeconds: c.lbDeregistrationDelaySeconds, preStopSleepSeconds: c.idpPreStopSleepSeconds, terminationGracePeriodSeconds: c.idpTerminationGracePeriodSeconds })) {
        const keys = problem.startsWith("deregistration") ? "lbDeregistrationDelaySeconds < idpPreStopSleepSeconds" : "idpPreStopSleepSeconds < idpTerminationGracePeriodSeconds";
        add(problem.startsWith("deregistration") ? "idpPreStopSleepSeconds" : "idpTerminationGracePeriodSeconds", `${problem} (expected ${keys})`);
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
    if (c.idpIngress === IngressKind.Gateway) {
        if (!c.loadBalancerController) add("idpIngress", "is gateway but loadBalancerController is false: the ALB Gateway is made by the load balancer controller");
        if (!hasCertificateSource) add("idpCertificateArn", "is required for the ALB Gateway's HTTPS listener (idpIngress is gateway): give an ACM certificate ARN, or route53HostedZoneId to create one");
        if (c.loadBalancerController && !LBC_GATEWAY_CRD_VERSIONS.includes(c.loadBalancerControllerVersion)) {
            add("loadBalancerControllerVersion", `${show(c.loadBalancerControllerVersion)} has no gateway.k8s.aws CRDs kept in the project (have ${LBC_GATEWAY_CRD_VERSIONS.join(", ")}); idpIngress gateway needs them`);
        }
    } else if (present("idpGatewaySourceRanges")) {
        add("idpGatewaySourceRanges", "is only used when idpIngress is gateway");
    }
    extraRouteProblems(c, add);
    if (c.gatewayApi && !c.loadBalancerController) add("gatewayApi", "is true but loadBalancerController is false: the CRDs are applied with the controller that implements them");
    // The alias record's hosted zone comes from a table per region (a read of the load balancer would fail in preview).
    if (region && c.route53HostedZoneId && (c.idpIngress !== IngressKind.None || c.idpNlb)) {
        const types = [...(c.idpIngress === IngressKind.Alb || c.idpIngress === IngressKind.Gateway ? [LoadBalancerType.Application] : []), ...(c.idpIngress === IngressKind.Nginx || c.idpNlb ? [LoadBalancerType.Network] : [])];
        for (const t of types) if (!ELB_HOSTED_ZONE_IDS[t][region]) add("route53HostedZoneId", `needs the ${t} load balancers' hosted zone id of region ${show(region)} for the alias record, which components/idp/dns.ts does not list`);
    }
    if (c.idpIngress === IngressKind.Nginx) {
        if (!c.ingressNginx) add("idpIngress", "is nginx but ingressNginx is false: install ingress-nginx or use alb");
        if (!c.certManager && !c.idpTlsCertificate) add("idpTlsCertificate", "is required for the NGINX Ingress (idpIngress is nginx) when certManager is false");
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
        const why = k.endsWith("Cidrs") ? "databaseMode is external and idpNetworkPolicies is true (the egress policy needs them)" : "databaseMode is external";
        if (c.databaseMode === DatabaseMode.External && !present(k)) add(k, `is required when ${why}`);
        if (c.databaseMode === DatabaseMode.InCluster && present(k)) add(k, "is only used when databaseMode is external");
    }
}

/** `NAME=value` entries by name, with the index each came from. */
function envNames(entries: readonly string[] | undefined): { name: string; index: number }[] {
    return (entries ?? []).map((e, index) => ({ name: e.slice(0, e.indexOf("=")), index }));
}

/**
 * idpEnv replaces the program's plain defaults (one entry per name), never a variable the program
 * fills from a Secret; a name is given once across idpEnv and idpSecretEnv; an idpSecretEnv entry
 * cannot override the program's env (the container's env wins over the Secret's envFrom).
 */
function envKeyProblems(c: ConfigValues, add: (k: ConfigKey, message: string) => void): void {
    const program = programEnv(c.idpNamespace, c.databaseMode === DatabaseMode.InCluster);
    const secretNames = new Set(envNames(c.idpSecretEnv).map((e) => e.name));
    const seen = new Map<string, number>();
    for (const { name, index } of envNames(c.idpEnv)) {
        const at = `idpEnv[${index}]` as ConfigKey;
        if (seen.has(name)) add(at, `sets ${show(name)} again (first in idpEnv[${seen.get(name)}]): a container gets each variable once (server-side apply refuses a name twice, kubernetes/kubernetes#121575); keep one entry`);
        else seen.set(name, index);
        const fixed = program.find((p) => p.name === name && isFixedEnv(p));
        if (fixed) add(at, `sets ${show(name)}, which the program sets to the in-cluster datastore's ${fixed.valueFrom ? "generated password (from its Secret)" : "user, the one postgres is created with"} (databaseMode inCluster): another value would fail to log in; remove the entry`);
        if (secretNames.has(name)) add(at, `sets ${show(name)}, which idpSecretEnv sets too: give each variable once, in idpSecretEnv if it is secret`);
    }
    const programNames = program.map((p) => p.name);
    for (const { name, index } of envNames(c.idpSecretEnv)) {
        const set = program.find((p) => p.name === name);
        if (set) add(`idpSecretEnv[${index}]` as ConfigKey, `names a variable the program sets in the container's env (one of ${programNames.join(", ")}), which takes precedence over the Secret, so the entry would be ignored; ${isFixedEnv(set) ? "this one is the in-cluster datastore's credential and cannot be replaced" : "give the value in idpEnv instead, which replaces the program's default"}`);
    }
}

/**
 * Keys whose value the chosen configuration ignores: set to anything but their default, they are
 * "only used when ...", as for the other keys of a mode not chosen.
 */
function ignoredKeyProblems(c: ConfigValues, add: (k: ConfigKey, message: string) => void, present: (k: ConfigKey) => boolean): void {
    const changed = (k: ConfigKey) => present(k) && JSON.stringify(c[k]) !== JSON.stringify(v.getDefault(configKeys[k].schema as v.GenericSchema));
    if (c.idpIngress !== IngressKind.Nginx) {
        for (const k of ["idpClusterIssuer", "idpNginxProxyBodySize", "idpNginxProxyReadTimeout", "idpTlsCertificate", "idpTlsPrivateKey"] as const) {
            if (changed(k)) add(k, `is only used when idpIngress is nginx (idpIngress is ${c.idpIngress}${c.idpIngress === IngressKind.Alb || c.idpIngress === IngressKind.Gateway ? ": the ALB takes its certificate from ACM" : ""}); remove it`);
        }
    }
    if (!c.ingressNginx && changed("ingressNginxScheme")) add("ingressNginxScheme", "is only used when ingressNginx is true; remove it");
    if (!c.idpNlb && changed("idpNlbScheme")) add("idpNlbScheme", "is only used when idpNlb is true; remove it");
}

/**
 * Extra routes exist only in the NGINX Ingress (the ALB Ingress and Gateway send every path to the
 * IdP, so an entry there would be dropped); with NetworkPolicies each must name its pods and their
 * port, or ingress-nginx could not reach them (components/idp/ingress.ts, routeProblems).
 */
function extraRouteProblems(c: ConfigValues, add: (k: ConfigKey, message: string) => void): void {
    // Its default is the empty list, which Pulumi.yaml hands over as set: an entry is what counts.
    if (c.idpExtraRoutes.length === 0) return;
    if (c.idpIngress !== IngressKind.Nginx) {
        add("idpExtraRoutes", `is only used when idpIngress is nginx (idpIngress is ${c.idpIngress}: ${c.idpIngress === IngressKind.None ? "there is no Ingress" : "the ALB sends every path to the IdP"}); remove it or set idpIngress: nginx`);
        return;
    }
    // The policies platformArgs makes, from the same helper.
    const made = networkPolicySettings(c);
    const policies = [...(made.idp ? ["idpNetworkPolicies"] : []), ...(made.addons ? ["addonNetworkPolicies"] : [])];
    for (const { index, message } of routeProblems(c.idpExtraRoutes, { policiesFrom: policies.length ? policies.join(" and ") : undefined })) {
        add(`idpExtraRoutes[${index}]` as ConfigKey, `${show(formatRoute(c.idpExtraRoutes[index]))} ${message}`);
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
    const from = c.vpcMode === VpcMode.Existing ? "existingPrivateSubnetCidrs" : "vpcCidr and availabilityZones";
    // The overlap matters only to the NetworkPolicy that names these clients (the component checks it then too).
    if (!c.idpNetworkPolicies) return;
    for (const { index, message } of nodePortRangeProblems(c.idpNodePortSourceRanges, subnetCidrs(c).privateSubnetCidrs)) add(`idpNodePortSourceRanges[${index}]` as ConfigKey, `${message} (idpNodePort is set; the private subnets follow from ${from})`);
}

/**
 * External datastore CIDRs become the IdP's egress policy on the datastore's port: one overlapping the
 * public or private subnets would open that port to the pods, nodes and load balancers there (pods
 * take their addresses in the private subnets). The intra subnets hold only AWS-managed interfaces
 * (the control plane's, internal load balancers'), so a datastore there (an existing VPC's isolated
 * "database" subnets, say) opens that port to nothing else.
 */
function externalDatastoreCidrProblems(c: ConfigValues, add: (k: ConfigKey, message: string) => void): void {
    if (c.databaseMode !== DatabaseMode.External || !c.idpNetworkPolicies) return;
    const tiers = subnetCidrs(c);
    const subnets = [
        ...tiers.publicSubnetCidrs.map((cidr) => ({ cidr, tier: "public" })),
        ...tiers.privateSubnetCidrs.map((cidr) => ({ cidr, tier: "private" })),
    ];
    for (const k of ["externalPostgresCidrs", "externalRedisCidrs"] as const) {
        (c[k] ?? []).forEach((range, index) => {
            const block = parseCidr(range);
            const clash = block && subnets.find((s) => parseCidr(s.cidr) && cidrsOverlap(block, parseCidr(s.cidr)!));
            if (clash) add(`${k}[${index}]` as ConfigKey, `${show(range)} overlaps the cluster's ${clash.tier} subnet ${clash.cidr} (planned from vpcCidr, availabilityZones and subnetLayout, or the existing*SubnetCidrs): the IdP's egress policy would open the datastore port to it; give the datastore endpoint's own subnets`);
        });
    }
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
    if (c.idpNetworkPolicies && (c.idpIngress === IngressKind.Alb || c.idpIngress === IngressKind.Gateway) && c.idpAlbScheme === internal) add("idpAlbScheme", `is internal with idpNetworkPolicies on: ${problem}`);
    if (c.idpNetworkPolicies && c.idpNlb && c.idpNlbScheme === internal) add("idpNlbScheme", `is internal with idpNetworkPolicies on: ${problem}`);
    if (c.addonNetworkPolicies && c.ingressNginx && c.ingressNginxScheme === internal) add("ingressNginxScheme", `is internal with addonNetworkPolicies on: ${problem}`);
}

/** Add-on rules: each add-on's prerequisites are on. */
function addonProblems(c: ConfigValues, add: (k: ConfigKey, message: string) => void): void {
    if (c.loadBalancerController && !(c.loadBalancerControllerVersion in UPSTREAM_POLICIES)) {
        add("loadBalancerControllerVersion", `${show(c.loadBalancerControllerVersion)} has no upstream IAM policy kept in the project (have ${Object.keys(UPSTREAM_POLICIES).join(", ")}; loadBalancerController is true); add it first`);
    }
    if (c.ingressNginx && !c.loadBalancerController) add("ingressNginx", "is true but loadBalancerController is false: the ingress-nginx NLB is made by the load balancer controller");
    if (c.certManager && c.acmeSolver === AcmeSolver.Dns01 && !c.route53HostedZoneId) add("route53HostedZoneId", "is required when certManager is true and acmeSolver is dns01: the zone cert-manager may write challenge records to");
    if (c.certManager && c.acmeSolver === AcmeSolver.Http01 && !c.ingressNginx) add("acmeSolver", "is http01 (certManager is true) but ingressNginx is false: HTTP-01 challenges are served through the nginx IngressClass; use dns01 or enable ingressNginx");
}

/** The Kubernetes version is one EKS supports on `today`, with supportType, and every enabled chart supports it. */
function lifecycleProblems(c: ConfigValues, add: (k: ConfigKey, message: string) => void, today: Date): void {
    const charts: ChartRangeKey[] = [
        ...(c.loadBalancerController ? [{ versionKey: "loadBalancerControllerVersion" as const, chartVersion: c.loadBalancerControllerVersion }] : []),
        ...(c.certManager ? [{ versionKey: "certManagerVersion" as const, chartVersion: c.certManagerVersion }] : []),
        ...(c.ingressNginx ? [{ versionKey: "ingressNginxVersion" as const, chartVersion: c.ingressNginxVersion }] : []),
    ];
    const prices = { standardHourly: pricing.eksControlPlaneHourly.standard, extendedHourly: pricing.eksControlPlaneHourly.extended };
    for (const p of versionProblems(c.kubernetesVersion, c.supportType, charts, today, prices)) add(p.key as ConfigKey, p.message);
}

/**
 * Validates a whole stack configuration as Pulumi hands it to the program (`runtime.allConfig()`:
 * full keys to strings, lists as JSON). Pure: no Pulumi resources, no I/O.
 */
export function validateConfig(raw: Readonly<Record<string, string>>, stack: string, secretKeys: Iterable<string>, rewrites: Readonly<Record<string, Rewrite>> = {}, today: Date = lifecycleToday()): PlatformConfig {
    const secrets = new Set(secretKeys);
    // A value the stack stores encrypted never appears in a message, whatever the key: declared
    // secret or not, the CLI has decrypted it for the program (isConfigSecret names it).
    const isSecret = (k: ConfigKey): boolean => (configKeys[k] as KeySpec).secret === true || secrets.has(fullKey(k));
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
        // Encrypting the plain-env list would protect nothing: its values become the Deployment's env.
        if (name === "idpEnv" && secrets.has(fullKey(name))) {
            problems.push({ key: fullKey(name), message: "is stored encrypted, but its values become plain env vars of the IdP Deployment (in the stack's state, preview diffs and `kubectl get`): put secret variables in idpSecretEnv, which goes only into a Kubernetes Secret, and keep idpEnv in plain text" });
            continue;
        }
        const { value, problem } = decode(spec.kind, text, isSecret(name));
        if (problem) problems.push({ key: fullKey(name), message: spec.kind === "array" ? `${problem}; expected ${expectedForm(fullKey(name))}` : problem });
        else decoded[name] = value;
    }

    const region = raw[REGION_KEY];
    const regionResult = v.safeParse(awsRegion, region);
    if (region === undefined) problems.push({ key: REGION_KEY, message: "is required: the AWS region to deploy to (pulumi config set aws:region us-east-1)" });
    else if (!regionResult.success) problems.push({ key: REGION_KEY, message: `${show(region)} ${regionResult.issues[0].message}` });

    // Each key is parsed on its own, so one bad value never hides another problem. Cross-key rules then
    // run with a bad key's default in its place; their messages name every key they involve, so a
    // message that names a bad key is left out (it would be about the stand-in, not the stack).
    const valid: Record<string, unknown> = {};
    const invalid = new Set<string>(Object.keys(configKeys).filter((k) => isSet(configKeys[k as ConfigKey] as KeySpec, raw[fullKey(k)]) && decoded[k] === undefined));
    for (const [name, spec] of Object.entries(configKeys) as [ConfigKey, KeySpec][]) {
        const parsed = v.safeParse(spec.schema, decoded[name], { abortPipeEarly: true });
        if (parsed.success && !invalid.has(name)) {
            valid[name] = parsed.output;
            continue;
        }
        if (!parsed.success) {
            invalid.add(name);
            for (const issue of parsed.issues) {
                const rest = (issue.path ?? []).map((p) => p.key as PropertyKey);
                const key = fullKey(name) + rest.map((p) => `[${String(p)}]`).join("");
                const value = rest.length === 0 && spec.kind === "integer" && raw[fullKey(name)] !== undefined ? raw[fullKey(name)].trim() : valueAt(decoded, [name, ...rest]);
                problems.push({ key, message: issueMessage(issue, value, name, isSecret(name)) });
            }
        }
        const fallback = v.safeParse(spec.schema, undefined);
        valid[name] = fallback.success ? fallback.output : undefined;
    }
    const c = valid as ConfigValues;
    const mentions = (p: ConfigProblem) => [...invalid].some((k) => new RegExp(`\\b${k}\\b`).test(`${p.key} ${p.message}`));
    let crossKey: ConfigProblem[] = [];
    try {
        crossKey = [...crossKeyProblems(c, regionResult.success ? region! : "", (k) => decoded[k] !== undefined, today), ...clusterNameProblems(c, stack)];
    } catch (e) {
        // A rule that cannot run on a stand-in is about a bad key, which is already reported.
        if (invalid.size === 0) throw e;
    }
    problems.push(...crossKey.filter((p) => !mentions(p)));

    if (problems.length > 0) throw new ConfigError(stack, withoutSecretValues(withRewriteHints(problems, rewrites), raw, secrets));
    return { ...c, stack, region: region!, clusterName: c.clusterName ?? `idp-${stack}` };
}

/**
 * Every value of a key the stack stores encrypted, masked in every message: cross-key messages and
 * the components' rules quote other keys' values (vpcCidr in a subnet's message, clusterName inside
 * a derived name), so the values themselves are masked wherever they stand as a token (not inside
 * a longer word or number). It errs on the side of masking: a short secret such as 2 masks that
 * number in other messages too.
 */
function withoutSecretValues(problems: ConfigProblem[], raw: Readonly<Record<string, string>>, secrets: ReadonlySet<string>): ConfigProblem[] {
    const texts = new Set<string>();
    for (const k of secrets) {
        const text = raw[k];
        if (text === undefined || text === "") continue;
        texts.add(text);
        try {
            const parsed: unknown = JSON.parse(text);
            if (Array.isArray(parsed)) for (const entry of parsed) if (entry !== null && String(entry) !== "") texts.add(String(entry));
        } catch {
            // not JSON: the text itself is the value
        }
    }
    if (texts.size === 0) return problems;
    const quote = (t: string) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    // Longest first, so a list's whole JSON goes before its entries.
    const forms = [...texts].flatMap((t) => [escapeText(t), t, escapeText(t).slice(1, -1)]).sort((a, b) => b.length - a.length);
    const pattern = new RegExp(forms.map((f) => `(?<![A-Za-z0-9])${quote(f)}(?![A-Za-z0-9])`).join("|"), "g");
    return problems.map((p) => ({ key: p.key, message: p.message.replace(pattern, "[secret]") }));
}

/** A problem with a key whose value YAML changed from what was typed says so and suggests quoting. */
function withRewriteHints(problems: ConfigProblem[], rewrites: Readonly<Record<string, Rewrite>>): ConfigProblem[] {
    return problems.map((p) => {
        const r = rewrites[p.key] ?? rewrites[p.key.replace(/\[\d+\]$/, "")];
        return r ? { key: p.key, message: `${p.message} (${rewriteHint(r)})` } : p;
    });
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
    return validateConfig(config, pulumi.getStack(), secretConfigKeys(config), stackFileRewrites(pulumi.getStack(), PROJECT));
}
