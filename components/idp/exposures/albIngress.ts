// The IdP's ALB Ingress (class alb), TLS from ACM at the ALB.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { LoadBalancerScheme } from "../../addons/types";
import { LoadBalancerType } from "../dns";
import { albIngress } from "../ingress";
import { albAnnotations } from "../loadBalancing";
import { Exposure, ExposureContext, ExposureTraffic, k8sOptions } from "./types";

export interface AlbIngressExposureArgs {
    scheme: LoadBalancerScheme;
    groupName?: string;
    certificateArn: pulumi.Input<string>;
    loadBalancerController: pulumi.Resource;
}

/** ip targets: the ALB reaches the pods from the subnets its scheme puts it in. Pure. */
export function albTraffic(scheme: LoadBalancerScheme): ExposureTraffic {
    return { loadBalancerScheme: scheme };
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
        resources: [ingress],
        hostname: ingress.status.loadBalancer.ingress.apply((i) => i?.[0]?.hostname),
        loadBalancerType: LoadBalancerType.Application,
        dualStack: false,
        urls: [`https://${ctx.host}`],
        traffic: albTraffic(a.scheme),
    };
}
