/** Whether the Network component creates a VPC or adopts an existing one. */
export enum VpcMode {
    /** Create a VPC, subnets, gateways and routes. */
    Create = "create",
    /** Use an existing VPC and subnets given by id; nothing is created. */
    Existing = "existing",
}

/** How private subnets reach the internet. */
export enum NatGatewayMode {
    /** One NAT gateway in the first zone, shared by every private subnet: cheap, one zone's failure cuts egress. */
    Single = "single",
    /** One NAT gateway per zone: egress survives the loss of a zone. */
    PerAz = "perAz",
}

/** Which subnet tiers the VPC has, and where the control plane and internal load balancers live. */
export enum SubnetLayout {
    /**
     * public (internet-facing load balancers, NAT), private (nodes, pods) and intra (control-plane
     * ENIs, internal load balancers; no internet route). NetworkPolicies can tell an internal load
     * balancer from a pod.
     */
    ThreeTier = "threeTier",
    /**
     * The layout before the intra tier: the control plane in the public and private subnets,
     * internal load balancers in the private subnets, among the pods. Kept so an upgrade moves nothing.
     */
    TwoTier = "twoTier",
}
