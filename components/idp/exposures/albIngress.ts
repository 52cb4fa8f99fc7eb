// The IdP's ALB Ingress (class alb), TLS from ACM at the ALB.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { LoadBalancerScheme } from "../../addons/types";
import { LoadBalancerType } from "../dns";
import { albIngress } from "../ingress";
import { albAnnotations } from "../loadBalancing";
import { ReadinessGate } from "../rolloutTimeout";
import { Exposure, ExposureContext, ExposureKind, ExposurePlan, k8sOptions, statusHostname } from "./types";

export interface AlbIngressExposureArgs {
    scheme: LoadBalancerScheme;
    groupName?: string;
    certificateArn: pulumi.Input<string>;
    loadBalancerController: pulumi.Resource;
}

/**
 * An ALB with ip targets: it reaches the pods from the subnets its scheme puts it in, and its
 * target group's readiness gate is on every IdP pod; TLS from ACM at the ALB. Pure.
 */
export function planAlbIngress(scheme: LoadBalancerScheme): ExposurePlan {
    return { kind: ExposureKind.AlbIngress, setting: "alb", traffic: { loadBalancerScheme: scheme }, loadBalancerType: LoadBalancerType.Application, readinessGate: ReadinessGate.Alb, acmCertificate: true };
}

export function exposeAlbIngress(ctx: ExposureContext, a: AlbIngressExposureArgs): Exposure {
    const annotations = (arn: string) => albAnnotations({
        scheme: a.scheme, certificateArn: arn, readinessPath: ctx.readinessPath, deregistrationDelaySeconds: ctx.rollout.deregistrationDelaySeconds, groupName: a.groupName,
    });
    const spec = albIngress(ctx.namespace, ctx.host, annotations(""));
    const ingress = new k8s.networking.v1.Ingress(`${ctx.name}-ingress`, {
        ...spec,
        metadata: { ...spec.metadata, annotations: pulumi.output(a.certificateArn).apply(annotations) },
    }, k8sOptions(ctx, a.loadBalancerController));
    return {
        ...planAlbIngress(a.scheme),
        resources: [ingress],
        hostname: statusHostname(ingress.status.loadBalancer.ingress),
        urls: [`https://${ctx.host}`],
    };
}
