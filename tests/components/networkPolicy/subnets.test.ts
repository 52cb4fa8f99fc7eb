import * as assert from "node:assert/strict";
import { LoadBalancerScheme } from "../../../components/addons/types";
import { controlPlaneSubnetCidrs, internalLoadBalancerProblem, loadBalancerSubnetCidrs } from "../../../components/networkPolicy/subnets";

const threeTier = { publicSubnetCidrs: ["10.0.224.0/22"], privateSubnetCidrs: ["10.0.0.0/19"], intraSubnetCidrs: ["10.0.192.0/22"] };
const twoTier = { publicSubnetCidrs: ["10.0.224.0/22"], privateSubnetCidrs: ["10.0.0.0/19"] };

// LBC docs (subnet discovery): internet-facing load balancers go to subnets tagged kubernetes.io/role/elb,
// internal ones to kubernetes.io/role/internal-elb; with ip targets their nodes' addresses are the
// source of traffic and health checks (kubernetes#122151, LBC#973). With the VPC CNI pods take
// private-subnet addresses, so only intra subnets let a policy admit an internal LB and not the pods.
describe("networkPolicy: load balancer and control-plane subnets", () => {
    it("an internet-facing load balancer sends from the public subnets, an internal one from the intra subnets", () => {
        assert.deepEqual(loadBalancerSubnetCidrs(LoadBalancerScheme.InternetFacing, threeTier), ["10.0.224.0/22"]);
        assert.deepEqual(loadBalancerSubnetCidrs(LoadBalancerScheme.Internal, threeTier), ["10.0.192.0/22"]);
    });

    it("refuses to admit an internal load balancer without intra subnets, saying why", () => {
        assert.match(internalLoadBalancerProblem(twoTier)!, /where pods take their addresses/);
        assert.equal(internalLoadBalancerProblem(threeTier), undefined);
        assert.throws(() => loadBalancerSubnetCidrs(LoadBalancerScheme.Internal, twoTier), /would admit every pod/);
        assert.deepEqual(loadBalancerSubnetCidrs(LoadBalancerScheme.InternetFacing, twoTier), ["10.0.224.0/22"]);
    });

    // pulumi-eks 4.3.0 cluster.ts: vpcConfig.subnetIds = subnetIds, or else publicSubnetIds + privateSubnetIds.
    it("the control plane lives in the intra subnets, or (two-tier) anywhere in public + private", () => {
        assert.deepEqual(controlPlaneSubnetCidrs(threeTier), ["10.0.192.0/22"]);
        assert.deepEqual(controlPlaneSubnetCidrs(twoTier), ["10.0.224.0/22", "10.0.0.0/19"]);
    });
});
