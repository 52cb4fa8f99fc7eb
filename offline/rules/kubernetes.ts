// Kubernetes API server validation the OpenAPI schema does not carry, per emitted object:
// k8s.io/apimachinery/pkg/util/validation (validation.go) for names and label syntax,
// pkg/api/validation/objectmeta.go for annotation size, and kubernetes pkg/apis/core/validation
// (validation.go) for containers, ports, resources and probes. Pure: recorded resources in,
// violations out; Pod Security Admission is in podSecurity.ts.
import { ResourceView, RuleViolation, known } from "./types";
import { dns1035LabelProblem, dns1123LabelProblem, dns1123SubdomainProblem, labelValueProblem, portNameProblem, qualifiedNameProblem } from "../../components/kubernetesNames";
import { showValue } from "../../config/values";
import { parseQuantity } from "../../config/quantity";
import { LATEST, Version, checkFile, evaluatePod, formatViolations, namespacePolicy } from "./podSecurity";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = any;

const VALIDATION = "k8s.io/apimachinery/pkg/util/validation/validation.go";
const CORE_VALIDATION = "kubernetes pkg/apis/core/validation/validation.go";
const OBJECTMETA = "k8s.io/apimachinery/pkg/api/validation/objectmeta.go";

/** Kinds whose names must be DNS-1123 labels (ValidateNamespaceName etc.); Services are DNS-1035 labels. */
const LABEL_NAMED = new Set(["Namespace"]);
const DNS1035_NAMED = new Set(["Service"]);
/**
 * RBAC roles and bindings are only path segments (kubernetes pkg/apis/rbac/validation/validation.go
 * ValidateRBACName = IsValidPathSegmentName): not "." or "..", no "/" or "%". Charts use ':' in them
 * (cert-manager's `cert-manager-webhook:subjectaccessreviews`), which the API server accepts.
 */
const PATH_SEGMENT_NAMED = new Set(["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"]);
const RBAC_VALIDATION = "kubernetes pkg/apis/rbac/validation/validation.go (ValidateRBACName: IsValidPathSegmentName)";

function pathSegmentNameProblem(name: string): string | undefined {
    if (name.length === 0) return "must not be empty";
    if (name === "." || name === "..") return `may not be '${name}'`;
    const bad = ["/", "%"].filter((c) => name.includes(c));
    return bad.length ? `may not contain ${bad.map((c) => `'${c}'`).join(" or ")}` : undefined;
}

/** TotalAnnotationSizeLimitB in objectmeta.go: 256 KiB over every key and value. */
export const ANNOTATION_TOTAL_LIMIT = 256 * 1024;

/** The pod template of a workload kind, and its property path. */
export function podTemplate(kind: string, obj: Obj): { path: string; metadata: Obj; spec: Obj } | undefined {
    switch (kind) {
        case "Pod":
            return { path: "spec", metadata: obj.metadata, spec: obj.spec };
        case "Deployment":
        case "StatefulSet":
        case "DaemonSet":
        case "ReplicaSet":
        case "Job":
        case "ReplicationController":
            return obj.spec?.template ? { path: "spec.template.spec", metadata: obj.spec.template.metadata, spec: obj.spec.template.spec } : undefined;
        case "CronJob":
            return obj.spec?.jobTemplate?.spec?.template ? { path: "spec.jobTemplate.spec.template.spec", metadata: obj.spec.jobTemplate.spec.template.metadata, spec: obj.spec.jobTemplate.spec.template.spec } : undefined;
        default:
            return undefined;
    }
}

/** Kubernetes objects the program registers (custom kubernetes:* resources other than Helm releases and providers). */
export function isKubernetesObject(r: ResourceView): boolean {
    return r.custom && r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh/");
}

/** Pulumi auto-names Kubernetes objects without metadata.name: the resource name, '-', 8 random characters. */
const objectName = (r: ResourceView, meta: Obj): string => (known(meta?.name) ? meta.name : `${r.name}-xxxxxxxx`);

/** Per-object rules: names, labels, annotations and pod templates. */
export function objectViolations(r: ResourceView): RuleViolation[] {
    const out: RuleViolation[] = [];
    const obj = r.inputs as Obj;
    const kind = obj.kind ?? r.type.split(":").pop();
    const meta = obj.metadata ?? {};
    const add = (property: string, value: unknown, rule: string, source: string) => out.push({ resource: r.urn, property, value: showValue(value), rule, source });

    const name = objectName(r, meta);
    if (PATH_SEGMENT_NAMED.has(kind)) {
        const p = pathSegmentNameProblem(name);
        if (p) add("metadata.name", name, `a ${kind} name ${p}`, RBAC_VALIDATION);
    } else {
        const nameProblem = LABEL_NAMED.has(kind) ? dns1123LabelProblem(name) : DNS1035_NAMED.has(kind) ? dns1035LabelProblem(name) : dns1123SubdomainProblem(name);
        if (nameProblem) add("metadata.name", name, `a ${kind} name ${nameProblem}`, `${VALIDATION} (${LABEL_NAMED.has(kind) ? "IsDNS1123Label" : DNS1035_NAMED.has(kind) ? "IsDNS1035Label" : "IsDNS1123Subdomain"})`);
    }
    if (known(meta.namespace)) {
        const p = dns1123LabelProblem(meta.namespace);
        if (p) add("metadata.namespace", meta.namespace, `a namespace ${p}`, `${VALIDATION} (IsDNS1123Label)`);
    }
    labelViolations("metadata.labels", meta.labels, add);
    annotationViolations("metadata.annotations", meta.annotations, add);

    const template = podTemplate(kind, obj);
    if (template) {
        labelViolations(template.path.replace(/spec$/, "metadata.labels"), template.metadata?.labels, add);
        annotationViolations(template.path.replace(/spec$/, "metadata.annotations"), template.metadata?.annotations, add);
        podSpecViolations(template.path, template.spec ?? {}, add);
    }
    if (kind === "Service") serviceViolations(obj.spec ?? {}, add);
    return out;
}

type Add = (property: string, value: unknown, rule: string, source: string) => void;

function labelViolations(path: string, labels: Obj, add: Add): void {
    if (!labels || typeof labels !== "object") return;
    for (const [k, v] of Object.entries(labels)) {
        const kp = qualifiedNameProblem(k);
        if (kp) add(`${path}["${k}"]`, k, `a label key ${kp}`, `${VALIDATION} (IsQualifiedName)`);
        if (known(v)) {
            const vp = labelValueProblem(v);
            if (vp) add(`${path}["${k}"]`, v, `a label value ${vp}`, `${VALIDATION} (IsValidLabelValue)`);
        }
    }
}

function annotationViolations(path: string, annotations: Obj, add: Add): void {
    if (!annotations || typeof annotations !== "object") return;
    let total = 0;
    for (const [k, v] of Object.entries(annotations)) {
        const kp = qualifiedNameProblem(k.toLowerCase());
        if (kp) add(`${path}["${k}"]`, k, `an annotation key ${kp}`, `${OBJECTMETA} (ValidateAnnotations)`);
        total += k.length + (typeof v === "string" ? Buffer.byteLength(v) : 0);
    }
    if (total > ANNOTATION_TOTAL_LIMIT) add(path, `${total} bytes`, `annotations may total at most ${ANNOTATION_TOTAL_LIMIT} bytes (256 KiB)`, `${OBJECTMETA} (TotalAnnotationSizeLimitB)`);
}

function podSpecViolations(path: string, spec: Obj, add: Add): void {
    const groups: [string, Obj[]][] = [["initContainers", spec.initContainers ?? []], ["containers", spec.containers ?? []], ["ephemeralContainers", spec.ephemeralContainers ?? []]];
    const seen = new Map<string, string>();
    for (const [field, list] of groups) {
        list.forEach((c: Obj, i: number) => {
            const at = `${path}.${field}[${i}]`;
            if (known(c.name)) {
                const p = dns1123LabelProblem(c.name);
                if (p) add(`${at}.name`, c.name, `a container name ${p}`, `${CORE_VALIDATION} (validateContainers: IsDNS1123Label)`);
                if (seen.has(c.name)) add(`${at}.name`, c.name, `container names must be unique in a pod; also used at ${seen.get(c.name)}`, `${CORE_VALIDATION} (validateContainers: Duplicate)`);
                else seen.set(c.name, at);
            }
            const portNames = new Set<string>();
            ((c.ports ?? []) as Obj[]).forEach((port, j) => {
                if (!known(port.name)) return;
                const p = portNameProblem(port.name);
                if (p) add(`${at}.ports[${j}].name`, port.name, `a port name ${p}`, `${CORE_VALIDATION} (validateContainerPorts: IsValidPortName)`);
                if (portNames.has(port.name)) add(`${at}.ports[${j}].name`, port.name, "port names must be unique within a container", `${CORE_VALIDATION} (validateContainerPorts: Duplicate)`);
                portNames.add(port.name);
            });
            for (const probe of ["livenessProbe", "readinessProbe", "startupProbe"]) {
                const handler = c[probe]?.httpGet ?? c[probe]?.tcpSocket ?? c[probe]?.grpc;
                const port = handler?.port;
                if (known(port) && !/^\d+$/.test(port) && !portNames.has(port)) {
                    add(`${at}.${probe}.port`, port, `a probe's named port must be a port of its container (has ${[...portNames].join(", ") || "none"}); the kubelet fails the probe otherwise`, `${CORE_VALIDATION} (validatePortNumOrName) and kubelet pkg/kubelet/prober (findPortByName)`);
                }
            }
            const requests = (c.resources?.requests ?? {}) as Record<string, unknown>;
            const limits = (c.resources?.limits ?? {}) as Record<string, unknown>;
            for (const [resource, request] of Object.entries(requests)) {
                const limit = limits[resource];
                if (limit === undefined || !(known(request) || typeof request === "number") || !(known(limit) || typeof limit === "number")) continue;
                const rq = parseQuantity(request as string);
                const lm = parseQuantity(limit as string);
                if (rq !== undefined && lm !== undefined && rq > lm) {
                    add(`${at}.resources.requests.${resource}`, request, `must be less than or equal to the ${resource} limit ${showValue(limit)}`, `${CORE_VALIDATION} (ValidateResourceRequirements)`);
                }
            }
        });
    }
}

function serviceViolations(spec: Obj, add: Add): void {
    const ports = (spec.ports ?? []) as Obj[];
    const names = new Set<string>();
    ports.forEach((p, i) => {
        if (ports.length > 1 && !known(p.name)) add(`spec.ports[${i}].name`, p.name, "a Service with more than one port must name each port", `${CORE_VALIDATION} (validateServicePort)`);
        if (known(p.name)) {
            const problem = dns1123LabelProblem(p.name);
            if (problem) add(`spec.ports[${i}].name`, p.name, `a Service port name ${problem}`, `${CORE_VALIDATION} (validateServicePort: IsDNS1123Label)`);
            if (names.has(p.name)) add(`spec.ports[${i}].name`, p.name, "Service port names must be unique", `${CORE_VALIDATION} (validateServicePort: Duplicate)`);
            names.add(p.name);
        }
        // ValidateService keys ports by port and protocol, node ports by nodePort and protocol.
        const protocolOf = (q: Obj): string => (known(q.protocol) ? q.protocol : "TCP");
        const protocol = protocolOf(p);
        const twin = ports.findIndex((q, j) => j < i && q.port === p.port && protocolOf(q) === protocol);
        if (p.port !== undefined && twin >= 0) add(`spec.ports[${i}].port`, p.port, `port ${p.port}/${protocol} is also spec.ports[${twin}]: a Service may expose each port and protocol once`, `${CORE_VALIDATION} (ValidateService: Duplicate)`);
        const nodeTwin = ports.findIndex((q, j) => j < i && q.nodePort !== undefined && q.nodePort === p.nodePort && protocolOf(q) === protocol);
        if (p.nodePort !== undefined && nodeTwin >= 0) add(`spec.ports[${i}].nodePort`, p.nodePort, `node port ${p.nodePort}/${protocol} is also spec.ports[${nodeTwin}]`, `${CORE_VALIDATION} (ValidateService: Duplicate)`);
        if (known(p.targetPort) && !/^\d+$/.test(p.targetPort)) {
            const problem = portNameProblem(p.targetPort);
            if (problem) add(`spec.ports[${i}].targetPort`, p.targetPort, `a named target port ${problem}`, `${CORE_VALIDATION} (validatePortNumOrName)`);
        }
    });
}

/** apiVersion/kind/namespace/name of an object: what the API server keys objects by. */
export function objectKey(r: ResourceView): string | undefined {
    const obj = r.inputs as Obj;
    const meta = obj.metadata ?? {};
    if (!known(meta.name)) return undefined;
    const group = String(obj.apiVersion ?? "").includes("/") ? String(obj.apiVersion).split("/")[0] : "";
    return `${group}/${obj.kind}/${known(meta.namespace) ? meta.namespace : ""}/${meta.name}`;
}

/**
 * Rules across objects: two objects with one key (the second create fails with AlreadyExists),
 * and Pod Security Admission for every pod template against its namespace's enforced level.
 */
export function clusterViolations(resources: readonly ResourceView[], clusterVersion: Version = LATEST): RuleViolation[] {
    const out: RuleViolation[] = [];
    const objects = resources.filter(isKubernetesObject);
    const byKey = new Map<string, ResourceView>();
    for (const r of objects) {
        const key = objectKey(r);
        if (!key) continue;
        const first = byKey.get(key);
        if (first) out.push({ resource: r.urn, property: "metadata.name", value: showValue((r.inputs as Obj).metadata.name), rule: `an object of this kind and name already exists in this namespace (${first.urn})`, source: "Kubernetes API: names are unique per kind and namespace (AlreadyExists)" });
        else byKey.set(key, r);
    }
    const namespaces = new Map(objects.filter((r) => (r.inputs as Obj).kind === "Namespace").map((r) => [(r.inputs as Obj).metadata?.name, (r.inputs as Obj).metadata?.labels]));
    for (const r of objects) {
        const obj = r.inputs as Obj;
        const template = podTemplate(obj.kind, obj);
        if (!template) continue;
        const ns = known(obj.metadata?.namespace) ? obj.metadata.namespace : "default";
        const { level, version } = namespacePolicy(namespaces.get(ns), { level: "privileged", version: clusterVersion });
        const violations = evaluatePod(level, version, template.metadata, template.spec);
        if (violations.length) {
            const versionLabel = namespaces.get(ns)?.["pod-security.kubernetes.io/enforce-version"] ?? "latest";
            out.push({
                resource: r.urn,
                property: template.path,
                value: `pod template of ${obj.kind} ${ns}/${obj.metadata?.name}`,
                rule: `namespace ${ns} enforces ${level}: ${formatViolations(level, versionLabel, violations)}`,
                source: `kubernetes/pod-security-admission ${violations.map((v) => checkFile(v.check)).join(", ")}`,
            });
        }
    }
    return out;
}
