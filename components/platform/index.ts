import * as pulumi from "@pulumi/pulumi";
import { Cluster, ClusterArgs } from "../cluster";
import { Network, NetworkArgs } from "../network";

/** Cluster settings; the VPC and subnets come from the platform's network. */
export type PlatformClusterArgs = Omit<ClusterArgs, "vpcId" | "publicSubnetIds" | "privateSubnetIds">;

export interface IdpPlatformArgs {
    network: Omit<NetworkArgs, "clusterName" | "tags">;
    cluster: PlatformClusterArgs;
    /** Tags for every AWS resource the platform creates. */
    tags?: Record<string, string>;
}

/** The whole platform: network, then the EKS cluster in it. */
export class IdpPlatform extends pulumi.ComponentResource {
    public readonly network: Network;
    public readonly cluster: Cluster;

    constructor(name: string, args: IdpPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
        super("idp-eks:index:IdpPlatform", name, {}, opts);
        const tags = args.tags ?? {};
        this.network = new Network(`${name}-network`, { ...args.network, clusterName: args.cluster.clusterName, tags }, { parent: this });
        this.cluster = new Cluster(`${name}-cluster`, {
            ...args.cluster,
            vpcId: this.network.vpcId,
            publicSubnetIds: this.network.publicSubnetIds,
            privateSubnetIds: this.network.privateSubnetIds,
            tags,
        }, { parent: this });
        this.registerOutputs({});
    }
}
