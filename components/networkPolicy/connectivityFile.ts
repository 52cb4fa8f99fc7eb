// Reads and validates connectivity expectation files (CONNECTIVITY-FORMAT.md section 1): JSON, or
// YAML of the same shape. Invalid input is an error naming the case and the field, never a verdict.
import { z } from "zod";
import { load as parseYaml } from "js-yaml";
import { cidrContains, cidrProblem, parseCidr } from "../network/cidr";
import { ClusterState, Endpoint, NetworkPolicy, Pod, Protocol } from "./evaluator";

export class ConnectivityInputError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ConnectivityInputError";
    }
}

const protocol = z.enum(["TCP", "UDP", "SCTP"]);
const ipv4 = z.string().refine((s) => !!parseCidr(`${s}/32`), "is not an IPv4 address");
const portName = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$/, "is not a port name");
const port = z.union([z.number().int().min(1).max(65535), portName]);
const endpoint = z.union([z.string().regex(/^[^/\s]+\/[^/\s]+$/, "is not ns/pod"), z.object({ ip: ipv4 }).strict()]);

const selector = z.object({
    matchLabels: z.record(z.string(), z.string()).nullish(),
    matchExpressions: z.array(z.object({ key: z.string().min(1), operator: z.enum(["In", "NotIn", "Exists", "DoesNotExist"]), values: z.array(z.string()).nullish() })).nullish(),
}).nullish();

const peer = z.object({
    podSelector: selector,
    namespaceSelector: selector,
    ipBlock: z.object({ cidr: z.string(), except: z.array(z.string()).nullish() }).nullish(),
});

const policyPort = z.object({ protocol: protocol.nullish(), port: z.union([z.number().int().min(1).max(65535), portName]).nullish(), endPort: z.number().int().min(1).max(65535).nullish() });
const rule = z.object({ from: z.array(peer).nullish(), to: z.array(peer).nullish(), ports: z.array(policyPort).nullish() });

const policy = z.object({
    apiVersion: z.string().optional(),
    kind: z.string().optional(),
    metadata: z.object({ name: z.string().min(1), namespace: z.string().min(1) }),
    spec: z.object({
        podSelector: selector,
        policyTypes: z.array(z.enum(["Ingress", "Egress"])).nullish(),
        ingress: z.array(rule).nullish(),
        egress: z.array(rule).nullish(),
    }),
});

const caseSchema = z.object({
    name: z.string().min(1),
    source: z.string().optional(),
    tags: z.array(z.string()).optional(),
    notes: z.string().optional(),
    namespaces: z.record(z.string(), z.record(z.string(), z.string())),
    pods: z.array(z.object({
        namespace: z.string().min(1),
        name: z.string().min(1),
        labels: z.record(z.string(), z.string()),
        ip: ipv4,
        ports: z.array(z.object({ name: portName.optional(), port: z.number().int().min(1).max(65535), protocol })).default([]),
    })),
    policies: z.array(policy),
    probes: z.array(z.object({ from: endpoint, to: endpoint, port, protocol, allowed: z.boolean(), why: z.string().optional() })),
});

const fileSchema = z.object({ schemaVersion: z.number().optional(), description: z.string().optional(), cases: z.array(z.unknown()).min(1) });

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

const fieldPath = (path: readonly PropertyKey[]) => path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, "");

/** Checks the schema cannot express: CIDRs, excepts inside their cidr, endPort, references to pods. */
function semanticProblems(c: z.infer<typeof caseSchema>): string[] {
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
    const parsed = caseSchema.safeParse(raw);
    if (!parsed.success) {
        throw new ConnectivityInputError(parsed.error.issues.map((i) => `${label}: ${fieldPath(i.path) || "(case)"}: ${i.message}`).join("\n"));
    }
    const problems = semanticProblems(parsed.data);
    if (problems.length > 0) throw new ConnectivityInputError(problems.map((p) => `${label}: ${p}`).join("\n"));
    const c = parsed.data;
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
    const file = fileSchema.safeParse(doc);
    if (!file.success) throw new ConnectivityInputError(file.error.issues.map((i) => `${fieldPath(i.path) || "(file)"}: ${i.message}`).join("\n"));
    const cases = file.data.cases.map(toCase);
    const seen = new Set<string>();
    for (const c of cases) {
        if (seen.has(c.name)) throw new ConnectivityInputError(`case ${JSON.stringify(c.name)}: name: the name is used twice`);
        seen.add(c.name);
    }
    return cases;
}
