// The one registry of project config keys: their kind (as declared in Pulumi.yaml), meaning, rule
// and default. Pulumi.yaml and the README table are checked against it by tests.
import { z } from "zod";
import { NatGatewayMode, VpcMode } from "../components/network/types";
import { CapacityType, ControlPlaneLogType, NodeAmiType } from "../components/cluster/types";
import { AcmeSolver, AwsIdentityMode, LoadBalancerScheme } from "../components/addons/types";
import { DatabaseMode, IngressKind } from "../components/idp/types";
import { DEFAULT_CONTROLLER_VERSION } from "../components/addons/loadBalancerController/iamPolicy";
import { DEFAULT_CERT_MANAGER_VERSION } from "../components/addons/certManager";
import { DEFAULT_INGRESS_NGINX_VERSION } from "../components/addons/ingressNginx";
import * as rule from "./rules";

/** The Pulumi project name; config keys are namespaced by it (`idp-eks:vpcCidr`). */
export const PROJECT = "idp-eks";

/** How a key's value is written in Pulumi.<stack>.yaml (the types Pulumi.yaml can declare). */
export type KeyKind = "string" | "integer" | "boolean" | "array";

export interface KeySpec<S extends z.ZodType = z.ZodType> {
    readonly kind: KeyKind;
    readonly description: string;
    readonly schema: S;
    /** Must be set with `pulumi config set --secret`; never shown in messages. */
    readonly secret?: boolean;
}

function key<S extends z.ZodType>(kind: KeyKind, description: string, schema: S): KeySpec<S> {
    return { kind, description, schema };
}

function secretKey<S extends z.ZodType>(kind: KeyKind, description: string, schema: S): KeySpec<S> {
    return { kind, description, schema, secret: true };
}

const int = (min: number, max: number) =>
    z.number().int("is not a whole number").min(min, `is below ${min}`).max(max, `is above ${max}`);

export const configKeys = {
    // --- naming
    clusterName: key("string", "EKS cluster name; also prefixes AWS resource names. Default: idp-<stack>.", rule.clusterName.optional()),

    // --- network
    vpcMode: key("string", "`create` a VPC, or use an `existing` one given by the existing* keys.", z.enum(VpcMode).default(VpcMode.Create)),
    vpcCidr: key("string", "CIDR of the VPC (created, or the existing VPC's). Prefix /16 to /20.", rule.cidr.default("10.0.0.0/16")),
    availabilityZones: key("array", "Zones to spread subnets and nodes over (2 to 6, in aws:region). Required when vpcMode is create.", rule.uniqueList(rule.availabilityZone).optional()),
    natGatewayMode: key("string", "`single` shared NAT gateway, or `perAz` (one per zone, survives a zone outage).", z.enum(NatGatewayMode).default(NatGatewayMode.PerAz)),
    existingVpcId: key("string", "vpcMode existing: id of the VPC.", rule.vpcId.optional()),
    existingPublicSubnetIds: key("array", "vpcMode existing: public subnet ids (load balancers), one per zone.", rule.uniqueList(rule.subnetId).optional()),
    existingPrivateSubnetIds: key("array", "vpcMode existing: private subnet ids (nodes, pods), one per zone.", rule.uniqueList(rule.subnetId).optional()),
    existingPublicSubnetCidrs: key("array", "vpcMode existing: CIDRs of existingPublicSubnetIds, same order (NetworkPolicies need them).", rule.uniqueList(rule.cidr).optional()),
    existingPrivateSubnetCidrs: key("array", "vpcMode existing: CIDRs of existingPrivateSubnetIds, same order.", rule.uniqueList(rule.cidr).optional()),

    // --- cluster
    kubernetesVersion: key("string", "EKS Kubernetes minor version.", rule.kubernetesVersion.default("1.34")),
    endpointPrivateAccess: key("boolean", "Serve the API endpoint inside the VPC.", z.boolean().default(true)),
    endpointPublicAccess: key("boolean", "Serve the API endpoint on the internet (limited to publicAccessCidrs).", z.boolean().default(false)),
    publicAccessCidrs: key("array", "CIDRs allowed to reach the public API endpoint. Required when endpointPublicAccess is true; nothing is opened implicitly.", rule.uniqueList(rule.cidr).optional()),
    controlPlaneLogTypes: key("array", "Control plane logs sent to CloudWatch: api, audit, authenticator, controllerManager, scheduler.", rule.uniqueList(z.enum(ControlPlaneLogType)).default([ControlPlaneLogType.Api, ControlPlaneLogType.Audit, ControlPlaneLogType.Authenticator])),
    secretsEncryption: key("boolean", "Envelope-encrypt Kubernetes Secrets with KMS (a key is created unless secretsKmsKeyArn is set).", z.boolean().default(true)),
    secretsKmsKeyArn: key("string", "Existing KMS key for secrets encryption instead of a created one.", rule.kmsKeyArn.optional()),
    deletionProtection: key("boolean", "EKS deletion protection, and Pulumi `protect` on the cluster and its KMS key.", z.boolean().default(true)),
    adminPrincipalArns: key("array", "IAM roles/users given cluster-admin through EKS access entries (the deployer is admin already).", rule.uniqueList(rule.iamPrincipalArn).default([])),

    // --- managed node group
    nodeInstanceTypes: key("array", "Instance types of the managed node group (several help SPOT capacity).", rule.uniqueList(rule.instanceType).min(1, "is empty (expected at least one instance type)").default(["m6i.large"])),
    nodeCapacityType: key("string", "ON_DEMAND or SPOT.", z.enum(CapacityType).default(CapacityType.OnDemand)),
    nodeAmiType: key("string", "AL2023_x86_64_STANDARD or AL2023_ARM_64_STANDARD (match the instance types).", z.enum(NodeAmiType).default(NodeAmiType.Al2023X86)),
    nodeMinSize: key("integer", "Smallest node count.", int(0, 1000).default(2)),
    nodeDesiredSize: key("integer", "Node count at creation (later changes by an autoscaler are not reverted).", int(0, 1000).default(2)),
    nodeMaxSize: key("integer", "Largest node count.", int(1, 1000).default(4)),
    nodeDiskSizeGiB: key("integer", "Encrypted gp3 root volume size per node.", int(20, 16384).default(50)),
    nodeLabels: key("array", "Kubernetes labels on every node, as key=value.", rule.uniqueList(rule.nodeLabel).default([])),
    nodeTaints: key("array", "Taints on every node, as key=value:Effect.", rule.uniqueList(rule.nodeTaint).default([])),

    // --- cluster add-ons
    addonIdentity: key("string", "How add-ons get AWS rights: `podIdentity` (EKS Pod Identity) or `irsa` (OIDC trust).", z.enum(AwsIdentityMode).default(AwsIdentityMode.PodIdentity)),
    loadBalancerController: key("boolean", "Install the AWS Load Balancer Controller (needed by ALB Ingresses, NLB Services and ingress-nginx).", z.boolean().default(true)),
    loadBalancerControllerVersion: key("string", "aws-load-balancer-controller chart version (== controller version); its upstream IAM policy must be kept in the project.", rule.chartVersion(false).default(DEFAULT_CONTROLLER_VERSION)),
    certManager: key("boolean", "Install cert-manager with Let's Encrypt ClusterIssuers letsencrypt-staging and letsencrypt-prod.", z.boolean().default(true)),
    certManagerVersion: key("string", "cert-manager chart version.", rule.chartVersion(true).default(DEFAULT_CERT_MANAGER_VERSION)),
    acmeSolver: key("string", "`http01` (through the nginx IngressClass; needs ingressNginx) or `dns01` (Route53; needs route53HostedZoneId).", z.enum(AcmeSolver).default(AcmeSolver.Http01)),
    route53HostedZoneId: key("string", "Route53 hosted zone of idpHost's domain; cert-manager DNS-01 may change records in this zone only.", rule.hostedZoneId.optional()),
    ingressNginx: key("boolean", "Install ingress-nginx (retired upstream; final release) behind an NLB.", z.boolean().default(false)),
    ingressNginxVersion: key("string", "ingress-nginx chart version.", rule.chartVersion(false).default(DEFAULT_INGRESS_NGINX_VERSION)),
    ingressNginxScheme: key("string", "Scheme of ingress-nginx's NLB: `internet-facing` or `internal`.", z.enum(LoadBalancerScheme).default(LoadBalancerScheme.InternetFacing)),

    // --- the IdP's public identity (used by the ingress and certificate layers)
    idpHost: key("string", "Public DNS name of the IdP, e.g. auth.example.com.", rule.hostname),
    acmeEmail: key("string", "Contact e-mail for Let's Encrypt (ACME) registration.", rule.email),

    // --- the IdP workload
    idpNamespace: key("string", "Namespace of the IdP and its datastores.", rule.dnsLabelName.default("idp-system")),
    idpImage: key("string", "IdP container image with a tag or digest (upstream publishes none: build your own).", rule.image),
    idpReplicas: key("integer", "IdP pods (the autoscaler's minimum when idpAutoscaleMaxReplicas is set).", int(1, 100).default(2)),
    idpPdbMinAvailable: key("integer", "PodDisruptionBudget minAvailable (used when idpReplicas > 1; must leave one pod evictable).", int(1, 99).default(1)),
    idpAutoscaleMaxReplicas: key("integer", "Adds a HorizontalPodAutoscaler up to this many pods.", int(1, 100).optional()),
    idpAutoscaleCpuPercent: key("integer", "Autoscaler target CPU utilization.", int(10, 100).default(70)),
    idpHttpPort: key("integer", "Container port `http`.", rule.port.default(8080)),
    idpManagementPort: key("integer", "Container port `management` (metrics), also exposed on the ClusterIP Service.", rule.port.default(9090)),
    idpReadinessPath: key("string", "Readiness probe and load balancer health check path, on the http port.", rule.urlPath.default("/actuator/health/readiness")),
    idpLivenessPath: key("string", "Liveness and startup probe path, on the http port.", rule.urlPath.default("/actuator/health/liveness")),
    idpRunAsUser: key("integer", "Numeric UID (and GID) the IdP runs as (runAsNonRoot needs a number).", int(1, 2147483647).default(10001)),
    idpCpuRequest: key("string", "CPU request.", rule.quantity.default("500m")),
    idpCpuLimit: key("string", "CPU limit.", rule.quantity.default("2")),
    idpMemoryRequest: key("string", "Memory request.", rule.quantity.default("1Gi")),
    idpMemoryLimit: key("string", "Memory limit.", rule.quantity.default("1Gi")),
    idpEnv: key("array", "Plain environment variables, NAME=value.", rule.uniqueList(rule.envEntry).default([])),
    idpSecretEnv: secretKey("array", "Secret environment variables, NAME=value (set with --secret); stored in a Kubernetes Secret.", rule.uniqueList(rule.envEntry).optional()),
    idpPreStopSleepSeconds: key("integer", "preStop sleep: longer than the deregistration delay.", int(1, 600).default(40)),
    idpTerminationGracePeriodSeconds: key("integer", "Pod grace period: longer than the preStop sleep.", int(1, 3600).default(75)),
    lbDeregistrationDelaySeconds: key("integer", "Target group deregistration delay of the IdP's NLB/ALB.", int(0, 3600).default(30)),
    idpNodePort: key("integer", "Adds a NodePort Service on this port (30000-32767), for dev/test.", rule.nodePort.optional()),
    idpNlb: key("boolean", "Adds an NLB LoadBalancer Service (TLS on 443 with the ACM certificate).", z.boolean().default(false)),
    idpNlbScheme: key("string", "`internet-facing` or `internal` NLB.", z.enum(LoadBalancerScheme).default(LoadBalancerScheme.InternetFacing)),
    idpNlbSourceRanges: key("array", "Client CIDRs the NLB admits (its security group and, with client IPs preserved, the NetworkPolicy).", rule.uniqueList(rule.cidr).default(["0.0.0.0/0"])),
    idpCertificateArn: key("string", "ACM certificate for the NLB/ALB; without it one is created and DNS-validated in route53HostedZoneId.", rule.acmCertificateArn.optional()),
    idpIngress: key("string", "Layer-7 entry: `none`, `nginx` (needs ingressNginx) or `alb` (needs loadBalancerController).", z.enum(IngressKind).default(IngressKind.None)),
    idpClusterIssuer: key("string", "cert-manager ClusterIssuer of the NGINX Ingress's certificate.", z.enum(["letsencrypt-prod", "letsencrypt-staging"]).default("letsencrypt-prod")),
    idpNginxProxyBodySize: key("string", "nginx proxy-body-size of the Ingress.", z.string().regex(/^\d+[kKmMgG]?$/, "is not an nginx size (expected e.g. 10m)").default("10m")),
    idpNginxProxyReadTimeout: key("integer", "nginx proxy-read-timeout in seconds.", int(1, 3600).default(60)),
    idpExtraRoutes: key("array", "Extra NGINX Ingress routes before `/`, as /path=service:port.", rule.uniqueList(rule.route).default([])),
    idpTlsCertificate: secretKey("string", "PEM certificate (chain) for the NGINX Ingress instead of cert-manager; with idpTlsPrivateKey.", rule.pem("CERTIFICATE").optional()),
    idpTlsPrivateKey: secretKey("string", "PEM private key of idpTlsCertificate.", rule.pem("PRIVATE KEY").optional()),
    idpAlbScheme: key("string", "`internet-facing` or `internal` ALB.", z.enum(LoadBalancerScheme).default(LoadBalancerScheme.InternetFacing)),
    idpAlbGroupName: key("string", "ALB IngressGroup to share one ALB with other Ingresses.", rule.dnsLabelName.optional()),
    idpDnsNdots: key("integer", "Pod dnsConfig ndots option.", int(0, 15).optional()),
    idpDnsSearches: key("array", "Pod dnsConfig extra search domains.", rule.uniqueList(rule.hostname).default([])),

    // --- NetworkPolicies
    networkPolicyEnforcement: key("boolean", "Run the VPC CNI network policy agent (without it EKS silently ignores every NetworkPolicy).", z.boolean().default(true)),
    idpNetworkPolicies: key("boolean", "Default-deny NetworkPolicies for the IdP namespace plus exactly the intended paths (needs networkPolicyEnforcement).", z.boolean().default(true)),
    monitoringNamespace: key("string", "Namespace of Prometheus: the only source allowed to the management port.", rule.dnsLabelName.default("monitoring")),
    idpFrontend: key("string", "Frontend pods allowed to the http port, as namespace/key=value[,key=value].", rule.podsPeer.optional()),
    idpHttpsEgress: key("boolean", "Allow the IdP outbound HTTPS (443) to the internet, except instance metadata.", z.boolean().default(true)),
    idpSmtpEgress: key("boolean", "Allow the IdP outbound SMTP submission (587).", z.boolean().default(false)),
    externalPostgresCidrs: key("array", "external datastores: CIDRs of the PostgreSQL endpoint (its subnets), for the egress policy.", rule.uniqueList(rule.cidr).optional()),
    externalRedisCidrs: key("array", "external datastores: CIDRs of the Redis endpoint, for the egress policy.", rule.uniqueList(rule.cidr).optional()),
    networkPolicyExtraRules: key("array", "Extra allow rules for the IdP pods: '<ingress|egress> <cidr[!except]|namespace/key=value> <port>[-<endPort>][/<protocol>]'.", z.array(rule.networkPolicyRule).default([])),

    // --- datastores
    databaseMode: key("string", "`inCluster` PostgreSQL and Redis StatefulSets, or `external` managed endpoints.", z.enum(DatabaseMode).default(DatabaseMode.External)),
    postgresImage: key("string", "inCluster: PostgreSQL image.", rule.image.default("postgres:17.6")),
    redisImage: key("string", "inCluster: Redis image.", rule.image.default("redis:7.4.6")),
    datastoreStorageGiB: key("integer", "inCluster: volume size of each datastore.", int(1, 16384).default(20)),
    externalPostgresHost: key("string", "external: PostgreSQL endpoint (RDS/Aurora) behind Service `postgres`.", rule.hostname.optional()),
    externalRedisHost: key("string", "external: Redis endpoint (ElastiCache, cluster mode off) behind Service `redis`.", rule.hostname.optional()),
} satisfies Record<string, KeySpec>;

export type ConfigKey = keyof typeof configKeys;

export type ConfigShape = { [K in ConfigKey]: (typeof configKeys)[K]["schema"] };

/** The validated values, keyed like the config (defaults applied). */
export type ConfigValues = z.output<z.ZodObject<ConfigShape>>;
