// The IdP's intended traffic, derived from how it is exposed and where its datastores live. Pure.
import { ExtraRule, PeerPods, TrafficIntent } from "../networkPolicy/generator";
import { LoadBalancerScheme } from "../addons/types";
import { IDP_SELECTOR } from "./workload";
import { IngressKind } from "./types";
import { cidrsOverlap, parseCidr } from "../network/cidr";
import { internalLoadBalancerProblem, loadBalancerSubnetCidrs } from "../networkPolicy/subnets";
import { INGRESS_NGINX_CONTROLLER } from "../networkPolicy/addons";

/** The ingress-nginx chart's controller pods (release name ingress-nginx); defined with the add-on policies. */
export { INGRESS_NGINX_CONTROLLER };

export const KUBE_DNS: PeerPods = { namespace: "kube-system", podLabels: { "k8s-app": "kube-dns" } };

export interface NetworkPolicyArgs {
    /** The cluster's CNI enforces NetworkPolicies (on EKS: the VPC CNI network policy agent). */
    enforced: boolean;
    vpcCidr: string;
    publicSubnetCidrs: string[];
    privateSubnetCidrs: string[];
    /** Intra subnets (internal load balancers, control plane); empty or unset in the two-tier layout. */
    intraSubnetCidrs?: string[];
    monitoringNamespace: string;
    frontend?: PeerPods;
    httpsEgress: boolean;
    smtpEgress: boolean;
    /** External datastores: their endpoints' CIDRs. */
    externalPostgresCidrs?: string[];
    externalRedisCidrs?: string[];
    /** cert-manager solves HTTP-01 through ingress-nginx in this namespace. */
    acmeHttp01: boolean;
    extraRules: ExtraRule[];
}

export interface ExposureFacts {
    namespace: string;
    httpPort: number;
    managementPort: number;
    ingress: IngressKind;
    albScheme?: LoadBalancerScheme;
    nlb?: { scheme: LoadBalancerScheme; sourceRanges: string[] };
    /** NodePort clients, which keep their own addresses (externalTrafficPolicy Local). */
    nodePortClients?: string[];
    inClusterDatastores: boolean;
}


export function idpTrafficIntent(e: ExposureFacts, p: NetworkPolicyArgs): TrafficIntent {
    // Load balancers with ip targets reach pods from their own subnets (the scheme decides which).
    const lbSubnets = new Set<string>();
    // The ALB Gateway is an ALB with ip targets like the ALB Ingress's: the same subnets, by the same rule.
    if ((e.ingress === IngressKind.Alb || e.ingress === IngressKind.Gateway) && e.albScheme) loadBalancerSubnetCidrs(e.albScheme, p).forEach((c) => lbSubnets.add(c));
    if (e.nlb) loadBalancerSubnetCidrs(e.nlb.scheme, p).forEach((c) => lbSubnets.add(c));
    return {
        namespace: e.namespace,
        idpLabels: IDP_SELECTOR,
        httpPort: e.httpPort,
        managementPort: e.managementPort,
        ingressNginx: e.ingress === IngressKind.Nginx ? INGRESS_NGINX_CONTROLLER : undefined,
        loadBalancerSubnetCidrs: [...lbSubnets],
        nlbClientCidrs: e.nlb?.sourceRanges,
        nodePortClientCidrs: e.nodePortClients,
        vpcCidr: p.vpcCidr,
        frontend: p.frontend,
        monitoringNamespace: p.monitoringNamespace,
        dns: KUBE_DNS,
        postgres: e.inClusterDatastores ? { podLabels: { app: "postgres" }, port: 5432 } : { cidrs: p.externalPostgresCidrs ?? [], port: 5432 },
        redis: e.inClusterDatastores ? { podLabels: { app: "redis" }, port: 6379 } : { cidrs: p.externalRedisCidrs ?? [], port: 6379 },
        httpsEgress: p.httpsEgress,
        smtpEgress: p.smtpEgress,
        acmeHttp01Solver: p.acmeHttp01 && e.ingress === IngressKind.Nginx ? INGRESS_NGINX_CONTROLLER : undefined,
        extraRules: p.extraRules,
    };
}

/**
 * Internal load balancers that NetworkPolicies would have to admit together with the pods (no
 * intra subnets), each named by the argument that asks for it. Pure.
 */
export function internalExposureProblems(e: { ingress: IngressKind; albScheme?: LoadBalancerScheme; nlbScheme?: LoadBalancerScheme }, p: NetworkPolicyArgs): string[] {
    const problem = internalLoadBalancerProblem(p);
    if (!problem) return [];
    const internal = [
        ...((e.ingress === IngressKind.Alb || e.ingress === IngressKind.Gateway) && e.albScheme === LoadBalancerScheme.Internal ? ["alb.scheme"] : []),
        ...(e.nlbScheme === LoadBalancerScheme.Internal ? ["nlb.scheme"] : []),
    ];
    return internal.map((arg) => `${arg} is internal: ${problem}`);
}

/**
 * NodePort client ranges that would admit pods: pods take their addresses in the private subnets,
 * so a range overlapping them lets every pod through the NodePort policy. Pure.
 */
export function nodePortRangeProblems(ranges: readonly string[], privateSubnetCidrs: readonly string[]): { index: number; message: string }[] {
    return ranges.flatMap((range, index) => {
        const block = parseCidr(range);
        const clash = block && privateSubnetCidrs.find((p) => parseCidr(p) && cidrsOverlap(block, parseCidr(p)!));
        return clash ? [{ index, message: `${JSON.stringify(range)} overlaps private subnet ${clash}, where pods take their addresses: the NetworkPolicy would admit every pod` }] : [];
    });
}
