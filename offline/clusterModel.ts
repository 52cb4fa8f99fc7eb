// Builds the NetworkPolicy model of a synthesized stack: the pods that matter (IdP, datastores,
// controllers, kube-dns, Prometheus, an unrelated workload), the outside addresses that matter
// (load balancer subnets, internet clients, managed datastores, instance metadata), the stack's own
// NetworkPolicies, and the probes of its reachability matrix. Pure: works on recorded resources.
import { parseCidr, formatCidr } from "../components/network/cidr";
import { INGRESS_NGINX_CONTROLLER, KUBE_DNS } from "../components/idp/trafficIntent";
import { SOLVER_LABELS, SOLVER_PORT } from "../components/networkPolicy/generator";
import { RecordedResource } from "./mockCloud";
import { ClusterState, NetworkPolicy, evaluate, explain } from "../components/networkPolicy/evaluator";

export interface ModelPort { name?: string; port: number; protocol: "TCP" | "UDP" }
export interface ModelPod { namespace: string; name: string; labels: Record<string, string>; ip: string; ports: ModelPort[] }
export type Endpoint = string | { ip: string };
export interface MatrixProbe { from: Endpoint; to: Endpoint; port: number; protocol: "TCP" | "UDP"; why: string }

export interface ClusterModel {
    namespaces: Record<string, Record<string, string>>;
    pods: ModelPod[];
    policies: Record<string, unknown>[];
    /** Named outside addresses, for display. */
    externals: Record<string, string>;
    probes: MatrixProbe[];
}

type Obj = { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string; labels?: Record<string, string> }; spec?: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any

const objects = (resources: readonly RecordedResource[], type: string) => resources.filter((r) => r.type === type).map((r) => r.inputs as Obj);

/** The n-th host address of a CIDR. */
function host(cidr: string, n: number): string {
    const block = parseCidr(cidr)!;
    return formatCidr({ base: block.base + n, prefix: 32 }).replace(/\/32$/, "");
}

interface StackFacts {
    vpcCidr: string;
    publicSubnetCidrs: string[];
    privateSubnetCidrs: string[];
}

function containerPorts(template: Obj["spec"]): ModelPort[] {
    const containers = (template?.spec?.containers ?? []) as { ports?: { name?: string; containerPort: number; protocol?: string }[] }[];
    return containers.flatMap((c) => (c.ports ?? []).map((p) => ({ ...(p.name ? { name: p.name } : {}), port: p.containerPort, protocol: (p.protocol ?? "TCP") as "TCP" | "UDP" })));
}

/** The model of one stack's evaluation. */
export function buildClusterModel(resources: readonly RecordedResource[], facts: StackFacts): ClusterModel {
    const idpNs = objects(resources, "kubernetes:core/v1:Namespace").find((n) => n.metadata?.labels?.["pod-security.kubernetes.io/enforce"]);
    if (!idpNs?.metadata?.name) throw new Error("the stack has no IdP namespace");
    const idpNamespace = idpNs.metadata.name;
    // Pods take addresses in the first private subnet (the VPC CNI gives pods VPC addresses).
    let nextPod = 10;
    const podIp = () => host(facts.privateSubnetCidrs[0], nextPod++);

    const namespaces: Record<string, Record<string, string>> = {};
    const addNamespace = (name: string, labels: Record<string, string> = {}) => {
        namespaces[name] = { ...labels, "kubernetes.io/metadata.name": name };
    };
    addNamespace(idpNamespace, idpNs.metadata.labels);
    for (const ns of ["kube-system", "cert-manager", "monitoring", "unrelated"]) addNamespace(ns);

    const pods: ModelPod[] = [];
    const addPod = (namespace: string, name: string, labels: Record<string, string>, ports: ModelPort[]) => {
        if (!namespaces[namespace]) addNamespace(namespace);
        pods.push({ namespace, name, labels, ip: podIp(), ports });
    };

    const deployment = objects(resources, "kubernetes:apps/v1:Deployment").find((d) => d.metadata?.namespace === idpNamespace)!;
    addPod(idpNamespace, "idp-server-0", deployment.spec!.template.metadata.labels, containerPorts(deployment.spec!.template));
    for (const set of objects(resources, "kubernetes:apps/v1:StatefulSet").filter((s) => s.metadata?.namespace === idpNamespace)) {
        addPod(idpNamespace, `${set.metadata!.name}-0`, set.spec!.template.metadata.labels, containerPorts(set.spec!.template));
    }
    // A chart is named, or given by its OCI URL (cert-manager's): either way its last path segment is its name.
    const releases = resources.filter((r) => r.type === "kubernetes:helm.sh/v3:Release").map((r) => (r.inputs.chart as string).split("/").pop());
    const nginx = releases.includes("ingress-nginx");
    const http01 = objects(resources, "kubernetes:cert-manager.io/v1:ClusterIssuer").some((i) => JSON.stringify(i.spec).includes('"http01"'));
    if (nginx && http01) addPod(idpNamespace, "cm-acme-http-solver-0", SOLVER_LABELS, [{ name: "http", port: SOLVER_PORT, protocol: "TCP" }]);
    if (nginx) addPod(INGRESS_NGINX_CONTROLLER.namespace, "ingress-nginx-controller-0", INGRESS_NGINX_CONTROLLER.podLabels, [{ name: "http", port: 80, protocol: "TCP" }, { name: "https", port: 443, protocol: "TCP" }]);
    if (releases.includes("cert-manager")) addPod("cert-manager", "cert-manager-0", { "app.kubernetes.io/name": "cert-manager" }, [{ port: 9402, protocol: "TCP" }]);
    if (releases.includes("aws-load-balancer-controller")) addPod("kube-system", "aws-load-balancer-controller-0", { "app.kubernetes.io/name": "aws-load-balancer-controller" }, [{ name: "webhook-server", port: 9443, protocol: "TCP" }]);
    addPod(KUBE_DNS.namespace, "coredns-0", KUBE_DNS.podLabels, [{ name: "dns", port: 53, protocol: "UDP" }, { name: "dns-tcp", port: 53, protocol: "TCP" }]);
    addPod("monitoring", "prometheus-0", { "app.kubernetes.io/name": "prometheus" }, [{ name: "web", port: 9090, protocol: "TCP" }]);
    addPod("unrelated", "workload-0", { app: "workload" }, [{ name: "http", port: 8080, protocol: "TCP" }]);

    const externals: Record<string, string> = {
        "public LB subnet": host(facts.publicSubnetCidrs[0], 10),
        "private LB subnet": host(facts.privateSubnetCidrs[0], 200),
        "internet client": "203.0.113.10",
        "internet service": "198.51.100.20",
        "instance metadata": "169.254.169.254",
    };
    // NodePort clients keep their own addresses (externalTrafficPolicy Local): one from the first
    // range the node security group admits (taken from the AWS rule, not from the policy under test).
    const nodePortRange = resources.find((r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" && r.name.includes("-nodeport-"))?.inputs.cidrIpv4;
    if (typeof nodePortRange === "string") externals["NodePort client"] = host(nodePortRange, 10);
    const externalName = (service: string) => objects(resources, "kubernetes:core/v1:Service").find((s) => s.metadata?.namespace === idpNamespace && s.metadata?.name === service && s.spec?.type === "ExternalName");
    const policies = objects(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy") as Record<string, unknown>[];
    const egressCidrsTo = (port: number) =>
        policies.flatMap((p) => ((p.spec as { egress?: { to?: { ipBlock?: { cidr: string } }[]; ports?: { port?: number }[] }[] }).egress ?? [])
            .filter((r) => r.ports?.some((x) => x.port === port)).flatMap((r) => (r.to ?? []).map((t) => t.ipBlock?.cidr).filter((c): c is string => !!c && c !== "0.0.0.0/0")));
    if (externalName("postgres")) externals["managed postgres"] = egressCidrsTo(5432)[0] ? host(egressCidrsTo(5432)[0], 10) : host(facts.vpcCidr, 65000);
    if (externalName("redis")) externals["managed redis"] = egressCidrsTo(6379)[0] ? host(egressCidrsTo(6379)[0], 10) : host(facts.vpcCidr, 65001);

    const idp = `${idpNamespace}/idp-server-0`;
    const idpPorts = containerPorts(deployment.spec!.template);
    const httpPort = idpPorts.find((p) => p.name === "http")!.port;
    const managementPort = idpPorts.find((p) => p.name === "management")!.port;
    const podRef = (p: ModelPod) => `${p.namespace}/${p.name}`;
    const probes: MatrixProbe[] = [];
    const probe = (from: Endpoint, to: Endpoint, port: number, why: string, protocol: "TCP" | "UDP" = "TCP") => probes.push({ from, to, port, protocol, why });

    // Who reaches the IdP, on which port.
    const sources: [Endpoint, string][] = [
        ...pods.filter((p) => podRef(p) !== idp).map((p): [Endpoint, string] => [podRef(p), p.name]),
        ...Object.entries(externals).filter(([k]) => !k.startsWith("managed") && k !== "instance metadata").map(([k, ip]): [Endpoint, string] => [{ ip }, k]),
    ];
    for (const [from, label] of sources) {
        probe(from, idp, httpPort, `${label} -> IdP http`);
        probe(from, idp, managementPort, `${label} -> IdP management`);
    }
    // Where the IdP may go.
    const dns = pods.find((p) => p.labels["k8s-app"] === "kube-dns")!;
    probe(idp, podRef(dns), 53, "IdP -> kube-dns (UDP)", "UDP");
    probe(idp, podRef(dns), 53, "IdP -> kube-dns (TCP)");
    for (const p of pods.filter((x) => x.namespace === idpNamespace && podRef(x) !== idp)) {
        for (const port of p.ports) probe(idp, podRef(p), port.port, `IdP -> ${p.name}:${port.port}`, port.protocol);
    }
    for (const [name, ip] of Object.entries(externals).filter(([k]) => k.startsWith("managed"))) probe(idp, { ip }, name.endsWith("postgres") ? 5432 : 6379, `IdP -> ${name}`);
    probe(idp, { ip: externals["internet service"] }, 443, "IdP -> internet HTTPS");
    probe(idp, { ip: externals["internet service"] }, 80, "IdP -> internet HTTP");
    probe(idp, { ip: externals["internet service"] }, 587, "IdP -> internet SMTP submission");
    probe(idp, { ip: externals["instance metadata"] }, 80, "IdP -> instance metadata (HTTP)");
    probe(idp, { ip: externals["instance metadata"] }, 443, "IdP -> instance metadata (the HTTPS egress rule excepts it)");
    probe(idp, "unrelated/workload-0", 8080, "IdP -> unrelated workload");
    // Who reaches the other pods of the IdP namespace.
    for (const target of pods.filter((x) => x.namespace === idpNamespace && podRef(x) !== idp)) {
        for (const port of target.ports) {
            for (const [from, label] of sources.filter(([f]) => f !== podRef(target))) probe(from, podRef(target), port.port, `${label} -> ${target.name}:${port.port}`, port.protocol);
        }
    }
    return { namespaces, pods, policies, externals, probes };
}

export interface MatrixRow extends MatrixProbe {
    allowed: boolean;
    explanation: string;
}

const endpointLabel = (e: Endpoint, externals: Record<string, string>) =>
    typeof e === "string" ? e : `${Object.entries(externals).find(([, ip]) => ip === e.ip)?.[0] ?? "outside"} (${e.ip})`;

/** Evaluates every probe of the model with the exact evaluator. */
export function computeMatrix(model: ClusterModel): MatrixRow[] {
    const cluster: ClusterState = { namespaces: model.namespaces, pods: model.pods, policies: model.policies as unknown as NetworkPolicy[] };
    const byRef = new Map(model.pods.map((p) => [`${p.namespace}/${p.name}`, p]));
    const resolve = (e: Endpoint) => (typeof e === "string" ? { pod: byRef.get(e)! } : e);
    return model.probes.map((p) => {
        const verdict = evaluate(cluster, { from: resolve(p.from), to: resolve(p.to), port: p.port, protocol: p.protocol });
        return { ...p, allowed: verdict.allowed, explanation: explain(verdict) };
    });
}

/** The matrix as a fixed-width table: who reaches whom, on which port. */
export function renderMatrix(model: ClusterModel, rows: MatrixRow[]): string {
    const cells = rows.map((r) => [endpointLabel(r.from, model.externals), endpointLabel(r.to, model.externals), `${r.port}/${r.protocol}`, r.allowed ? "ALLOW" : "deny"]);
    const widths = [0, 1, 2].map((i) => Math.max(...cells.map((c) => c[i].length), 4));
    const line = (c: string[]) => `${c[0].padEnd(widths[0])}  ->  ${c[1].padEnd(widths[1])}  ${c[2].padEnd(widths[2])}  ${c[3]}`;
    return [line(["from", "to", "port", "verdict"]), ...cells.map(line)].join("\n") + "\n";
}

/** The matrix as a connectivity expectations file (CONNECTIVITY-FORMAT.md), for `netpol verify`. */
export function matrixAsExpectations(stack: string, model: ClusterModel, rows: MatrixRow[]) {
    return {
        schemaVersion: 1,
        description: `Reachability of the ${stack} stack, as synthesized by idp-eks.`,
        cases: [{
            name: `${stack}-reachability`,
            source: `npm run netpol -- matrix ${stack}`,
            namespaces: model.namespaces,
            pods: model.pods,
            policies: model.policies,
            probes: rows.map((r) => ({ from: r.from, to: r.to, port: r.port, protocol: r.protocol, allowed: r.allowed, why: r.why })),
        }],
    };
}

/** The model of an evaluated stack, its subnets taken from the stack outputs. */
export function stackModel(evaluation: { resources: readonly RecordedResource[]; outputs: Record<string, unknown> }): ClusterModel {
    const o = evaluation.outputs as { vpcCidr: string; publicSubnetCidrs: string[]; privateSubnetCidrs: string[] };
    return buildClusterModel(evaluation.resources, { vpcCidr: o.vpcCidr, publicSubnetCidrs: o.publicSubnetCidrs, privateSubnetCidrs: o.privateSubnetCidrs });
}
