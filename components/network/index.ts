import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { planSubnets } from "./cidr";
import { NatGatewayMode, SubnetLayout, VpcMode } from "./types";
import { withPreviousType } from "../aliases";

export { NatGatewayMode, SubnetLayout, VpcMode } from "./types";
export * from "./cidr";

/** Subnets of an existing VPC, given by id with their CIDRs (NetworkPolicies need the CIDRs). */
export interface ExistingSubnetsArgs {
    vpcId: string;
    publicSubnetIds: string[];
    publicSubnetCidrs: string[];
    privateSubnetIds: string[];
    privateSubnetCidrs: string[];
    /** Three-tier layout: intra subnet ids (control plane, internal load balancers), one per zone. */
    intraSubnetIds?: string[];
    intraSubnetCidrs?: string[];
}

/** What a Network is; the platform fills in the cluster name and tags. */
export interface NetworkSettings {
    /** Create a VPC, or adopt an existing one (nothing is created). */
    mode: VpcMode;
    /** The VPC's CIDR: created with it, or the existing VPC's. */
    vpcCidr: string;
    /** Create mode: the zones to span, in order (2 to 6). */
    availabilityZones?: string[];
    /** Create mode: one shared NAT gateway or one per zone. */
    natGatewayMode?: NatGatewayMode;
    /**
     * Subnet tiers; default TwoTier (the layout before the intra tier), so upgrading moves nothing
     * unless asked. ThreeTier adds intra subnets for the control plane and internal load balancers.
     */
    subnetLayout?: SubnetLayout;
    /** Existing mode: the VPC and its subnets. */
    existing?: ExistingSubnetsArgs;
}

export interface NetworkArgs extends NetworkSettings {
    /** The EKS cluster name, for the `kubernetes.io/cluster/<name>` subnet tag. */
    clusterName: string;
    /** Tags for every AWS resource created. */
    tags?: Record<string, string>;
}

/** Tags the AWS Load Balancer Controller uses to discover subnets for internet-facing and internal load balancers. */
export function subnetDiscoveryTags(tier: "public" | "private" | "intra", clusterName: string): Record<string, string> {
    return {
        [tier === "public" ? "kubernetes.io/role/elb" : "kubernetes.io/role/internal-elb"]: "1",
        [`kubernetes.io/cluster/${clusterName}`]: "shared",
    };
}

/** The subnet tier that internal load balancers are discovered in (`kubernetes.io/role/internal-elb`). */
export function internalLoadBalancerTier(layout: SubnetLayout | undefined): "private" | "intra" {
    return layout === SubnetLayout.ThreeTier ? "intra" : "private";
}

/**
 * A VPC with public subnets (internet-facing load balancers, NAT), private subnets (nodes, pods)
 * and, in the three-tier layout, intra subnets (control plane, internal load balancers; no route
 * out) across zones, tagged for load balancer discovery; or an existing VPC passed through unchanged.
 */
export class Network extends pulumi.ComponentResource {
    public readonly vpcId: pulumi.Output<string>;
    public readonly vpcCidr: pulumi.Output<string>;
    public readonly publicSubnetIds: pulumi.Output<string[]>;
    public readonly privateSubnetIds: pulumi.Output<string[]>;
    public readonly publicSubnetCidrs: pulumi.Output<string[]>;
    public readonly privateSubnetCidrs: pulumi.Output<string[]>;
    /** Intra subnets (empty in the two-tier layout). */
    public readonly intraSubnetIds: pulumi.Output<string[]>;
    public readonly intraSubnetCidrs: pulumi.Output<string[]>;
    /** Number of NAT gateways created (0 in existing mode). */
    public readonly natGatewayCount: pulumi.Output<number>;
    /**
     * What the private subnets' way out is made of: NAT gateways, private route tables and their
     * subnet associations (empty in existing mode). Nodes and controllers depend on it, so it is
     * created before and destroyed after them.
     */
    public readonly egressReady: pulumi.Resource[];

    constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
        super("idp-eks:index:Network", name, {}, withPreviousType("idp-eks:network:Network", opts));
        const built = args.mode === VpcMode.Existing ? adopt(args) : this.create(name, args);
        this.vpcId = pulumi.output(built.vpcId);
        this.vpcCidr = pulumi.output(args.vpcCidr);
        this.publicSubnetIds = pulumi.output(built.publicSubnetIds);
        this.privateSubnetIds = pulumi.output(built.privateSubnetIds);
        this.publicSubnetCidrs = pulumi.output(built.publicSubnetCidrs);
        this.privateSubnetCidrs = pulumi.output(built.privateSubnetCidrs);
        this.intraSubnetIds = pulumi.output(built.intraSubnetIds);
        this.intraSubnetCidrs = pulumi.output(built.intraSubnetCidrs);
        this.natGatewayCount = pulumi.output(built.natGatewayCount);
        this.egressReady = built.egressReady;
        this.registerOutputs({
            vpcId: this.vpcId,
            vpcCidr: this.vpcCidr,
            publicSubnetIds: this.publicSubnetIds,
            privateSubnetIds: this.privateSubnetIds,
            publicSubnetCidrs: this.publicSubnetCidrs,
            privateSubnetCidrs: this.privateSubnetCidrs,
            intraSubnetIds: this.intraSubnetIds,
            intraSubnetCidrs: this.intraSubnetCidrs,
            natGatewayCount: this.natGatewayCount,
        });
    }

    private create(name: string, args: NetworkArgs): BuiltNetwork {
        const zones = args.availabilityZones ?? [];
        if (zones.length < 2) throw new Error(`Network ${name}: args.availabilityZones must list at least 2 zones in create mode`);
        const plan = planSubnets(args.vpcCidr, zones.length);
        const internalTier = internalLoadBalancerTier(args.subnetLayout);
        const opts = { parent: this };
        const tags = (extra: Record<string, string>) => ({ ...args.tags, ...extra });

        const vpc = new aws.ec2.Vpc(`${name}-vpc`, {
            cidrBlock: args.vpcCidr,
            enableDnsHostnames: true,
            enableDnsSupport: true,
            tags: tags({ Name: `${name}-vpc` }),
        }, opts);
        const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: tags({ Name: `${name}-igw` }) }, opts);

        const publicRoutes = new aws.ec2.RouteTable(`${name}-public`, {
            vpcId: vpc.id,
            routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
            tags: tags({ Name: `${name}-public` }),
        }, opts);

        const publicSubnets = zones.map((zone, i) => {
            const subnet = new aws.ec2.Subnet(`${name}-public-${zone}`, {
                vpcId: vpc.id,
                availabilityZone: zone,
                cidrBlock: plan.publicCidrs[i],
                mapPublicIpOnLaunch: false,
                tags: tags({ Name: `${name}-public-${zone}`, ...subnetDiscoveryTags("public", args.clusterName) }),
            }, opts);
            new aws.ec2.RouteTableAssociation(`${name}-public-${zone}`, { subnetId: subnet.id, routeTableId: publicRoutes.id }, opts);
            return subnet;
        });

        const natZones = args.natGatewayMode === NatGatewayMode.Single ? zones.slice(0, 1) : zones;
        const natGateways = natZones.map((zone, i) => {
            const eip = new aws.ec2.Eip(`${name}-nat-${zone}`, { domain: "vpc", tags: tags({ Name: `${name}-nat-${zone}` }) }, opts);
            return new aws.ec2.NatGateway(`${name}-nat-${zone}`, {
                allocationId: eip.id,
                subnetId: publicSubnets[i].id,
                tags: tags({ Name: `${name}-nat-${zone}` }),
            }, { parent: this, dependsOn: [igw] });
        });

        const egressReady: pulumi.Resource[] = [...natGateways];
        const privateSubnets = zones.map((zone, i) => {
            const subnet = new aws.ec2.Subnet(`${name}-private-${zone}`, {
                vpcId: vpc.id,
                availabilityZone: zone,
                cidrBlock: plan.privateCidrs[i],
                // Internal load balancers are discovered here only in the two-tier layout.
                tags: tags({ Name: `${name}-private-${zone}`, ...(internalTier === "private" ? subnetDiscoveryTags("private", args.clusterName) : { [`kubernetes.io/cluster/${args.clusterName}`]: "shared" }) }),
            }, opts);
            // Each zone egresses through its own NAT gateway, or through the single shared one.
            const nat = natGateways[Math.min(i, natGateways.length - 1)];
            const routes = new aws.ec2.RouteTable(`${name}-private-${zone}`, {
                vpcId: vpc.id,
                routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }],
                tags: tags({ Name: `${name}-private-${zone}` }),
            }, opts);
            egressReady.push(routes, new aws.ec2.RouteTableAssociation(`${name}-private-${zone}`, { subnetId: subnet.id, routeTableId: routes.id }, opts));
            return subnet;
        });

        // Intra: one route table with only the implicit local route, so nothing here reaches the
        // internet (and a route added to the VPC's main table does not change that).
        let intraSubnets: aws.ec2.Subnet[] = [];
        if (internalTier === "intra") {
            const intraRoutes = new aws.ec2.RouteTable(`${name}-intra`, { vpcId: vpc.id, tags: tags({ Name: `${name}-intra` }) }, opts);
            intraSubnets = zones.map((zone, i) => {
                const subnet = new aws.ec2.Subnet(`${name}-intra-${zone}`, {
                    vpcId: vpc.id,
                    availabilityZone: zone,
                    cidrBlock: plan.intraCidrs[i],
                    tags: tags({ Name: `${name}-intra-${zone}`, ...subnetDiscoveryTags("intra", args.clusterName) }),
                }, opts);
                new aws.ec2.RouteTableAssociation(`${name}-intra-${zone}`, { subnetId: subnet.id, routeTableId: intraRoutes.id }, opts);
                return subnet;
            });
        }

        return {
            vpcId: vpc.id,
            publicSubnetIds: pulumi.all(publicSubnets.map((s) => s.id)),
            privateSubnetIds: pulumi.all(privateSubnets.map((s) => s.id)),
            intraSubnetIds: pulumi.all(intraSubnets.map((s) => s.id)),
            publicSubnetCidrs: plan.publicCidrs,
            privateSubnetCidrs: plan.privateCidrs,
            intraSubnetCidrs: internalTier === "intra" ? plan.intraCidrs : [],
            natGatewayCount: natGateways.length,
            egressReady,
        };
    }
}

interface BuiltNetwork {
    vpcId: pulumi.Input<string>;
    publicSubnetIds: pulumi.Input<string[]>;
    privateSubnetIds: pulumi.Input<string[]>;
    intraSubnetIds: pulumi.Input<string[]>;
    publicSubnetCidrs: string[];
    privateSubnetCidrs: string[];
    intraSubnetCidrs: string[];
    natGatewayCount: number;
    egressReady: pulumi.Resource[];
}

function adopt(args: NetworkArgs): BuiltNetwork {
    if (!args.existing) throw new Error("Network: args.existing is required in existing mode");
    const threeTier = args.subnetLayout === SubnetLayout.ThreeTier;
    if (threeTier && !args.existing.intraSubnetIds?.length) throw new Error("Network: the three-tier layout needs args.existing.intraSubnetIds and intraSubnetCidrs in existing mode");
    return {
        ...args.existing,
        intraSubnetIds: threeTier ? args.existing.intraSubnetIds! : [],
        intraSubnetCidrs: threeTier ? args.existing.intraSubnetCidrs ?? [] : [],
        natGatewayCount: 0,
        egressReady: [],
    };
}
