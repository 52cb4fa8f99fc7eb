// The one registry of project config keys: their kind (as declared in Pulumi.yaml), meaning, rule
// and default. Pulumi.yaml and the README table are checked against it by tests.
import * as v from "valibot";
import { NatGatewayMode, SubnetLayout, VpcMode } from "../components/network/types";
import { CLOUDWATCH_RETENTION_DAYS } from "../components/cluster/logging";
import { CapacityType, ControlPlaneLogType, NodeAmiType, SupportType } from "../components/cluster/types";
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

export interface KeySpec<S extends v.GenericSchema = v.GenericSchema> {
    readonly kind: KeyKind;
    readonly description: string;
    readonly schema: S;
    /**
     * Must be set with `pulumi config set --secret`; never shown in messages. The loader enforces
     * it: Pulumi.yaml cannot (see UNSET).
     */
    readonly secret?: boolean;
    /**
     * Secret keys: what the offline synth uses for entry `index` in place of the ciphertext it
     * cannot decrypt. It passes the key's rule, so a stack file with real secrets synthesizes.
     */
    readonly placeholder?: (index: number) => string;
    /** Optional keys whose kind's UNSET value is a valid value (ndots 0): the value that means unset instead. */
    readonly unset?: number;
}

function key<S extends v.GenericSchema>(kind: KeyKind, description: string, schema: S, unset?: number): KeySpec<S> {
    return unset === undefined ? { kind, description, schema } : { kind, description, schema, unset };
}

function secretKey<S extends v.GenericSchema>(kind: KeyKind, description: string, schema: S, placeholder: (index: number) => string): KeySpec<S> {
    return { kind, description, schema, secret: true, placeholder };
}

/**
 * The value Pulumi.yaml declares as the default of an optional key, which the loader reads as
 * "not set". The CLI refuses to run a stack that leaves a declared key without a default unset
 * ("Stack 'dev' is missing configuration value ..."), and refuses a declared `secret: true` key
 * whose default is plain text, so "not set" has to be a value, and secrecy is checked here.
 */
export const UNSET: Readonly<Record<Exclude<KeyKind, "boolean">, string | number | readonly string[]>> = { string: "", integer: 0, array: [] };

/** How the key's value looks when it has no default: required keys fail, optional ones are undefined. */
function parseMissing(spec: KeySpec) {
    return v.safeParse(spec.schema, undefined);
}

/** True for keys that may be left unset and have no default value. */
export function isOptional(spec: KeySpec): boolean {
    const missing = parseMissing(spec);
    return missing.success && missing.output === undefined;
}

/** The value that means "not set" for an optional key (see UNSET); never a valid value of the key. */
export function unsetValue(spec: KeySpec): string | number | readonly string[] {
    if (spec.kind === "boolean") throw new Error("an optional boolean key needs a default");
    return spec.unset ?? UNSET[spec.kind];
}

/** The `default:` Pulumi.yaml declares for a key: its default, the unset value for optional keys, none for required ones. */
export function declaredDefault(spec: KeySpec): unknown {
    const missing = parseMissing(spec);
    if (!missing.success) return undefined;
    if (missing.output !== undefined) return missing.output;
    return unsetValue(spec);
}

const int = (min: number, max: number) => rule.wholeNumber(min, max, `is below ${min}`, `is above ${max}`);

export const configKeys = {
    // --- naming
    clusterName: key("string", "EKS cluster name; also prefixes AWS resource names. Default: idp-<stack>.", v.optional(rule.clusterName)),

    // --- network
    vpcMode: key("string", "`create` a VPC, or use an `existing` one given by the existing* keys.", v.optional(rule.oneOf(VpcMode), VpcMode.Create)),
    vpcCidr: key("string", "CIDR of the VPC (created, or the existing VPC's). Prefix /16 to /20 when created, /16 to /28 when existing.", v.optional(rule.cidr, "10.0.0.0/16")),
    availabilityZones: key("array", "Zones to spread subnets and nodes over (2 to 6, in aws:region). Required when vpcMode is create.", v.optional(rule.uniqueList(rule.availabilityZone))),
    natGatewayMode: key("string", "`single` shared NAT gateway, or `perAz` (one per zone, survives a zone outage).", v.optional(rule.oneOf(NatGatewayMode), NatGatewayMode.PerAz)),
    existingVpcId: key("string", "vpcMode existing: id of the VPC.", v.optional(rule.vpcId)),
    existingPublicSubnetIds: key("array", "vpcMode existing: public subnet ids (load balancers), one per zone.", v.optional(rule.uniqueList(rule.subnetId))),
    existingPrivateSubnetIds: key("array", "vpcMode existing: private subnet ids (nodes, pods), one per zone.", v.optional(rule.uniqueList(rule.subnetId))),
    existingPublicSubnetCidrs: key("array", "vpcMode existing: CIDRs of existingPublicSubnetIds, same order (NetworkPolicies need them).", v.optional(rule.uniqueList(rule.cidr))),
    existingPrivateSubnetCidrs: key("array", "vpcMode existing: CIDRs of existingPrivateSubnetIds, same order.", v.optional(rule.uniqueList(rule.cidr))),
    subnetLayout: key("string", "`threeTier`: intra subnets (no internet route) for the control plane and internal load balancers, apart from the pods; `twoTier`: the layout before them (control plane in public+private, internal load balancers among the pods). Default twoTier, so an upgrade moves nothing.", v.optional(rule.oneOf(SubnetLayout), SubnetLayout.TwoTier)),
    existingIntraSubnetIds: key("array", "vpcMode existing, subnetLayout threeTier: intra subnet ids (control plane, internal load balancers; no internet route), one per zone.", v.optional(rule.uniqueList(rule.subnetId))),
    existingIntraSubnetCidrs: key("array", "vpcMode existing, subnetLayout threeTier: CIDRs of existingIntraSubnetIds, same order.", v.optional(rule.uniqueList(rule.cidr))),

    // --- cluster
    kubernetesVersion: key("string", "EKS Kubernetes minor version: one EKS supports today (see the support calendar) and every enabled chart supports. Node groups and EKS add-ons follow it.", v.optional(rule.kubernetesVersion, "1.35")),
    supportType: key("string", "`STANDARD` (EKS upgrades the control plane when standard support ends) or `EXTENDED` (keeps the version at the extended-support price, $0.60 instead of $0.10 per hour).", v.optional(rule.oneOf(SupportType), SupportType.Standard)),
    endpointPrivateAccess: key("boolean", "Serve the API endpoint inside the VPC.", v.optional(v.boolean(), true)),
    endpointPublicAccess: key("boolean", "Serve the API endpoint on the internet (limited to publicAccessCidrs).", v.optional(v.boolean(), false)),
    publicAccessCidrs: key("array", "CIDRs allowed to reach the public API endpoint. Required when endpointPublicAccess is true; nothing is opened implicitly.", v.optional(rule.uniqueList(rule.cidr))),
    controlPlaneLogTypes: key("array", "Control plane logs sent to CloudWatch: api, audit, authenticator, controllerManager, scheduler.", v.optional(rule.uniqueList(rule.oneOf(ControlPlaneLogType)), () => [ControlPlaneLogType.Api, ControlPlaneLogType.Audit, ControlPlaneLogType.Authenticator])),
    controlPlaneLogRetentionDays: key("integer", "Days CloudWatch keeps control plane logs (log group /aws/eks/<clusterName>/cluster, created before the cluster): one of CloudWatch's values 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653.", v.optional(v.pipe(v.number(), v.check((n) => (CLOUDWATCH_RETENTION_DAYS as readonly number[]).includes(n), `is not a CloudWatch Logs retention period (expected one of ${CLOUDWATCH_RETENTION_DAYS.join(", ")} days)`)), 90)),
    importControlPlaneLogGroup: key("boolean", "Adopt the control plane log group EKS already made for an existing cluster (pulumi import) instead of creating it; turn off and up again once imported, to apply the retention.", v.optional(v.boolean(), false)),
    secretsEncryption: key("boolean", "Envelope-encrypt Kubernetes Secrets with KMS (a key is created unless secretsKmsKeyArn is set).", v.optional(v.boolean(), true)),
    secretsKmsKeyArn: key("string", "Existing KMS key for secrets encryption instead of a created one.", v.optional(rule.kmsKeyArn)),
    deletionProtection: key("boolean", "EKS deletion protection, and Pulumi `protect` on the cluster and its KMS key.", v.optional(v.boolean(), true)),
    adminPrincipalArns: key("array", "IAM roles/users given cluster-admin through EKS access entries, one per principal; the identity that created the cluster is admin already and gets none.", v.optional(rule.uniqueList(rule.iamPrincipalArn), () => [])),

    clusterCreatorArn: key("string", "IAM principal that created the cluster (admin through EKS's creator grant, so it gets no access entry), when that is not the identity running the first up of this version. Default: that identity.", v.optional(rule.iamPrincipalArn)),
    // --- managed node group
    nodeInstanceTypes: key("array", "Instance types of the managed node group (several help SPOT capacity).", v.optional(v.pipe(rule.uniqueList(rule.instanceType), v.minLength(1, "is empty (expected at least one instance type)")), () => ["m6i.large"])),
    nodeCapacityType: key("string", "ON_DEMAND or SPOT.", v.optional(rule.oneOf(CapacityType), CapacityType.OnDemand)),
    nodeAmiType: key("string", "AL2023_x86_64_STANDARD or AL2023_ARM_64_STANDARD (match the instance types).", v.optional(rule.oneOf(NodeAmiType), NodeAmiType.Al2023X86)),
    nodeMinSize: key("integer", "Smallest node count.", v.optional(int(0, 1000), 2)),
    // The provider waits for the CoreDNS and EBS CSI add-ons to be ACTIVE and the Helm releases for their pods: none can run without a node.
    nodeDesiredSize: key("integer", "Node count at creation, at least 1 (later changes by an autoscaler are not reverted).", v.optional(rule.wholeNumber(1, 1000, "is below 1: the cluster's CoreDNS and EBS CSI add-ons, which the program waits for, and every Helm release's pods need a node to become ready; start with at least one (nodeMinSize may be 0)", "is above 1000"), 2)),
    nodeMaxSize: key("integer", "Largest node count.", v.optional(int(1, 1000), 4)),
    nodeDiskSizeGiB: key("integer", "Encrypted gp3 root volume size per node.", v.optional(int(20, 16384), 50)),
    nodeLabels: key("array", "Kubernetes labels on every node, as key=value.", v.optional(rule.uniqueList(rule.nodeLabel), () => [])),
    nodeTaints: key("array", "Taints on every node, as key=value:PreferNoSchedule (the only node group runs the platform, which tolerates no NoSchedule or NoExecute taint).", v.optional(rule.uniqueList(rule.nodeTaint), () => [])),

    // --- cluster add-ons
    addonIdentity: key("string", "How add-ons get AWS rights: `podIdentity` (EKS Pod Identity) or `irsa` (OIDC trust).", v.optional(rule.oneOf(AwsIdentityMode), AwsIdentityMode.PodIdentity)),
    metricsServer: key("boolean", "Install the metrics-server EKS add-on (EKS has none by default; the IdP's autoscaler needs it unless you run your own).", v.optional(v.boolean(), true)),
    loadBalancerController: key("boolean", "Install the AWS Load Balancer Controller (needed by ALB Ingresses, NLB Services and ingress-nginx).", v.optional(v.boolean(), true)),
    loadBalancerControllerVersion: key("string", "aws-load-balancer-controller chart version (== controller version); its upstream IAM policy must be kept in the project.", v.optional(rule.chartVersion(false), DEFAULT_CONTROLLER_VERSION)),
    certManager: key("boolean", "Install cert-manager with Let's Encrypt ClusterIssuers letsencrypt-staging and letsencrypt-prod.", v.optional(v.boolean(), true)),
    certManagerVersion: key("string", "cert-manager chart version.", v.optional(rule.chartVersion(true), DEFAULT_CERT_MANAGER_VERSION)),
    acmeSolver: key("string", "`http01` (through the nginx IngressClass; needs ingressNginx) or `dns01` (Route53; needs route53HostedZoneId).", v.optional(rule.oneOf(AcmeSolver), AcmeSolver.Http01)),
    route53HostedZoneId: key("string", "Route53 hosted zone of idpHost's domain; cert-manager DNS-01 may change records in this zone only.", v.optional(rule.hostedZoneId)),
    ingressNginx: key("boolean", "Install ingress-nginx (retired upstream; final release) behind an NLB.", v.optional(v.boolean(), false)),
    ingressNginxVersion: key("string", "ingress-nginx chart version.", v.optional(rule.chartVersion(false), DEFAULT_INGRESS_NGINX_VERSION)),
    ingressNginxScheme: key("string", "Scheme of ingress-nginx's NLB: `internet-facing` or `internal`.", v.optional(rule.oneOf(LoadBalancerScheme), LoadBalancerScheme.InternetFacing)),
    gatewayApi: key("boolean", "Apply the Gateway API v1.6.0 (standard channel) and the load balancer controller's gateway.k8s.aws CRDs, switch its ALB Gateway support on and create the `alb` GatewayClass; always on when idpIngress is gateway.", v.optional(v.boolean(), false)),

    // --- the IdP's public identity (used by the ingress and certificate layers)
    idpHost: key("string", "Public DNS name of the IdP, e.g. auth.example.com.", rule.hostname),
    acmeEmail: key("string", "Contact e-mail for Let's Encrypt (ACME) registration.", rule.email),

    // --- the IdP workload
    idpNamespace: key("string", "Namespace of the IdP and its datastores.", v.optional(rule.dnsLabelName, "idp-system")),
    idpImage: key("string", "IdP container image with a tag or digest (upstream publishes none: build your own).", rule.image),
    idpReplicas: key("integer", "IdP pods (the autoscaler's minimum when idpAutoscaleMaxReplicas is set).", v.optional(int(1, 100), 2)),
    idpPdbMinAvailable: key("integer", "PodDisruptionBudget minAvailable (used when idpReplicas > 1; must leave one pod evictable).", v.optional(int(1, 99), 1)),
    idpAutoscaleMaxReplicas: key("integer", "Adds a HorizontalPodAutoscaler up to this many pods (0: none).", v.optional(int(1, 100))),
    idpAutoscaleCpuPercent: key("integer", "Autoscaler target CPU utilization.", v.optional(int(10, 100), 70)),
    idpHttpPort: key("integer", "Container port `http`.", v.optional(rule.port, 8080)),
    idpManagementPort: key("integer", "Container port `management` (metrics), also exposed on the ClusterIP Service.", v.optional(rule.port, 9090)),
    idpReadinessPath: key("string", "Readiness probe and load balancer health check path, on the http port.", v.optional(rule.urlPath, "/actuator/health/readiness")),
    idpLivenessPath: key("string", "Liveness and startup probe path, on the http port.", v.optional(rule.urlPath, "/actuator/health/liveness")),
    idpRunAsUser: key("integer", "Numeric UID (and GID) the IdP runs as (runAsNonRoot needs a number).", v.optional(int(1, 2147483647), 10001)),
    idpCpuRequest: key("string", "CPU request.", v.optional(rule.quantity, "500m")),
    idpCpuLimit: key("string", "CPU limit.", v.optional(rule.quantity, "2")),
    idpMemoryRequest: key("string", "Memory request.", v.optional(rule.quantity, "1Gi")),
    idpMemoryLimit: key("string", "Memory limit.", v.optional(rule.quantity, "1Gi")),
    idpEnv: key("array", "Plain environment variables, NAME=value.", v.optional(rule.uniqueList(rule.envEntry), () => [])),
    idpSecretEnv: secretKey("array", "Secret environment variables, NAME=value (set with --secret); stored in a Kubernetes Secret.", v.optional(rule.uniqueList(rule.envEntry)), (i) => `MOCK_SECRET_${i}=mock-secret-value`),
    idpPreStopSleepSeconds: key("integer", "preStop sleep: longer than the deregistration delay.", v.optional(int(1, 600), 40)),
    idpTerminationGracePeriodSeconds: key("integer", "Pod grace period: longer than the preStop sleep.", v.optional(int(1, 3600), 75)),
    lbDeregistrationDelaySeconds: key("integer", "Target group deregistration delay of the IdP's NLB/ALB.", v.optional(int(0, 3600), 30)),
    idpNodePort: key("integer", "Adds a NodePort Service on this port (30000-32767), for dev/test (0: none).", v.optional(rule.nodePort)),
    idpNodePortSourceRanges: key("array", "Client CIDRs allowed to the NodePort (a node security group rule and a NetworkPolicy; the Service keeps client IPs). Required with idpNodePort; with idpNetworkPolicies on, must not overlap the private subnets, where pods live.", v.optional(rule.uniqueList(rule.cidr))),
    idpNlb: key("boolean", "Adds an NLB LoadBalancer Service (TLS on 443 with the ACM certificate).", v.optional(v.boolean(), false)),
    idpNlbScheme: key("string", "`internet-facing` or `internal` NLB.", v.optional(rule.oneOf(LoadBalancerScheme), LoadBalancerScheme.InternetFacing)),
    idpNlbSourceRanges: key("array", "Client CIDRs the NLB admits (its security group and, with client IPs preserved, the NetworkPolicy).", v.optional(rule.uniqueList(rule.cidr), () => ["0.0.0.0/0"])),
    idpCertificateArn: key("string", "ACM certificate for the NLB/ALB; without it one is created and DNS-validated in route53HostedZoneId.", v.optional(rule.acmCertificateArn)),
    idpIngress: key("string", "Layer-7 entry: `none`, `nginx` (needs ingressNginx), `alb` (ALB Ingress) or `gateway` (ALB through the Gateway API); alb and gateway need loadBalancerController.", v.optional(rule.oneOf(IngressKind), IngressKind.None)),
    idpClusterIssuer: key("string", "cert-manager ClusterIssuer of the NGINX Ingress's certificate.", v.optional(rule.oneOf({ Prod: "letsencrypt-prod", Staging: "letsencrypt-staging" } as const), "letsencrypt-prod")),
    idpNginxProxyBodySize: key("string", "nginx proxy-body-size of the Ingress.", v.optional(v.pipe(v.string(), v.regex(/^\d+[kKmMgG]?$/, "is not an nginx size (expected e.g. 10m)")), "10m")),
    idpNginxProxyReadTimeout: key("integer", "nginx proxy-read-timeout in seconds.", v.optional(int(1, 3600), 60)),
    idpExtraRoutes: key("array", "idpIngress nginx only: extra Ingress routes before `/`, as /path=service:port -> key=value[,key=value]:containerPort, naming the Service's pods and the port its targetPort resolves to (NetworkPolicies open exactly that; the pods part may be left out only when idpNetworkPolicies is off and addonNetworkPolicies or networkPolicyEnforcement is off).", v.optional(v.array(rule.route), () => [])),
    idpTlsCertificate: secretKey("string", "PEM certificate (chain) for the NGINX Ingress instead of cert-manager; with idpTlsPrivateKey.", v.optional(rule.pem("CERTIFICATE")), () => "-----BEGIN CERTIFICATE-----\nmock\n-----END CERTIFICATE-----\n"),
    idpTlsPrivateKey: secretKey("string", "PEM private key of idpTlsCertificate.", v.optional(rule.pem("PRIVATE KEY")), () => "-----BEGIN PRIVATE KEY-----\nmock\n-----END PRIVATE KEY-----\n"),
    idpAlbScheme: key("string", "`internet-facing` or `internal` ALB.", v.optional(rule.oneOf(LoadBalancerScheme), LoadBalancerScheme.InternetFacing)),
    idpAlbGroupName: key("string", "ALB IngressGroup to share one ALB with other Ingresses.", v.optional(rule.albGroupName)),
    idpGatewaySourceRanges: key("array", "gateway: client CIDRs the ALB Gateway's security group admits (unset: anywhere).", v.optional(rule.uniqueList(rule.cidr))),
    idpDnsNdots: key("integer", "Pod dnsConfig ndots option (-1: the cluster default, 5).", v.optional(int(0, 15)), -1),
    idpDnsSearches: key("array", "Pod dnsConfig extra search domains.", v.optional(rule.uniqueList(rule.hostname), () => [])),

    // --- NetworkPolicies
    networkPolicyEnforcement: key("boolean", "Run the VPC CNI network policy agent (without it EKS silently ignores every NetworkPolicy).", v.optional(v.boolean(), true)),
    idpNetworkPolicies: key("boolean", "Default-deny NetworkPolicies for the IdP namespace plus exactly the intended paths (needs networkPolicyEnforcement).", v.optional(v.boolean(), true)),
    addonNetworkPolicies: key("boolean", "Default-deny NetworkPolicies for the cert-manager and ingress-nginx namespaces plus exactly what each controller needs (needs networkPolicyEnforcement).", v.optional(v.boolean(), true)),
    monitoringNamespace: key("string", "Namespace of Prometheus: the only source allowed to the management port.", v.optional(rule.dnsLabelName, "monitoring")),
    idpFrontend: key("string", "Frontend pods allowed to the http port, as namespace/key=value[,key=value].", v.optional(rule.podsPeer)),
    idpHttpsEgress: key("boolean", "Allow the IdP outbound HTTPS (443) to the internet, except instance metadata.", v.optional(v.boolean(), true)),
    idpSmtpEgress: key("boolean", "Allow the IdP outbound SMTP submission (587).", v.optional(v.boolean(), false)),
    externalPostgresCidrs: key("array", "external datastores: CIDRs of the PostgreSQL endpoint (its subnets), for the egress policy.", v.optional(rule.uniqueList(rule.cidr))),
    externalRedisCidrs: key("array", "external datastores: CIDRs of the Redis endpoint, for the egress policy.", v.optional(rule.uniqueList(rule.cidr))),
    networkPolicyExtraRules: key("array", "Extra allow rules for the IdP pods: '<ingress|egress> <cidr[!except]|namespace/key=value> <port>[-<endPort>][/<protocol>]'.", v.optional(v.array(rule.networkPolicyRule), () => [])),

    // --- datastores
    databaseMode: key("string", "`inCluster` PostgreSQL and Redis StatefulSets, or `external` managed endpoints.", v.optional(rule.oneOf(DatabaseMode), DatabaseMode.External)),
    postgresImage: key("string", "inCluster: PostgreSQL image.", v.optional(rule.image, "postgres:17.6")),
    redisImage: key("string", "inCluster: Redis image.", v.optional(rule.image, "redis:7.4.6")),
    datastoreStorageGiB: key("integer", "inCluster: volume size of each datastore.", v.optional(int(1, 16384), 20)),
    externalPostgresHost: key("string", "external: PostgreSQL endpoint (RDS/Aurora) behind Service `postgres`.", v.optional(rule.hostname)),
    externalRedisHost: key("string", "external: Redis endpoint (ElastiCache, cluster mode off) behind Service `redis`.", v.optional(rule.hostname)),
} satisfies Record<string, KeySpec>;

export type ConfigKey = keyof typeof configKeys;

export type ConfigShape = { [K in ConfigKey]: (typeof configKeys)[K]["schema"] };

/** The validated values, keyed like the config (defaults applied). */
export type ConfigValues = v.InferOutput<v.ObjectSchema<ConfigShape, undefined>>;

/** The registry entry of a full config key (`idp-eks:vpcCidr`); undefined for other namespaces and unknown keys. */
export function keySpecOf(fullKey: string): KeySpec | undefined {
    return fullKey.startsWith(`${PROJECT}:`) ? (configKeys as Record<string, KeySpec>)[fullKey.slice(PROJECT.length + 1)] : undefined;
}

/** Whether the text Pulumi hands the program for a key sets it: not absent, and not its unset default. */
export function isSet(spec: KeySpec, text: string | undefined): text is string {
    if (text === undefined) return false;
    if (spec.kind === "boolean" || !isOptional(spec)) return true;
    const unset = unsetValue(spec);
    return text !== (typeof unset === "string" ? unset : JSON.stringify(unset));
}

/** How the entries of list keys are written, for messages about a value of the wrong type. */
const ENTRY_FORMS: Partial<Record<ConfigKey, string>> = { idpEnv: "NAME=value", idpSecretEnv: "NAME=value", nodeLabels: "key=value", nodeTaints: "key=value:Effect" };

/**
 * What a stack file must hold for a key whose value has the wrong type: `entry` for one entry of a
 * list. A one-pair map entry (`- LOG_LEVEL: debug`, a common slip) gets the text to write instead.
 */
export function expectedForm(fullKey: string, entry?: { value: unknown; secret?: boolean }): string | undefined {
    const spec = keySpecOf(fullKey);
    if (!spec) return undefined;
    const form = ENTRY_FORMS[fullKey.slice(PROJECT.length + 1) as ConfigKey] ?? "text";
    switch (spec.kind) {
        case "integer":
            return "a whole number (e.g. 2)";
        case "boolean":
            return "true or false";
        case "string":
            return "text";
        case "array": {
            if (!entry) return `a YAML list, one "- ${form}" entry per line`;
            const pairs = entry.value !== null && typeof entry.value === "object" && !Array.isArray(entry.value) ? Object.entries(entry.value) : [];
            // A secret entry's value is never shown, nor its key unless a bare name (YAML splits
            // `- NAME=postgres://u:pw@db: 5432` at ": ", so the key can hold part of the secret).
            const hint = pairs.length !== 1 || !form.includes("=") || !["string", "number", "boolean"].includes(typeof pairs[0][1]) ? ""
                : entry.secret ? ` (set it encrypted: pulumi config set --secret --path '${fullKey}[i]' '${/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(pairs[0][0]) ? pairs[0][0] : "NAME"}=...')` : ` (write - ${pairs[0][0]}=${String(pairs[0][1])})`;
            return `${form} text${hint}`;
        }
    }
}
