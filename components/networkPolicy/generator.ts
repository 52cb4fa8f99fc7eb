// Turns a typed traffic intent for the IdP namespace into NetworkPolicy objects. Pure: no Pulumi.
// Every policy says why it exists in the `idp-eks.io/why` annotation.
import { cidrContains, cidrProblem, parseCidr } from "../network/cidr";

export const WHY = "idp-eks.io/why";
/**
 * Link-local (RFC 3927): instance metadata 169.254.169.254, the EKS Pod Identity agent
 * 169.254.170.23, the Amazon DNS and time servers. Never "the internet".
 */
export const LINK_LOCAL = "169.254.0.0/16";

/**
 * The internet as an ipBlock: everything except the VPC (other pods, nodes, the private API
 * endpoint, load balancers: anything there gets its own named rule) and link-local addresses.
 */
export function internetBlock(vpcCidr: string): { ipBlock: { cidr: string; except: string[] } } {
    return { ipBlock: { cidr: "0.0.0.0/0", except: [vpcCidr, LINK_LOCAL] } };
}

export type Labels = Record<string, string>;

export interface PeerPods {
    namespace: string;
    podLabels: Labels;
}

export enum Protocol {
    Tcp = "TCP",
    Udp = "UDP",
    Sctp = "SCTP",
}

export enum Direction {
    Ingress = "ingress",
    Egress = "egress",
}

/** An extra allow rule from config: traffic to or from the IdP pods. */
export interface ExtraRule {
    name: string;
    direction: Direction;
    /** Peer: pods (namespace + labels) or address blocks; exactly one. */
    pods?: PeerPods;
    blocks?: IpBlock[];
    port: number;
    endPort?: number;
    protocol: Protocol;
    why: string;
}

export interface IpBlock {
    cidr: string;
    except?: string[];
}

export interface DatastoreTraffic {
    /** In-cluster: the datastore pods' labels. External: the endpoint CIDRs. */
    podLabels?: Labels;
    cidrs?: string[];
    port: number;
}

export interface TrafficIntent {
    namespace: string;
    idpLabels: Labels;
    httpPort: number;
    managementPort: number;
    /** ingress-nginx controller pods that proxy to the IdP. */
    ingressNginx?: PeerPods;
    /** Subnets whose load balancer nodes send traffic and health checks to pod IPs (ALB, NLB). */
    loadBalancerSubnetCidrs?: string[];
    /** NLB with client IP preservation: client source ranges reach the pods directly. */
    nlbClientCidrs?: string[];
    /** NodePort clients (externalTrafficPolicy Local keeps their addresses). */
    nodePortClientCidrs?: string[];
    /** The VPC, whose addresses (pods included) are excluded from client ranges. */
    vpcCidr: string;
    frontend?: PeerPods;
    /** Namespace of Prometheus, the only source allowed to the management port. */
    monitoringNamespace: string;
    /** kube-dns pods. */
    dns: PeerPods;
    postgres: DatastoreTraffic;
    redis: DatastoreTraffic;
    /** Outbound HTTPS (443) to the internet: OIDC federation, JWKS, webhooks. */
    httpsEgress: boolean;
    smtpEgress: boolean;
    /** The ACME HTTP-01 solver pods must be reachable from the ingress controller while cert-manager solves. */
    acmeHttp01Solver?: PeerPods;
    /**
     * Other pods of the namespace the ingress controller proxies to (the NGINX Ingress's extra
     * routes), each on its container port only; needs ingressNginx.
     */
    proxiedBackends?: ProxiedBackend[];
    extraRules: ExtraRule[];
}

/** Pods of the namespace behind an Ingress route, on the port the proxy connects to (the pods' own). */
export interface ProxiedBackend {
    /** Names the policy: `allow-ingress-nginx-to-route-<name>`. */
    name: string;
    podLabels: Labels;
    port: number;
    why: string;
}

export interface NetworkPolicyObject {
    apiVersion: "networking.k8s.io/v1";
    kind: "NetworkPolicy";
    metadata: { name: string; namespace: string; annotations: Record<string, string> };
    spec: {
        podSelector: { matchLabels?: Labels };
        policyTypes: ("Ingress" | "Egress")[];
        ingress?: Rule[];
        egress?: Rule[];
    };
}

export interface Rule {
    from?: Peer[];
    to?: Peer[];
    ports: { protocol: Protocol; port: number; endPort?: number }[];
}

export type Peer = { ipBlock: { cidr: string; except?: string[] } } | { namespaceSelector?: { matchLabels: Labels }; podSelector?: { matchLabels: Labels } };

export const SOLVER_LABELS = { "acme.cert-manager.io/http01-solver": "true" };
export const SOLVER_PORT = 8089;

export const ns = (name: string) => ({ matchLabels: { "kubernetes.io/metadata.name": name } });

/** Pods selected by namespace name (always labelled) AND pod labels. */
export function podsPeer(p: PeerPods): Peer {
    return { namespaceSelector: ns(p.namespace), podSelector: { matchLabels: p.podLabels } };
}

export const tcp = (port: number, endPort?: number) => ({ protocol: Protocol.Tcp, port, ...(endPort ? { endPort } : {}) });
/** One peer per CIDR. */
export const ipBlocks = (cidrs: readonly string[]): Peer[] => cidrs.map((cidr) => ({ ipBlock: { cidr } }));
/** DNS answers over UDP, and over TCP when they are large. */
export const DNS_PORTS = [{ protocol: Protocol.Udp, port: 53 }, tcp(53)];
/** Every namespace's first policy: nothing enters or leaves a pod unless a later policy allows it. */
export const defaultDeny = (namespace: string): NetworkPolicyObject =>
    policy(namespace, "default-deny", "Nothing enters or leaves a pod in this namespace unless a policy below allows it.", undefined, { ingress: [], egress: [] });

/**
 * Client ranges minus the VPC: an ipBlock also matches pod IPs, and with the VPC CNI pods take VPC
 * addresses, so 0.0.0.0/0 alone would open the port to every pod in the cluster.
 */
export function clientBlocks(cidrs: readonly string[], vpcCidr: string): Peer[] {
    const vpc = parseCidr(vpcCidr)!;
    return cidrs.map((c) => {
        const block = parseCidr(c)!;
        const excludeVpc = cidrContains(block, vpc) && block.prefix < vpc.prefix;
        return { ipBlock: { cidr: c, ...(excludeVpc ? { except: [vpcCidr] } : {}) } };
    });
}

export function policy(namespace: string, name: string, why: string, podLabels: Labels | undefined, spec: { ingress?: Rule[]; egress?: Rule[] }): NetworkPolicyObject {
    const policyTypes: ("Ingress" | "Egress")[] = [];
    if (spec.ingress) policyTypes.push("Ingress");
    if (spec.egress) policyTypes.push("Egress");
    return {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name, namespace, annotations: { [WHY]: why } },
        spec: { podSelector: podLabels ? { matchLabels: podLabels } : {}, policyTypes, ...spec },
    };
}

/** Problems with an intent that would make wrong or unsafe policies (empty when it is sound). */
export function intentProblems(intent: TrafficIntent): string[] {
    const problems: string[] = [];
    const checkCidr = (where: string, c: string) => {
        const p = cidrProblem(c);
        if (p) problems.push(`${where}: ${JSON.stringify(c)} ${p}`);
    };
    checkCidr("vpcCidr", intent.vpcCidr);
    intent.loadBalancerSubnetCidrs?.forEach((c, i) => checkCidr(`loadBalancerSubnetCidrs[${i}]`, c));
    intent.nlbClientCidrs?.forEach((c, i) => checkCidr(`nlbClientCidrs[${i}]`, c));
    intent.nodePortClientCidrs?.forEach((c, i) => checkCidr(`nodePortClientCidrs[${i}]`, c));
    for (const [name, d] of [["postgres", intent.postgres], ["redis", intent.redis]] as const) {
        if (!d.podLabels === !d.cidrs) problems.push(`${name}: give either podLabels (in-cluster) or cidrs (external)`);
        d.cidrs?.forEach((c, i) => checkCidr(`${name}.cidrs[${i}]`, c));
    }
    for (const r of intent.extraRules) problems.push(...extraRuleProblems(r));
    for (const b of intent.proxiedBackends ?? []) {
        if (!intent.ingressNginx) problems.push(`proxied backend ${b.name}: no ingress controller proxies to it (ingressNginx is not set)`);
        if (Object.keys(b.podLabels).length === 0) problems.push(`proxied backend ${b.name}: an empty pod selector would open port ${b.port} on every pod in namespace ${intent.namespace}`);
        if (!Number.isInteger(b.port) || b.port < 1 || b.port > 65535) problems.push(`proxied backend ${b.name}: port ${b.port} is outside 1-65535`);
    }
    return problems;
}

/** Problems with one extra rule, each naming the rule. */
export function extraRuleProblems(r: ExtraRule): string[] {
    const problems: string[] = [];
    const at = `extra rule ${r.name}`;
    if (!r.pods === !r.blocks) problems.push(`${at}: give either pods or address blocks`);
    if (r.pods && Object.keys(r.pods.podLabels).length === 0) problems.push(`${at}: an empty pod selector would match every pod in namespace ${r.pods.namespace}; name the pods' labels`);
    for (const b of r.blocks ?? []) {
        const problem = cidrProblem(b.cidr);
        if (problem) {
            problems.push(`${at}: ${JSON.stringify(b.cidr)} ${problem}`);
            continue;
        }
        for (const e of b.except ?? []) {
            const exceptProblem = cidrProblem(e);
            if (exceptProblem) problems.push(`${at}: except ${JSON.stringify(e)} ${exceptProblem}`);
            else if (!cidrContains(parseCidr(b.cidr)!, parseCidr(e)!) || e === b.cidr) problems.push(`${at}: except ${e} is not strictly inside ${b.cidr}`);
        }
        if (r.direction === Direction.Ingress && parseCidr(b.cidr)!.prefix === 0) problems.push(`${at}: an ingress rule from ${b.cidr} would re-open all ingress to the IdP`);
    }
    if (!Number.isInteger(r.port) || r.port < 1 || r.port > 65535) problems.push(`${at}: port ${r.port} is outside 1-65535`);
    if (r.endPort !== undefined && (!Number.isInteger(r.endPort) || r.endPort < r.port || r.endPort > 65535)) problems.push(`${at}: endPort ${r.endPort} is below port ${r.port} or above 65535`);
    if (!Object.values(Protocol).includes(r.protocol)) problems.push(`${at}: protocol ${JSON.stringify(r.protocol)} is not TCP, UDP or SCTP`);
    return problems;
}

/** The IdP namespace's policies: default-deny both ways, then exactly the intended paths. */
export function generatePolicies(intent: TrafficIntent): NetworkPolicyObject[] {
    const problems = intentProblems(intent);
    if (problems.length > 0) throw new Error(`invalid traffic intent:\n  - ${problems.join("\n  - ")}`);
    const n = intent.namespace;
    const idp = intent.idpLabels;
    const out: NetworkPolicyObject[] = [
        defaultDeny(n),
    ];

    if (intent.ingressNginx) {
        out.push(policy(n, "allow-ingress-nginx-to-idp", "The ingress-nginx controller pods proxy HTTPS clients to the IdP's http port.", idp, {
            ingress: [{ from: [podsPeer(intent.ingressNginx)], ports: [tcp(intent.httpPort)] }],
        }));
    }
    if (intent.loadBalancerSubnetCidrs?.length) {
        out.push(policy(n, "allow-load-balancers-to-idp", "ALB/NLB nodes in these subnets send requests and health checks straight to pod IPs (ip targets).", idp, {
            ingress: [{ from: ipBlocks(intent.loadBalancerSubnetCidrs), ports: [tcp(intent.httpPort)] }],
        }));
    }
    if (intent.nlbClientCidrs?.length) {
        out.push(policy(n, "allow-nlb-clients-to-idp", "The NLB preserves client IPs, so clients' own addresses reach the pods (VPC addresses excluded: pods are not clients).", idp, {
            ingress: [{ from: clientBlocks(intent.nlbClientCidrs, intent.vpcCidr), ports: [tcp(intent.httpPort)] }],
        }));
    }
    if (intent.nodePortClientCidrs?.length) {
        out.push(policy(n, "allow-nodeport-clients-to-idp", "NodePort clients keep their addresses (externalTrafficPolicy Local) and reach the pods' http port directly.", idp, {
            ingress: [{ from: ipBlocks(intent.nodePortClientCidrs), ports: [tcp(intent.httpPort)] }],
        }));
    }
    if (intent.frontend) {
        out.push(policy(n, "allow-frontend-to-idp", "The frontend calls the IdP's http port.", idp, {
            ingress: [{ from: [podsPeer(intent.frontend)], ports: [tcp(intent.httpPort)] }],
        }));
    }
    out.push(policy(n, "allow-monitoring-to-idp-management", "Prometheus in the monitoring namespace scrapes the management port; nothing else may reach it.", idp, {
        ingress: [{ from: [{ namespaceSelector: ns(intent.monitoringNamespace) }], ports: [tcp(intent.managementPort)] }],
    }));
    out.push(policy(n, "allow-idp-dns", "Name resolution through kube-dns only, over UDP and TCP (large answers fall back to TCP).", idp, {
        egress: [{ to: [podsPeer(intent.dns)], ports: DNS_PORTS }],
    }));

    for (const [name, d] of [["postgres", intent.postgres], ["redis", intent.redis]] as const) {
        if (d.podLabels) {
            out.push(policy(n, `allow-idp-to-${name}`, `The IdP connects to the in-cluster ${name} pods.`, idp, {
                egress: [{ to: [{ podSelector: { matchLabels: d.podLabels } }], ports: [tcp(d.port)] }],
            }));
            // Without this the namespace's default-deny drops the connection at the datastore's end.
            out.push(policy(n, `allow-${name}-from-idp`, `Only the IdP pods may connect to ${name}.`, d.podLabels, {
                ingress: [{ from: [{ podSelector: { matchLabels: idp } }], ports: [tcp(d.port)] }],
            }));
        } else {
            out.push(policy(n, `allow-idp-to-${name}`, `The IdP connects to the managed ${name} endpoint's addresses.`, idp, {
                egress: [{ to: ipBlocks(d.cidrs!), ports: [tcp(d.port)] }],
            }));
        }
    }

    if (intent.httpsEgress) {
        out.push(policy(n, "allow-idp-https-egress", "Outbound HTTPS to the internet (federated IdPs, JWKS, webhooks); not the VPC (pods, API endpoint) nor link-local (instance metadata, Pod Identity agent).", idp, {
            egress: [{ to: [internetBlock(intent.vpcCidr)], ports: [tcp(443)] }],
        }));
    }
    if (intent.smtpEgress) {
        out.push(policy(n, "allow-idp-smtp-egress", "Outbound mail submission (587) to internet relays for verification and reset e-mails; a relay inside the VPC needs its own extra rule.", idp, {
            egress: [{ to: [internetBlock(intent.vpcCidr)], ports: [tcp(587)] }],
        }));
    }
    if (intent.acmeHttp01Solver) {
        out.push(policy(n, "allow-ingress-nginx-to-acme-solver", "cert-manager's HTTP-01 solver pods answer Let's Encrypt through the ingress controller while a certificate is issued.", SOLVER_LABELS, {
            ingress: [{ from: [podsPeer(intent.acmeHttp01Solver)], ports: [tcp(SOLVER_PORT)] }],
        }));
    }

    // The pods' own port: ingress-nginx connects to the endpoints (pod IP and the port the Service's
    // targetPort resolves to), not to the Service's port on its ClusterIP.
    for (const b of intent.proxiedBackends ?? []) {
        out.push(policy(n, `allow-ingress-nginx-to-route-${b.name}`, `The ingress-nginx controller pods proxy the ${b.why}; nothing else reaches them through this policy.`, b.podLabels, {
            ingress: [{ from: [podsPeer(intent.ingressNginx!)], ports: [tcp(b.port)] }],
        }));
    }

    for (const r of intent.extraRules) {
        const peers: Peer[] = r.pods ? [podsPeer(r.pods)] : r.blocks!.map((b) => ({ ipBlock: { cidr: b.cidr, ...(b.except?.length ? { except: b.except } : {}) } }));
        const rule: Rule = { ...(r.direction === Direction.Ingress ? { from: peers } : { to: peers }), ports: [{ protocol: r.protocol, port: r.port, ...(r.endPort ? { endPort: r.endPort } : {}) }] };
        out.push(policy(n, `extra-${r.name}`, r.why, idp, r.direction === Direction.Ingress ? { ingress: [rule] } : { egress: [rule] }));
    }
    return out;
}
