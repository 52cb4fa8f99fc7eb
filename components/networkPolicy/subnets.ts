// Which VPC addresses a load balancer or the control plane sends from, per subnet tier. Pure: the
// one place NetworkPolicies (IdP ALB Ingress, NLB, ALB Gateway, ingress-nginx's NLB, webhooks) and
// config validation learn where a load balancer of a given scheme lives.
import { LoadBalancerScheme } from "../addons/types";

/** The CIDRs of each subnet tier, one per zone; intra is empty in the two-tier layout. */
export interface SubnetTierCidrs {
    publicSubnetCidrs: string[];
    privateSubnetCidrs: string[];
    intraSubnetCidrs?: string[];
}

/**
 * Why a NetworkPolicy cannot admit internal load balancers without admitting pods, or undefined
 * when it can: without intra subnets, internal load balancers are discovered in the private
 * subnets (`kubernetes.io/role/internal-elb`), where the VPC CNI also gives pods their addresses.
 */
export function internalLoadBalancerProblem(tiers: SubnetTierCidrs): string | undefined {
    return tiers.intraSubnetCidrs?.length
        ? undefined
        : "internal load balancers would sit in the private subnets, where pods take their addresses, so a NetworkPolicy admitting them would admit every pod; use intra subnets (subnetLayout: threeTier)";
}

/**
 * The subnets a load balancer of `scheme` sends traffic and health checks from (ip targets see
 * these source addresses): public for internet-facing, intra for internal. Throws when an internal
 * load balancer could only be admitted together with the pods (see internalLoadBalancerProblem).
 */
export function loadBalancerSubnetCidrs(scheme: LoadBalancerScheme, tiers: SubnetTierCidrs): string[] {
    if (scheme === LoadBalancerScheme.InternetFacing) return [...tiers.publicSubnetCidrs];
    const problem = internalLoadBalancerProblem(tiers);
    if (problem) throw new Error(`an internal load balancer cannot be admitted by NetworkPolicy: ${problem}`);
    return [...tiers.intraSubnetCidrs!];
}

/**
 * Where the EKS control plane's network interfaces (the private API endpoint's addresses, and the
 * source of webhook calls) live: the cluster's control-plane subnets, i.e. intra; in the two-tier
 * layout eks.Cluster passes public + private, and EKS may place them in any of those.
 */
export function controlPlaneSubnetCidrs(tiers: SubnetTierCidrs): string[] {
    return tiers.intraSubnetCidrs?.length ? [...tiers.intraSubnetCidrs] : [...tiers.publicSubnetCidrs, ...tiers.privateSubnetCidrs];
}
