// The benchmark's scaling workload: the dev platform carrying N IdP application instances (the
// first is the platform's own; the others are IdpApplications in namespaces idp-2..idp-N, without
// public exposures), so the figures show how evaluation cost grows with what a platform carries.
import { IdpApplication } from "../components/idp";
import { IngressKind } from "../components/idp/types";
import { IdpPlatform } from "../components/platform";
import { loadConfig, platformArgs } from "../config";

export function appsProgram(instances: number): () => void {
    return () => {
        const config = loadConfig();
        const args = platformArgs(config);
        const platform = new IdpPlatform(config.clusterName, args);
        for (let i = 2; i <= instances; i++) {
            new IdpApplication(`idp-${i}`, {
                ...args.idp,
                namespace: `idp-${i}`,
                host: `idp-${i}.${args.idp.host}`,
                ingress: IngressKind.None,
                nodePort: undefined,
                nodePortSourceRanges: undefined,
                nlb: undefined,
                provider: platform.kubernetesProvider,
            });
        }
    };
}
