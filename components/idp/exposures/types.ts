// What every IdP exposure module returns, and what it is given.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { LoadBalancerScheme } from "../../addons/types";
import { LoadBalancerType } from "../dns";
import { RolloutTiming } from "../loadBalancing";

/** Who sends the exposure's traffic to the IdP pods: the NetworkPolicy intent of one exposure. */
export interface ExposureTraffic {
    /** A load balancer with ip targets reaches the pods from its subnets, chosen by its scheme. */
    loadBalancerScheme?: LoadBalancerScheme;
    /** Clients the load balancer passes through with their own addresses (NLB client IP preservation). */
    clientCidrs?: string[];
    /** The ingress-nginx controller pods proxy the traffic. */
    viaIngressNginx?: boolean;
}

/** One way the IdP is reachable from outside the cluster. */
export interface Exposure {
    /** The objects it created (for dependencies and tests). */
    resources: pulumi.Resource[];
    /** The load balancer's DNS name, from the status of an object this program creates (never a read). */
    hostname: pulumi.Output<string | undefined>;
    /** The kind of load balancer behind `hostname`, which decides the alias record's hosted zone. */
    loadBalancerType: LoadBalancerType;
    /** Whether the load balancer also answers over IPv6 (then the DNS record gets an AAAA alias too). */
    dualStack: boolean;
    /** https URLs it serves. */
    urls: string[];
    traffic: ExposureTraffic;
}

/** What an exposure module is given by the IdpApplication that composes it. */
export interface ExposureContext {
    /** The IdpApplication's name: resource names are derived from it, unchanged from before the split. */
    name: string;
    parent: pulumi.Resource;
    provider: k8s.Provider;
    namespace: string;
    /** The Namespace resource: every namespaced object waits for it. */
    namespaceResource: pulumi.Resource;
    host: string;
    readinessPath: string;
    rollout: RolloutTiming;
}

/** Options for a Kubernetes object of the exposure that waits for `deps` (and the namespace). */
export function k8sOptions(ctx: ExposureContext, ...deps: (pulumi.Resource | undefined)[]): pulumi.CustomResourceOptions {
    return { parent: ctx.parent, provider: ctx.provider, dependsOn: [ctx.namespaceResource, ...deps.filter((d): d is pulumi.Resource => !!d)] };
}

/** The first load balancer host name of an Ingress or Service status. */
export const statusHostname = (ingress: pulumi.Output<{ hostname?: string }[] | undefined>) => ingress.apply((i) => i?.[0]?.hostname);
