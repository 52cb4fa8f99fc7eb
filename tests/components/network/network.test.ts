import * as assert from "node:assert/strict";
import { EXISTING_VPC_OVERRIDES } from "../../config/badConfigCases";
import { evaluateStack, ofType, only, shippedStack } from "../../harness";

describe("network: the VPC per stack", () => {
    it("dev: a VPC with public, private and intra subnets in 2 zones and one shared NAT gateway", async () => {
        const { resources } = await shippedStack("dev");
        assert.equal(only(resources, "aws:ec2/vpc:Vpc").inputs.cidrBlock, "10.10.0.0/16");
        const subnets = ofType(resources, "aws:ec2/subnet:Subnet");
        assert.deepEqual(subnets.map((s) => [s.name, s.inputs.availabilityZone, s.inputs.cidrBlock]), [
            ["idp-dev-network-intra-us-east-1a", "us-east-1a", "10.10.192.0/22"],
            ["idp-dev-network-intra-us-east-1b", "us-east-1b", "10.10.196.0/22"],
            ["idp-dev-network-private-us-east-1a", "us-east-1a", "10.10.0.0/19"],
            ["idp-dev-network-private-us-east-1b", "us-east-1b", "10.10.32.0/19"],
            ["idp-dev-network-public-us-east-1a", "us-east-1a", "10.10.224.0/22"],
            ["idp-dev-network-public-us-east-1b", "us-east-1b", "10.10.228.0/22"],
        ]);
        assert.equal(ofType(resources, "aws:ec2/natGateway:NatGateway").length, 1);
        // Both private route tables send egress through the one NAT gateway.
        const nat = only(resources, "aws:ec2/natGateway:NatGateway");
        for (const rt of ofType(resources, "aws:ec2/routeTable:RouteTable").filter((r) => r.name.includes("private"))) {
            assert.deepEqual((rt.inputs.routes as { natGatewayId: string }[]).map((r) => r.natGatewayId), [`mock-id-${nat.name}`]);
        }
    });

    it("prod: 3 zones, one NAT gateway per zone, each private subnet routed through its own zone's", async () => {
        const { resources } = await shippedStack("prod");
        const nats = ofType(resources, "aws:ec2/natGateway:NatGateway");
        assert.deepEqual(nats.map((n) => n.name), ["idp-prod-network-nat-us-east-1a", "idp-prod-network-nat-us-east-1b", "idp-prod-network-nat-us-east-1c"]);
        for (const zone of ["us-east-1a", "us-east-1b", "us-east-1c"]) {
            const rt = only(resources, "aws:ec2/routeTable:RouteTable", `private-${zone}`);
            assert.deepEqual(rt.inputs.routes, [{ cidrBlock: "0.0.0.0/0", natGatewayId: `mock-id-idp-prod-network-nat-${zone}` }]);
        }
    });

    // LBC docs (subnet discovery): kubernetes.io/role/elb=1 for internet-facing, kubernetes.io/role/internal-elb=1
    // for internal load balancers. Issue 15: internal-elb moves to intra so internal LBs never share the pods' subnets.
    it("tags subnets for load balancer discovery: elb on public, internal-elb on intra (not on private, where pods live)", async () => {
        const { resources } = await shippedStack("prod");
        for (const s of ofType(resources, "aws:ec2/subnet:Subnet")) {
            const tags = s.inputs.tags as Record<string, string>;
            const tier = /-(public|private|intra)-/.exec(s.name)![1];
            assert.equal(tags["kubernetes.io/role/elb"], tier === "public" ? "1" : undefined, s.name);
            assert.equal(tags["kubernetes.io/role/internal-elb"], tier === "intra" ? "1" : undefined, s.name);
            assert.equal(tags["kubernetes.io/cluster/idp-prod"], "shared");
            assert.equal(s.inputs.mapPublicIpOnLaunch ?? false, false);
        }
    });

    it("intra subnets have no route out (their route table holds only the implicit local route)", async () => {
        const { resources } = await shippedStack("prod");
        const rt = only(resources, "aws:ec2/routeTable:RouteTable", "-intra");
        assert.equal(rt.inputs.routes, undefined);
        const associations = ofType(resources, "aws:ec2/routeTableAssociation:RouteTableAssociation").filter((a) => a.inputs.routeTableId === `mock-id-${rt.name}`);
        assert.deepEqual(associations.map((a) => a.inputs.subnetId), ["us-east-1a", "us-east-1b", "us-east-1c"].map((z) => `mock-id-idp-prod-network-intra-${z}`));
    });

    it("the cluster's control-plane subnets are the intra subnets; nodes stay in the private ones", async () => {
        const { resources } = await shippedStack("prod");
        const cluster = only(resources, "eks:index:Cluster");
        assert.deepEqual(cluster.inputs.subnetIds, ["us-east-1a", "us-east-1b", "us-east-1c"].map((z) => `mock-id-idp-prod-network-intra-${z}`));
        // eks.Cluster forms vpcConfig.subnetIds from subnetIds, or else public + private: never both.
        assert.equal(cluster.inputs.publicSubnetIds, undefined);
        assert.equal(cluster.inputs.privateSubnetIds, undefined);
        for (const ng of ofType(resources, "aws:eks/nodeGroup:NodeGroup")) {
            assert.deepEqual(ng.inputs.subnetIds, ["us-east-1a", "us-east-1b", "us-east-1c"].map((z) => `mock-id-idp-prod-network-private-${z}`));
        }
    });

    it("subnetLayout twoTier keeps today's layout: no intra subnets, internal-elb on private, control plane in public + private", async () => {
        const { resources, outputs } = await evaluateStack("prod", { "idp-eks:subnetLayout": "twoTier" });
        assert.deepEqual(ofType(resources, "aws:ec2/subnet:Subnet").filter((s) => s.name.includes("-intra-")), []);
        for (const s of ofType(resources, "aws:ec2/subnet:Subnet").filter((x) => x.name.includes("-private-"))) {
            assert.equal((s.inputs.tags as Record<string, string>)["kubernetes.io/role/internal-elb"], "1");
        }
        const cluster = only(resources, "eks:index:Cluster");
        assert.equal(cluster.inputs.subnetIds, undefined);
        assert.equal((cluster.inputs.publicSubnetIds as string[]).length, 3);
        assert.equal((cluster.inputs.privateSubnetIds as string[]).length, 3);
        assert.deepEqual(outputs.intraSubnetCidrs, []);
    });

    it("routes public subnets to the internet gateway", async () => {
        const { resources } = await shippedStack("dev");
        const igw = only(resources, "aws:ec2/internetGateway:InternetGateway");
        assert.deepEqual(only(resources, "aws:ec2/routeTable:RouteTable", "-public").inputs.routes, [{ cidrBlock: "0.0.0.0/0", gatewayId: `mock-id-${igw.name}` }]);
        assert.equal(ofType(resources, "aws:ec2/routeTableAssociation:RouteTableAssociation").filter((a) => a.name.includes("-public-")).length, 2);
    });

    it("existing VPC mode creates no network resources and passes the given ids and CIDRs on", async () => {
        const { resources, outputs } = await evaluateStack("dev", EXISTING_VPC_OVERRIDES);
        assert.deepEqual(resources.filter((r) => r.type.startsWith("aws:ec2/") && r.type !== "aws:ec2/launchTemplate:LaunchTemplate"), []);
        assert.equal(outputs.vpcId, "vpc-0123456789abcdef0");
        assert.deepEqual(outputs.privateSubnetCidrs, ["10.10.0.0/19", "10.10.32.0/19"]);
        assert.deepEqual(outputs.intraSubnetCidrs, ["10.10.192.0/22", "10.10.196.0/22"]);
        const cluster = only(resources, "eks:index:Cluster");
        assert.deepEqual(cluster.inputs.subnetIds, ["subnet-0123456789abcdef4", "subnet-0123456789abcdef5"]);
        const ng = ofType(resources, "aws:eks/nodeGroup:NodeGroup")[0];
        assert.deepEqual(ng.inputs.subnetIds, ["subnet-0123456789abcdef2", "subnet-0123456789abcdef3"]);
        assert.equal(cluster.inputs.vpcId, "vpc-0123456789abcdef0");
    });

    it("exports VPC and subnet ids and CIDRs per tier", async () => {
        const { outputs } = await shippedStack("prod");
        assert.equal(outputs.vpcCidr, "10.20.0.0/16");
        assert.deepEqual(outputs.publicSubnetCidrs, ["10.20.224.0/22", "10.20.228.0/22", "10.20.232.0/22"]);
        assert.equal((outputs.privateSubnetIds as string[]).length, 3);
        assert.deepEqual(outputs.intraSubnetCidrs, ["10.20.192.0/22", "10.20.196.0/22", "10.20.200.0/22"]);
        assert.equal((outputs.intraSubnetIds as string[]).length, 3);
    });
});
