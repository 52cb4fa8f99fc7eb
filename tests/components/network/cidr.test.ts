import * as assert from "node:assert/strict";
import { cidrContains, cidrProblem, cidrsOverlap, parseCidr, planSubnets } from "../../../components/network/cidr";

describe("network: CIDR arithmetic", () => {
    it("parses canonical CIDRs and rejects malformed ones with a reason", () => {
        assert.deepEqual(parseCidr("10.0.0.0/16"), { base: 10 * 2 ** 24, prefix: 16 });
        assert.equal(cidrProblem("10.0.0.0/16"), undefined);
        assert.match(cidrProblem("10.0.0/16")!, /not an IPv4 CIDR/);
        assert.match(cidrProblem("10.0.0.256/32")!, /octet above 255/);
        assert.match(cidrProblem("10.0.0.0/40")!, /prefix length above 32/);
        assert.match(cidrProblem("10.0.1.0/16")!, /host bits/);
    });

    it("tells containment and overlap apart", () => {
        const vpc = parseCidr("10.0.0.0/16")!;
        assert.ok(cidrContains(vpc, parseCidr("10.0.224.0/22")!));
        assert.ok(!cidrContains(vpc, parseCidr("10.1.0.0/22")!));
        assert.ok(!cidrContains(parseCidr("10.0.224.0/22")!, vpc));
        assert.ok(cidrsOverlap(parseCidr("10.0.0.0/19")!, parseCidr("10.0.16.0/20")!));
        assert.ok(!cidrsOverlap(parseCidr("10.0.0.0/19")!, parseCidr("10.0.32.0/19")!));
    });

    it("plans /19 private and /22 public subnets in a /16, without overlap", () => {
        const plan = planSubnets("10.20.0.0/16", 3);
        assert.deepEqual(plan.privateCidrs, ["10.20.0.0/19", "10.20.32.0/19", "10.20.64.0/19"]);
        assert.deepEqual(plan.publicCidrs, ["10.20.224.0/22", "10.20.228.0/22", "10.20.232.0/22"]);
        const all = [...plan.privateCidrs, ...plan.publicCidrs].map((c) => parseCidr(c)!);
        all.forEach((a, i) => all.slice(i + 1).forEach((b) => assert.ok(!cidrsOverlap(a, b))));
    });

    // Issue 15: the intra tier is carved from vpcCidr "without moving existing subnets"; EKS user
    // guide (network requirements): control-plane subnets need at least /28 (6 free addresses), and
    // an ALB's subnets at least /27 with 8 free addresses (ELB user guide).
    it("plans intra subnets from the VPC's unused seventh eighth, without moving a public or private subnet", () => {
        const plan = planSubnets("10.20.0.0/16", 3);
        assert.deepEqual(plan.intraCidrs, ["10.20.192.0/22", "10.20.196.0/22", "10.20.200.0/22"]);
        const six = planSubnets("10.20.0.0/16", 6);
        const all = [...six.privateCidrs, ...six.publicCidrs, ...six.intraCidrs].map((c) => parseCidr(c)!);
        all.forEach((a, i) => all.slice(i + 1).forEach((b) => assert.ok(!cidrsOverlap(a, b))));
        assert.deepEqual(planSubnets("172.16.0.0/20", 2).intraCidrs, ["172.16.12.0/26", "172.16.12.64/26"]);
        assert.ok(parseCidr(planSubnets("172.16.0.0/20", 6).intraCidrs[5])!.prefix <= 27);
    });

    it("keeps existing subnets in place when a zone is added", () => {
        const two = planSubnets("10.0.0.0/16", 2);
        const three = planSubnets("10.0.0.0/16", 3);
        assert.deepEqual(three.privateCidrs.slice(0, 2), two.privateCidrs);
        assert.deepEqual(three.publicCidrs.slice(0, 2), two.publicCidrs);
        assert.deepEqual(three.intraCidrs.slice(0, 2), two.intraCidrs);
    });

    it("scales the plan with the VPC prefix", () => {
        assert.deepEqual(planSubnets("172.16.0.0/20", 2), { privateCidrs: ["172.16.0.0/23", "172.16.2.0/23"], publicCidrs: ["172.16.14.0/26", "172.16.14.64/26"], intraCidrs: ["172.16.12.0/26", "172.16.12.64/26"] });
    });

    it("refuses more zones than the plan holds", () => {
        assert.throws(() => planSubnets("10.0.0.0/16", 7), /1 to 6 zones/);
    });
});
