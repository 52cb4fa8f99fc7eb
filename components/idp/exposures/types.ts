// What every IdP exposure module declares, returns, and is given.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { LoadBalancerScheme } from "../../addons/types";
import { PeerPods } from "../../networkPolicy/generator";
import { LoadBalancerType } from "../dns";
import { RolloutTiming } from "../loadBalancing";
import { ReadinessGate } from "../rolloutTimeout";

/** The IdP's four exposures, one module each. */
export enum ExposureKind {
    NginxIngress = "nginxIngress",
    AlbIngress = "albIngress",
    AlbGateway = "albGateway",
    NlbService = "nlbService",
}

/** Who sends the exposure's traffic to the IdP pods: the NetworkPolicy intent of one exposure. */
export interface ExposureTraffic {
    /** A load balancer with ip targets reaches the pods from its subnets, chosen by its scheme. */
    loadBalancerScheme?: LoadBalancerScheme;
    /** Clients the load balancer passes through with their own addresses (NLB client IP preservation). */
    clientCidrs?: string[];
    /** The proxy pods (ingress-nginx's controller) that send every request, and solve HTTP-01 challenges. */
    proxy?: PeerPods;
}

/**
 * What an exposure is, known from its settings alone, before any resource exists: the
 * NetworkPolicies (created first) and the Deployment's await timeout are derived from it.
 */
export interface ExposurePlan {
    kind: ExposureKind;
    /** The IdpSettings field holding its settings, as messages name it (`alb.scheme`). */
    setting: "nginx" | "alb" | "nlb";
    traffic: ExposureTraffic;
    /** The kind of load balancer behind its host name, which decides the alias record's hosted zone. */
    loadBalancerType: LoadBalancerType;
    /** The pod readiness gate its load balancer puts on every IdP pod (ip targets on the IdP pods). */
    readinessGate?: ReadinessGate;
    /** TLS ends at the load balancer with an ACM certificate (given, or created in the hosted zone). */
    acmCertificate: boolean;
}

/** One way the IdP is reachable from outside the cluster: its plan, and what it created. */
export interface Exposure extends ExposurePlan {
    /** The objects it created (for dependencies and tests). */
    resources: pulumi.Resource[];
    /** The load balancer's DNS name, from the status of an object this program creates (never a read). */
    hostname: pulumi.Output<string | undefined>;
    /** https URLs it serves. */
    urls: string[];
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
