import * as assert from "node:assert/strict";
import { EXISTING_VPC_OVERRIDES } from "../../config/badConfigCases";
import { evaluateStack, ofType, only } from "../../harness";

describe("network: the VPC per stack", () => {
    it("dev: a VPC with public and private subnets in 2 zones and one shared NAT gateway", async () => {
        const { resources } = await evaluateStack("dev");
        assert.equal(only(resources, "aws:ec2/vpc:Vpc").inputs.cidrBlock, "10.10.0.0/16");
        const subnets = ofType(resources, "aws:ec2/subnet:Subnet");
        assert.deepEqual(subnets.map((s) => [s.name, s.inputs.availabilityZone, s.inputs.cidrBlock]), [
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
        const { resources } = await evaluateStack("prod");
        const nats = ofType(resources, "aws:ec2/natGateway:NatGateway");
        assert.deepEqual(nats.map((n) => n.name), ["idp-prod-network-nat-us-east-1a", "idp-prod-network-nat-us-east-1b", "idp-prod-network-nat-us-east-1c"]);
        for (const zone of ["us-east-1a", "us-east-1b", "us-east-1c"]) {
            const rt = only(resources, "aws:ec2/routeTable:RouteTable", `private-${zone}`);
            assert.deepEqual(rt.inputs.routes, [{ cidrBlock: "0.0.0.0/0", natGatewayId: `mock-id-idp-prod-network-nat-${zone}` }]);
        }
    });

    it("tags subnets for load balancer discovery: elb on public, internal-elb on private", async () => {
        const { resources } = await evaluateStack("prod");
        for (const s of ofType(resources, "aws:ec2/subnet:Subnet")) {
            const tags = s.inputs.tags as Record<string, string>;
            const isPublic = s.name.includes("-public-");
            assert.equal(tags["kubernetes.io/role/elb"], isPublic ? "1" : undefined, s.name);
            assert.equal(tags["kubernetes.io/role/internal-elb"], isPublic ? undefined : "1", s.name);
            assert.equal(tags["kubernetes.io/cluster/idp-prod"], "shared");
            assert.equal(s.inputs.mapPublicIpOnLaunch ?? false, false);
        }
    });

    it("routes public subnets to the internet gateway", async () => {
        const { resources } = await evaluateStack("dev");
        const igw = only(resources, "aws:ec2/internetGateway:InternetGateway");
        assert.deepEqual(only(resources, "aws:ec2/routeTable:RouteTable", "-public").inputs.routes, [{ cidrBlock: "0.0.0.0/0", gatewayId: `mock-id-${igw.name}` }]);
        assert.equal(ofType(resources, "aws:ec2/routeTableAssociation:RouteTableAssociation").length, 4);
    });

    it("existing VPC mode creates no network resources and passes the given ids and CIDRs on", async () => {
        const { resources, outputs } = await evaluateStack("dev", EXISTING_VPC_OVERRIDES);
        assert.deepEqual(resources.filter((r) => r.type.startsWith("aws:ec2/") && r.type !== "aws:ec2/launchTemplate:LaunchTemplate"), []);
        assert.equal(outputs.vpcId, "vpc-0123456789abcdef0");
        assert.deepEqual(outputs.privateSubnetCidrs, ["10.10.0.0/19", "10.10.32.0/19"]);
        const cluster = only(resources, "eks:index:Cluster");
        assert.deepEqual(cluster.inputs.privateSubnetIds, ["subnet-0123456789abcdef2", "subnet-0123456789abcdef3"]);
        assert.equal(cluster.inputs.vpcId, "vpc-0123456789abcdef0");
    });

    it("exports VPC and subnet ids and CIDRs per tier", async () => {
        const { outputs } = await evaluateStack("prod");
        assert.equal(outputs.vpcCidr, "10.20.0.0/16");
        assert.deepEqual(outputs.publicSubnetCidrs, ["10.20.224.0/22", "10.20.228.0/22", "10.20.232.0/22"]);
        assert.equal((outputs.privateSubnetIds as string[]).length, 3);
    });
});
