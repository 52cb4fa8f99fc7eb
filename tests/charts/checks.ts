// Checks of what the program's Helm releases really install (the vendored charts rendered by a
// real Helm with the values the evaluated program passes) against the project's own rules: values
// keys the chart knows, NetworkPolicies that select the rendered pods and admit their real ports
// (the exact evaluator), Pod Security Admission (the PSA port) and Kubernetes names and labels.
// Each returns a list of problems, empty when sound, so a test shows every problem at once.
import { load } from "js-yaml";
import * as fs from "fs";
import * as path from "path";
import { ClusterState, NetworkPolicy, Pod, evaluate, explain, selectorMatches } from "../../components/networkPolicy/evaluator";
import { ClusterModel, ModelPod, computeMatrix } from "../../offline/clusterModel";
import { Evaluation, RecordedResource } from "../../offline/mockCloud";
import { clusterViolations, isKubernetesObject, objectViolations, podTemplate } from "../../offline/rules/kubernetes";
import { LATEST, Version, evaluatePod, formatViolations, namespacePolicy } from "../../offline/rules/podSecurity";
import { ResourceView, formatViolation } from "../../offline/rules/types";
import { CHARTS_DIR, CHART_SOURCES, K8sObject, RenderRequest, render } from "./helm";

const RELEASE_TYPE = "kubernetes:helm.sh/v3:Release";

/** A Helm release of the evaluated program, resolved to its vendored chart. */
export interface ReleaseUnderTest extends RenderRequest {
    /** Pulumi resource name. */
    resource: string;
    version: string;
}

/** The cluster's Kubernetes minor version, as the program declares it on the EKS cluster. */
export function clusterVersionOf(evaluation: Evaluation): string {
    const cluster = evaluation.resources.find((r) => r.type === "eks:index:Cluster");
    const v = String(cluster?.inputs.version ?? "");
    if (!/^\d+\.\d+$/.test(v)) throw new Error(`the stack's eks:index:Cluster has no Kubernetes version (${JSON.stringify(v)})`);
    return v;
}

/** Every Helm release the program declares, with the values it passes; throws when a chart version is not vendored. */
export function releasesOf(evaluation: Evaluation): ReleaseUnderTest[] {
    const kubeVersion = clusterVersionOf(evaluation);
    return evaluation.resources.filter((r) => r.type === RELEASE_TYPE).map((r) => {
        // A chart is named, or given by its OCI URL (cert-manager's): its last path segment is its name.
        const chart = String(r.inputs.chart).split("/").pop()!;
        const version = String(r.inputs.version);
        const src = CHART_SOURCES[chart];
        if (!src || src.version !== version) {
            throw new Error(`${r.name}: chart ${chart} ${version} is not kept under tests/data/charts (have ${src ? src.version : "none"}); vendor it with tools/vendorChart.js (README, "Charts rendered in the tests")`);
        }
        const text = JSON.stringify(r.inputs.values);
        if (/\[unknown\]|\[secret\]/.test(text)) throw new Error(`${r.name}: values hold unknown or secret placeholders, so the rendering would not be what Helm gets: ${text}`);
        return { resource: r.name, chart, version, release: String(r.inputs.name), namespace: String(r.inputs.namespace), values: r.inputs.values, kubeVersion };
    });
}

// ---------------------------------------------------------------------------------------------
// (b) Values keys: Helm merges values over the chart's defaults and renders; a key no template
// reads is dropped without a word (helm/helm#5470), so a misspelt key is a silent no-op.

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const isMap = (v: unknown): v is Record<string, Json> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Leaf paths of a values tree: scalars, lists and empty maps are leaves. */
export function leafPaths(v: Json, prefix: string[] = []): string[][] {
    if (!isMap(v) || Object.keys(v).length === 0) return prefix.length ? [prefix] : [];
    return Object.entries(v).flatMap(([k, x]) => leafPaths(x, [...prefix, k]));
}

function hasPath(tree: Json, p: string[]): boolean {
    let cur: Json = tree;
    for (const k of p) {
        if (!isMap(cur) || !Object.prototype.hasOwnProperty.call(cur, k)) return false;
        cur = cur[k];
    }
    return true;
}

function withLeaf(tree: Json, p: string[], value: Json | undefined): Json {
    const copy = structuredClone(tree) as Record<string, Json>;
    let cur = copy;
    for (const k of p.slice(0, -1)) cur = cur[k] as Record<string, Json>;
    if (value === undefined) delete cur[p[p.length - 1]];
    else cur[p[p.length - 1]] = value;
    return copy;
}

/** A different value of the same type, to see whether a template reads the key at all. */
function otherValue(v: Json): Json {
    if (typeof v === "boolean") return !v;
    if (typeof v === "number") return v + 1;
    if (typeof v === "string") return `${v}-idp-eks-probe`;
    if (Array.isArray(v)) return [...v, "idp-eks-probe"];
    return { "idp-eks-probe": "x" };
}

export function chartDefaults(chart: string): Json {
    return load(fs.readFileSync(path.join(CHARTS_DIR, chart, "values.yaml"), "utf8")) as Json;
}

/** Every scalar of the rendered objects by object and JSON path. */
function flatten(objects: K8sObject[]): Map<string, string> {
    const out = new Map<string, string>();
    const walk = (v: unknown, at: string) => {
        if (v !== null && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, `${at}/${k}`);
        else out.set(at, JSON.stringify(v));
    };
    for (const o of objects) walk(o, `${o.kind}:${o.metadata?.namespace ?? ""}/${o.metadata?.name}`);
    return out;
}

/**
 * Equality of two renders, blind to what changes between two renders of the same values: the
 * load balancer controller's chart makes a new webhook certificate and CA on every render
 * (genCA/genSignedCert in templates/webhook.yaml).
 */
function comparer(base: K8sObject[], again: K8sObject[]): (other: K8sObject[]) => boolean {
    const a = flatten(base);
    const b = flatten(again);
    const noise = new Set([...a.keys()].filter((k) => a.get(k) !== b.get(k)));
    return (other) => {
        const o = flatten(other);
        if (o.size !== a.size) return false;
        for (const [k, v] of a) if (!noise.has(k) && o.get(k) !== v) return false;
        for (const k of o.keys()) if (!a.has(k)) return false;
        return true;
    };
}

/**
 * Every leaf key path the program sets must be declared in the chart's values.yaml, or change what
 * the chart renders when removed or given another value (read by a template: free-form maps such
 * as annotations, podLabels or a selector's matchLabels take keys values.yaml cannot list).
 */
export async function valuesKeyProblems(req: RenderRequest): Promise<string[]> {
    const defaults = chartDefaults(req.chart);
    const values = req.values as Json;
    const unknown = leafPaths(values).filter((p) => !hasPath(defaults, p));
    if (unknown.length === 0) return [];
    const same = comparer(await render(req), await render({ ...req, nonce: 1 }));
    const problems: string[] = [];
    await Promise.all(unknown.map(async (p) => {
        if (!same(await render({ ...req, values: withLeaf(values, p, undefined) }))) return;
        let changed: K8sObject[] | Error;
        try {
            changed = await render({ ...req, values: withLeaf(values, p, otherValue(p.reduce((c: Json, k) => (c as Record<string, Json>)[k], values))) });
        } catch (e) {
            changed = e as Error;
        }
        if (changed instanceof Error || same(changed)) {
            problems.push(`${req.chart} ${CHART_SOURCES[req.chart].version}: values key ${JSON.stringify(p.join("."))} is not in the chart's values.yaml and no template reads it (Helm ignores it silently)${changed instanceof Error ? `; with another value: ${changed.message}` : ""}`);
        }
    }));
    return problems.sort();
}

// ---------------------------------------------------------------------------------------------
// Rendered objects as the API server will hold them.

/** Kinds with no namespace (everything else lands in the release's namespace when the chart sets none). */
const CLUSTER_SCOPED = new Set(["Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
    "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "IngressClass", "IngressClassParams", "PriorityClass", "StorageClass", "PersistentVolume", "APIService", "GatewayClass", "PodSecurityPolicy"]);

export function inNamespace(objects: K8sObject[], namespace: string): K8sObject[] {
    return objects.map((o) => (CLUSTER_SCOPED.has(o.kind) || o.metadata.namespace ? o : { ...o, metadata: { ...o.metadata, namespace } }));
}

export interface RenderedPod {
    /** `Kind/name`, plus the hook when it is a Helm hook (those run at install too). */
    workload: string;
    namespace: string;
    labels: Record<string, string>;
    ports: Pod["ports"];
    metadata: K8sObject["metadata"];
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    spec: any;
}

/** The pod template of every rendered workload (Deployment, DaemonSet, StatefulSet, Job incl. hooks, CronJob). */
export function renderedPods(objects: K8sObject[]): RenderedPod[] {
    return objects.flatMap((o) => {
        const t = podTemplate(o.kind, o);
        if (!t || o.kind === "Pod") return [];
        const hook = o.metadata.annotations?.["helm.sh/hook"];
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const ports = [...(t.spec?.initContainers ?? []), ...(t.spec?.containers ?? [])].flatMap((c: any) => (c.ports ?? []).map((p: any) => ({ ...(p.name ? { name: p.name } : {}), port: p.containerPort, protocol: p.protocol ?? "TCP" })));
        return [{ workload: `${o.kind}/${o.metadata.name}${hook ? ` (hook ${hook})` : ""}`, namespace: o.metadata.namespace!, labels: t.metadata?.labels ?? {}, ports, metadata: t.metadata ?? {}, spec: t.spec }];
    });
}

// ---------------------------------------------------------------------------------------------
// (c) NetworkPolicies against the rendered pods.

/** Policies of the namespace (by name) that select the pod. */
export function selectingPolicies(policies: NetworkPolicy[], pod: { namespace: string; labels: Record<string, string> }): string[] {
    return policies.filter((p) => p.metadata.namespace === pod.namespace && selectorMatches(p.spec.podSelector, pod.labels)).map((p) => p.metadata.name).sort();
}

/** Model pods of the add-on namespaces (hand-written labels in offline/clusterModel.ts), except kube-dns. */
const ADDON_NAMESPACES = ["cert-manager", "ingress-nginx", "kube-system"];
const isAddonModelPod = (p: ModelPod) => ADDON_NAMESPACES.includes(p.namespace) && p.labels["k8s-app"] !== "kube-dns";
const subset = (small: Record<string, string>, big: Record<string, string>) => Object.entries(small).every(([k, v]) => big[k] === v);

/**
 * The reachability matrix models each add-on pod with labels written by hand. Every rendered
 * workload of an add-on namespace must have such a pod (its labels a subset of the rendered ones),
 * every modelled pod a rendered workload, and each matrix probe to or from a modelled pod must get
 * the same verdict with each rendered pod in its place: then the matrix, and the tests that hold
 * it (tests/data/reachability/), are about the pods the charts really create.
 */
export function modelEquivalenceProblems(model: ClusterModel, rendered: RenderedPod[]): string[] {
    const problems: string[] = [];
    const policies = model.policies as unknown as NetworkPolicy[];
    const modelPods = model.pods.filter(isAddonModelPod);
    const renderedIn = rendered.filter((r) => ADDON_NAMESPACES.includes(r.namespace));
    const counterparts = new Map<ModelPod, RenderedPod[]>(modelPods.map((m) => [m, renderedIn.filter((r) => r.namespace === m.namespace && subset(m.labels, r.labels))]));
    for (const [m, rs] of counterparts) if (rs.length === 0) problems.push(`the matrix models ${m.namespace}/${m.name} with labels ${JSON.stringify(m.labels)}, but no rendered pod of the chart carries them`);
    for (const r of renderedIn) if (!modelPods.some((m) => counterparts.get(m)!.includes(r))) problems.push(`${r.namespace} ${r.workload} (labels ${JSON.stringify(r.labels)}) has no pod in the reachability model`);

    let nextIp = 150;
    const base = model.pods.find((p) => p.namespace === "kube-system")!.ip.split(".").slice(0, 3).join(".");
    const asPod = (r: RenderedPod, name: string): Pod => ({ namespace: r.namespace, name, labels: r.labels, ip: `${base}.${nextIp++}`, ports: r.ports });
    const rows = computeMatrix(model);
    for (const [m, rs] of counterparts) {
        const ref = `${m.namespace}/${m.name}`;
        rs.forEach((r, i) => {
            const stand = asPod(r, `rendered-${i}-${m.name}`);
            const cluster: ClusterState = { namespaces: model.namespaces, pods: [...model.pods, stand], policies };
            const byRef = new Map(model.pods.map((p) => [`${p.namespace}/${p.name}`, p as Pod]));
            const resolve = (e: string | { ip: string }) => (typeof e === "string" ? (e === ref ? { pod: stand } : { pod: byRef.get(e)! }) : e);
            for (const row of rows.filter((x) => x.from === ref || x.to === ref)) {
                const v = evaluate(cluster, { from: resolve(row.from), to: resolve(row.to), port: row.port, protocol: row.protocol });
                if (v.allowed !== row.allowed) {
                    problems.push(`${row.why}: the model says ${row.allowed ? "ALLOW" : "deny"}, the rendered ${r.namespace} ${r.workload} gets ${v.allowed ? "ALLOW" : "deny"} (${explain(v)})`);
                }
            }
        });
    }
    return problems;
}

/** A container port by number or name on a pod. */
const portOn = (pod: RenderedPod, target: number | string | undefined, protocol = "TCP") =>
    typeof target === "number" ? target : pod.ports.find((p) => p.name === target && p.protocol === protocol)?.port;

/** Outside addresses of the model used as sources (control plane, load balancer subnets, clients). */
export interface Sources {
    controlPlane: string;
    /** Load balancer subnet address by scheme. */
    loadBalancer: (scheme: string) => string;
    internetClient: string;
    monitoringPod: Pod;
    dnsPod: Pod;
    /** The `kubernetes` Service address. */
    apiServer: string;
}

/**
 * Paths the rendered chart itself declares, which its pods need through the project's policies:
 * the API server to every webhook the chart registers (Service -> targetPort -> container port),
 * a LoadBalancer Service's NLB (its subnets per scheme annotation, its health check port, and
 * clients when internet-facing) to the target ports, Prometheus to every port named *metrics*,
 * and every pod to kube-dns (UDP and TCP 53) and the API server on 443.
 */
export function chartPathProblems(model: ClusterModel, objects: K8sObject[], pods: RenderedPod[], src: Sources): string[] {
    const problems: string[] = [];
    const policies = model.policies as unknown as NetworkPolicy[];
    let nextIp = 200;
    const base = src.dnsPod.ip.split(".").slice(0, 3).join(".");
    const asPods = new Map(pods.map((r) => [r, { namespace: r.namespace, name: r.workload.replace(/\W+/g, "-").toLowerCase(), labels: r.labels, ip: `${base}.${nextIp++}`, ports: r.ports } as Pod]));
    const cluster: ClusterState = { namespaces: model.namespaces, pods: [...(model.pods as Pod[]), ...asPods.values()], policies };
    const expectAllowed = (why: string, from: { pod: Pod } | { ip: string }, to: RenderedPod, port: number, protocol: "TCP" | "UDP" = "TCP") => {
        const v = evaluate(cluster, { from, to: { pod: asPods.get(to)! }, port, protocol });
        if (!v.allowed) problems.push(`${why} -> ${to.namespace} ${to.workload} port ${port}/${protocol}: denied (${explain(v)})`);
    };
    const expectOut = (why: string, from: RenderedPod, to: { pod: Pod } | { ip: string }, port: number, protocol: "TCP" | "UDP" = "TCP") => {
        const v = evaluate(cluster, { from: { pod: asPods.get(from)! }, to, port, protocol });
        if (!v.allowed) problems.push(`${from.namespace} ${from.workload} -> ${why} port ${port}/${protocol}: denied (${explain(v)})`);
    };
    const services = objects.filter((o) => o.kind === "Service");
    const selected = (svc: K8sObject) => pods.filter((p) => p.namespace === svc.metadata.namespace && svc.spec?.selector && subset(svc.spec.selector, p.labels));

    for (const hook of objects.filter((o) => o.kind === "ValidatingWebhookConfiguration" || o.kind === "MutatingWebhookConfiguration")) {
        for (const w of hook.webhooks ?? []) {
            const ref = w.clientConfig?.service;
            if (!ref) continue;
            const svc = services.find((s) => s.metadata.name === ref.name && s.metadata.namespace === ref.namespace);
            if (!svc) {
                problems.push(`${hook.kind} ${hook.metadata.name} webhook ${w.name} calls Service ${ref.namespace}/${ref.name}, which the chart does not render`);
                continue;
            }
            const sp = (svc.spec.ports ?? []).find((p: { port: number }) => p.port === (ref.port ?? 443));
            const targets = selected(svc);
            if (!sp || targets.length === 0) problems.push(`webhook ${w.name}: Service ${ref.namespace}/${ref.name} has no port ${ref.port ?? 443} or selects no rendered pod`);
            for (const t of targets) {
                const port = portOn(t, sp?.targetPort ?? sp?.port);
                if (port === undefined) problems.push(`webhook ${w.name}: ${t.workload} declares no port ${JSON.stringify(sp?.targetPort)}`);
                else expectAllowed(`the API server (control plane) calling webhook ${w.name}`, { ip: src.controlPlane }, t, port);
            }
        }
    }
    for (const svc of services.filter((s) => s.spec?.type === "LoadBalancer")) {
        const ann = svc.metadata.annotations ?? {};
        const scheme = ann["service.beta.kubernetes.io/aws-load-balancer-scheme"] ?? "internal";
        for (const t of selected(svc)) {
            for (const sp of svc.spec.ports ?? []) {
                const port = portOn(t, sp.targetPort ?? sp.port, sp.protocol ?? "TCP");
                if (port === undefined) {
                    problems.push(`Service ${svc.metadata.name} port ${sp.name}: ${t.workload} declares no port ${JSON.stringify(sp.targetPort)}`);
                    continue;
                }
                expectAllowed(`the ${scheme} NLB of Service ${svc.metadata.name} (${sp.name})`, { ip: src.loadBalancer(scheme) }, t, port);
                // Client IPs are preserved (target group attribute), so an internet-facing NLB's clients arrive with their own addresses.
                if (scheme === "internet-facing") expectAllowed(`an internet client through Service ${svc.metadata.name} (${sp.name})`, { ip: src.internetClient }, t, port);
            }
            const health = ann["service.beta.kubernetes.io/aws-load-balancer-healthcheck-port"];
            if (health && health !== "traffic-port") expectAllowed(`the NLB health check of Service ${svc.metadata.name}`, { ip: src.loadBalancer(scheme) }, t, Number(health));
        }
    }
    for (const p of pods) {
        for (const port of p.ports.filter((x) => /metrics/.test(x.name ?? ""))) expectAllowed(`Prometheus (${src.monitoringPod.namespace}) scraping ${port.name}`, { pod: src.monitoringPod }, p, port.port);
        expectOut("kube-dns", p, { pod: src.dnsPod }, 53, "UDP");
        expectOut("kube-dns", p, { pod: src.dnsPod }, 53, "TCP");
        expectOut("the API server (kubernetes Service)", p, { ip: src.apiServer }, 443);
    }
    return problems;
}

// ---------------------------------------------------------------------------------------------
// (d) Pod Security Admission and (e) Kubernetes names and labels, with the mocked cloud's rules.

const asView = (release: string, o: K8sObject): ResourceView => ({
    urn: `helm ${release}: ${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`,
    type: `kubernetes:${o.apiVersion.includes("/") ? o.apiVersion : `core/${o.apiVersion}`}:${o.kind}`,
    name: o.metadata.name,
    custom: true,
    inputs: o as unknown as Record<string, unknown>,
});

/** The enforced level of the namespace each rendered pod runs in, by the program's Namespace labels (unlabelled: privileged). */
export function podSecurityProblems(program: readonly RecordedResource[], pods: RenderedPod[], version: Version = LATEST): string[] {
    const namespaces = new Map(program.filter((r) => r.type === "kubernetes:core/v1:Namespace").map((r) => [(r.inputs as K8sObject).metadata.name, (r.inputs as K8sObject).metadata.labels]));
    return pods.flatMap((p) => {
        const labels = namespaces.get(p.namespace);
        const { level } = namespacePolicy(labels, { level: "privileged", version });
        const violations = evaluatePod(level, version, p.metadata, p.spec);
        return violations.length ? [`${p.namespace} ${p.workload}: namespace ${p.namespace} enforces ${level}: ${formatViolations(level, labels?.["pod-security.kubernetes.io/enforce-version"] ?? "latest", violations)}`] : [];
    });
}

/**
 * offline/rules/kubernetes.ts on the rendered objects: per object (names, labels, annotations, pod
 * specs, Services) and across them together with the program's own objects (one object per kind,
 * namespace and name: a chart object the program also declares fails the install).
 */
export function objectRuleProblems(program: readonly RecordedResource[], release: string, objects: K8sObject[], version: Version = LATEST): string[] {
    const views = objects.map((o) => asView(release, o));
    const perObject = views.flatMap((v) => objectViolations(v));
    // Pod Security is checked by podSecurityProblems; here only what clusterViolations adds across objects.
    const across = clusterViolations([...program.filter(isKubernetesObject), ...views], version).filter((v) => v.resource.startsWith("helm ") || v.rule.includes("helm "));
    return [...perObject, ...across.filter((v) => !v.rule.includes("enforces"))].map(formatViolation);
}

/**
 * Every rendered pod runs as a ServiceAccount that exists (the chart's or the program's: the API
 * server's ServiceAccount admission refuses a pod whose account is missing), and every EKS Pod
 * Identity association the program makes in a release's namespace names the account of one of the
 * chart's pods (otherwise the controller runs without the AWS rights it was given).
 */
export function serviceAccountProblems(program: readonly RecordedResource[], namespace: string, objects: K8sObject[], pods: RenderedPod[]): string[] {
    const accounts = new Set([
        ...objects.filter((o) => o.kind === "ServiceAccount").map((o) => `${o.metadata.namespace}/${o.metadata.name}`),
        ...program.filter((r) => r.type === "kubernetes:core/v1:ServiceAccount").map((r) => { const m = (r.inputs as K8sObject).metadata; return `${m.namespace}/${m.name}`; }),
    ]);
    const used = new Set(pods.map((p) => `${p.namespace}/${p.spec?.serviceAccountName ?? "default"}`));
    const problems = pods.filter((p) => p.spec?.serviceAccountName && !accounts.has(`${p.namespace}/${p.spec.serviceAccountName}`))
        .map((p) => `${p.namespace} ${p.workload} runs as ServiceAccount ${p.spec.serviceAccountName}, which neither the chart nor the program creates`);
    for (const a of program.filter((r) => r.type === "aws:eks/podIdentityAssociation:PodIdentityAssociation" && r.inputs.namespace === namespace)) {
        if (!used.has(`${namespace}/${a.inputs.serviceAccount}`)) problems.push(`Pod Identity association ${a.name} gives AWS rights to ${namespace}/${a.inputs.serviceAccount}, which no pod of the chart runs as (they use ${[...used].join(", ")})`);
    }
    return problems;
}
