// Maps validated stack config onto component arguments. Pure, so the mapping is unit-tested.
// Dependencies run one way: loadConfig -> platformConfig/subnets <- platformArgs (no cycle).
import { IdpPlatformArgs } from "../components/platform";
import { parseLabels, parseTaints } from "../components/cluster/nodeGroup";
import { SubnetLayout, VpcMode } from "../components/network/types";
import { PlatformConfig, networkPolicySettings } from "./platformConfig";
import { subnetCidrs } from "./subnets";
import * as pulumi from "@pulumi/pulumi";
import { DatabaseMode } from "../components/idp/types";
import { AcmeSolver } from "../components/addons/types";
import { parseEnv } from "../components/idp";
import { KUBE_DNS } from "../components/idp/trafficIntent";

export function platformArgs(c: PlatformConfig): IdpPlatformArgs {
    const policies = networkPolicySettings(c);
    return {
        region: c.region,
        addons: {
            identity: c.addonIdentity,
            loadBalancerController: c.loadBalancerController ? { chartVersion: c.loadBalancerControllerVersion, gatewayApi: c.gatewayApi } : undefined,
            certManager: c.certManager
                ? { chartVersion: c.certManagerVersion, acmeEmail: c.acmeEmail, solver: c.acmeSolver, hostedZoneId: c.route53HostedZoneId }
                : undefined,
            ingressNginx: c.ingressNginx ? { chartVersion: c.ingressNginxVersion, scheme: c.ingressNginxScheme } : undefined,
            networkPolicies: policies.addons ? {
                vpcCidr: c.vpcCidr,
                subnets: subnetCidrs(c),
                publicEndpointOnly: c.endpointPublicAccess && !c.endpointPrivateAccess,
                monitoringNamespace: c.monitoringNamespace,
                dns: KUBE_DNS,
            } : undefined,
        },
        idp: {
            namespace: c.idpNamespace,
            host: c.idpHost,
            image: c.idpImage,
            replicas: c.idpReplicas,
            pdbMinAvailable: c.idpPdbMinAvailable,
            autoscaling: c.idpAutoscaleMaxReplicas === undefined ? undefined : { maxReplicas: c.idpAutoscaleMaxReplicas, cpuUtilizationPercent: c.idpAutoscaleCpuPercent },
            httpPort: c.idpHttpPort,
            managementPort: c.idpManagementPort,
            readinessPath: c.idpReadinessPath,
            livenessPath: c.idpLivenessPath,
            runAsUser: c.idpRunAsUser,
            resources: { cpuRequest: c.idpCpuRequest, cpuLimit: c.idpCpuLimit, memoryRequest: c.idpMemoryRequest, memoryLimit: c.idpMemoryLimit },
            env: Object.fromEntries(parseEnv(c.idpEnv).map((e) => [e.name, e.value])),
            // Secret config stays secret: it only ever reaches a Kubernetes Secret.
            secretEnv: c.idpSecretEnv?.length ? pulumi.secret(Object.fromEntries(parseEnv(c.idpSecretEnv).map((e) => [e.name, e.value]))) : undefined,
            rollout: { deregistrationDelaySeconds: c.lbDeregistrationDelaySeconds, preStopSleepSeconds: c.idpPreStopSleepSeconds, terminationGracePeriodSeconds: c.idpTerminationGracePeriodSeconds },
            dnsConfig: c.idpDnsNdots !== undefined || c.idpDnsSearches.length > 0 ? { ndots: c.idpDnsNdots, searches: c.idpDnsSearches } : undefined,
            nodePort: c.idpNodePort,
            nodePortSourceRanges: c.idpNodePortSourceRanges,
            nlb: c.idpNlb ? { scheme: c.idpNlbScheme, sourceRanges: c.idpNlbSourceRanges } : undefined,
            ingress: c.idpIngress,
            nginx: { proxyBodySize: c.idpNginxProxyBodySize, proxyReadTimeoutSeconds: c.idpNginxProxyReadTimeout, extraRoutes: c.idpExtraRoutes, clusterIssuer: c.idpClusterIssuer },
            tls: c.idpTlsCertificate && c.idpTlsPrivateKey ? { certificate: pulumi.secret(c.idpTlsCertificate), privateKey: pulumi.secret(c.idpTlsPrivateKey) } : undefined,
            alb: { scheme: c.idpAlbScheme, groupName: c.idpAlbGroupName, gatewaySourceRanges: c.idpGatewaySourceRanges },
            certificateArn: c.idpCertificateArn,
            route53HostedZoneId: c.route53HostedZoneId,
            networkPolicies: policies.idp ? {
                enforced: c.networkPolicyEnforcement,
                vpcCidr: c.vpcCidr,
                ...subnetCidrs(c),
                monitoringNamespace: c.monitoringNamespace,
                frontend: c.idpFrontend,
                httpsEgress: c.idpHttpsEgress,
                smtpEgress: c.idpSmtpEgress,
                externalPostgresCidrs: c.externalPostgresCidrs,
                externalRedisCidrs: c.externalRedisCidrs,
                acmeHttp01: c.certManager && c.acmeSolver === AcmeSolver.Http01,
                extraRules: c.networkPolicyExtraRules,
            } : undefined,
            database: c.databaseMode === DatabaseMode.InCluster
                ? { mode: c.databaseMode, postgresImage: c.postgresImage, redisImage: c.redisImage, storageGiB: c.datastoreStorageGiB }
                : { mode: c.databaseMode, externalPostgresHost: c.externalPostgresHost, externalRedisHost: c.externalRedisHost },
        },
        tags: { "idp-eks:stack": c.stack, "idp-eks:cluster": c.clusterName },
        network: {
            mode: c.vpcMode,
            vpcCidr: c.vpcCidr,
            subnetLayout: c.subnetLayout,
            ...(c.vpcMode === VpcMode.Create
                ? { availabilityZones: c.availabilityZones, natGatewayMode: c.natGatewayMode }
                : {
                      existing: {
                          vpcId: c.existingVpcId!,
                          publicSubnetIds: c.existingPublicSubnetIds!,
                          publicSubnetCidrs: c.existingPublicSubnetCidrs!,
                          privateSubnetIds: c.existingPrivateSubnetIds!,
                          privateSubnetCidrs: c.existingPrivateSubnetCidrs!,
                          ...(c.subnetLayout === SubnetLayout.ThreeTier ? { intraSubnetIds: c.existingIntraSubnetIds!, intraSubnetCidrs: c.existingIntraSubnetCidrs! } : {}),
                      },
                  }),
        },
        cluster: {
            clusterName: c.clusterName,
            kubernetesVersion: c.kubernetesVersion,
            supportType: c.supportType,
            endpointPrivateAccess: c.endpointPrivateAccess,
            endpointPublicAccess: c.endpointPublicAccess,
            publicAccessCidrs: c.publicAccessCidrs,
            controlPlaneLogTypes: c.controlPlaneLogTypes,
            controlPlaneLogRetentionDays: c.controlPlaneLogRetentionDays,
            importControlPlaneLogGroup: c.importControlPlaneLogGroup,
            secretsEncryption: c.secretsEncryption,
            secretsKmsKeyArn: c.secretsKmsKeyArn,
            deletionProtection: c.deletionProtection,
            adminPrincipalArns: c.adminPrincipalArns,
            clusterCreatorArn: c.clusterCreatorArn,
            networkPolicyEnforcement: c.networkPolicyEnforcement,
            metricsServer: c.metricsServer,
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

export { subnetCidrs } from "./subnets";
