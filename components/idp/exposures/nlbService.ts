// The IdP's NLB: a LoadBalancer Service handled by the load balancer controller, TLS at the NLB.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { LoadBalancerScheme } from "../../addons/types";
import { LoadBalancerType } from "../dns";
import { nlbAnnotations } from "../loadBalancing";
import { ReadinessGate } from "../rolloutTimeout";
import { NLB_PORTS, NLB_SERVICE, idpService } from "../workload";
import { Exposure, ExposureContext, ExposureKind, ExposurePlan, k8sOptions, statusHostname } from "./types";


export interface NlbExposureArgs {
    scheme: LoadBalancerScheme;
    sourceRanges: string[];
    certificateArn: pulumi.Input<string>;
    loadBalancerController: pulumi.Resource;
}

/**
 * An NLB with ip targets in the scheme's subnets and client IPs preserved, so the clients themselves
 * reach the pods too; its target group's readiness gate is on every IdP pod; TLS from ACM at the NLB. Pure.
 */
export function planNlbService(scheme: LoadBalancerScheme, sourceRanges: string[]): ExposurePlan {
    return { kind: ExposureKind.NlbService, setting: "nlb", traffic: { loadBalancerScheme: scheme, clientCidrs: sourceRanges }, loadBalancerType: LoadBalancerType.Network, readinessGate: ReadinessGate.Nlb, acmCertificate: true };
}

export function exposeNlbService(ctx: ExposureContext, a: NlbExposureArgs): Exposure {
    const annotations = (arn: string) => nlbAnnotations({ scheme: a.scheme, certificateArn: arn, readinessPath: ctx.readinessPath, deregistrationDelaySeconds: ctx.rollout.deregistrationDelaySeconds });
    const spec = idpService(NLB_SERVICE, ctx.namespace, {
        type: "LoadBalancer",
        // Handled by the load balancer controller, never by the legacy in-tree controller.
        loadBalancerClass: "service.k8s.aws/nlb",
        loadBalancerSourceRanges: a.sourceRanges,
        ports: [...NLB_PORTS],
    }, annotations(""));
    const svc = new k8s.core.v1.Service(`${ctx.name}-svc-lb`, {
        ...spec,
        metadata: { ...spec.metadata, annotations: pulumi.output(a.certificateArn).apply(annotations) },
    }, k8sOptions(ctx, a.loadBalancerController));
    return {
        ...planNlbService(a.scheme, a.sourceRanges),
        resources: [svc],
        hostname: statusHostname(svc.status.loadBalancer.ingress),
        urls: [`https://${ctx.host}`],
    };
}
