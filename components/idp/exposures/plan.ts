// Which exposures the IdP's settings choose, each planned by its own module. Pure.
import { LoadBalancerScheme } from "../../addons/types";
import { IngressKind } from "../types";
import { planAlbGateway } from "./albGateway";
import { planAlbIngress } from "./albIngress";
import { planNginxIngress } from "./nginxIngress";
import { planNlbService } from "./nlbService";
import { ExposurePlan } from "./types";

/** The part of the IdP's settings that chooses its exposures. */
export interface ExposureChoice {
    ingress: IngressKind;
    alb?: { scheme: LoadBalancerScheme };
    nlb?: { scheme: LoadBalancerScheme; sourceRanges: string[] };
}

/**
 * The plans of the chosen exposures, in order: the layer-7 entry first (the public host points at
 * it), then the NLB. An ALB exposure without `alb` settings cannot be planned and is left out; the
 * IdpApplication refuses it before planning. Pure.
 */
export function planExposures(c: ExposureChoice): ExposurePlan[] {
    const plans: ExposurePlan[] = [];
    switch (c.ingress) {
        case IngressKind.Nginx:
            plans.push(planNginxIngress());
            break;
        case IngressKind.Alb:
            if (c.alb) plans.push(planAlbIngress(c.alb.scheme));
            break;
        case IngressKind.Gateway:
            if (c.alb) plans.push(planAlbGateway(c.alb.scheme));
            break;
        case IngressKind.None:
            break;
    }
    if (c.nlb) plans.push(planNlbService(c.nlb.scheme, c.nlb.sourceRanges));
    return plans;
}

/** ACM RequestCertificate DomainName: at most 64 characters (the certificate's common name, RFC 5280 ub-common-name). */
export const ACM_DOMAIN_NAME_MAX = 64;

/**
 * Whether the IdP requests its own ACM certificate: a chosen exposure terminates TLS on an AWS load
 * balancer, no certificate is given, and the hosted zone can validate a new one.
 */
export function requestsAcmCertificate(plans: readonly ExposurePlan[], given: { certificateArn?: unknown; route53HostedZoneId?: unknown }): boolean {
    return plans.some((p) => p.acmCertificate) && !given.certificateArn && !!given.route53HostedZoneId;
}
