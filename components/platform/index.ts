import * as pulumi from "@pulumi/pulumi";
import { CertManager, IngressNginx, LoadBalancerController } from "../addons";
import { AcmeSolver, AwsIdentityMode, LoadBalancerScheme } from "../addons/types";
import { Cluster, ClusterArgs } from "../cluster";
import { Network, NetworkArgs } from "../network";
import { IdpApplication, IdpApplicationArgs } from "../idp";

/** The IdP's settings; the cluster, its provider and the controllers come from the platform. */
export type PlatformIdpArgs = Omit<IdpApplicationArgs, "provider" | "loadBalancerController" | "ingressNginx" | "certManager" | "tags">;

/** Cluster settings; the VPC and subnets come from the platform's network. */
export type PlatformClusterArgs = Omit<ClusterArgs, "vpcId" | "publicSubnetIds" | "privateSubnetIds" | "tags">;

/** Which add-ons to install, pinned and tuned. An omitted add-on is not installed. */
export interface PlatformAddonsArgs {
    /** How add-ons get AWS rights. */
    identity: AwsIdentityMode;
    loadBalancerController?: { chartVersion: string };
    certManager?: { chartVersion: string; acmeEmail: string; solver: AcmeSolver; hostedZoneId?: string };
    /** Needs loadBalancerController. */
    ingressNginx?: { chartVersion: string; scheme: LoadBalancerScheme };
}

export interface IdpPlatformArgs {
    region: string;
    network: Omit<NetworkArgs, "clusterName" | "tags">;
    cluster: PlatformClusterArgs;
    addons: PlatformAddonsArgs;
    idp: PlatformIdpArgs;
    /** Tags for every AWS resource the platform creates. */
    tags?: Record<string, string>;
}

/**
 * The whole platform: network, the EKS cluster in it, the add-ons, then the IdP. The add-ons that
 * do not need each other install in parallel; ingress-nginx waits for the load balancer controller,
 * and each IdP exposure waits for the controller that reconciles it.
 */
export class IdpPlatform extends pulumi.ComponentResource {
    public readonly network: Network;
    public readonly cluster: Cluster;
    public readonly loadBalancerController?: LoadBalancerController;
    public readonly certManager?: CertManager;
    public readonly ingressNginx?: IngressNginx;
    public readonly idp: IdpApplication;

    constructor(name: string, args: IdpPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
        super("idp-eks:index:IdpPlatform", name, {}, opts);
        const tags = args.tags ?? {};
        const parent = { parent: this };
        this.network = new Network(`${name}-network`, { ...args.network, clusterName: args.cluster.clusterName, tags }, parent);
        this.cluster = new Cluster(`${name}-cluster`, {
            ...args.cluster,
            vpcId: this.network.vpcId,
            publicSubnetIds: this.network.publicSubnetIds,
            privateSubnetIds: this.network.privateSubnetIds,
            tags,
        }, parent);

        const { addons } = args;
        const clusterFacts = {
            provider: this.cluster.provider,
            clusterName: this.cluster.clusterName,
            oidcProviderArn: this.cluster.oidcProviderArn,
            oidcProviderUrl: this.cluster.oidcProviderUrl,
            region: args.region,
            identity: addons.identity,
            tags,
        };
        if (addons.loadBalancerController) {
            this.loadBalancerController = new LoadBalancerController(`${name}-lbc`, {
                ...clusterFacts,
                vpcId: this.network.vpcId,
                chartVersion: addons.loadBalancerController.chartVersion,
            }, parent);
        }
        if (addons.certManager) {
            this.certManager = new CertManager(`${name}-cert-manager`, { ...clusterFacts, ...addons.certManager }, parent);
        }
        if (addons.ingressNginx) {
            if (!this.loadBalancerController) throw new Error(`${name}: ingress-nginx needs the load balancer controller for its NLB`);
            this.ingressNginx = new IngressNginx(`${name}-ingress-nginx`, {
                provider: this.cluster.provider,
                ...addons.ingressNginx,
                loadBalancerController: this.loadBalancerController.release,
            }, parent);
        }
        this.idp = new IdpApplication(`${name}-idp`, {
            ...args.idp,
            provider: this.cluster.provider,
            loadBalancerController: this.loadBalancerController?.release,
            ingressNginx: this.ingressNginx?.release,
            certManager: this.certManager?.release,
            tags,
        }, parent);
        this.registerOutputs({});
    }
}
