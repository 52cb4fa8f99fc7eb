import * as assert from "node:assert/strict";
import { DEFAULT_DEPLOYMENT_AWAIT_SECONDS, GATE_TIMING, POD_SCHEDULING_SECONDS, ReadinessGate, RolloutAwaitArgs, deploymentAwaitSeconds } from "../../../components/idp/rolloutTimeout";
import { Evaluation, RecordedResource } from "../../../offline/mockCloud";
import { evaluateStack, only, shippedStack } from "../../harness";

/**
 * The slowest rollout that still succeeds: every pod uses its whole startup probe budget, then each
 * readiness gate takes registration plus healthyThreshold passing checks. With maxUnavailable 0 the
 * Deployment controller surges maxSurge pods at a time and removes old ones only once they are
 * ready (Kubernetes docs, Deployments, "Rolling Update Deployment"), so the waves run one after another.
 */
function slowestLegitimateRollout(a: RolloutAwaitArgs): number {
    let elapsed = 0;
    for (let replaced = 0; replaced < a.maxReplicas; replaced += a.maxSurge) {
        const started = POD_SCHEDULING_SECONDS + a.startupFailureThreshold * a.probePeriodSeconds + a.probePeriodSeconds;
        const gated = Math.max(0, ...a.gates.map((g) => GATE_TIMING[g].registrationSeconds + GATE_TIMING[g].healthyThreshold * GATE_TIMING[g].intervalSeconds));
        elapsed += started + gated;
    }
    return elapsed + a.terminationGracePeriodSeconds;
}

const prodLike: RolloutAwaitArgs = {
    maxReplicas: 9, maxSurge: 1, probePeriodSeconds: 10, startupFailureThreshold: 30,
    gates: [ReadinessGate.Alb, ReadinessGate.Nlb], preStopSleepSeconds: 40, terminationGracePeriodSeconds: 75, deregistrationDelaySeconds: 30,
};
const awaitOf = (r: RecordedResource) => r.customTimeouts;

describe("idp: the Deployment's await timeout", () => {
    it("outlasts the slowest legitimate rollout for every replica count, gate set and timing, and never undercuts pulumi-kubernetes' 10 minutes", () => {
        for (const maxReplicas of [1, 2, 3, 9, 20, 50]) {
            for (const gates of [[], [ReadinessGate.Alb], [ReadinessGate.Nlb], [ReadinessGate.Alb, ReadinessGate.Nlb]]) {
                for (const [preStop, grace, dereg] of [[5, 30, 0], [40, 75, 30], [300, 600, 290]]) {
                    const a = { ...prodLike, maxReplicas, gates, preStopSleepSeconds: preStop, terminationGracePeriodSeconds: grace, deregistrationDelaySeconds: dereg };
                    const t = deploymentAwaitSeconds(a);
                    assert.ok(t >= slowestLegitimateRollout(a), `${JSON.stringify(a)}: ${t}s < ${slowestLegitimateRollout(a)}s`);
                    assert.ok(t >= DEFAULT_DEPLOYMENT_AWAIT_SECONDS);
                    assert.equal(t % 60, 0, "whole minutes");
                }
            }
        }
    });

    it("grows with the replicas a rollout replaces and shrinks with a larger surge", () => {
        const t = (over: Partial<RolloutAwaitArgs>) => deploymentAwaitSeconds({ ...prodLike, ...over });
        assert.ok(t({ maxReplicas: 18 }) > t({ maxReplicas: 9 }));
        assert.ok(t({ maxSurge: 3 }) < t({ maxSurge: 1 }));
        assert.ok(t({ gates: [ReadinessGate.Nlb] }) > t({ gates: [] }));
    });

    it("worst case shipped: prod at the autoscaler's maximum with ALB and NLB gates waits far past the 10-minute default", async () => {
        // prod: idpAutoscaleMaxReplicas 9, one pod at a time, ALB and NLB readiness gates on every pod.
        const prod: Evaluation = await shippedStack("prod");
        const deployment = only(prod.resources, "kubernetes:apps/v1:Deployment");
        const seconds = deploymentAwaitSeconds(prodLike);
        assert.ok(seconds >= slowestLegitimateRollout(prodLike) && seconds > DEFAULT_DEPLOYMENT_AWAIT_SECONDS);
        assert.deepEqual(awaitOf(deployment), { create: `${seconds}s`, update: `${seconds}s` });
        // More pods to replace: a longer wait.
        const bigger = await evaluateStack("prod", { "idp-eks:idpAutoscaleMaxReplicas": 30 });
        const longer = Number(awaitOf(only(bigger.resources, "kubernetes:apps/v1:Deployment"))!.update!.replace(/s$/, ""));
        assert.ok(longer >= slowestLegitimateRollout({ ...prodLike, maxReplicas: 30 }));
    });

    it("dev: no readiness gates (the NGINX Ingress targets ingress-nginx, not the IdP pods), still sized from its replicas", async () => {
        const dev: Evaluation = await shippedStack("dev");
        const dep = only(dev.resources, "kubernetes:apps/v1:Deployment");
        const seconds = deploymentAwaitSeconds({ ...prodLike, maxReplicas: 2, gates: [] });
        assert.deepEqual(awaitOf(dep), { create: `${seconds}s`, update: `${seconds}s` });
    });

    it("the ALB Gateway's target group gates the pods like the ALB Ingress's (LBC v3.5.0 readiness gates cover Gateway target groups)", async () => {
        const gateway = await evaluateStack("prod", { "idp-eks:idpIngress": "gateway", "idp-eks:idpNlb": false });
        const seconds = deploymentAwaitSeconds({ ...prodLike, gates: [ReadinessGate.Alb] });
        assert.notEqual(seconds, deploymentAwaitSeconds({ ...prodLike, gates: [] }), "the gate must count");
        assert.deepEqual(awaitOf(only(gateway.resources, "kubernetes:apps/v1:Deployment")), { create: `${seconds}s`, update: `${seconds}s` });
    });
});
