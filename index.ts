// The idp-eks program: read and validate the stack's config, compose the platform, export outputs.
// Exported as a function so the offline synth and the tests can evaluate it more than once.
import * as pulumi from "@pulumi/pulumi";
import { loadConfig, platformArgs } from "./config";
import { IdpPlatform } from "./components/platform";

export = function idpEks() {
    const config = loadConfig();
    const platform = new IdpPlatform(config.clusterName, platformArgs(config));
    const { network, cluster, idp } = platform;
    return {
        vpcId: network.vpcId,
        vpcCidr: network.vpcCidr,
        publicSubnetIds: network.publicSubnetIds,
        publicSubnetCidrs: network.publicSubnetCidrs,
        privateSubnetIds: network.privateSubnetIds,
        privateSubnetCidrs: network.privateSubnetCidrs,
        clusterName: cluster.clusterName,
        kubeconfig: cluster.kubeconfig,
        oidcProviderArn: cluster.oidcProviderArn,
        oidcProviderUrl: cluster.oidcProviderUrl,
        clusterSecurityGroupId: cluster.clusterSecurityGroupId,
        nodeRoleArn: cluster.nodeRoleArn,
        region: pulumi.output(config.region),
        idpNamespace: idp.namespace,
        publicUrls: idp.publicUrls,
        loadBalancerHostname: idp.loadBalancerHostname,
        serviceFqdns: idp.serviceFqdns,
    };
};
