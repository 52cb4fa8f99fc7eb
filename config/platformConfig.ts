// The validated configuration of a stack: what loadConfig returns and platformArgs maps.
import type { ConfigValues } from "./keys";

export interface PlatformConfig extends Omit<ConfigValues, "clusterName"> {
    readonly stack: string;
    readonly region: string;
    readonly clusterName: string;
}

/**
 * The NetworkPolicies a stack makes, by the setting that makes them: the IdP namespace's with
 * idpNetworkPolicies; the add-on namespaces' (ingress-nginx's egress among them) with
 * addonNetworkPolicies, and only with networkPolicyEnforcement. platformArgs makes exactly these, and
 * loadConfig requires an extra route to name its pods exactly when one of them is made. Pure.
 */
export function networkPolicySettings(c: Pick<ConfigValues, "idpNetworkPolicies" | "addonNetworkPolicies" | "networkPolicyEnforcement">): { idp: boolean; addons: boolean } {
    return { idp: c.idpNetworkPolicies, addons: c.addonNetworkPolicies && c.networkPolicyEnforcement };
}
