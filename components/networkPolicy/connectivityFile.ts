// Reads and validates connectivity expectation files (CONNECTIVITY-FORMAT.md section 1): JSON, or
// YAML of the same shape. Invalid input is an error naming the case and the field, never a verdict.
import * as v from "valibot";
import { load as parseYaml } from "js-yaml";
import { cidrContains, cidrProblem, parseCidr } from "../network/cidr";
import { ClusterState, Endpoint, NetworkPolicy, Pod, Protocol } from "./evaluator";

export class ConnectivityInputError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ConnectivityInputError";
    }
}

const protocol = v.picklist(["TCP", "UDP", "SCTP"]);
const ipv4 = v.pipe(v.string(), v.check((s) => !!parseCidr(`${s}/32`), "is not an IPv4 address"));
const portName = v.pipe(v.string(), v.regex(/^[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$/, "is not a port name"));
const portNumber = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(65535));
const port = v.union([portNumber, portName]);
const endpoint = v.union([v.pipe(v.string(), v.regex(/^[^/\s]+\/[^/\s]+$/, "is not ns/pod")), v.strictObject({ ip: ipv4 })]);
const text = v.pipe(v.string(), v.minLength(1));
const labels = v.record(v.string(), v.string());

const selector = v.nullish(
    v.object({
        matchLabels: v.nullish(labels),
        matchExpressions: v.nullish(v.array(v.object({ key: text, operator: v.picklist(["In", "NotIn", "Exists", "DoesNotExist"]), values: v.nullish(v.array(v.string())) }))),
    }),
);

const peer = v.object({
    podSelector: selector,
    namespaceSelector: selector,
    ipBlock: v.nullish(v.object({ cidr: v.string(), except: v.nullish(v.array(v.string())) })),
});

const policyPort = v.object({ protocol: v.nullish(protocol), port: v.nullish(port), endPort: v.nullish(portNumber) });
const rule = v.object({ from: v.nullish(v.array(peer)), to: v.nullish(v.array(peer)), ports: v.nullish(v.array(policyPort)) });

const policy = v.object({
    apiVersion: v.optional(v.string()),
    kind: v.optional(v.string()),
    metadata: v.object({ name: text, namespace: text }),
    spec: v.object({
        podSelector: selector,
        policyTypes: v.nullish(v.array(v.picklist(["Ingress", "Egress"]))),
        ingress: v.nullish(v.array(rule)),
        egress: v.nullish(v.array(rule)),
    }),
});

const caseSchema = v.object({
    name: text,
    source: v.optional(v.string()),
    tags: v.optional(v.array(v.string())),
    notes: v.optional(v.string()),
    namespaces: v.record(v.string(), labels),
    pods: v.array(
        v.object({
            namespace: text,
            name: text,
            labels,
            ip: ipv4,
            ports: v.optional(v.array(v.object({ name: v.optional(portName), port: portNumber, protocol })), () => []),
        }),
    ),
    policies: v.array(policy),
    probes: v.array(v.object({ from: endpoint, to: endpoint, port, protocol, allowed: v.boolean(), why: v.optional(v.string()) })),
});

const fileSchema = v.object({ schemaVersion: v.optional(v.number()), description: v.optional(v.string()), cases: v.pipe(v.array(v.unknown()), v.minLength(1)) });

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
}

const fieldPath = (issue: v.BaseIssue<unknown>) => (issue.path ?? []).map(({ key }) => (typeof key === "number" ? `[${key}]` : `.${String(key)}`)).join("").replace(/^\./, "");

/** Checks the schema cannot express: CIDRs, excepts inside their cidr, endPort, references to pods. */
function semanticProblems(c: v.InferOutput<typeof caseSchema>): string[] {
    const problems: string[] = [];
    const pods = new Set(c.pods.map((p) => `${p.namespace}/${p.name}`));
    c.pods.forEach((p, i) => {
        if (!c.namespaces[p.namespace]) problems.push(`pods[${i}].namespace: ${JSON.stringify(p.namespace)} is not in namespaces`);
    });
    c.policies.forEach((pol, i) => {
        for (const dir of ["ingress", "egress"] as const) {
            (pol.spec[dir] ?? []).forEach((r, j) => {
                const peers = (dir === "ingress" ? r.from : r.to) ?? [];
                peers.forEach((pe, k) => {
                    const at = `policies[${i}].spec.${dir}[${j}].${dir === "ingress" ? "from" : "to"}[${k}]`;
                    if (!pe.ipBlock && !pe.podSelector && !pe.namespaceSelector) problems.push(`${at}: a peer needs podSelector, namespaceSelector or ipBlock`);
                    if (pe.ipBlock && (pe.podSelector || pe.namespaceSelector)) problems.push(`${at}: ipBlock cannot be combined with selectors`);
                    const problem = pe.ipBlock ? cidrProblem(pe.ipBlock.cidr) : undefined;
                    if (problem) problems.push(`${at}.ipBlock.cidr: ${JSON.stringify(pe.ipBlock!.cidr)} ${problem}`);
                    if (!pe.ipBlock || problem) return;
                    (pe.ipBlock.except ?? []).forEach((e, m) => {
                        const ep = cidrProblem(e);
                        if (ep) problems.push(`${at}.ipBlock.except[${m}]: ${JSON.stringify(e)} ${ep}`);
                        else if (!cidrContains(parseCidr(pe.ipBlock!.cidr)!, parseCidr(e)!) || e === pe.ipBlock!.cidr) problems.push(`${at}.ipBlock.except[${m}]: ${e} is not strictly inside ${pe.ipBlock!.cidr}`);
                    });
                });
                (r.ports ?? []).forEach((p, k) => {
                    const at = `policies[${i}].spec.${dir}[${j}].ports[${k}]`;
                    if (p.endPort != null && typeof p.port !== "number") problems.push(`${at}.endPort: needs a numeric port`);
                    if (p.endPort != null && typeof p.port === "number" && p.endPort < p.port) problems.push(`${at}.endPort: ${p.endPort} is below port ${p.port}`);
                });
            });
        }
        for (const [name, sel] of [["podSelector", pol.spec.podSelector]] as const) {
            (sel?.matchExpressions ?? []).forEach((e, m) => {
                const needsValues = e.operator === "In" || e.operator === "NotIn";
                if (needsValues && !(e.values ?? []).length) problems.push(`policies[${i}].spec.${name}.matchExpressions[${m}]: ${e.operator} needs values`);
                if (!needsValues && (e.values ?? []).length) problems.push(`policies[${i}].spec.${name}.matchExpressions[${m}]: ${e.operator} takes no values`);
            });
        }
    });
    c.probes.forEach((p, i) => {
        for (const side of ["from", "to"] as const) {
            const e = p[side];
            if (typeof e === "string" && !pods.has(e)) problems.push(`probes[${i}].${side}: ${JSON.stringify(e)} names no pod of the case`);
        }
        if (typeof p.from === "string" && p.from === p.to) problems.push(`probes[${i}]: a pod talking to itself is out of scope`);
        if (typeof p.port === "string" && typeof p.to !== "string") problems.push(`probes[${i}].port: a named port needs a pod destination`);
    });
    return problems;
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
    const pods: Pod[] = c.pods.map((p) => ({ ...p, ports: p.ports.map((x) => ({ ...x })) }));
    const byRef = new Map(pods.map((p) => [`${p.namespace}/${p.name}`, p]));
    const endpoint = (e: string | { ip: string }): Endpoint => (typeof e === "string" ? { pod: byRef.get(e)! } : { ip: e.ip });
    const show = (e: string | { ip: string }) => (typeof e === "string" ? e : e.ip);
    return {
        name: c.name,
        source: c.source,
        cluster: { namespaces: c.namespaces, pods, policies: c.policies as NetworkPolicy[] },
        probes: c.probes.map((p) => ({ from: endpoint(p.from), to: endpoint(p.to), port: p.port, protocol: p.protocol, allowed: p.allowed, why: p.why, label: `${show(p.from)} -> ${show(p.to)} ${p.port}/${p.protocol}` })),
    };
}

/** Parses file text (JSON, or YAML when the name ends in .yaml/.yml) into validated cases. */
export function parseConnectivityFile(text: string, fileName: string): ConnectivityCase[] {
    let doc: unknown;
    try {
        doc = /\.ya?ml$/i.test(fileName) ? parseYaml(text) : JSON.parse(text);
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
