// The validated configuration of a stack: what loadConfig returns and platformArgs maps.
import type { ConfigValues } from "./keys";

export interface PlatformConfig extends Omit<ConfigValues, "clusterName"> {
    readonly stack: string;
    readonly region: string;
    readonly clusterName: string;
}
