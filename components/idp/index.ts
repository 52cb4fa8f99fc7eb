import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { LoadBalancerScheme } from "../addons/types";
import { Datastore, datastoreServices, encryptedGp3StorageClass, externalNameService, postgresStatefulSet, redisStatefulSet } from "./datastores";
import { Route, TLS_SECRET, albIngress, idpCertificate, nginxIngress } from "./ingress";
import { RolloutTiming, albAnnotations, nlbAnnotations } from "./loadBalancing";
import { DatabaseMode, IngressKind } from "./types";
import { NetworkPolicyArgs, idpTrafficIntent, internalExposureProblems, nodePortRangeProblems } from "./trafficIntent";
import { generatePolicies } from "../networkPolicy/generator";
import { EnvVar, ResourceSettings, IDP_LABELS, IDP_NAME, IDP_SELECTOR, idpDeployment, idpService, namespaceLabels, serviceFqdn } from "./workload";
import { withPreviousType } from "../aliases";

export * from "./types";
export * from "./workload";
export * from "./datastores";
export * from "./ingress";
export * from "./loadBalancing";
export * from "./trafficIntent";

export interface IdpDatabaseArgs {
    mode: DatabaseMode;
    /** In-cluster: images (pinned tags) and volume size. */
    postgresImage?: string;
    redisImage?: string;
    storageGiB?: number;
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
    groupName?: string;
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
    /** In-cluster DNS names of every Service, by Service name. */
    public readonly serviceFqdns: pulumi.Output<Record<string, string>>;

    /** A NodePort behind default-deny needs its clients named, outside the pods' subnets, and opened on the nodes. */
    private static checkNodePort(name: string, args: IdpApplicationArgs): void {
        const ranges = args.nodePortSourceRanges ?? [];
        const problems: string[] = [];
        if (args.nodePort === undefined && ranges.length > 0) problems.push("nodePortSourceRanges is given without nodePort");
        if (args.nodePort !== undefined && args.networkPolicies && ranges.length === 0) problems.push("nodePort behind networkPolicies needs nodePortSourceRanges: default-deny drops every other client");
        if (ranges.length > 0 && !args.nodeSecurityGroupId) problems.push("nodePortSourceRanges needs nodeSecurityGroupId, where the port is opened to them");
        if (args.networkPolicies) problems.push(...nodePortRangeProblems(ranges, args.networkPolicies.privateSubnetCidrs).map((p) => `nodePortSourceRanges[${p.index}]: ${p.message}`));
        if (args.networkPolicies) problems.push(...internalExposureProblems({ ingress: args.ingress, albScheme: args.alb?.scheme, nlbScheme: args.nlb?.scheme }, args.networkPolicies));
        if (problems.length > 0) throw new Error(`${name}: ${problems.join("; ")}`);
    }

    constructor(name: string, args: IdpApplicationArgs, opts?: pulumi.ComponentResourceOptions) {
        super("idp-eks:index:IdpApplication", name, {}, withPreviousType("idp-eks:idp:IdpApplication", opts));
        IdpApplication.checkNodePort(name, args);
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
                ingress: args.ingress,
                albScheme: args.alb?.scheme,
                nlb: args.nlb,
                nodePortClients: args.nodePort !== undefined ? args.nodePortSourceRanges : undefined,
                inClusterDatastores: args.database.mode === DatabaseMode.InCluster,
            }, args.networkPolicies);
            for (const policy of generatePolicies(intent)) {
                new k8s.networking.v1.NetworkPolicy(`${name}-netpol-${policy.metadata.name}`, policy, inNs);
            }
        }
        const serviceNames: string[] = [];

        new k8s.core.v1.ServiceAccount(`${name}-sa`, { metadata: { name: IDP_NAME, namespace: ns, labels: IDP_LABELS }, automountServiceAccountToken: false }, inNs);

        // Datastores: the IdP always talks to `postgres` and `redis` in its namespace.
        const env: EnvVar[] = Object.entries(args.env).map(([k, v]) => ({ name: k, value: v }));
        env.push(
            { name: "SPRING_DATASOURCE_URL", value: `jdbc:postgresql://${serviceFqdn("postgres", ns)}:5432/idp` },
            { name: "SPRING_DATA_REDIS_HOST", value: serviceFqdn("redis", ns) },
        );
        if (args.database.mode === DatabaseMode.InCluster) {
            const storageClass = encryptedGp3StorageClass();
            new k8s.storage.v1.StorageClass(`${name}-storage`, storageClass, k8sOpts);
            const stores: Datastore[] = [
                { name: "postgres", image: args.database.postgresImage!, port: 5432, storageGiB: args.database.storageGiB ?? 20, passwordSecret: "postgres-credentials" },
                { name: "redis", image: args.database.redisImage!, port: 6379, storageGiB: args.database.storageGiB ?? 20, passwordSecret: "redis-credentials" },
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
                new k8s.apps.v1.StatefulSet(`${name}-${store.name}`, set, after(namespace, secret));
            }
            env.push(
                { name: "SPRING_DATASOURCE_USERNAME", value: "idp" },
                { name: "SPRING_DATASOURCE_PASSWORD", valueFrom: { secretKeyRef: { name: "postgres-credentials", key: "password" } } },
                { name: "SPRING_DATA_REDIS_PASSWORD", valueFrom: { secretKeyRef: { name: "redis-credentials", key: "password" } } },
            );
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
        }), inNs);

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
        const clusterIp = idpService(IDP_NAME, ns, { type: "ClusterIP", ports: [{ name: "http", port: 80, targetPort: "http" }, { name: "management", port: args.managementPort, targetPort: "management" }] });
        new k8s.core.v1.Service(`${name}-svc-${IDP_NAME}`, clusterIp, inNs);
        serviceNames.push(IDP_NAME);
        if (args.nodePort !== undefined) {
            // Local: no second hop and no SNAT to a node address, so the NetworkPolicy sees (and
            // admits) the clients' own addresses; only nodes running an IdP pod answer.
            const nodePort = idpService(`${IDP_NAME}-nodeport`, ns, { type: "NodePort", externalTrafficPolicy: "Local", ports: [{ name: "http", port: 80, targetPort: "http", nodePort: args.nodePort }] });
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

        const certificateArn = this.acmCertificate(name, args);
        let lbHostname: pulumi.Output<string | undefined> = pulumi.output(undefined);
        if (args.nlb) {
            if (!args.loadBalancerController) throw new Error(`${name}: the NLB Service needs the load balancer controller`);
            const nlb = args.nlb;
            const annotations = (arn: string) => nlbAnnotations({ scheme: nlb.scheme, certificateArn: arn, readinessPath: args.readinessPath, deregistrationDelaySeconds: args.rollout.deregistrationDelaySeconds });
            const spec = idpService(`${IDP_NAME}-lb`, ns, {
                type: "LoadBalancer",
                // Handled by the load balancer controller, never by the legacy in-tree controller.
                loadBalancerClass: "service.k8s.aws/nlb",
                loadBalancerSourceRanges: nlb.sourceRanges,
                ports: [{ name: "https", port: 443, targetPort: "http" }],
            }, annotations(""));
            const svc = new k8s.core.v1.Service(`${name}-svc-lb`, {
                ...spec,
                metadata: { ...spec.metadata, annotations: pulumi.output(certificateArn!).apply(annotations) },
            }, after(namespace, args.loadBalancerController));
            serviceNames.push(`${IDP_NAME}-lb`);
            lbHostname = svc.status.loadBalancer.ingress.apply((i) => i?.[0]?.hostname);
        }

        const urls: string[] = [];
        if (args.ingress === IngressKind.Nginx) {
            if (!args.ingressNginx || !args.nginx) throw new Error(`${name}: the NGINX Ingress needs ingress-nginx and nginx settings`);
            if (args.tls) {
                new k8s.core.v1.Secret(`${name}-tls`, {
                    metadata: { name: TLS_SECRET, namespace: ns },
                    type: "kubernetes.io/tls",
                    stringData: { "tls.crt": pulumi.secret(args.tls.certificate), "tls.key": pulumi.secret(args.tls.privateKey) },
                }, inNs);
            } else {
                if (!args.certManager) throw new Error(`${name}: a cert-manager certificate needs cert-manager (or give tls)`);
                const cert = idpCertificate(ns, args.host, args.nginx.clusterIssuer);
                new k8s.apiextensions.CustomResource(`${name}-certificate`, cert, after(namespace, args.certManager));
            }
            new k8s.networking.v1.Ingress(`${name}-ingress`, nginxIngress(ns, { host: args.host, ...args.nginx }), after(namespace, args.ingressNginx));
            const controller = k8s.core.v1.Service.get(`${name}-nginx-controller`, "ingress-nginx/ingress-nginx-controller", after(args.ingressNginx));
            lbHostname = controller.status.loadBalancer.ingress.apply((i) => i?.[0]?.hostname);
            urls.push(`https://${args.host}`);
        } else if (args.ingress === IngressKind.Alb) {
            if (!args.loadBalancerController || !args.alb) throw new Error(`${name}: the ALB Ingress needs the load balancer controller and alb settings`);
            const alb = args.alb;
            const annotations = (arn: string) => albAnnotations({
                scheme: alb.scheme, certificateArn: arn, readinessPath: args.readinessPath, deregistrationDelaySeconds: args.rollout.deregistrationDelaySeconds, groupName: alb.groupName,
            });
            const spec = albIngress(ns, args.host, annotations(""));
            const ingress = new k8s.networking.v1.Ingress(`${name}-ingress`, {
                ...spec,
                metadata: { ...spec.metadata, annotations: pulumi.output(certificateArn!).apply(annotations) },
            }, after(namespace, args.loadBalancerController));
            lbHostname = ingress.status.loadBalancer.ingress.apply((i) => i?.[0]?.hostname);
            urls.push(`https://${args.host}`);
        }

        if (args.route53HostedZoneId && (args.ingress !== IngressKind.None || args.nlb)) {
            new aws.route53.Record(`${name}-host`, {
                zoneId: args.route53HostedZoneId,
                name: args.host,
                type: "CNAME",
                ttl: 60,
                records: [lbHostname.apply((h) => h ?? "")],
            }, { parent: this });
        }
        if (args.ingress === IngressKind.None && args.nlb) urls.push(`https://${args.host}`);

        this.namespace = pulumi.output(ns);
        this.publicUrls = pulumi.output(urls);
        this.loadBalancerHostname = lbHostname;
        this.serviceFqdns = pulumi.output(Object.fromEntries([...serviceNames].sort().map((s) => [s, serviceFqdn(s, ns)])));
        this.registerOutputs({ namespace: this.namespace, publicUrls: this.publicUrls, loadBalancerHostname: this.loadBalancerHostname, serviceFqdns: this.serviceFqdns });
    }

    /** The ACM certificate ARN for the NLB/ALB: given, or created and DNS-validated in the hosted zone. */
    private acmCertificate(name: string, args: IdpApplicationArgs): pulumi.Input<string> | undefined {
        const needed = args.nlb || args.ingress === IngressKind.Alb;
        if (!needed || args.certificateArn) return args.certificateArn;
        if (!args.route53HostedZoneId) throw new Error(`${name}: the NLB/ALB needs certificateArn or route53HostedZoneId`);
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
