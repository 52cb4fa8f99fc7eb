// Reads and validates connectivity expectation files (docs/connectivity-format.md section 1): JSON, or
// YAML of the same shape. Invalid input is an error naming the case and the field, never a verdict.
import * as v from "valibot";
import { load as parseYaml } from "js-yaml";
import { dns1123LabelProblem, dns1123SubdomainProblem, labelValueProblem, portNameProblem, qualifiedNameProblem } from "../kubernetesNames";
import { cidrContains, cidrProblem, formatCidr, parseCidr, parseCidrMasked } from "../network/cidr";
import { ClusterState, Endpoint, NetworkPolicy, Pod, Protocol } from "./evaluator";

export class ConnectivityInputError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ConnectivityInputError";
    }
}

// Kubernetes objects are read with the API server's strict field validation (kubectl's default since
// 1.27): an unknown or misspelt field is an error, as `kubectl apply` reports it, never dropped.
function strict<E extends v.ObjectEntries>(entries: E) {
    const fields = Object.keys(entries).join(", ");
    return v.strictObject(entries, (issue) => (issue.expected === "never" ? `unknown field ${issue.received} (the fields here are ${fields})` : `expected an object, got ${issue.received}`));
}

const protocol = v.picklist(["TCP", "UDP", "SCTP"]);
const ipv4 = v.pipe(v.string(), v.check((s) => !!parseCidr(`${s}/32`), "is not an IPv4 address"));
const portName = v.pipe(v.string(), v.rawCheck(({ dataset, addIssue }) => {
    const problem = dataset.typed ? portNameProblem(dataset.value) : undefined;
    if (problem) addIssue({ message: `${JSON.stringify(dataset.value)} is not a port name (IANA_SVC_NAME): it ${problem}` });
}));
const portNumber = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65535));
const port = v.union([portNumber, portName]);
const endpoint = v.union([v.pipe(v.string(), v.regex(/^[^/\s]+\/[^/\s]+$/, "is not ns/pod")), v.object({ ip: ipv4 })]);
const text = v.pipe(v.string(), v.minLength(1));
const labels = v.record(v.string(), v.string());

const selector = v.nullish(
    strict({
        matchLabels: v.nullish(labels),
        matchExpressions: v.nullish(v.array(strict({ key: v.string(), operator: v.picklist(["In", "NotIn", "Exists", "DoesNotExist"]), values: v.nullish(v.array(v.string())) }))),
    }),
);

const peer = strict({
    podSelector: v.optional(selector),
    namespaceSelector: v.optional(selector),
    ipBlock: v.nullish(strict({ cidr: v.string(), except: v.nullish(v.array(v.string())) })),
});

const policyPort = strict({ protocol: v.nullish(protocol), port: v.nullish(port), endPort: v.nullish(portNumber) });
const ports = v.nullish(v.array(policyPort));

const policy = strict({
    apiVersion: v.optional(v.literal("networking.k8s.io/v1")),
    kind: v.optional(v.literal("NetworkPolicy")),
    // Metadata may carry labels, annotations and the like; only name and namespace matter here.
    metadata: v.looseObject({ name: text, namespace: text }),
    spec: strict({
        podSelector: v.optional(selector),
        policyTypes: v.nullish(v.array(v.picklist(["Ingress", "Egress"]))),
        ingress: v.nullish(v.array(strict({ from: v.nullish(v.array(peer)), ports }))),
        egress: v.nullish(v.array(strict({ to: v.nullish(v.array(peer)), ports }))),
    }),
    status: v.optional(v.unknown()),
});

const caseSchema = v.object({
    name: text,
    source: v.nullish(v.string()),
    tags: v.nullish(v.array(v.string())),
    notes: v.nullish(v.string()),
    namespaces: v.record(v.string(), labels),
    pods: v.array(
        v.object({
            namespace: text,
            name: text,
            labels,
            ip: ipv4,
            ports: v.nullish(v.array(v.object({ name: v.nullish(portName), port: portNumber, protocol })), () => []),
        }),
    ),
    policies: v.array(policy),
    probes: v.array(v.object({ from: endpoint, to: endpoint, port, protocol, allowed: v.boolean(), why: v.nullish(v.string()) })),
});

const fileSchema = v.object({ schemaVersion: v.nullish(v.number()), description: v.nullish(v.string()), cases: v.pipe(v.array(v.unknown()), v.minLength(1)) });

/** The label `kubernetes.io/metadata.name`, which the API server sets on every namespace (1.21+). */
const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

export interface Probe {
    from: Endpoint;
    to: Endpoint;
    port: number | string;
    protocol: Protocol;
    allowed: boolean;
    why?: string;
    /** How the probe reads in the file, for messages. */
    label: string;
}

export interface ConnectivityCase {
    name: string;
    source?: string;
    cluster: ClusterState;
    probes: Probe[];
    /** Valid input that may not mean what its author meant, for the reader to see. */
    notes: string[];
}

const fieldPath = (issue: v.BaseIssue<unknown>) => (issue.path ?? []).map(({ key }) => (typeof key === "number" ? `[${key}]` : `.${String(key)}`)).join("").replace(/^\./, "");

type CaseInput = v.InferOutput<typeof caseSchema>;

/** An ipBlock CIDR's problem; host bits are allowed, as the API server allows them (see parseCidrMasked). */
const ipBlockCidrProblem = (text: string): string | undefined => (parseCidrMasked(text) ? undefined : cidrProblem(text));

/** The policy with its ipBlock CIDRs written as their network addresses, as the API server reads them. */
function withMaskedCidrs(policy: CaseInput["policies"][number]): CaseInput["policies"][number] {
    const mask = (t: string) => formatCidr(parseCidrMasked(t)!);
    const peers = (list: { ipBlock?: { cidr: string; except?: string[] | null } | null }[] | null | undefined) =>
        list?.map((pe) => (pe.ipBlock ? { ...pe, ipBlock: { ...pe.ipBlock, cidr: mask(pe.ipBlock.cidr), except: pe.ipBlock.except?.map(mask) } } : pe));
    return {
        ...policy,
        spec: {
            ...policy.spec,
            ingress: policy.spec.ingress?.map((r) => ({ ...r, from: peers(r.from) })),
            egress: policy.spec.egress?.map((r) => ({ ...r, to: peers(r.to) })),
        },
    };
}
type Selector = v.InferOutput<typeof selector>;

/** Label keys and values as the API server validates them (apimachinery IsQualifiedName, IsValidLabelValue). */
function labelProblems(map: Record<string, string>, at: string): string[] {
    return Object.entries(map).flatMap(([key, value]) => {
        const kp = qualifiedNameProblem(key);
        const vp = labelValueProblem(value);
        return [...(kp ? [`${at}: label key ${JSON.stringify(key)} ${kp}`] : []), ...(vp ? [`${at}[${JSON.stringify(key)}]: label value ${JSON.stringify(value)} ${vp}`] : [])];
    });
}

/** A label selector as apimachinery ValidateLabelSelector checks it. */
function selectorProblems(sel: Selector | undefined, at: string): string[] {
    if (!sel) return [];
    const problems = labelProblems(sel.matchLabels ?? {}, `${at}.matchLabels`);
    (sel.matchExpressions ?? []).forEach((e, m) => {
        const here = `${at}.matchExpressions[${m}]`;
        const kp = qualifiedNameProblem(e.key);
        if (kp) problems.push(`${here}.key: ${JSON.stringify(e.key)} ${kp}`);
        const values = e.values ?? [];
        const needsValues = e.operator === "In" || e.operator === "NotIn";
        if (needsValues && values.length === 0) problems.push(`${here}.values: ${e.operator} needs at least one value`);
        if (!needsValues && values.length > 0) problems.push(`${here}.values: ${e.operator} takes no values`);
        values.forEach((value, k) => {
            const vp = labelValueProblem(value);
            if (vp) problems.push(`${here}.values[${k}]: ${JSON.stringify(value)} ${vp}`);
        });
    });
    return problems;
}

/** Reports the first place each key was seen again: `what` names the thing for the message. */
function duplicates<T>(items: readonly T[], key: (item: T) => string, at: (i: number) => string, what: string): string[] {
    const first = new Map<string, number>();
    return items.flatMap((item, i) => {
        const k = key(item);
        if (!first.has(k)) {
            first.set(k, i);
            return [];
        }
        return [`${at(i)}: ${what} ${JSON.stringify(k)} is also at ${at(first.get(k)!)}`];
    });
}

function namespaceProblems(c: CaseInput): string[] {
    return Object.entries(c.namespaces).flatMap(([ns, nsLabels]) => {
        const at = `namespaces[${JSON.stringify(ns)}]`;
        const np = dns1123LabelProblem(ns);
        const own = nsLabels[NAMESPACE_NAME_LABEL];
        return [
            ...(np ? [`${at}: a namespace name ${np}`] : []),
            ...labelProblems(nsLabels, at),
            ...(own !== undefined && own !== ns ? [`${at}[${JSON.stringify(NAMESPACE_NAME_LABEL)}]: is ${JSON.stringify(own)}, but the API server sets it to the namespace's own name`] : []),
        ];
    });
}

function podProblems(c: CaseInput): string[] {
    const problems: string[] = [];
    c.pods.forEach((p, i) => {
        if (!c.namespaces[p.namespace]) problems.push(`pods[${i}].namespace: ${JSON.stringify(p.namespace)} is not in namespaces`);
        const np = dns1123SubdomainProblem(p.name);
        if (np) problems.push(`pods[${i}].name: a pod name ${np}`);
        problems.push(...labelProblems(p.labels, `pods[${i}].labels`));
        // No uniqueness rule for port names: the format lists a pod's ports without their containers,
        // and Kubernetes wants names unique per container only (two containers may both declare
        // `metrics`; kubernetes/kubernetes#122150). A probe's named port must still resolve to one number.
    });
    problems.push(...duplicates(c.pods, (p) => `${p.namespace}/${p.name}`, (i) => `pods[${i}]`, "pod"));
    problems.push(...duplicates(c.pods, (p) => p.ip, (i) => `pods[${i}].ip`, "pod IP"));
    return problems;
}

function policyProblems(c: CaseInput): string[] {
    const problems: string[] = [];
    c.policies.forEach((pol, i) => {
        const np = dns1123SubdomainProblem(pol.metadata.name);
        if (np) problems.push(`policies[${i}].metadata.name: a NetworkPolicy name ${np}`);
        const nsp = dns1123LabelProblem(pol.metadata.namespace);
        if (nsp) problems.push(`policies[${i}].metadata.namespace: a namespace name ${nsp}`);
        problems.push(...selectorProblems(pol.spec.podSelector, `policies[${i}].spec.podSelector`));
        for (const dir of ["ingress", "egress"] as const) {
            (pol.spec[dir] ?? []).forEach((r, j) => {
                const field = dir === "ingress" ? "from" : "to";
                const peers = ("from" in r ? r.from : "to" in r ? r.to : undefined) ?? [];
                peers.forEach((pe, k) => {
                    const at = `policies[${i}].spec.${dir}[${j}].${field}[${k}]`;
                    if (!pe.ipBlock && !pe.podSelector && !pe.namespaceSelector) problems.push(`${at}: a peer needs podSelector, namespaceSelector or ipBlock`);
                    if (pe.ipBlock && (pe.podSelector || pe.namespaceSelector)) problems.push(`${at}: ipBlock cannot be combined with selectors`);
                    problems.push(...selectorProblems(pe.podSelector, `${at}.podSelector`), ...selectorProblems(pe.namespaceSelector, `${at}.namespaceSelector`));
                    const problem = pe.ipBlock ? ipBlockCidrProblem(pe.ipBlock.cidr) : undefined;
                    if (problem) problems.push(`${at}.ipBlock.cidr: ${JSON.stringify(pe.ipBlock!.cidr)} ${problem}`);
                    if (!pe.ipBlock || problem) return;
                    const block = parseCidrMasked(pe.ipBlock.cidr)!;
                    (pe.ipBlock.except ?? []).forEach((e, m) => {
                        const ep = ipBlockCidrProblem(e);
                        const inner = parseCidrMasked(e);
                        if (ep) problems.push(`${at}.ipBlock.except[${m}]: ${JSON.stringify(e)} ${ep}`);
                        else if (!cidrContains(block, inner!) || inner!.prefix === block.prefix) problems.push(`${at}.ipBlock.except[${m}]: ${e} is not strictly inside ${pe.ipBlock!.cidr}`);
                    });
                });
                (r.ports ?? []).forEach((p, k) => {
                    const at = `policies[${i}].spec.${dir}[${j}].ports[${k}]`;
                    if (p.endPort != null && typeof p.port !== "number") problems.push(`${at}.endPort: needs a numeric port`);
                    if (p.endPort != null && typeof p.port === "number" && p.endPort < p.port) problems.push(`${at}.endPort: ${p.endPort} is below port ${p.port}`);
                });
            });
        }
    });
    problems.push(...duplicates(c.policies, (p) => `${p.metadata.namespace}/${p.metadata.name}`, (i) => `policies[${i}]`, "NetworkPolicy"));
    return problems;
}

/**
 * Probes name pods of the case and ports the destination declares. An `{"ip"}` end is outside the
 * cluster (section 1), even at a pod's address, and a probe between two outside ends is allowed
 * (section 2: only the in-cluster side is checked, and there is none).
 */
function probeProblems(c: CaseInput): string[] {
    const problems: string[] = [];
    const pods = new Map(c.pods.map((p) => [`${p.namespace}/${p.name}`, p]));
    c.probes.forEach((p, i) => {
        for (const side of ["from", "to"] as const) {
            const e = p[side];
            if (typeof e === "string" && !pods.has(e)) problems.push(`probes[${i}].${side}: ${JSON.stringify(e)} names no pod of the case`);
        }
        if (typeof p.from === "string" && p.from === p.to) problems.push(`probes[${i}]: a pod talking to itself is out of scope`);
        if (typeof p.port !== "string") return;
        if (typeof p.to !== "string") {
            problems.push(`probes[${i}].port: a named port needs a pod destination`);
            return;
        }
        const to = pods.get(p.to);
        const numbers = new Set((to?.ports ?? []).filter((x) => x.name === p.port && x.protocol === p.protocol).map((x) => x.port));
        if (to && numbers.size === 0) problems.push(`probes[${i}].port: ${p.to} declares no ${p.protocol} port named ${JSON.stringify(p.port)}`);
        if (numbers.size > 1) problems.push(`probes[${i}].port: ${p.to} declares ${p.protocol} ports named ${JSON.stringify(p.port)} with different numbers (${[...numbers].join(", ")}), so the probe names no single port; give the number`);
    });
    return problems;
}

/** Checks the schema cannot express, every one at once: names, labels, selectors, CIDRs, ports, references. */
function semanticProblems(c: CaseInput): string[] {
    return [...namespaceProblems(c), ...podProblems(c), ...policyProblems(c), ...probeProblems(c)];
}

function toCase(raw: unknown, index: number): ConnectivityCase {
    const name = (raw as { name?: unknown })?.name;
    const label = typeof name === "string" ? `case ${JSON.stringify(name)}` : `cases[${index}]`;
    const parsed = v.safeParse(caseSchema, raw);
    if (!parsed.success) {
        throw new ConnectivityInputError(parsed.issues.map((i) => `${label}: ${fieldPath(i) || "(case)"}: ${i.message}`).join("\n"));
    }
    const problems = semanticProblems(parsed.output);
    if (problems.length > 0) throw new ConnectivityInputError(problems.map((p) => `${label}: ${p}`).join("\n"));
    const c = parsed.output;
    // The API server labels every namespace with its own name; a file may leave the label implicit.
    const namespaces = Object.fromEntries(Object.entries(c.namespaces).map(([ns, l]) => [ns, { [NAMESPACE_NAME_LABEL]: ns, ...l }]));
    const pods: Pod[] = c.pods.map((p) => ({ ...p, ports: p.ports.map((x) => ({ ...x, name: x.name ?? undefined })) }));
    const byRef = new Map(pods.map((p) => [`${p.namespace}/${p.name}`, p]));
    const endpoint = (e: string | { ip: string }): Endpoint => (typeof e === "string" ? { pod: byRef.get(e)! } : { ip: e.ip });
    const show = (e: string | { ip: string }) => (typeof e === "string" ? e : e.ip);
    return {
        name: c.name,
        source: c.source ?? undefined,
        cluster: { namespaces, pods, policies: c.policies.map(withMaskedCidrs) as NetworkPolicy[] },
        notes: c.probes.flatMap((p, i) => (["from", "to"] as const).flatMap((side) => {
            const e = p[side];
            const pod = typeof e === "string" ? undefined : c.pods.find((x) => x.ip === e.ip);
            return pod ? [`probes[${i}].${side}.ip: ${pod.ip} is pod ${pod.namespace}/${pod.name}'s address, taken as outside the cluster (section 1), so that pod's policies are not checked; name the pod to check them`] : [];
        })),
        probes: c.probes.map((p) => ({ from: endpoint(p.from), to: endpoint(p.to), port: p.port, protocol: p.protocol, allowed: p.allowed, why: p.why ?? undefined, label: `${show(p.from)} -> ${show(p.to)} ${p.port}/${p.protocol}` })),
    };
}

/** Parses file text (JSON, or YAML when the name ends in .yaml/.yml) into validated cases. */
export function parseConnectivityFile(text: string, fileName: string): ConnectivityCase[] {
    let doc: unknown;
    try {
        // A byte-order mark (as some Windows editors save) is not part of the document.
        const body = text.replace(/^\uFEFF/, "");
        doc = /\.ya?ml$/i.test(fileName) ? parseYaml(body) : JSON.parse(body);
    } catch (e) {
        throw new ConnectivityInputError(`${fileName}: not valid ${/\.ya?ml$/i.test(fileName) ? "YAML" : "JSON"}: ${(e as Error).message}`);
    }
    const file = v.safeParse(fileSchema, doc);
    if (!file.success) throw new ConnectivityInputError(file.issues.map((i) => `${fieldPath(i) || "(file)"}: ${i.message}`).join("\n"));
    const cases = file.output.cases.map(toCase);
    const seen = new Set<string>();
    for (const c of cases) {
        if (seen.has(c.name)) throw new ConnectivityInputError(`case ${JSON.stringify(c.name)}: name: the name is used twice`);
        seen.add(c.name);
    }
    return cases;
}
