// Subnet CIDRs per tier, shared by config validation and the mapping onto component arguments.
import { SubnetLayout, VpcMode } from "../components/network/types";
import { MAX_PLANNED_ZONES, planSubnets } from "../components/network/cidr";
import type { ConfigValues } from "./keys";

type SubnetKeys = "vpcMode" | "vpcCidr" | "availabilityZones" | "existingPublicSubnetCidrs" | "existingPrivateSubnetCidrs" | "subnetLayout" | "existingIntraSubnetCidrs";

/**
 * Subnet CIDRs per tier, known before anything exists: the network's plan, or the existing subnets.
 * Config validation uses it too, before the zones are known to be valid: none are planned then.
 */
export function subnetCidrs(c: Pick<ConfigValues, SubnetKeys>): { publicSubnetCidrs: string[]; privateSubnetCidrs: string[]; intraSubnetCidrs: string[] } {
    const threeTier = c.subnetLayout === SubnetLayout.ThreeTier;
    if (c.vpcMode === VpcMode.Existing) {
        return { publicSubnetCidrs: c.existingPublicSubnetCidrs ?? [], privateSubnetCidrs: c.existingPrivateSubnetCidrs ?? [], intraSubnetCidrs: threeTier ? c.existingIntraSubnetCidrs ?? [] : [] };
    }
    const zones = c.availabilityZones?.length ?? 0;
    if (zones < 1 || zones > MAX_PLANNED_ZONES) return { publicSubnetCidrs: [], privateSubnetCidrs: [], intraSubnetCidrs: [] };
    const plan = planSubnets(c.vpcCidr, zones);
    return { publicSubnetCidrs: plan.publicCidrs, privateSubnetCidrs: plan.privateCidrs, intraSubnetCidrs: threeTier ? plan.intraCidrs : [] };
}
