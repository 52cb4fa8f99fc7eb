// The IdP's intended traffic, derived from what its exposures declare and where its datastores live. Pure.
import { ExtraRule, PeerPods, TrafficIntent } from "../networkPolicy/generator";
import { LoadBalancerScheme } from "../addons/types";
import { IDP_SELECTOR } from "./workload";
import { ExposurePlan, ExposureTraffic } from "./exposures/types";
import { cidrsOverlap, parseCidr } from "../network/cidr";
import { internalLoadBalancerProblem, loadBalancerSubnetCidrs } from "../networkPolicy/subnets";
import { INGRESS_NGINX_CONTROLLER } from "../networkPolicy/addons";
import { Route, routeUpstreamWhy, routeUpstreams } from "./ingress";

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

export interface IdpTrafficFacts {
    namespace: string;
    httpPort: number;
    managementPort: number;
    /** What each exposure declares (its module's plan). */
    exposures: readonly ExposureTraffic[];
    /** NodePort clients, which keep their own addresses (externalTrafficPolicy Local). */
    nodePortClients?: string[];
    inClusterDatastores: boolean;
    /** The NGINX Ingress's extra routes: the proxy reaches their pods on their container ports. */
    routes?: readonly Route[];
}

/** The intent: the exposures' traffic, folded, plus what the IdP itself talks to. */
export function idpTrafficIntent(e: IdpTrafficFacts, p: NetworkPolicyArgs): TrafficIntent {
    // Load balancers with ip targets reach pods from their own subnets (the scheme decides which).
    const lbSubnets = new Set(e.exposures.flatMap((t) => (t.loadBalancerScheme ? loadBalancerSubnetCidrs(t.loadBalancerScheme, p) : [])));
    const passing = e.exposures.filter((t) => t.clientCidrs);
    const proxy = e.exposures.find((t) => t.proxy)?.proxy;
    return {
        namespace: e.namespace,
        idpLabels: IDP_SELECTOR,
        httpPort: e.httpPort,
        managementPort: e.managementPort,
        ingressNginx: proxy,
        loadBalancerSubnetCidrs: [...lbSubnets],
        nlbClientCidrs: passing.length > 0 ? [...new Set(passing.flatMap((t) => t.clientCidrs!))] : undefined,
        nodePortClientCidrs: e.nodePortClients,
        vpcCidr: p.vpcCidr,
        frontend: p.frontend,
        monitoringNamespace: p.monitoringNamespace,
        dns: KUBE_DNS,
        postgres: e.inClusterDatastores ? { podLabels: { app: "postgres" }, port: 5432 } : { cidrs: p.externalPostgresCidrs ?? [], port: 5432 },
        redis: e.inClusterDatastores ? { podLabels: { app: "redis" }, port: 6379 } : { cidrs: p.externalRedisCidrs ?? [], port: 6379 },
        httpsEgress: p.httpsEgress,
        smtpEgress: p.smtpEgress,
        // cert-manager's HTTP-01 solver is reached through the proxy that serves the IdP's Ingress.
        acmeHttp01Solver: p.acmeHttp01 ? proxy : undefined,
        proxiedBackends: proxy ? routeUpstreams(e.routes ?? []).map((u) => ({ name: u.name, podLabels: u.podLabels, port: u.port, why: routeUpstreamWhy(u) })) : [],
        extraRules: p.extraRules,
    };
}

/**
 * Internal load balancers that NetworkPolicies would have to admit together with the pods (no
 * intra subnets), each named by the setting that asks for it. Pure.
 */
export function internalExposureProblems(exposures: readonly Pick<ExposurePlan, "setting" | "traffic">[], p: NetworkPolicyArgs): string[] {
    const problem = internalLoadBalancerProblem(p);
    if (!problem) return [];
    return exposures.filter((x) => x.traffic.loadBalancerScheme === LoadBalancerScheme.Internal).map((x) => `${x.setting}.scheme is internal: ${problem}`);
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
