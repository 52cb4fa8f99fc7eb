import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { CertManager, IngressNginx, LoadBalancerController } from "../addons";
import { AcmeSolver, AwsIdentityMode, LoadBalancerScheme } from "../addons/types";
import { Cluster, ClusterSettings } from "../cluster";
import { Network, NetworkSettings, SubnetLayout } from "../network";
import { DatabaseMode, IdpApplication, IdpSettings, IngressKind, ManualDnsRecord, ROUTE_FORM, STORAGE_CLASS, VolumeRetention, encryptedGp3StorageClass, formatRoute, routeUpstreamWhy, routeUpstreams } from "../idp";
import { IDP_SELECTOR } from "../idp/workload";
import { AddonNetworkFacts, Upstream } from "../networkPolicy/addons";
import { SOLVER_LABELS, SOLVER_PORT } from "../networkPolicy/generator";

export interface LoadBalancerControllerSettings {
    chartVersion: string;
    /** Apply the Gateway API and gateway.k8s.aws CRDs and create the ALB GatewayClass (on whenever the IdP uses `ingress: gateway`). */
    gatewayApi?: boolean;
}

export interface CertManagerSettings {
    chartVersion: string;
    acmeEmail: string;
    solver: AcmeSolver;
    hostedZoneId?: string;
}

export interface IngressNginxSettings {
    chartVersion: string;
    scheme: LoadBalancerScheme;
}

/** Which add-ons to install, pinned and tuned. An omitted add-on is not installed. */
export interface PlatformAddonsArgs {
    /** How add-ons get AWS rights. */
    identity: AwsIdentityMode;
    loadBalancerController?: LoadBalancerControllerSettings;
    certManager?: CertManagerSettings;
    /** Needs loadBalancerController. */
    ingressNginx?: IngressNginxSettings;
    /**
     * Default-deny NetworkPolicies for the add-on namespaces the platform creates (cert-manager,
     * ingress-nginx) plus exactly what each controller needs; the cluster must enforce them.
     */
    networkPolicies?: AddonNetworkFacts;
}

export interface IdpPlatformArgs {
    region: string;
    network: NetworkSettings;
    cluster: ClusterSettings;
    addons: PlatformAddonsArgs;
    idp: IdpSettings;
    /** Tags for every AWS resource the platform creates. */
    tags?: Record<string, string>;
}

/**
 * The pods the platform's NGINX Ingresses route to: the IdP, the extra routes' pods on their
 * container ports, and cert-manager's HTTP-01 solvers in its namespace. An extra route that does not
 * name its pods cannot be an upstream: it is refused rather than left unreachable. Pure.
 */
export function nginxUpstreams(args: Pick<IdpPlatformArgs, "idp" | "addons">): Upstream[] {
    const upstreams: Upstream[] = [];
    if (args.idp.ingress === IngressKind.Nginx) {
        upstreams.push({ namespace: args.idp.namespace, podLabels: IDP_SELECTOR, ports: [args.idp.httpPort], why: "the IdP's http port" });
        const routes = args.idp.nginx?.extraRoutes ?? [];
        const unnamed = routes.filter((r) => !r.backend);
        if (unnamed.length > 0) throw new Error(`the add-on NetworkPolicies let ingress-nginx reach only pods they name: extra route(s) ${unnamed.map((r) => JSON.stringify(formatRoute(r))).join(", ")} name no backend pods (expected ${ROUTE_FORM})`);
        for (const u of routeUpstreams(routes)) upstreams.push({ namespace: args.idp.namespace, podLabels: u.podLabels, ports: [u.port], why: routeUpstreamWhy(u) });
    }
    if (args.addons.certManager?.solver === AcmeSolver.Http01) upstreams.push({ namespace: args.idp.namespace, podLabels: SOLVER_LABELS, ports: [SOLVER_PORT], why: "cert-manager's HTTP-01 solver pods while a certificate is issued" });
    return upstreams;
}

/**
 * The whole platform: network, the EKS cluster in it, the add-ons, then the IdP. The add-ons that
 * do not need each other install in parallel; ingress-nginx waits for the load balancer controller,
 * and each IdP exposure waits for the controller that reconciles it.
 */
export class IdpPlatform extends pulumi.ComponentResource {
    public readonly vpcId: pulumi.Output<string>;
    public readonly vpcCidr: pulumi.Output<string>;
    public readonly publicSubnetIds: pulumi.Output<string[]>;
    public readonly publicSubnetCidrs: pulumi.Output<string[]>;
    public readonly privateSubnetIds: pulumi.Output<string[]>;
    public readonly privateSubnetCidrs: pulumi.Output<string[]>;
    /** Intra subnets: control plane and internal load balancers (empty in the two-tier layout). */
    public readonly intraSubnetIds: pulumi.Output<string[]>;
    public readonly intraSubnetCidrs: pulumi.Output<string[]>;
    public readonly clusterName: pulumi.Output<string>;
    /** Admin kubeconfig (JSON), a secret. */
    public readonly kubeconfig: pulumi.Output<string>;
    public readonly oidcProviderArn: pulumi.Output<string>;
    public readonly oidcProviderUrl: pulumi.Output<string>;
    public readonly clusterSecurityGroupId: pulumi.Output<string>;
    public readonly nodeRoleArn: pulumi.Output<string>;
    /** The IAM principal that created the cluster: cluster admin through EKS's creator grant, besides adminPrincipalArns. */
    public readonly clusterCreatorArn: pulumi.Output<string>;
    /** Provider for more Kubernetes resources in the cluster. */
    public readonly kubernetesProvider: k8s.Provider;
    public readonly idpNamespace: pulumi.Output<string>;
    public readonly publicUrls: pulumi.Output<string[]>;
    public readonly loadBalancerHostname: pulumi.Output<string | undefined>;
    /** Without a hosted zone: the DNS record the user must create for the IdP's host. */
    public readonly requiredDnsRecord: pulumi.Output<ManualDnsRecord | undefined>;
    public readonly serviceFqdns: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: IdpPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
        super("idp-eks:index:IdpPlatform", name, {}, opts);
        const tags = args.tags ?? {};
        const parent = { parent: this };
        const network = new Network(`${name}-network`, { ...args.network, clusterName: args.cluster.clusterName, tags }, parent);
        const cluster = new Cluster(`${name}-cluster`, {
            ...args.cluster,
            vpcId: network.vpcId,
            publicSubnetIds: network.publicSubnetIds,
            privateSubnetIds: network.privateSubnetIds,
            egressReady: network.egressReady,
            controlPlaneSubnetIds: args.network.subnetLayout === SubnetLayout.ThreeTier ? network.intraSubnetIds : undefined,
            tags,
        }, parent);

        const { addons } = args;
        const clusterFacts = {
            provider: cluster.provider,
            clusterName: cluster.clusterName,
            oidcProviderArn: cluster.oidcProviderArn,
            oidcProviderUrl: cluster.oidcProviderUrl,
            region: args.region,
            identity: addons.identity,
            tags,
        };
        const loadBalancerController = addons.loadBalancerController
            && new LoadBalancerController(`${name}-lbc`, {
                ...clusterFacts,
                vpcId: network.vpcId,
                chartVersion: addons.loadBalancerController.chartVersion,
                gatewayApi: addons.loadBalancerController.gatewayApi || args.idp.ingress === IngressKind.Gateway,
            }, parent);
        const certManager = addons.certManager && new CertManager(`${name}-cert-manager`, { ...clusterFacts, ...addons.certManager, networkPolicies: addons.networkPolicies }, parent);
        if (addons.ingressNginx && !loadBalancerController) throw new Error(`${name}: ingress-nginx needs the load balancer controller for its NLB`);
        const ingressNginx = addons.ingressNginx && loadBalancerController
            && new IngressNginx(`${name}-ingress-nginx`, {
                provider: cluster.provider,
                ...addons.ingressNginx,
                loadBalancerController: loadBalancerController.release,
                networkPolicies: addons.networkPolicies && { ...addons.networkPolicies, upstreams: nginxUpstreams(args) },
            }, parent);
        // The cluster's encrypted gp3 StorageClass has one owner, the platform, so no IdP instance
        // deletes it for the others. Volumes follow the stack's protection: kept when the cluster is
        // protected, deleted with the stack otherwise (a destroyed dev stack leaves no EBS volumes).
        const volumeRetention = args.idp.database.volumeRetention ?? (args.cluster.deletionProtection ? VolumeRetention.Retain : VolumeRetention.Delete);
        const inCluster = args.idp.database.mode === DatabaseMode.InCluster;
        const storageClass = inCluster && !args.idp.database.storageClassName
            ? new k8s.storage.v1.StorageClass(`${name}-storage`, encryptedGp3StorageClass(STORAGE_CLASS, volumeRetention), {
                parent: this,
                provider: cluster.provider,
                // Volumes are provisioned, attached and deleted by the EBS CSI driver.
                dependsOn: [cluster.ebsCsiDriver],
                // It used to be the IdpApplication's (same object name): adopted, not deleted and re-created.
                aliases: [{ name: `${name}-idp-storage`, parent: pulumi.createUrn(`${name}-idp`, "idp-eks:index:IdpApplication", this) }],
            })
            : undefined;
        const idp = new IdpApplication(`${name}-idp`, {
            ...args.idp,
            database: inCluster
                ? { ...args.idp.database, storageClassName: args.idp.database.storageClassName ?? STORAGE_CLASS, volumeRetention }
                : args.idp.database,
            storage: storageClass ?? cluster.ebsCsiDriver,
            provider: cluster.provider,
            loadBalancerController: loadBalancerController ? loadBalancerController.release : undefined,
            ingressNginx: ingressNginx ? ingressNginx.release : undefined,
            certManager: certManager ? certManager.release : undefined,
            clusterIssuers: certManager ? certManager.clusterIssuers() : undefined,
            gatewayClass: loadBalancerController ? loadBalancerController.gatewayClass : undefined,
            gatewayClassName: loadBalancerController ? loadBalancerController.gatewayClassName : undefined,
            region: args.region,
            nodeSecurityGroupId: cluster.clusterSecurityGroupId,
            tags,
        }, parent);

        this.vpcId = network.vpcId;
        this.vpcCidr = network.vpcCidr;
        this.publicSubnetIds = network.publicSubnetIds;
        this.publicSubnetCidrs = network.publicSubnetCidrs;
        this.privateSubnetIds = network.privateSubnetIds;
        this.privateSubnetCidrs = network.privateSubnetCidrs;
        this.intraSubnetIds = network.intraSubnetIds;
        this.intraSubnetCidrs = network.intraSubnetCidrs;
        this.clusterName = cluster.clusterName;
        this.kubeconfig = cluster.kubeconfig;
        this.oidcProviderArn = cluster.oidcProviderArn;
        this.oidcProviderUrl = cluster.oidcProviderUrl;
        this.clusterSecurityGroupId = cluster.clusterSecurityGroupId;
        this.nodeRoleArn = cluster.nodeRoleArn;
        this.clusterCreatorArn = cluster.clusterCreatorArn;
        this.kubernetesProvider = cluster.provider;
        this.idpNamespace = idp.namespace;
        this.publicUrls = idp.publicUrls;
        this.loadBalancerHostname = idp.loadBalancerHostname;
        this.requiredDnsRecord = idp.requiredDnsRecord;
        this.serviceFqdns = idp.serviceFqdns;
        this.registerOutputs({
            vpcId: this.vpcId,
            clusterName: this.clusterName,
            kubeconfig: this.kubeconfig,
            publicUrls: this.publicUrls,
            serviceFqdns: this.serviceFqdns,
        });
    }
}
