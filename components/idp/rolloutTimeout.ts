// How long Pulumi waits for the IdP's Deployment: derived from the rollout it has to sit through
// (pure; unit-tested directly).

/**
 * pulumi-kubernetes fails a Deployment that is not ready after 10 minutes unless customTimeouts
 * says otherwise (@pulumi/kubernetes apps/v1 Deployment: "If the Deployment has not reached a
 * Ready state after 10 minutes, it will time out ... override the default timeout value by
 * setting the 'customTimeouts' option on the resource").
 */
export const DEFAULT_DEPLOYMENT_AWAIT_SECONDS = 600;

/** The load balancers whose pod readiness gates each new pod must pass (ip targets, gate injection on). */
export enum ReadinessGate {
    Alb = "alb",
    Nlb = "nlb",
}

/**
 * Time a target needs to turn healthy behind each load balancer, with the health check settings the
 * IdP leaves at the controller's defaults: registration, then `healthyThreshold` passing checks
 * `interval` apart. Controller defaults (aws-load-balancer-controller docs): NLB Service
 * `healthcheck-interval` 10 s, `healthcheck-healthy-threshold` 3 (guide/service/annotations.md);
 * ALB Ingress `healthcheck-interval-seconds` 15, `healthy-threshold-count` 2
 * (guide/ingress/annotations.md). Registration: an NLB takes minutes to register a target and
 * start checking it ("it can take a few minutes for the registration process to complete and
 * health checks to start", ELB docs, Network Load Balancers, Register targets); an ALB seconds.
 */
export const GATE_TIMING: Record<ReadinessGate, { registrationSeconds: number; intervalSeconds: number; healthyThreshold: number }> = {
    [ReadinessGate.Alb]: { registrationSeconds: 60, intervalSeconds: 15, healthyThreshold: 2 },
    [ReadinessGate.Nlb]: { registrationSeconds: 180, intervalSeconds: 10, healthyThreshold: 3 },
};

/** Scheduling, and pulling the image onto a node that has not got it yet. */
export const POD_SCHEDULING_SECONDS = 120;

export interface RolloutAwaitArgs {
    /** The most pods a rollout replaces: the replica count, or the autoscaler's maximum. */
    maxReplicas: number;
    /** New pods created at once (maxUnavailable is 0: old pods go only once new ones are ready). */
    maxSurge: number;
    probePeriodSeconds: number;
    /** Failed startup probes tolerated: a slow start may legitimately take them all. */
    startupFailureThreshold: number;
    /** The readiness gates every new pod waits for; they are checked concurrently. */
    gates: ReadinessGate[];
    preStopSleepSeconds: number;
    terminationGracePeriodSeconds: number;
    deregistrationDelaySeconds: number;
}

/**
 * The longest a legitimate rollout takes, in seconds, and never less than pulumi-kubernetes'
 * default. With maxUnavailable 0 a rollout runs in ceil(maxReplicas / maxSurge) waves; each wave's
 * new pods are scheduled, start (up to the whole startup probe budget), turn ready (one readiness
 * period), then pass every readiness gate (concurrently, so the slowest counts). The last old pods
 * then drain: preStop sleep and deregistration both end within the grace period. Rounded up to a
 * whole minute.
 */
export function deploymentAwaitSeconds(a: RolloutAwaitArgs): number {
    const waves = Math.ceil(a.maxReplicas / Math.max(1, a.maxSurge));
    const podReady = POD_SCHEDULING_SECONDS + a.startupFailureThreshold * a.probePeriodSeconds + a.probePeriodSeconds;
    const gates = Math.max(0, ...a.gates.map((g) => GATE_TIMING[g].registrationSeconds + GATE_TIMING[g].healthyThreshold * GATE_TIMING[g].intervalSeconds));
    const drain = Math.max(a.terminationGracePeriodSeconds, a.preStopSleepSeconds, a.deregistrationDelaySeconds);
    const total = waves * (podReady + gates) + drain;
    return Math.max(DEFAULT_DEPLOYMENT_AWAIT_SECONDS, Math.ceil(total / 60) * 60);
}
