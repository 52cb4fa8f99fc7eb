// A consumer of the idp-eks package that uses the building blocks alone: its own network and
// cluster, the add-ons on that cluster, and the IdP with its NetworkPolicies.
import {
    AwsIdentityMode, CapacityType, CertManager, AcmeSolver, Cluster, ControlPlaneLogType, DatabaseMode, IdpApplication,
    IngressKind, LoadBalancerController, LoadBalancerScheme, NatGatewayMode, Network, NodeAmiType, VpcMode, planSubnets,
} from "idp-eks";

const clusterName = "consumer-idp";
const vpcCidr = "10.30.0.0/16";
const zones = ["eu-west-1a", "eu-west-1b"];

const network = new Network("net", { mode: VpcMode.Create, vpcCidr, availabilityZones: zones, natGatewayMode: NatGatewayMode.Single, clusterName });

const cluster = new Cluster("eks", {
    clusterName,
    kubernetesVersion: "1.35",
    vpcId: network.vpcId,
    publicSubnetIds: network.publicSubnetIds,
    privateSubnetIds: network.privateSubnetIds,
    // Nodes wait for NAT routes; the Kubernetes provider (and so every controller) is destroyed before them.
    egressReady: network.egressReady,
    endpointPrivateAccess: true,
    endpointPublicAccess: false,
    controlPlaneLogTypes: [ControlPlaneLogType.Api, ControlPlaneLogType.Audit, ControlPlaneLogType.Authenticator],
    secretsEncryption: true,
    deletionProtection: true,
    adminPrincipalArns: [],
    networkPolicyEnforcement: true,
    nodeGroups: [{ name: "general", instanceTypes: ["m6i.large"], capacityType: CapacityType.OnDemand, amiType: NodeAmiType.Al2023X86, minSize: 2, desiredSize: 2, maxSize: 4, diskSizeGiB: 50 }],
});

const facts = { provider: cluster.provider, clusterName: cluster.clusterName, oidcProviderArn: cluster.oidcProviderArn, oidcProviderUrl: cluster.oidcProviderUrl, region: "eu-west-1" };
const lbc = new LoadBalancerController("lbc", { ...facts, vpcId: network.vpcId, identity: AwsIdentityMode.PodIdentity });
const certManager = new CertManager("cert-manager", { ...facts, acmeEmail: "platform@example.com", solver: AcmeSolver.Dns01, hostedZoneId: "Z0123456789CONSUMER" });

const plan = planSubnets(vpcCidr, zones.length);
const idp = new IdpApplication("idp", {
    provider: cluster.provider,
    namespace: "identity",
    host: "login.example.com",
    image: "registry.example.com/idp-server:2.3.1",
    replicas: 2,
    pdbMinAvailable: 1,
    httpPort: 8080,
    managementPort: 9090,
    readinessPath: "/actuator/health/readiness",
    livenessPath: "/actuator/health/liveness",
    runAsUser: 10001,
    resources: { cpuRequest: "250m", cpuLimit: "1", memoryRequest: "768Mi", memoryLimit: "768Mi" },
    env: { SPRING_PROFILES_ACTIVE: "prod" },
    rollout: { deregistrationDelaySeconds: 20, preStopSleepSeconds: 30, terminationGracePeriodSeconds: 60 },
    ingress: IngressKind.Alb,
    alb: { scheme: LoadBalancerScheme.InternetFacing },
    route53HostedZoneId: "Z0123456789CONSUMER",
    database: { mode: DatabaseMode.External, externalPostgresHost: "idp.cluster-x.eu-west-1.rds.amazonaws.com", externalRedisHost: "idp.x.cache.amazonaws.com" },
    networkPolicies: {
        enforced: true,
        vpcCidr,
        publicSubnetCidrs: plan.publicCidrs,
        privateSubnetCidrs: plan.privateCidrs,
        monitoringNamespace: "monitoring",
        httpsEgress: true,
        smtpEgress: true,
        externalPostgresCidrs: ["10.30.192.0/24"],
        externalRedisCidrs: ["10.30.193.0/24"],
        acmeHttp01: false,
        extraRules: [],
    },
    loadBalancerController: lbc.release,
    certManager: certManager.release,
});

export const url = idp.publicUrls;
export const kubeconfig = cluster.kubeconfig;
