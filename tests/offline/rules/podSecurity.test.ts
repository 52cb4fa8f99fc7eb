import * as assert from "node:assert/strict";
import { checksFor, evaluatePod, namespacePolicy } from "../../../offline/rules/podSecurity";

// Pods that pass restricted, then broken one field at a time: each must fail exactly the upstream
// check named (kubernetes/pod-security-admission policy/check_*.go).
const restrictedPod = () => ({
    securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } },
    containers: [{ name: "app", image: "x:1", securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true } }],
    volumes: [{ name: "tmp", emptyDir: {} }],
});
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Pod = any;
const ids = (level: "baseline" | "restricted", pod: Pod, version: [number, number] = [1, 34]) => evaluatePod(level, version, {}, pod).map((v) => v.check);

describe("offline rules: Pod Security Admission (ported from kubernetes/pod-security-admission)", () => {
    it("passes a pod built to the restricted profile", () => {
        assert.deepEqual(ids("restricted", restrictedPod()), []);
    });

    const broken: [string, (p: Pod) => void, "baseline" | "restricted"][] = [
        ["hostNamespaces", (p) => (p.hostNetwork = true), "baseline"],
        ["privileged", (p) => (p.containers[0].securityContext.privileged = true), "baseline"],
        ["capabilities_baseline", (p) => (p.containers[0].securityContext.capabilities = { add: ["SYS_ADMIN"] }), "baseline"],
        ["hostPathVolumes", (p) => p.volumes.push({ name: "h", hostPath: { path: "/" } }), "baseline"],
        ["hostPorts", (p) => (p.containers[0].ports = [{ containerPort: 80, hostPort: 80 }]), "baseline"],
        ["hostProbesAndHostLifecycle", (p) => (p.containers[0].livenessProbe = { httpGet: { host: "10.0.0.1", port: 80 } }), "baseline"],
        ["appArmorProfile", (p) => (p.securityContext.appArmorProfile = { type: "Unconfined" }), "baseline"],
        ["seLinuxOptions", (p) => (p.securityContext.seLinuxOptions = { type: "spc_t" }), "baseline"],
        ["procMount", (p) => (p.containers[0].securityContext.procMount = "Unmasked"), "baseline"],
        ["seccompProfile_baseline", (p) => (p.securityContext.seccompProfile = { type: "Unconfined" }), "baseline"],
        ["sysctls", (p) => (p.securityContext.sysctls = [{ name: "kernel.msgmax", value: "1" }]), "baseline"],
        ["windowsHostProcess", (p) => (p.securityContext.windowsOptions = { hostProcess: true }), "baseline"],
        ["restrictedVolumes", (p) => p.volumes.push({ name: "n", nfs: { server: "s", path: "/" } }), "restricted"],
        ["allowPrivilegeEscalation", (p) => delete p.containers[0].securityContext.allowPrivilegeEscalation, "restricted"],
        ["runAsNonRoot", (p) => delete p.securityContext.runAsNonRoot, "restricted"],
        ["runAsUser", (p) => (p.containers[0].securityContext.runAsUser = 0), "restricted"],
        ["seccompProfile_restricted", (p) => delete p.securityContext.seccompProfile, "restricted"],
        ["capabilities_restricted", (p) => (p.containers[0].securityContext.capabilities = { drop: ["ALL"], add: ["CHOWN"] }), "restricted"],
    ];
    for (const [check, breakIt, level] of broken) {
        it(`fails ${check} at ${level} when the pod breaks it`, () => {
            const pod = restrictedPod();
            breakIt(pod);
            const found = ids(level, pod);
            assert.ok(found.includes(check), `expected ${check}, got ${found.join(", ")}`);
            if (level === "restricted") assert.ok(!ids("baseline", pod).includes(check), "a restricted-only check does not apply at baseline");
        });
    }

    it("applies each check at its minimum version and lets restricted checks override their baseline versions", () => {
        const withHostProbe = restrictedPod();
        (withHostProbe.containers[0] as Pod).livenessProbe = { tcpSocket: { host: "1.2.3.4", port: 80 } };
        assert.deepEqual(ids("baseline", withHostProbe, [1, 33]), [], "hostProbesAndHostLifecycle starts at 1.34");
        const restricted = checksFor("restricted", [1, 34]).map((c) => c.id);
        assert.ok(!restricted.includes("seccompProfile_baseline") && !restricted.includes("capabilities_baseline") && !restricted.includes("hostPathVolumes"));
        assert.ok(restricted.includes("procMount") && !restricted.includes("procMount_restricted"), "procMount_restricted replaces procMount only from 1.35");
        assert.ok(checksFor("restricted", [1, 35]).map((c) => c.id).includes("procMount_restricted"));
    });

    it("relaxes runAsNonRoot and runAsUser for user-namespace pods from 1.35", () => {
        const pod = restrictedPod() as Pod;
        delete pod.securityContext.runAsNonRoot;
        pod.hostUsers = false;
        assert.ok(ids("restricted", pod, [1, 34]).includes("runAsNonRoot"));
        assert.ok(!ids("restricted", pod, [1, 35]).includes("runAsNonRoot"));
    });

    it("reads a namespace's enforce and enforce-version labels, privileged by default", () => {
        assert.deepEqual(namespacePolicy(undefined), { level: "privileged", version: [1, 37] });
        assert.deepEqual(namespacePolicy({ "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "v1.30" }), { level: "restricted", version: [1, 30] });
    });
});
