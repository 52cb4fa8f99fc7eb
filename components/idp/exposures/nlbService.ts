// The IdP's NLB: a LoadBalancer Service handled by the load balancer controller, TLS at the NLB.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { LoadBalancerScheme } from "../../addons/types";
import { LoadBalancerType } from "../dns";
import { nlbAnnotations } from "../loadBalancing";
import { IDP_NAME, idpService } from "../workload";
import { Exposure, ExposureContext, ExposureTraffic, k8sOptions } from "./types";

export const NLB_SERVICE = `${IDP_NAME}-lb`;

export interface NlbExposureArgs {
    scheme: LoadBalancerScheme;
    sourceRanges: string[];
    certificateArn: pulumi.Input<string>;
    loadBalancerController: pulumi.Resource;
}

/** ip targets in the scheme's subnets; client IPs preserved, so the clients themselves reach the pods. Pure. */
export function nlbTraffic(scheme: LoadBalancerScheme, sourceRanges: string[]): ExposureTraffic {
    return { loadBalancerScheme: scheme, clientCidrs: sourceRanges };
}

export function exposeNlbService(ctx: ExposureContext, a: NlbExposureArgs): Exposure {
    const annotations = (arn: string) => nlbAnnotations({ scheme: a.scheme, certificateArn: arn, readinessPath: ctx.readinessPath, deregistrationDelaySeconds: ctx.rollout.deregistrationDelaySeconds });
    const spec = idpService(NLB_SERVICE, ctx.namespace, {
        type: "LoadBalancer",
        // Handled by the load balancer controller, never by the legacy in-tree controller.
        loadBalancerClass: "service.k8s.aws/nlb",
        loadBalancerSourceRanges: a.sourceRanges,
        ports: [{ name: "https", port: 443, targetPort: "http" }],
    }, annotations(""));
    const svc = new k8s.core.v1.Service(`${ctx.name}-svc-lb`, {
        ...spec,
        metadata: { ...spec.metadata, annotations: pulumi.output(a.certificateArn).apply(annotations) },
    }, k8sOptions(ctx, a.loadBalancerController));
    return {
        resources: [svc],
        hostname: svc.status.loadBalancer.ingress.apply((i) => i?.[0]?.hostname),
        loadBalancerType: LoadBalancerType.Network,
        dualStack: false,
        urls: [`https://${ctx.host}`],
        traffic: nlbTraffic(a.scheme, a.sourceRanges),
    };
}
