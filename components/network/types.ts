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
