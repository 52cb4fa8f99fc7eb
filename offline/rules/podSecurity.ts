// Pod Security Admission, ported from kubernetes/pod-security-admission (policy/check_*.go at
// 8f84a87): the same checks, the same minimum versions and the same overrides, evaluated the way
// the API server's admission plugin does for the level and version a namespace enforces
// (`pod-security.kubernetes.io/enforce` and `enforce-version` labels; unlabelled namespaces are
// `privileged`, the API server's default). Pure: objects in, violations out.

export type Level = "privileged" | "baseline" | "restricted";
/** [major, minor]; "latest" is the newest version these checks know. */
export type Version = readonly [number, number];
export const LATEST: Version = [1, 37];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = any;

export interface Violation {
    /** The upstream check ID. */
    check: string;
    /** The upstream ForbiddenReason. */
    reason: string;
    /** The upstream ForbiddenDetail, as the API server words it. */
    detail: string;
}

interface VersionedCheck {
    min: Version;
    check: (meta: Obj, spec: Obj) => Violation | undefined;
    overrides?: string[];
}
interface Check {
    id: string;
    level: Exclude<Level, "privileged">;
    versions: VersionedCheck[];
}

const atLeast = (v: Version, min: Version) => v[0] > min[0] || (v[0] === min[0] && v[1] >= min[1]);
const plural = (one: string, many: string, n: number) => (n === 1 ? one : many);
const quoted = (items: Iterable<string>) => [...items].map((i) => `"${i}"`).join(", ");
const sorted = (s: Set<string>) => [...s].sort();

/** helpers.go visitContainers: init containers, containers, then ephemeral containers. */
function containers(spec: Obj): Obj[] {
    return [...(spec?.initContainers ?? []), ...(spec?.containers ?? []), ...(spec?.ephemeralContainers ?? [])];
}
/** helpers.go relaxPolicyForUserNamespacePod. */
const userNamespacePod = (spec: Obj) => spec?.hostUsers === false;
/** Windows pods are exempt from some restricted checks from 1.25 (pod.spec.os.name). */
const windowsPod = (spec: Obj) => spec?.os?.name === "windows";

/** The upstream file of each check ID (policy/<file>). */
export const CHECK_FILES: Readonly<Record<string, string>> = {
    procMount: "check_procMount_baseline.go",
    hostProbesAndHostLifecycle: "check_hostProbesAndhostLifecycle.go",
    seccompProfile_baseline: "check_seccompProfile_baseline.go",
};
export const checkFile = (id: string) => `policy/${CHECK_FILES[id] ?? `check_${id}.go`}`;

const fail = (check: string, reason: string, detail: string): Violation => ({ check, reason, detail });

// check_hostNamespaces.go
function hostNamespaces(_m: Obj, spec: Obj) {
    const set = [spec?.hostNetwork && "hostNetwork=true", spec?.hostPID && "hostPID=true", spec?.hostIPC && "hostIPC=true"].filter(Boolean) as string[];
    return set.length ? fail("hostNamespaces", "host namespaces", set.join(", ")) : undefined;
}

// check_privileged.go
function privileged(_m: Obj, spec: Obj) {
    const bad = containers(spec).filter((c) => c.securityContext?.privileged === true).map((c) => c.name);
    return bad.length ? fail("privileged", "privileged", `${plural("container", "containers", bad.length)} ${quoted(bad)} must not set securityContext.privileged=true`) : undefined;
}

// check_capabilities_baseline.go
const CAPABILITIES_ALLOWED_1_0 = new Set(["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"]);
function capabilitiesBaseline(_m: Obj, spec: Obj) {
    const bad: string[] = [];
    const caps = new Set<string>();
    for (const c of containers(spec)) {
        const extra = ((c.securityContext?.capabilities?.add ?? []) as string[]).filter((cap) => !CAPABILITIES_ALLOWED_1_0.has(cap));
        if (extra.length) {
            bad.push(c.name);
            extra.forEach((cap) => caps.add(cap));
        }
    }
    return bad.length ? fail("capabilities_baseline", "non-default capabilities", `${plural("container", "containers", bad.length)} ${quoted(bad)} must not include ${quoted(sorted(caps))} in securityContext.capabilities.add`) : undefined;
}

// check_hostPathVolumes.go
function hostPathVolumes(_m: Obj, spec: Obj) {
    const bad = ((spec?.volumes ?? []) as Obj[]).filter((v) => v.hostPath).map((v) => v.name);
    return bad.length ? fail("hostPathVolumes", "hostPath volumes", `${plural("volume", "volumes", bad.length)} ${quoted(bad)}`) : undefined;
}

// check_hostPorts.go
function hostPorts(_m: Obj, spec: Obj) {
    const bad: string[] = [];
    const ports = new Set<string>();
    for (const c of containers(spec)) {
        const used = ((c.ports ?? []) as Obj[]).filter((p) => p.hostPort && p.hostPort !== 0);
        if (used.length) {
            bad.push(c.name);
            used.forEach((p) => ports.add(String(p.hostPort)));
        }
    }
    return bad.length ? fail("hostPorts", "hostPort", `${plural("container", "containers", bad.length)} ${quoted(bad)} ${plural("uses", "use", bad.length)} ${plural("hostPort", "hostPorts", ports.size)} ${sorted(ports).join(", ")}`) : undefined;
}

// check_hostProbesAndhostLifecycle.go (1.34+)
function hostProbesAndHostLifecycle(_m: Obj, spec: Obj) {
    const bad: string[] = [];
    const hosts = new Set<string>();
    for (const c of containers(spec)) {
        const handlers = [c.livenessProbe, c.readinessProbe, c.startupProbe, c.lifecycle?.postStart, c.lifecycle?.preStop];
        const found = handlers.flatMap((h) => [h?.httpGet?.host, h?.tcpSocket?.host]).filter((h): h is string => !!h);
        if (found.length) {
            bad.push(c.name);
            found.forEach((h) => hosts.add(h));
        }
    }
    return bad.length ? fail("hostProbesAndHostLifecycle", "probe or lifecycle host", `${plural("container", "containers", bad.length)} ${quoted(bad)} ${plural("uses", "use", bad.length)} probe or lifecycle ${plural("host", "hosts", hosts.size)} ${quoted(sorted(hosts))}`) : undefined;
}

// check_appArmorProfile.go
const appArmorTypeAllowed = (t: string) => t === "RuntimeDefault" || t === "Localhost";
const appArmorAnnotationAllowed = (p: string) => p.length === 0 || p === "runtime/default" || p.startsWith("localhost/");
function appArmorProfile(meta: Obj, spec: Obj) {
    const setters: string[] = [];
    const values = new Set<string>();
    if (spec?.securityContext?.appArmorProfile && !appArmorTypeAllowed(spec.securityContext.appArmorProfile.type)) {
        setters.push("pod");
        values.add(spec.securityContext.appArmorProfile.type);
    }
    const bad = containers(spec).filter((c) => c.securityContext?.appArmorProfile && !appArmorTypeAllowed(c.securityContext.appArmorProfile.type));
    bad.forEach((c) => values.add(c.securityContext.appArmorProfile.type));
    if (bad.length) setters.push(`${plural("container", "containers", bad.length)} ${quoted(bad.map((c) => c.name))}`);
    const annotations = Object.entries((meta?.annotations ?? {}) as Record<string, string>).filter(([k, v]) => k.startsWith("container.apparmor.security.beta.kubernetes.io/") && !appArmorAnnotationAllowed(v));
    if (annotations.length) setters.push(`${plural("annotation", "annotations", annotations.length)} ${quoted(annotations.map(([k, v]) => `${k}="${v}"`))}`);
    return setters.length ? fail("appArmorProfile", "forbidden AppArmor profile", `${setters.join(" and ")} must not set AppArmor profile type to ${quoted(sorted(values))}`) : undefined;
}

// check_seLinuxOptions.go
const SELINUX_TYPES_1_0 = new Set(["", "container_t", "container_init_t", "container_kvm_t"]);
const SELINUX_TYPES_1_31 = new Set([...SELINUX_TYPES_1_0, "container_engine_t"]);
const seLinuxOptions = (allowed: Set<string>) => (_m: Obj, spec: Obj) => {
    const setters: string[] = [];
    const ok = (o: Obj) => allowed.has(o.type ?? "") && !o.user && !o.role;
    if (spec?.securityContext?.seLinuxOptions && !ok(spec.securityContext.seLinuxOptions)) setters.push("pod");
    const bad = containers(spec).filter((c) => c.securityContext?.seLinuxOptions && !ok(c.securityContext.seLinuxOptions)).map((c) => c.name);
    if (bad.length) setters.push(`${plural("container", "containers", bad.length)} ${quoted(bad)}`);
    return setters.length ? fail("seLinuxOptions", "seLinuxOptions", `${setters.join(" and ")} set forbidden securityContext.seLinuxOptions`) : undefined;
};

// check_procMount_baseline.go / check_procMount_restricted.go
function procMount10(_m: Obj, spec: Obj) {
    const bad = containers(spec).filter((c) => c.securityContext?.procMount !== undefined && c.securityContext.procMount !== "Default");
    const types = new Set<string>(bad.map((c) => c.securityContext.procMount));
    return bad.length ? fail("procMount", "procMount", `${plural("container", "containers", bad.length)} ${quoted(bad.map((c) => c.name))} must not set securityContext.procMount to ${quoted(sorted(types))}`) : undefined;
}
const procMount135 = (m: Obj, spec: Obj) => (userNamespacePod(spec) ? undefined : procMount10(m, spec));

// check_seccompProfile_baseline.go (1.19+: fields; annotations are for older versions)
function seccompBaseline(_m: Obj, spec: Obj) {
    const setters: string[] = [];
    if (spec?.securityContext?.seccompProfile?.type === "Unconfined") setters.push("pod");
    const bad = containers(spec).filter((c) => c.securityContext?.seccompProfile?.type === "Unconfined").map((c) => c.name);
    if (bad.length) setters.push(`${plural("container", "containers", bad.length)} ${quoted(bad)}`);
    return setters.length ? fail("seccompProfile_baseline", "seccompProfile", `${setters.join(" and ")} must not set securityContext.seccompProfile.type to "Unconfined"`) : undefined;
}

// check_sysctls.go
const SYSCTLS_1_0 = ["kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start"];
const SYSCTLS_1_27 = [...SYSCTLS_1_0, "net.ipv4.ip_local_reserved_ports"];
const SYSCTLS_1_29 = [...SYSCTLS_1_27, "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"];
const SYSCTLS_1_32 = [...SYSCTLS_1_29, "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"];
const SYSCTLS_1_37 = [...SYSCTLS_1_32, "net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat"];
const sysctls = (allowed: string[]) => (_m: Obj, spec: Obj) => {
    const bad = ((spec?.securityContext?.sysctls ?? []) as Obj[]).map((s) => s.name as string).filter((n) => !allowed.includes(n));
    return bad.length ? fail("sysctls", "forbidden sysctls", bad.join(", ")) : undefined;
};

// check_windowsHostProcess.go
function windowsHostProcess(_m: Obj, spec: Obj) {
    const pod = spec?.securityContext?.windowsOptions?.hostProcess === true;
    const bad = containers(spec).filter((c) => c.securityContext?.windowsOptions?.hostProcess === true).map((c) => c.name);
    const setters = [...(pod ? ["pod"] : []), ...(bad.length ? [`${plural("container", "containers", bad.length)} ${quoted(bad)}`] : [])];
    return setters.length ? fail("windowsHostProcess", "hostProcess", `${setters.join(" and ")} must not set securityContext.windowsOptions.hostProcess=true`) : undefined;
}

// check_restrictedVolumes.go
const ALLOWED_VOLUME_SOURCES = new Set(["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret", "image"]);
function restrictedVolumes(_m: Obj, spec: Obj) {
    const bad: string[] = [];
    const types = new Set<string>();
    for (const v of (spec?.volumes ?? []) as Obj[]) {
        const sources = Object.keys(v).filter((k) => k !== "name" && v[k] !== undefined && v[k] !== null);
        const forbidden = sources.filter((s) => !ALLOWED_VOLUME_SOURCES.has(s));
        if (forbidden.length) {
            bad.push(v.name);
            forbidden.forEach((s) => types.add(s));
        }
    }
    return bad.length ? fail("restrictedVolumes", "restricted volume types", `${plural("volume", "volumes", bad.length)} ${quoted(bad)} ${plural("uses", "use", bad.length)} restricted volume ${plural("type", "types", types.size)} ${quoted(sorted(types))}`) : undefined;
}

// check_allowPrivilegeEscalation.go (1.8+; Windows pods exempt from 1.25)
function allowPrivilegeEscalation18(_m: Obj, spec: Obj) {
    const bad = containers(spec).filter((c) => c.securityContext?.allowPrivilegeEscalation !== false).map((c) => c.name);
    return bad.length ? fail("allowPrivilegeEscalation", "allowPrivilegeEscalation != false", `${plural("container", "containers", bad.length)} ${quoted(bad)} must set securityContext.allowPrivilegeEscalation=false`) : undefined;
}
const allowPrivilegeEscalation125 = (m: Obj, spec: Obj) => (windowsPod(spec) ? undefined : allowPrivilegeEscalation18(m, spec));

// check_runAsNonRoot.go (user-namespace pods relaxed from 1.35)
function runAsNonRoot10(_m: Obj, spec: Obj) {
    const setters: string[] = [];
    const podValue = spec?.securityContext?.runAsNonRoot;
    if (podValue === false) setters.push("pod");
    const explicit = containers(spec).filter((c) => c.securityContext?.runAsNonRoot === false).map((c) => c.name);
    const implicit = containers(spec).filter((c) => c.securityContext?.runAsNonRoot === undefined && podValue !== true).map((c) => c.name);
    if (explicit.length) setters.push(`${plural("container", "containers", explicit.length)} ${quoted(explicit)}`);
    if (setters.length) return fail("runAsNonRoot", "runAsNonRoot != true", `${setters.join(" and ")} must not set securityContext.runAsNonRoot=false`);
    if (implicit.length) return fail("runAsNonRoot", "runAsNonRoot != true", `pod or ${plural("container", "containers", implicit.length)} ${quoted(implicit)} must set securityContext.runAsNonRoot=true`);
    return undefined;
}
const runAsNonRoot135 = (m: Obj, spec: Obj) => (userNamespacePod(spec) ? undefined : runAsNonRoot10(m, spec));

// check_runAsUser.go (1.23+; user-namespace pods relaxed from 1.35)
function runAsUser123(_m: Obj, spec: Obj) {
    const setters: string[] = [];
    if (spec?.securityContext?.runAsUser === 0) setters.push("pod");
    const bad = containers(spec).filter((c) => c.securityContext?.runAsUser === 0).map((c) => c.name);
    if (bad.length) setters.push(`${plural("container", "containers", bad.length)} ${quoted(bad)}`);
    return setters.length ? fail("runAsUser", "runAsUser=0", `${setters.join(" and ")} must not set runAsUser=0`) : undefined;
}
const runAsUser135 = (m: Obj, spec: Obj) => (userNamespacePod(spec) ? undefined : runAsUser123(m, spec));

// check_seccompProfile_restricted.go (1.19+; Windows pods exempt from 1.25)
const validSeccomp = (t: string) => t === "RuntimeDefault" || t === "Localhost";
function seccompRestricted119(_m: Obj, spec: Obj) {
    const setters: string[] = [];
    const values = new Set<string>();
    let podSet = false;
    const podProfile = spec?.securityContext?.seccompProfile;
    if (podProfile) {
        if (!validSeccomp(podProfile.type)) {
            setters.push("pod");
            values.add(podProfile.type);
        } else podSet = true;
    }
    const explicit: string[] = [];
    const implicit: string[] = [];
    for (const c of containers(spec)) {
        const profile = c.securityContext?.seccompProfile;
        if (profile) {
            if (!validSeccomp(profile.type)) {
                explicit.push(c.name);
                values.add(profile.type);
            }
        } else if (!podSet) implicit.push(c.name);
    }
    if (explicit.length) setters.push(`${plural("container", "containers", explicit.length)} ${quoted(explicit)}`);
    if (setters.length) return fail("seccompProfile_restricted", "seccompProfile", `${setters.join(" and ")} must not set securityContext.seccompProfile.type to ${quoted(sorted(values))}`);
    if (implicit.length) return fail("seccompProfile_restricted", "seccompProfile", `pod or ${plural("container", "containers", implicit.length)} ${quoted(implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`);
    return undefined;
}
const seccompRestricted125 = (m: Obj, spec: Obj) => (windowsPod(spec) ? undefined : seccompRestricted119(m, spec));

// check_capabilities_restricted.go (1.22+; Windows pods exempt from 1.25)
function capabilitiesRestricted122(_m: Obj, spec: Obj) {
    const missingDropAll: string[] = [];
    const adding: string[] = [];
    const forbidden = new Set<string>();
    for (const c of containers(spec)) {
        const caps = c.securityContext?.capabilities;
        if (!((caps?.drop ?? []) as string[]).includes("ALL")) missingDropAll.push(c.name);
        const extra = ((caps?.add ?? []) as string[]).filter((cap) => cap !== "NET_BIND_SERVICE");
        if (extra.length) {
            adding.push(c.name);
            extra.forEach((cap) => forbidden.add(cap));
        }
    }
    const details: string[] = [];
    if (missingDropAll.length) details.push(`${plural("container", "containers", missingDropAll.length)} ${quoted(missingDropAll)} must set securityContext.capabilities.drop=["ALL"]`);
    if (adding.length) details.push(`${plural("container", "containers", adding.length)} ${quoted(adding)} must not include ${quoted(sorted(forbidden))} in securityContext.capabilities.add`);
    return details.length ? fail("capabilities_restricted", "unrestricted capabilities", details.join("; ")) : undefined;
}
const capabilitiesRestricted125 = (m: Obj, spec: Obj) => (windowsPod(spec) ? undefined : capabilitiesRestricted122(m, spec));

/** policy/registry.go's check list, with each check's versions and the baseline checks it overrides. */
export const CHECKS: readonly Check[] = [
    { id: "hostNamespaces", level: "baseline", versions: [{ min: [1, 0], check: hostNamespaces }] },
    { id: "privileged", level: "baseline", versions: [{ min: [1, 0], check: privileged }] },
    { id: "capabilities_baseline", level: "baseline", versions: [{ min: [1, 0], check: capabilitiesBaseline }] },
    { id: "hostPathVolumes", level: "baseline", versions: [{ min: [1, 0], check: hostPathVolumes }] },
    { id: "hostPorts", level: "baseline", versions: [{ min: [1, 0], check: hostPorts }] },
    { id: "hostProbesAndHostLifecycle", level: "baseline", versions: [{ min: [1, 34], check: hostProbesAndHostLifecycle }] },
    { id: "appArmorProfile", level: "baseline", versions: [{ min: [1, 0], check: appArmorProfile }] },
    { id: "seLinuxOptions", level: "baseline", versions: [{ min: [1, 0], check: seLinuxOptions(SELINUX_TYPES_1_0) }, { min: [1, 31], check: seLinuxOptions(SELINUX_TYPES_1_31) }] },
    { id: "procMount", level: "baseline", versions: [{ min: [1, 0], check: procMount10 }, { min: [1, 35], check: procMount135 }] },
    { id: "seccompProfile_baseline", level: "baseline", versions: [{ min: [1, 19], check: seccompBaseline }] },
    { id: "sysctls", level: "baseline", versions: [{ min: [1, 0], check: sysctls(SYSCTLS_1_0) }, { min: [1, 27], check: sysctls(SYSCTLS_1_27) }, { min: [1, 29], check: sysctls(SYSCTLS_1_29) }, { min: [1, 32], check: sysctls(SYSCTLS_1_32) }, { min: [1, 37], check: sysctls(SYSCTLS_1_37) }] },
    { id: "windowsHostProcess", level: "baseline", versions: [{ min: [1, 0], check: windowsHostProcess }] },
    { id: "procMount_restricted", level: "restricted", versions: [{ min: [1, 35], check: procMount10, overrides: ["procMount"] }] },
    { id: "restrictedVolumes", level: "restricted", versions: [{ min: [1, 0], check: restrictedVolumes, overrides: ["hostPathVolumes"] }] },
    { id: "allowPrivilegeEscalation", level: "restricted", versions: [{ min: [1, 8], check: allowPrivilegeEscalation18 }, { min: [1, 25], check: allowPrivilegeEscalation125 }] },
    { id: "runAsNonRoot", level: "restricted", versions: [{ min: [1, 0], check: runAsNonRoot10 }, { min: [1, 35], check: runAsNonRoot135 }] },
    { id: "runAsUser", level: "restricted", versions: [{ min: [1, 23], check: runAsUser123 }, { min: [1, 35], check: runAsUser135 }] },
    { id: "seccompProfile_restricted", level: "restricted", versions: [{ min: [1, 19], check: seccompRestricted119, overrides: ["seccompProfile_baseline"] }, { min: [1, 25], check: seccompRestricted125, overrides: ["seccompProfile_baseline"] }] },
    { id: "capabilities_restricted", level: "restricted", versions: [{ min: [1, 22], check: capabilitiesRestricted122, overrides: ["capabilities_baseline"] }, { min: [1, 25], check: capabilitiesRestricted125, overrides: ["capabilities_baseline"] }] },
];

/**
 * policy/checks.go + registry.go: the checks of a level at a version (restricted includes
 * baseline), each at its newest version not above `version`, minus the checks they override.
 */
export function checksFor(level: Level, version: Version): { id: string; check: VersionedCheck["check"] }[] {
    if (level === "privileged") return [];
    const chosen = CHECKS.filter((c) => level === "restricted" || c.level === "baseline")
        .map((c) => ({ id: c.id, v: [...c.versions].reverse().find((v) => atLeast(version, v.min)) }))
        .filter((c): c is { id: string; v: VersionedCheck } => !!c.v);
    const overridden = new Set(chosen.flatMap((c) => c.v.overrides ?? []));
    return chosen.filter((c) => !overridden.has(c.id)).map((c) => ({ id: c.id, check: c.v.check }));
}

/** Every violation of a pod template (metadata + spec) at a level and version. */
export function evaluatePod(level: Level, version: Version, podMetadata: Obj, podSpec: Obj): Violation[] {
    return checksFor(level, version).map((c) => c.check(podMetadata ?? {}, podSpec ?? {})).filter((v): v is Violation => !!v);
}

/** The level and version a namespace enforces, from its labels (admission/admission.go: invalid or missing labels fall back to the defaults). */
export function namespacePolicy(labels: Record<string, string> | undefined, defaults: { level: Level; version: Version } = { level: "privileged", version: LATEST }): { level: Level; version: Version } {
    const levelLabel = labels?.["pod-security.kubernetes.io/enforce"];
    const versionLabel = labels?.["pod-security.kubernetes.io/enforce-version"];
    const level = levelLabel === "privileged" || levelLabel === "baseline" || levelLabel === "restricted" ? levelLabel : defaults.level;
    const m = /^v(\d+)\.(\d+)$/.exec(versionLabel ?? "");
    const version: Version = m ? [Number(m[1]), Number(m[2])] : defaults.version;
    return { level, version };
}

/** The API server's message: `violates PodSecurity "restricted:latest": reason (detail), ...`. */
export function formatViolations(level: Level, versionLabel: string, violations: Violation[]): string {
    return `violates PodSecurity "${level}:${versionLabel}": ${violations.map((v) => `${v.reason} (${v.detail})`).join(", ")}`;
}
