import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { LoadBalancerScheme } from "../addons/types";
import { Datastore, datastoreServices, encryptedGp3StorageClass, externalNameService, ownStorageClassName, postgresStatefulSet, redisStatefulSet } from "./datastores";
import { Route, formatRoute, routeProblems } from "./ingress";
import { RolloutTiming } from "./loadBalancing";
import { ManualDnsRecord, canonicalHostedZoneId, manualDnsRecord } from "./dns";
import { Exposure, ExposureContext, ExposureKind, ExposurePlan } from "./exposures/types";
import { exposeNginxIngress, nginxCertificateProblems } from "./exposures/nginxIngress";
import { exposeAlbIngress } from "./exposures/albIngress";
import { exposeAlbGateway } from "./exposures/albGateway";
import { exposeNlbService } from "./exposures/nlbService";
import { ACM_DOMAIN_NAME_MAX, planExposures, requestsAcmCertificate } from "./exposures/plan";
import { DatabaseMode, IngressKind, VolumeRetention } from "./types";
import { NetworkPolicyArgs, idpTrafficIntent, internalExposureProblems, nodePortRangeProblems } from "./trafficIntent";
import { generatePolicies } from "../networkPolicy/generator";
import { deploymentAwaitSeconds } from "./rolloutTimeout";
import { EnvVar, NLB_SERVICE, NODE_PORT_SERVICE, PROBE_PERIOD_SECONDS, ROLLOUT_MAX_SURGE, STARTUP_FAILURE_THRESHOLD, ResourceSettings, IDP_LABELS, IDP_NAME, IDP_SELECTOR, clusterIpPorts, containerEnv, duplicateServicePorts, envProblems, idpDeployment, idpService, idpServicePorts, namespaceLabels, namespaceProblem, nodePortPorts, programEnv, serviceFqdn } from "./workload";
import { withPreviousType } from "../aliases";

export * from "./types";
export * from "./workload";
export * from "./datastores";
export * from "./ingress";
export * from "./loadBalancing";
export * from "./trafficIntent";
export * from "./rolloutTimeout";
export * from "./dns";
export * from "./exposures/types";
export * from "./exposures/nginxIngress";
export * from "./exposures/albIngress";
export * from "./exposures/albGateway";
export * from "./exposures/nlbService";
export * from "./exposures/plan";

export interface IdpDatabaseArgs {
    mode: DatabaseMode;
    /** In-cluster: images (pinned tags) and volume size. */
    postgresImage?: string;
    redisImage?: string;
    storageGiB?: number;
    /**
     * In-cluster: an existing StorageClass for the volumes (IdpPlatform passes the cluster's one).
     * Without it the IdpApplication creates its own encrypted gp3 class, named after its namespace,
     * so no other instance depends on it.
     */
    storageClassName?: string;
    /** In-cluster: keep volumes when the datastores are deleted (default Retain); IdpPlatform follows deletionProtection. */
    volumeRetention?: VolumeRetention;
    /** External: managed endpoints (RDS, ElastiCache) the ExternalName Services alias. */
    externalPostgresHost?: string;
    externalRedisHost?: string;
}

export interface AutoscalingArgs {
    maxReplicas: number;
    cpuUtilizationPercent: number;
}

export interface PodDnsArgs {
    ndots?: number;
    searches?: string[];
}

export interface IdpNlbArgs {
    scheme: LoadBalancerScheme;
    /** Client CIDRs the NLB admits. */
    sourceRanges: string[];
}

export interface IdpNginxArgs {
    proxyBodySize: string;
    proxyReadTimeoutSeconds: number;
    extraRoutes: Route[];
    /** ClusterIssuer of the Ingress's certificate. */
    clusterIssuer: string;
}

export interface TlsKeyPairArgs {
    certificate: pulumi.Input<string>;
    privateKey: pulumi.Input<string>;
}

export interface IdpAlbArgs {
    scheme: LoadBalancerScheme;
    /** ALB Ingress only: the IngressGroup to share one ALB with other Ingresses. */
    groupName?: string;
    /** ALB Gateway only: client CIDRs its security group admits (empty: anywhere). */
    gatewaySourceRanges?: string[];
}

/** What the IdP is; the cluster's provider and controllers come from where it is deployed. */
export interface IdpSettings {
    namespace: string;
    /** Public DNS name. */
    host: string;
    image: string;
    replicas: number;
    /** PodDisruptionBudget minAvailable, used when replicas > 1. */
    pdbMinAvailable: number;
    /** A HorizontalPodAutoscaler from `replicas` up to maxReplicas. */
    autoscaling?: AutoscalingArgs;
    httpPort: number;
    managementPort: number;
    readinessPath: string;
    livenessPath: string;
    runAsUser: number;
    resources: ResourceSettings;
    /** Plain environment variables. */
    env: Record<string, string>;
    /** Secret environment variables, stored in a Kubernetes Secret. */
    secretEnv?: pulumi.Input<Record<string, string>>;
    rollout: RolloutTiming;
    dnsConfig?: PodDnsArgs;
    /** A NodePort Service on this port (30000-32767). It keeps client IPs (externalTrafficPolicy Local). */
    nodePort?: number;
    /**
     * Client CIDRs allowed to the NodePort: a rule on nodeSecurityGroupId and, with networkPolicies,
     * a NetworkPolicy. Keep them out of the pods' subnets, or the policy admits every pod.
     */
    nodePortSourceRanges?: string[];
    /** An NLB Service terminating TLS with the ACM certificate. */
    nlb?: IdpNlbArgs;
    ingress: IngressKind;
    nginx?: IdpNginxArgs;
    /** A user-supplied certificate and key for the NGINX Ingress instead of cert-manager. */
    tls?: TlsKeyPairArgs;
    alb?: IdpAlbArgs;
    /** ACM certificate for the NLB and ALB; created and DNS-validated in route53HostedZoneId when absent. */
    certificateArn?: pulumi.Input<string>;
    /** Public hosted zone of `host`: gets the DNS record (and ACM validation records). */
    route53HostedZoneId?: string;
    database: IdpDatabaseArgs;
    /** NetworkPolicies for the namespace: default-deny plus exactly the intended paths. */
    networkPolicies?: NetworkPolicyArgs;
}

export interface IdpApplicationArgs extends IdpSettings {
    /** Kubernetes provider of a cluster with the add-ons the chosen exposures need. */
    provider: k8s.Provider;
    /** The controllers that reconcile what this creates; each exposure depends on its controller. */
    loadBalancerController?: pulumi.Resource;
    ingressNginx?: pulumi.Resource;
    certManager?: pulumi.Resource;
    /**
     * What the datastores' volumes need (the StorageClass given in database.storageClassName, the
     * EBS CSI driver): the StatefulSets wait for it, and are deleted before it.
     */
    storage?: pulumi.Resource;
    /** cert-manager's ClusterIssuers by name: the NGINX Ingress's Certificate waits for the one it names. */
    clusterIssuers?: Record<string, pulumi.Resource>;
    /** The controller's ALB GatewayClass (with the Gateway API CRDs), needed by `ingress: gateway`. */
    gatewayClass?: pulumi.Resource;
    gatewayClassName?: pulumi.Input<string>;
    /** AWS region of the load balancers (their alias records' hosted zone); default: the provider's. */
    region?: string;
    /** Security group of the nodes, where the NodePort is opened to nodePortSourceRanges. */
    nodeSecurityGroupId?: pulumi.Input<string>;
    tags?: Record<string, string>;
}

/**
 * The identity provider on an EKS cluster: namespace, Deployment with zero-downtime rollouts,
 * its Services (ClusterIP, NodePort, NLB, headless datastores, ExternalName), an ALB or NGINX
 * Ingress with TLS, and its DNS record.
 */
export class IdpApplication extends pulumi.ComponentResource {
    public readonly namespace: pulumi.Output<string>;
    /** https URL(s) the IdP answers on. */
    public readonly publicUrls: pulumi.Output<string[]>;
    /** Hostname of the load balancer the public DNS name points at, when there is one. */
    public readonly loadBalancerHostname: pulumi.Output<string | undefined>;
    /** Without route53HostedZoneId: the record the user must create for the host (else undefined). */
    public readonly requiredDnsRecord: pulumi.Output<ManualDnsRecord | undefined>;
    /** In-cluster DNS names of every Service, by Service name. */
    public readonly serviceFqdns: pulumi.Output<Record<string, string>>;

    /** The namespace is the IdP's own, the env repeats no Secret-fed variable, no Service repeats a port. */
    private static workloadProblems(args: IdpApplicationArgs): string[] {
        const namespace = namespaceProblem(args.namespace);
        return [
            ...(namespace ? [`namespace ${JSON.stringify(args.namespace)} ${namespace}`] : []),
            ...envProblems(programEnv(args.namespace, args.database.mode === DatabaseMode.InCluster), args.env),
            ...duplicateServicePorts(idpServicePorts({ managementPort: args.managementPort, nodePort: args.nodePort, nlb: !!args.nlb }))
                .map((d) => `Service ${d.service}: port ${d.port.name} (${d.port.port}) repeats port ${d.earlier.name} on the same protocol, which the API server refuses`),
        ];
    }

    /** A NodePort behind default-deny needs its clients named, outside the pods' subnets, and opened on the nodes. */
    private static nodePortProblems(args: IdpApplicationArgs): string[] {
        const ranges = args.nodePortSourceRanges ?? [];
        const problems: string[] = [];
        if (args.nodePort === undefined && ranges.length > 0) problems.push("nodePortSourceRanges is given without nodePort");
        if (args.nodePort !== undefined && args.networkPolicies && ranges.length === 0) problems.push("nodePort behind networkPolicies needs nodePortSourceRanges: default-deny drops every other client");
        if (ranges.length > 0 && !args.nodeSecurityGroupId) problems.push("nodePortSourceRanges needs nodeSecurityGroupId, where the port is opened to them");
        if (args.networkPolicies) problems.push(...nodePortRangeProblems(ranges, args.networkPolicies.privateSubnetCidrs).map((p) => `nodePortSourceRanges[${p.index}]: ${p.message}`));
        return problems;
    }

    constructor(name: string, args: IdpApplicationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("idp-eks:index:IdpApplication", name, {}, withPreviousType("idp-eks:idp:IdpApplication", opts));
        // What each exposure is, from its module, before any of its resources exists.
        const plans = planExposures(args);
        // Every problem at once, before any resource is registered.
        const problems = [...IdpApplication.workloadProblems(args), ...IdpApplication.nodePortProblems(args), ...IdpApplication.exposureProblems(args, plans)];
        if (problems.length > 0) throw new Error(`${name}: ${problems.join("; ")}`);
        const ns = args.namespace;
        const k8sOpts = { parent: this, provider: args.provider };
        const after = (...deps: (pulumi.Resource | undefined)[]) => ({ ...k8sOpts, dependsOn: deps.filter((d): d is pulumi.Resource => !!d) });

        const namespace = new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: ns, labels: namespaceLabels() } }, k8sOpts);
        const inNs = after(namespace);

        if (args.networkPolicies) {
            // A policy that is not enforced is worse than none: it reads as protection that is not there.
            if (!args.networkPolicies.enforced) throw new Error(`${name}: networkPolicies given for a cluster that does not enforce them (enable the VPC CNI network policy agent)`);
            const intent = idpTrafficIntent({
                namespace: ns,
                httpPort: args.httpPort,
                managementPort: args.managementPort,
                exposures: plans.map((p) => p.traffic),
                nodePortClients: args.nodePort !== undefined ? args.nodePortSourceRanges : undefined,
                inClusterDatastores: args.database.mode === DatabaseMode.InCluster,
                // Read only for the NGINX proxy; exposureProblems refuses routes with any other ingress.
                routes: args.nginx?.extraRoutes,
            }, args.networkPolicies);
            for (const policy of generatePolicies(intent)) {
                new k8s.networking.v1.NetworkPolicy(`${name}-netpol-${policy.metadata.name}`, policy, inNs);
            }
        }
        const serviceNames: string[] = [];

        new k8s.core.v1.ServiceAccount(`${name}-sa`, { metadata: { name: IDP_NAME, namespace: ns, labels: IDP_LABELS }, automountServiceAccountToken: false }, inNs);

        // Datastores: the IdP always talks to `postgres` and `redis` in its namespace.
        // One entry per name: the user's env replaces the program's defaults (never a Secret's).
        const env: EnvVar[] = containerEnv(programEnv(ns, args.database.mode === DatabaseMode.InCluster), args.env);
        // Pods in this namespace get the load balancer controller's readiness gates from its pod
        // webhook (namespace label elbv2.k8s.aws/pod-readiness-gate-inject), which acts only at pod
        // creation: every workload here waits for the controller's release.
        const gateWebhook = args.loadBalancerController;
        if (args.database.mode === DatabaseMode.InCluster) {
            const retention = args.database.volumeRetention ?? VolumeRetention.Retain;
            let storageClassName = args.database.storageClassName;
            let storage = args.storage;
            if (!storageClassName) {
                // Its own class, named after its namespace: deleting this instance deletes no one else's.
                storageClassName = ownStorageClassName(ns);
                storage = new k8s.storage.v1.StorageClass(`${name}-storage`, encryptedGp3StorageClass(storageClassName, retention), { ...k8sOpts, dependsOn: args.storage ? [args.storage] : [] });
            }
            const stores: Datastore[] = [
                { name: "postgres", image: args.database.postgresImage!, port: 5432, storageGiB: args.database.storageGiB ?? 20, passwordSecret: "postgres-credentials", storageClassName, volumeRetention: retention },
                { name: "redis", image: args.database.redisImage!, port: 6379, storageGiB: args.database.storageGiB ?? 20, passwordSecret: "redis-credentials", storageClassName, volumeRetention: retention },
            ];
            for (const store of stores) {
                const password = new random.RandomPassword(`${name}-${store.name}`, { length: 32, special: false }, { parent: this });
                const secret = new k8s.core.v1.Secret(`${name}-${store.name}-credentials`, {
                    metadata: { name: store.passwordSecret, namespace: ns },
                    type: "Opaque",
                    stringData: { password: pulumi.secret(password.result) },
                }, inNs);
                for (const svc of datastoreServices(ns, store)) {
                    new k8s.core.v1.Service(`${name}-svc-${svc.metadata.name}`, svc, inNs);
                    serviceNames.push(svc.metadata.name);
                }
                const set = store.name === "postgres" ? postgresStatefulSet(ns, store) : redisStatefulSet(ns, store);
                new k8s.apps.v1.StatefulSet(`${name}-${store.name}`, set, after(namespace, secret, storage, gateWebhook));
            }
        } else {
            for (const [svcName, host] of [["postgres", args.database.externalPostgresHost], ["redis", args.database.externalRedisHost]] as const) {
                if (!host) throw new Error(`${name}: database.external${svcName === "postgres" ? "Postgres" : "Redis"}Host is required in external mode`);
                new k8s.core.v1.Service(`${name}-svc-${svcName}`, externalNameService(ns, svcName, host), inNs);
                serviceNames.push(svcName);
            }
        }

        let envSecretName: string | undefined;
        if (args.secretEnv) {
            envSecretName = `${IDP_NAME}-env`;
            new k8s.core.v1.Secret(`${name}-env`, { metadata: { name: envSecretName, namespace: ns }, type: "Opaque", stringData: pulumi.secret(args.secretEnv) }, inNs);
        }

        const autoscaled = !!args.autoscaling;
        // Each new pod passes the readiness gate of every load balancer with ip targets in front of
        // it; at the autoscaler's maximum a rollout can outlast pulumi-kubernetes' 10-minute default.
        const awaitSeconds = deploymentAwaitSeconds({
            maxReplicas: Math.max(args.replicas, args.autoscaling?.maxReplicas ?? 0),
            maxSurge: ROLLOUT_MAX_SURGE,
            probePeriodSeconds: PROBE_PERIOD_SECONDS,
            startupFailureThreshold: STARTUP_FAILURE_THRESHOLD,
            gates: plans.flatMap((p) => (p.readinessGate ? [p.readinessGate] : [])),
            ...args.rollout,
        });
        const deployment = new k8s.apps.v1.Deployment(`${name}-deployment`, idpDeployment(ns, {
            image: args.image,
            // With an autoscaler the live count is its business; Pulumi would otherwise reset it on every up.
            replicas: autoscaled ? undefined : args.replicas,
            httpPort: args.httpPort,
            managementPort: args.managementPort,
            readinessPath: args.readinessPath,
            livenessPath: args.livenessPath,
            runAsUser: args.runAsUser,
            resources: args.resources,
            env,
            envSecretName,
            preStopSleepSeconds: args.rollout.preStopSleepSeconds,
            terminationGracePeriodSeconds: args.rollout.terminationGracePeriodSeconds,
            dnsConfig: args.dnsConfig,
        }), { ...after(namespace, gateWebhook), customTimeouts: { create: `${awaitSeconds}s`, update: `${awaitSeconds}s` } });

        if (args.replicas > 1) {
            new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, {
                metadata: { name: IDP_NAME, namespace: ns, labels: IDP_LABELS },
                spec: { minAvailable: args.pdbMinAvailable, selector: { matchLabels: IDP_SELECTOR } },
            }, inNs);
        }
        if (args.autoscaling) {
            new k8s.autoscaling.v2.HorizontalPodAutoscaler(`${name}-hpa`, {
                metadata: { name: IDP_NAME, namespace: ns, labels: IDP_LABELS },
                spec: {
                    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: IDP_NAME },
                    minReplicas: args.replicas,
                    maxReplicas: args.autoscaling.maxReplicas,
                    metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: args.autoscaling.cpuUtilizationPercent } } }],
                },
            }, after(namespace, deployment));
        }

        // Services selecting the IdP pods.
        const clusterIp = idpService(IDP_NAME, ns, { type: "ClusterIP", ports: clusterIpPorts(args.managementPort) });
        new k8s.core.v1.Service(`${name}-svc-${IDP_NAME}`, clusterIp, inNs);
        serviceNames.push(IDP_NAME);
        if (args.nodePort !== undefined) {
            // Local: no second hop and no SNAT to a node address, so the NetworkPolicy sees (and
            // admits) the clients' own addresses; only nodes running an IdP pod answer.
            const nodePort = idpService(NODE_PORT_SERVICE, ns, { type: "NodePort", externalTrafficPolicy: "Local", ports: nodePortPorts(args.nodePort) });
            new k8s.core.v1.Service(`${name}-svc-nodeport`, nodePort, inNs);
            serviceNames.push(nodePort.metadata.name);
            if (args.nodeSecurityGroupId) {
                for (const cidr of args.nodePortSourceRanges ?? []) {
                    new aws.vpc.SecurityGroupIngressRule(`${name}-nodeport-${cidr.replace(/[./]/g, "-")}`, {
                        securityGroupId: args.nodeSecurityGroupId,
                        cidrIpv4: cidr,
                        ipProtocol: "tcp",
                        fromPort: args.nodePort,
                        toPort: args.nodePort,
                        description: `${IDP_NAME} NodePort clients`,
                        tags: args.tags,
                    }, { parent: this });
                }
            }
        }

        const exposures = this.exposures(name, args, namespace, plans);
        if (args.nlb) serviceNames.push(NLB_SERVICE);
        const urls = [...new Set(exposures.flatMap((e) => e.urls))];
        // The public host points at the layer-7 entry when there is one, else at the NLB.
        const primary = exposures[0];
        const lbHostname: pulumi.Output<string | undefined> = primary ? primary.hostname : pulumi.output(undefined);
        const requiredDnsRecord = primary ? this.dnsRecord(name, args, primary) : pulumi.output(undefined);

        this.namespace = pulumi.output(ns);
        this.publicUrls = pulumi.output(urls);
        this.loadBalancerHostname = lbHostname;
        this.requiredDnsRecord = requiredDnsRecord;
        this.serviceFqdns = pulumi.output(Object.fromEntries([...serviceNames].sort().map((s) => [s, serviceFqdn(s, ns)])));
        this.registerOutputs({ namespace: this.namespace, publicUrls: this.publicUrls, loadBalancerHostname: this.loadBalancerHostname, requiredDnsRecord: this.requiredDnsRecord, serviceFqdns: this.serviceFqdns });
    }

    /**
     * Each exposure's prerequisites, and the region's ELB hosted zone id for the alias record: all
     * problems at once, before anything is registered.
     */
    private static exposureProblems(args: IdpApplicationArgs, plans: readonly ExposurePlan[]): string[] {
        const problems: string[] = [];
        // Internal load balancers are admitted by their subnets, which must not be the pods'.
        if (args.networkPolicies) problems.push(...internalExposureProblems(plans, args.networkPolicies));
        if (plans.some((p) => p.acmCertificate) && !args.certificateArn && !args.route53HostedZoneId) problems.push("the NLB/ALB needs certificateArn or route53HostedZoneId");
        if (requestsAcmCertificate(plans, args) && args.host.length > ACM_DOMAIN_NAME_MAX) problems.push(`host ${JSON.stringify(args.host)} is ${args.host.length} characters; the ACM certificate requested for it takes at most ${ACM_DOMAIN_NAME_MAX} (RequestCertificate DomainName): give certificateArn, or a shorter host`);
        if (args.nlb && !args.loadBalancerController) problems.push("the NLB Service needs the load balancer controller");
        // Extra routes are the NGINX Ingress's; behind NetworkPolicies each names the pods it reaches.
        const routes = args.nginx?.extraRoutes ?? [];
        if (args.ingress !== IngressKind.Nginx && routes.length > 0) problems.push(`nginx.extraRoutes is only used with ingress nginx (ingress is ${args.ingress}), which would drop ${routes.map(formatRoute).join(", ")}`);
        switch (args.ingress) {
            case IngressKind.Nginx:
                if (!args.ingressNginx || !args.nginx) problems.push("the NGINX Ingress needs ingressNginx and nginx settings");
                else problems.push(...nginxCertificateProblems({ ...args.nginx, tls: args.tls, certManager: args.certManager, clusterIssuers: args.clusterIssuers }));
                problems.push(...routeProblems(routes, { policiesFrom: args.networkPolicies ? "networkPolicies" : undefined }).map((p) => `nginx.extraRoutes[${p.index}] ${JSON.stringify(formatRoute(routes[p.index]))} ${p.message}`));
                break;
            case IngressKind.Alb:
                if (!args.loadBalancerController || !args.alb) problems.push("the ALB Ingress needs the load balancer controller and alb settings");
                break;
            case IngressKind.Gateway:
                if (!args.loadBalancerController || !args.alb || !args.gatewayClass || !args.gatewayClassName) problems.push("the ALB Gateway needs the load balancer controller with gatewayApi (its GatewayClass) and alb settings");
                break;
            case IngressKind.None:
                break;
        }
        // The public host points at the first exposure's load balancer.
        const primary = plans[0];
        if (primary && args.route53HostedZoneId && args.region) {
            try {
                canonicalHostedZoneId(primary.loadBalancerType, args.region);
            } catch (e) {
                problems.push(`route53HostedZoneId: ${(e as Error).message}`);
            }
        }
        return problems;
    }

    /**
     * The public host's DNS: alias records in the hosted zone, or, without a zone, a preview warning
     * and the record the user must create (returned, for the stack output).
     */
    private dnsRecord(name: string, args: IdpApplicationArgs, primary: Exposure): pulumi.Output<ManualDnsRecord | undefined> {
        if (!args.route53HostedZoneId) {
            // Nothing would point the host at the load balancer, and `up` would report success while
            // the IdP (and an HTTP-01 certificate) cannot work. Say so, and hand over the record.
            void pulumi.log.warn(`${args.host} needs a DNS record this stack cannot create (no route53HostedZoneId): ${manualDnsRecord(args.host, "<loadBalancerHostname>").instructions}; ` +
                "the stack output requiredDnsRecord has the load balancer's name once it exists. Until the record exists the IdP is unreachable by name" +
                (args.ingress === IngressKind.Nginx && !args.tls ? " and cert-manager cannot complete the HTTP-01 challenge for its certificate." : "."), this);
            return primary.hostname.apply((h) => manualDnsRecord(args.host, h ?? "<pending>"));
        }
        const zoneId = args.route53HostedZoneId;
        const region = args.region ?? aws.getRegionOutput({}, { parent: this }).region;
        // An alias A record: valid at a zone apex, where Route53 refuses a CNAME, and its queries are
        // free. It keeps the former CNAME's name (and URN); a record's type cannot change in place, and
        // the CNAME must be gone before an A record of the same name can exist, so a replacement deletes first.
        new aws.route53.Record(`${name}-host`, {
            zoneId,
            name: args.host,
            type: "A",
            aliases: [{
                name: primary.hostname.apply((h) => h ?? ""),
                zoneId: pulumi.output(region).apply((r) => canonicalHostedZoneId(primary.loadBalancerType, r)),
                evaluateTargetHealth: true,
            }],
        }, { parent: this, deleteBeforeReplace: true });
        return pulumi.output(undefined);
    }

    /**
     * Each exposure is its own module (components/idp/exposures/); this only creates the planned
     * ones, in their order (the layer-7 entry first: the public host points at it), with what
     * exposureProblems has made sure they have.
     */
    private exposures(name: string, args: IdpApplicationArgs, namespace: pulumi.Resource, plans: readonly ExposurePlan[]): Exposure[] {
        const ctx: ExposureContext = { name, parent: this, provider: args.provider, namespace: args.namespace, namespaceResource: namespace, host: args.host, readinessPath: args.readinessPath, rollout: args.rollout };
        const certificateArn = this.acmCertificate(name, args, plans);
        const checked = <T>(value: T | undefined): T => {
            if (value === undefined) throw new Error(`${name}: an exposure's prerequisite is missing (exposureProblems lets none through)`);
            return value;
        };
        return plans.map((plan) => {
            switch (plan.kind) {
                case ExposureKind.NginxIngress:
                    return exposeNginxIngress(ctx, { ...checked(args.nginx), tls: args.tls, ingressNginx: checked(args.ingressNginx), certManager: args.certManager, clusterIssuers: args.clusterIssuers });
                case ExposureKind.AlbIngress: {
                    const alb = checked(args.alb);
                    return exposeAlbIngress(ctx, { scheme: alb.scheme, groupName: alb.groupName, certificateArn: checked(certificateArn), loadBalancerController: checked(args.loadBalancerController) });
                }
                case ExposureKind.AlbGateway: {
                    const alb = checked(args.alb);
                    return exposeAlbGateway(ctx, {
                        scheme: alb.scheme,
                        sourceRanges: alb.gatewaySourceRanges ?? [],
                        certificateArn: checked(certificateArn),
                        gatewayClassName: checked(args.gatewayClassName),
                        loadBalancerController: checked(args.loadBalancerController),
                        gatewayClass: checked(args.gatewayClass),
                    });
                }
                case ExposureKind.NlbService: {
                    const nlb = checked(args.nlb);
                    return exposeNlbService(ctx, { scheme: nlb.scheme, sourceRanges: nlb.sourceRanges, certificateArn: checked(certificateArn), loadBalancerController: checked(args.loadBalancerController) });
                }
            }
        });
    }

    /** The ACM certificate ARN for the NLB/ALB: given, or created and DNS-validated in the hosted zone. */
    private acmCertificate(name: string, args: IdpApplicationArgs, plans: readonly ExposurePlan[]): pulumi.Input<string> | undefined {
        if (!requestsAcmCertificate(plans, args) || !args.route53HostedZoneId) return args.certificateArn;
        const cert = new aws.acm.Certificate(`${name}-cert`, { domainName: args.host, validationMethod: "DNS", tags: args.tags }, { parent: this });
        const option = cert.domainValidationOptions[0];
        const record = new aws.route53.Record(`${name}-cert-validation`, {
            zoneId: args.route53HostedZoneId,
            name: option.resourceRecordName,
            type: option.resourceRecordType,
            records: [option.resourceRecordValue],
            ttl: 60,
            allowOverwrite: true,
        }, { parent: this });
        return new aws.acm.CertificateValidation(`${name}-cert`, { certificateArn: cert.arn, validationRecordFqdns: [record.fqdn] }, { parent: this }).certificateArn;
    }
}
