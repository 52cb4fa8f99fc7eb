// Pure builders for how load balancers reach the IdP: NLB Service and ALB Ingress annotations, and
// the zero-downtime rollout invariant they depend on.
import { LoadBalancerScheme } from "../addons/types";

/** AWS's TLS 1.3 policy (TLS 1.2 kept for older clients); the controller's default is 2016-08. */
export const TLS13_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

export interface RolloutTiming {
    /** Target group deregistration delay: in-flight requests get this long once a target is draining. */
    deregistrationDelaySeconds: number;
    /** preStop sleep: the pod keeps serving while the load balancer stops sending it new requests. */
    preStopSleepSeconds: number;
    terminationGracePeriodSeconds: number;
}

/** Problems with the invariant deregistration delay < preStop sleep < grace period (empty when it holds). */
export function rolloutProblems(t: RolloutTiming): string[] {
    const problems: string[] = [];
    if (!(t.deregistrationDelaySeconds < t.preStopSleepSeconds)) {
        problems.push(`deregistration delay ${t.deregistrationDelaySeconds}s must be shorter than the preStop sleep ${t.preStopSleepSeconds}s, or the load balancer still sends requests to a pod that is shutting down`);
    }
    if (!(t.preStopSleepSeconds < t.terminationGracePeriodSeconds)) {
        problems.push(`preStop sleep ${t.preStopSleepSeconds}s must be shorter than terminationGracePeriodSeconds ${t.terminationGracePeriodSeconds}s, or the pod is killed before it can shut down gracefully`);
    }
    return problems;
}

const SVC = "service.beta.kubernetes.io/aws-load-balancer-";

export interface NlbArgs {
    scheme: LoadBalancerScheme;
    certificateArn: string;
    readinessPath: string;
    deregistrationDelaySeconds: number;
}

/**
 * Annotations of the IdP's NLB Service (the class is set in spec.loadBalancerClass): ip targets,
 * TLS terminated at the NLB on 443 only with the TLS 1.3 policy, HTTP health checks on the
 * readiness path, and client IPs preserved as a target-group attribute (externalTrafficPolicy has
 * no effect on ip targets).
 */
export function nlbAnnotations(a: NlbArgs): Record<string, string> {
    return {
        [`${SVC}scheme`]: a.scheme,
        [`${SVC}nlb-target-type`]: "ip",
        [`${SVC}ssl-cert`]: a.certificateArn,
        [`${SVC}ssl-ports`]: "443",
        [`${SVC}ssl-negotiation-policy`]: TLS13_POLICY,
        [`${SVC}backend-protocol`]: "tcp",
        [`${SVC}healthcheck-protocol`]: "http",
        [`${SVC}healthcheck-path`]: a.readinessPath,
        [`${SVC}healthcheck-port`]: "traffic-port",
        [`${SVC}attributes`]: "load_balancing.cross_zone.enabled=true",
        [`${SVC}target-group-attributes`]: `deregistration_delay.timeout_seconds=${a.deregistrationDelaySeconds},preserve_client_ip.enabled=true`,
    };
}

const ALB = "alb.ingress.kubernetes.io/";

export interface AlbArgs {
    scheme: LoadBalancerScheme;
    certificateArn: string;
    readinessPath: string;
    deregistrationDelaySeconds: number;
    groupName?: string;
}

/** Annotations of the IdP's ALB Ingress: ip targets, HTTP 80 redirected to HTTPS 443, ACM, TLS 1.3. */
export function albAnnotations(a: AlbArgs): Record<string, string> {
    return {
        [`${ALB}scheme`]: a.scheme,
        [`${ALB}target-type`]: "ip",
        // ssl-redirect only works when the HTTP listener exists.
        [`${ALB}listen-ports`]: JSON.stringify([{ HTTP: 80 }, { HTTPS: 443 }]),
        [`${ALB}ssl-redirect`]: "443",
        [`${ALB}certificate-arn`]: a.certificateArn,
        [`${ALB}ssl-policy`]: TLS13_POLICY,
        [`${ALB}healthcheck-path`]: a.readinessPath,
        [`${ALB}healthcheck-port`]: "traffic-port",
        [`${ALB}success-codes`]: "200",
        [`${ALB}target-group-attributes`]: `deregistration_delay.timeout_seconds=${a.deregistrationDelaySeconds}`,
        ...(a.groupName ? { [`${ALB}group.name`]: a.groupName } : {}),
    };
}
