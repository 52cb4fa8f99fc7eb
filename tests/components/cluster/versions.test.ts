// The EKS version lifecycle rules, with "today" injected. Dates: the EKS user guide's release
// calendar (components/cluster/eks-versions.json cites it).
import * as assert from "node:assert/strict";
import { SupportStatus, SupportType, lifecycleWarnings, supportStatus, versionProblems } from "../../../components/cluster";

const day = (d: string) => new Date(`${d}T00:00:00Z`);
const prices = { standardHourly: 0.1, extendedHourly: 0.6 };
const dev = [{ versionKey: "loadBalancerControllerVersion" as const, chartVersion: "3.5.0" }, { versionKey: "certManagerVersion" as const, chartVersion: "v1.21.1" }, { versionKey: "ingressNginxVersion" as const, chartVersion: "4.15.1" }];

describe("cluster: EKS version lifecycle", () => {
    it("puts a version in extended support from the start of its end-of-standard-support day (UTC) and retires it at the end of extended support", () => {
        // 1.34: standard support ends 2026-12-02, extended 2027-12-02.
        assert.equal(supportStatus("1.34", new Date("2026-12-01T23:59:59Z")), SupportStatus.Standard);
        assert.equal(supportStatus("1.34", day("2026-12-02")), SupportStatus.Extended);
        assert.equal(supportStatus("1.34", new Date("2027-12-01T23:59:59Z")), SupportStatus.Extended);
        assert.equal(supportStatus("1.34", day("2027-12-02")), SupportStatus.Retired);
        assert.equal(supportStatus("1.36", day("2026-12-05")), SupportStatus.Unknown);
    });

    it("refuses a version EKS no longer supports (1.31 left extended support on 2026-11-26)", () => {
        const problems = versionProblems("1.31", SupportType.Extended, [], day("2026-12-05"), prices);
        assert.equal(problems.length, 1);
        assert.equal(problems[0].key, "kubernetesVersion");
        assert.match(problems[0].message, /"1\.31" left EKS extended support on 2026-11-26: EKS no longer supports it; use one of 1\.35, 1\.34, 1\.33, 1\.32/);
        // The day before, it was still supported (in extended support).
        assert.deepEqual(versionProblems("1.31", SupportType.Extended, [], day("2026-11-25"), prices), []);
    });

    it("refuses a version in extended support with supportType STANDARD, naming both keys (EKS cannot leave extended support once in it)", () => {
        const [problem] = versionProblems("1.34", SupportType.Standard, [], day("2026-12-05"), prices);
        assert.equal(problem.key, "kubernetesVersion");
        assert.match(problem.message, /"1\.34" is in EKS extended support since 2026-12-02, which idp-eks:supportType STANDARD refuses .* upgrade to 1\.35, or set idp-eks:supportType EXTENDED \(\$0\.60\/hour instead of \$0\.10\)/);
        assert.deepEqual(versionProblems("1.34", SupportType.Extended, [], day("2026-12-05"), prices), []);
    });

    it("refuses a version outside an enabled chart's range, naming both keys: ingress-nginx 4.15.1 is tested on 1.31-1.35, cert-manager 1.21 supports 1.33-1.36", () => {
        const today = day("2026-12-05");
        assert.deepEqual(versionProblems("1.35", SupportType.Standard, dev, today, prices), [], "1.35 suits every chart dev enables");
        const at132 = versionProblems("1.32", SupportType.Extended, dev, today, prices);
        assert.deepEqual(at132.map((p) => p.key), ["kubernetesVersion"]);
        assert.match(at132[0].message, /"1\.32" is outside the Kubernetes versions idp-eks:certManagerVersion v1\.21\.1 supports \(1\.33-1\.36\)/);
        // A version newer than the calendar is refused for that, and for ingress-nginx's range.
        const at136 = versionProblems("1.36", SupportType.Standard, dev, today, prices).map((p) => p.message);
        assert.match(at136[0], /"1\.36" is not in the EKS support calendar/);
        assert.match(at136[1], /outside the Kubernetes versions idp-eks:ingressNginxVersion 4\.15\.1 supports \(1\.31-1\.35\)/);
        assert.match(versionProblems("1.35", SupportType.Standard, [{ versionKey: "ingressNginxVersion", chartVersion: "4.16.0" }], today, prices)[0].message, /"4\.16\.0" has no known supported Kubernetes range/);
        // cert-manager states support per minor release: a patch release inherits it.
        assert.deepEqual(versionProblems("1.36", SupportType.Standard, [{ versionKey: "certManagerVersion", chartVersion: "v1.21.4" }], today, prices).map((p) => p.key), ["kubernetesVersion"], "only the calendar refuses 1.36");
    });

    it("warns when standard support ends within 90 days, and in extended support with its price", () => {
        // 1.35 leaves standard support on 2027-03-27: 90 days before is 2026-12-27.
        assert.deepEqual(lifecycleWarnings("1.35", SupportType.Standard, day("2026-12-26"), prices), []);
        const soon = lifecycleWarnings("1.35", SupportType.Standard, day("2026-12-27"), prices);
        assert.deepEqual(soon, ["Kubernetes 1.35 leaves EKS standard support on 2027-03-27 (in 90 days): supportType STANDARD then has EKS upgrade the control plane alone (nodes and add-ons stay behind); raise kubernetesVersion once a newer version is in the calendar."]);
        const extended = lifecycleWarnings("1.34", SupportType.Extended, day("2026-12-05"), prices);
        assert.deepEqual(extended, ["Kubernetes 1.34 is in EKS extended support since 2026-12-02: the control plane bills $0.60/hour, about $438.00/month instead of $73.00, until 2027-12-02, when EKS upgrades it itself; raise kubernetesVersion to 1.35."]);
    });

    it("states the extended-support price whenever supportType EXTENDED is asked for", () => {
        const [warning] = lifecycleWarnings("1.35", SupportType.Extended, day("2026-12-05"), prices);
        assert.match(warning, /supportType EXTENDED: when Kubernetes 1\.35 leaves standard support on 2027-03-27, the control plane stays on it at \$0\.60\/hour, about \$438\.00\/month instead of \$73\.00/);
    });
});

describe("program: lifecycle warnings at preview", () => {
    it("warns through pulumi.log.warn on the injected date (IDP_EKS_TODAY), never in the synth files", async () => {
        const { evaluateStack, TEST_TODAY } = await import("../../harness");
        const quiet = await evaluateStack("prod");
        assert.deepEqual(quiet.warnings.filter((w) => w.includes("Kubernetes")), [], `nothing to say on ${TEST_TODAY}`);
        process.env.IDP_EKS_TODAY = "2027-01-15";
        try {
            const late = await evaluateStack("prod");
            assert.deepEqual(late.warnings.filter((w) => w.includes("Kubernetes")), [
                "Kubernetes 1.35 leaves EKS standard support on 2027-03-27 (in 71 days): supportType STANDARD then has EKS upgrade the control plane alone (nodes and add-ons stay behind); raise kubernetesVersion once a newer version is in the calendar.",
            ]);
        } finally {
            process.env.IDP_EKS_TODAY = TEST_TODAY;
        }
    });
});

describe("config: the lifecycle's today", () => {
    it("is IDP_EKS_TODAY when set (tests, reproducible runs), the clock otherwise, and refuses a malformed date", async () => {
        const { lifecycleToday } = await import("../../../config/today");
        assert.equal(lifecycleToday({ IDP_EKS_TODAY: "2027-01-15" }).toISOString(), "2027-01-15T00:00:00.000Z");
        assert.ok(Math.abs(lifecycleToday({}).getTime() - Date.now()) < 60_000);
        assert.throws(() => lifecycleToday({ IDP_EKS_TODAY: "15/01/2027" }), /IDP_EKS_TODAY="15\/01\/2027" is not a date \(expected YYYY-MM-DD\)/);
    });
});
