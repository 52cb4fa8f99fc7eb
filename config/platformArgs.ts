// Maps validated stack config onto component arguments. Pure, so the mapping is unit-tested.
import { IdpPlatformArgs } from "../components/platform";
import { parseLabels, parseTaints } from "../components/cluster/nodeGroup";
import { VpcMode } from "../components/network/types";
import { PlatformConfig } from "./loadConfig";

export function platformArgs(c: PlatformConfig): IdpPlatformArgs {
    return {
        region: c.region,
        addons: {
            identity: c.addonIdentity,
            loadBalancerController: c.loadBalancerController ? { chartVersion: c.loadBalancerControllerVersion } : undefined,
            certManager: c.certManager
                ? { chartVersion: c.certManagerVersion, acmeEmail: c.acmeEmail, solver: c.acmeSolver, hostedZoneId: c.route53HostedZoneId }
                : undefined,
            ingressNginx: c.ingressNginx ? { chartVersion: c.ingressNginxVersion, scheme: c.ingressNginxScheme } : undefined,
        },
        tags: { "idp-eks:stack": c.stack, "idp-eks:cluster": c.clusterName },
        network: {
            mode: c.vpcMode,
            vpcCidr: c.vpcCidr,
            ...(c.vpcMode === VpcMode.Create
                ? { availabilityZones: c.availabilityZones, natGatewayMode: c.natGatewayMode }
                : {
                      existing: {
                          vpcId: c.existingVpcId!,
                          publicSubnetIds: c.existingPublicSubnetIds!,
                          publicSubnetCidrs: c.existingPublicSubnetCidrs!,
                          privateSubnetIds: c.existingPrivateSubnetIds!,
                          privateSubnetCidrs: c.existingPrivateSubnetCidrs!,
                      },
                  }),
        },
        cluster: {
            clusterName: c.clusterName,
            kubernetesVersion: c.kubernetesVersion,
            endpointPrivateAccess: c.endpointPrivateAccess,
            endpointPublicAccess: c.endpointPublicAccess,
            publicAccessCidrs: c.publicAccessCidrs,
            controlPlaneLogTypes: c.controlPlaneLogTypes,
            secretsEncryption: c.secretsEncryption,
            secretsKmsKeyArn: c.secretsKmsKeyArn,
            deletionProtection: c.deletionProtection,
            adminPrincipalArns: c.adminPrincipalArns,
            nodeGroups: [{
                name: "general",
                instanceTypes: c.nodeInstanceTypes,
                capacityType: c.nodeCapacityType,
                amiType: c.nodeAmiType,
                minSize: c.nodeMinSize,
                desiredSize: c.nodeDesiredSize,
                maxSize: c.nodeMaxSize,
                diskSizeGiB: c.nodeDiskSizeGiB,
                labels: parseLabels(c.nodeLabels),
                taints: parseTaints(c.nodeTaints),
            }],
        },
    };
}
