// An exact model of Kubernetes networking.k8s.io/v1 NetworkPolicy semantics, as fixed in
// docs/connectivity-format.md section 2. Pure: it answers allowed or denied for one
// connection and explains the answer (which policies isolate each side, which rule allowed it).
import { cidrContains, parseCidr } from "../network/cidr";

export type Protocol = "TCP" | "UDP" | "SCTP";
export type Labels = Record<string, string>;

export interface ContainerPort {
    name?: string;
    port: number;
    protocol: Protocol;
}

export interface Pod {
    namespace: string;
    name: string;
    labels: Labels;
    ip: string;
    ports: ContainerPort[];
}

export interface LabelSelector {
    matchLabels?: Labels | null;
    matchExpressions?: { key: string; operator: string; values?: string[] | null }[] | null;
}

export interface PolicyPeer {
    podSelector?: LabelSelector | null;
    namespaceSelector?: LabelSelector | null;
    ipBlock?: { cidr: string; except?: string[] | null } | null;
}

export interface PolicyPort {
    protocol?: Protocol | null;
    port?: number | string | null;
    endPort?: number | null;
}

export interface PolicyRule {
    from?: PolicyPeer[] | null;
    to?: PolicyPeer[] | null;
    ports?: PolicyPort[] | null;
}

export interface NetworkPolicy {
    metadata: { name: string; namespace: string };
    spec: {
        podSelector?: LabelSelector | null;
        policyTypes?: ("Ingress" | "Egress")[] | null;
        ingress?: PolicyRule[] | null;
        egress?: PolicyRule[] | null;
    };
}

export interface ClusterState {
    /** Complete label maps, including kubernetes.io/metadata.name. */
    namespaces: Record<string, Labels>;
    pods: Pod[];
    policies: NetworkPolicy[];
}

/** A pod of the cluster, or an address outside it. */
export type Endpoint = { pod: Pod } | { ip: string };

export interface Connection {
    from: Endpoint;
    to: Endpoint;
    /** Number, or a port name resolved on the destination pod. */
    port: number | string;
    protocol: Protocol;
}

export interface SideVerdict {
    allowed: boolean;
    /** Policies (namespace/name) that isolate the pod in this direction; empty when not isolated. */
    isolatedBy: string[];
    /** The rule that allowed it, as `namespace/name ingress[i]`. */
    allowedBy?: string;
    reason: string;
}

export interface Verdict {
    allowed: boolean;
    egress: SideVerdict;
    ingress: SideVerdict;
}

type Direction = "Ingress" | "Egress";

const isPod = (e: Endpoint): e is { pod: Pod } => "pod" in e;
const ipOf = (e: Endpoint) => (isPod(e) ? e.pod.ip : e.ip);
const policyId = (p: NetworkPolicy) => `${p.metadata.namespace}/${p.metadata.name}`;

/** `{}`, `{"matchLabels": {}}` and null select everything; matchLabels and matchExpressions are ANDed. */
export function selectorMatches(selector: LabelSelector | null | undefined, labels: Labels): boolean {
    if (!selector) return true;
    for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
    for (const e of selector.matchExpressions ?? []) {
        const has = Object.prototype.hasOwnProperty.call(labels, e.key);
        const values = e.values ?? [];
        switch (e.operator) {
            case "In":
                if (!has || !values.includes(labels[e.key])) return false;
                break;
            case "NotIn":
                if (has && values.includes(labels[e.key])) return false;
                break;
            case "Exists":
                if (!has) return false;
                break;
            case "DoesNotExist":
                if (has) return false;
                break;
            default:
                throw new Error(`unknown label selector operator ${JSON.stringify(e.operator)}`);
        }
    }
    return true;
}

/** Spec policyTypes when present and non-empty; else Ingress, plus Egress iff there is an egress rule. */
export function effectivePolicyTypes(policy: NetworkPolicy): Direction[] {
    const written = policy.spec.policyTypes;
    if (written && written.length > 0) return written;
    return (policy.spec.egress ?? []).length > 0 ? ["Ingress", "Egress"] : ["Ingress"];
}

function ipInBlock(ip: string, block: { cidr: string; except?: string[] | null }): boolean {
    const addr = parseCidr(`${ip}/32`);
    const cidr = parseCidr(block.cidr);
    if (!addr || !cidr) throw new Error(`invalid address ${ip} or CIDR ${block.cidr}`);
    if (!cidrContains(cidr, addr)) return false;
    return !(block.except ?? []).some((e) => cidrContains(parseCidr(e)!, addr));
}

/** Does `peer` (written in `policy`) match `endpoint`? Selector peers never match outside addresses. */
function peerMatches(peer: PolicyPeer, endpoint: Endpoint, policy: NetworkPolicy, cluster: ClusterState): boolean {
    if (peer.ipBlock) return ipInBlock(ipOf(endpoint), peer.ipBlock);
    if (!peer.podSelector && !peer.namespaceSelector) throw new Error(`${policyId(policy)}: a peer needs podSelector, namespaceSelector or ipBlock`);
    if (!isPod(endpoint)) return false;
    const pod = endpoint.pod;
    if (peer.namespaceSelector) {
        if (!selectorMatches(peer.namespaceSelector, cluster.namespaces[pod.namespace] ?? {})) return false;
    } else if (pod.namespace !== policy.metadata.namespace) {
        // podSelector alone selects pods in the policy's own namespace.
        return false;
    }
    return !peer.podSelector || selectorMatches(peer.podSelector, pod.labels);
}

/** Does a port entry match the traffic? Named ports resolve on the destination pod by name and protocol. */
function portMatches(entry: PolicyPort, port: number, protocol: Protocol, destination: Endpoint): boolean {
    const entryProtocol = entry.protocol ?? "TCP";
    if (entryProtocol !== protocol) return false;
    if (entry.port === undefined || entry.port === null) return true;
    if (typeof entry.port === "number") return entry.endPort ? port >= entry.port && port <= entry.endPort : port === entry.port;
    if (!isPod(destination)) return false;
    return destination.pod.ports.some((p) => p.name === entry.port && p.protocol === entryProtocol && p.port === port);
}

function ruleMatches(rule: PolicyRule, direction: Direction, peer: Endpoint, port: number, protocol: Protocol, destination: Endpoint, policy: NetworkPolicy, cluster: ClusterState): boolean {
    const peers = (direction === "Ingress" ? rule.from : rule.to) ?? [];
    const ports = rule.ports ?? [];
    const peerOk = peers.length === 0 || peers.some((p) => peerMatches(p, peer, policy, cluster));
    const portOk = ports.length === 0 || ports.some((p) => portMatches(p, port, protocol, destination));
    return peerOk && portOk;
}

function side(direction: Direction, pod: Pod, peer: Endpoint, port: number, protocol: Protocol, destination: Endpoint, cluster: ClusterState): SideVerdict {
    const isolating = cluster.policies.filter((p) =>
        p.metadata.namespace === pod.namespace && selectorMatches(p.spec.podSelector, pod.labels) && effectivePolicyTypes(p).includes(direction));
    if (isolating.length === 0) return { allowed: true, isolatedBy: [], reason: `${pod.namespace}/${pod.name} is not isolated for ${direction.toLowerCase()}` };
    const isolatedBy = isolating.map(policyId);
    const key = direction === "Ingress" ? "ingress" : "egress";
    for (const policy of isolating) {
        const rules = policy.spec[key] ?? [];
        const index = rules.findIndex((r) => ruleMatches(r, direction, peer, port, protocol, destination, policy, cluster));
        if (index >= 0) return { allowed: true, isolatedBy, allowedBy: `${policyId(policy)} ${key}[${index}]`, reason: `allowed by ${policyId(policy)} ${key}[${index}]` };
    }
    return { allowed: false, isolatedBy, reason: `isolated by ${isolatedBy.join(", ")}; no ${key} rule of these policies matches` };
}

const OUTSIDE: SideVerdict = { allowed: true, isolatedBy: [], reason: "outside the cluster: no policies apply" };

/** Resolves a probe's port: a number, or a name declared by the destination pod for the protocol. */
export function resolvePort(port: number | string, protocol: Protocol, to: Endpoint): number {
    if (typeof port === "number") return port;
    if (!isPod(to)) throw new Error(`the named port ${JSON.stringify(port)} cannot be resolved on an address outside the cluster`);
    const found = to.pod.ports.find((p) => p.name === port && p.protocol === protocol);
    if (!found) throw new Error(`${to.pod.namespace}/${to.pod.name} declares no ${protocol} port named ${JSON.stringify(port)}`);
    return found.port;
}

/** allowed = egress allowed at the source AND ingress allowed at the destination. */
export function evaluate(cluster: ClusterState, c: Connection): Verdict {
    if (isPod(c.from) && isPod(c.to) && c.from.pod === c.to.pod) throw new Error("a pod talking to itself is out of scope");
    const port = resolvePort(c.port, c.protocol, c.to);
    const egress = isPod(c.from) ? side("Egress", c.from.pod, c.to, port, c.protocol, c.to, cluster) : OUTSIDE;
    const ingress = isPod(c.to) ? side("Ingress", c.to.pod, c.from, port, c.protocol, c.to, cluster) : OUTSIDE;
    return { allowed: egress.allowed && ingress.allowed, egress, ingress };
}

/** One line per side: why the connection is allowed or denied. */
export function explain(v: Verdict): string {
    return `egress: ${v.egress.reason}; ingress: ${v.ingress.reason}`;
}
