// The idp-eks program: read and validate the stack's config, compose the platform, export outputs.
// Exported as a function so the offline synth and the tests can evaluate it more than once.
import * as pulumi from "@pulumi/pulumi";
import { loadConfig, platformArgs } from "./config";
import { IdpPlatform } from "./components/platform";
import { IngressKind } from "./components/idp/types";
import { lifecycleWarnings } from "./components/cluster/versions";
import { lifecycleToday } from "./config/today";
import pricing from "./components/cluster/eks-pricing.json";

export = function idpEks() {
    const config = loadConfig();
    // Shown by preview and up: extended support, or the end of standard support within 90 days.
    const prices = { standardHourly: pricing.eksControlPlaneHourly.standard, extendedHourly: pricing.eksControlPlaneHourly.extended };
    for (const w of lifecycleWarnings(config.kubernetesVersion, config.supportType, lifecycleToday(), prices)) void pulumi.log.warn(w);
    const p = new IdpPlatform(config.clusterName, platformArgs(config));
    // The record the user must create exists only without a hosted zone and with a load balancer;
    // an output that is always undefined would make every preview warn about it.
    const exposed = config.idpIngress !== IngressKind.None || config.idpNlb;
    const manualDns = !config.route53HostedZoneId && exposed ? { requiredDnsRecord: p.requiredDnsRecord } : {};
    return {
        vpcId: p.vpcId,
        vpcCidr: p.vpcCidr,
        publicSubnetIds: p.publicSubnetIds,
        publicSubnetCidrs: p.publicSubnetCidrs,
        privateSubnetIds: p.privateSubnetIds,
        privateSubnetCidrs: p.privateSubnetCidrs,
        intraSubnetIds: p.intraSubnetIds,
        intraSubnetCidrs: p.intraSubnetCidrs,
        clusterName: p.clusterName,
        kubeconfig: p.kubeconfig,
        oidcProviderArn: p.oidcProviderArn,
        oidcProviderUrl: p.oidcProviderUrl,
        clusterSecurityGroupId: p.clusterSecurityGroupId,
        nodeRoleArn: p.nodeRoleArn,
        clusterCreatorArn: p.clusterCreatorArn,
        region: pulumi.output(config.region),
        idpNamespace: p.idpNamespace,
        publicUrls: p.publicUrls,
        ...(exposed ? { loadBalancerHostname: p.loadBalancerHostname } : {}),
        ...manualDns,
        serviceFqdns: p.serviceFqdns,
    };
};
