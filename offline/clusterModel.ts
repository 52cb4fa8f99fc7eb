// Builds the NetworkPolicy model of a synthesized stack: the pods that matter (IdP, datastores,
// controllers and webhooks of the add-ons, their hook Jobs, kube-dns, Prometheus, an unrelated
// workload), the outside addresses that matter (load balancer subnets, the control plane, internet
// clients, managed datastores, instance metadata, the Pod Identity agent), the stack's own
// NetworkPolicies, and the probes of its reachability matrix. Pure: works on recorded resources.
import { parseCidr, formatCidr } from "../components/network/cidr";
import { KUBE_DNS } from "../components/idp/trafficIntent";
import { IDP_NAME } from "../components/idp/workload";
import { ROUTE_BACKENDS_ANNOTATION } from "../components/idp/ingress";
import { CERT_MANAGER_METRICS_PORT, CERT_MANAGER_PODS, CERT_MANAGER_WEBHOOK_PORT, INGRESS_NGINX_CONTROLLER, INGRESS_NGINX_PODS, INGRESS_NGINX_PORTS, POD_IDENTITY_AGENT } from "../components/networkPolicy/addons";
import { controlPlaneSubnetCidrs } from "../components/networkPolicy/subnets";
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
    /** Empty in the two-tier layout. */
    intraSubnetCidrs: string[];
}

function containerPorts(template: Obj["spec"]): ModelPort[] {
    const containers = (template?.spec?.containers ?? []) as { ports?: { name?: string; containerPort: number; protocol?: string }[] }[];
    return containers.flatMap((c) => (c.ports ?? []).map((p) => ({ ...(p.name ? { name: p.name } : {}), port: p.containerPort, protocol: (p.protocol ?? "TCP") as "TCP" | "UDP" })));
}

const tcpPort = (name: string, port: number): ModelPort => ({ name, port, protocol: "TCP" });

/**
 * The pods behind the extra routes the IdP's NGINX Ingress declares: one per Service (a Service has
 * one selector), with the container ports its routes connect to.
 */
function ingressRouteBackends(resources: readonly RecordedResource[], namespace: string): { service: string; podLabels: Record<string, string>; ports: { path: string; port: number }[] }[] {
    const ingress = objects(resources, "kubernetes:networking.k8s.io/v1:Ingress").find((i) => i.metadata?.namespace === namespace && i.metadata?.name === IDP_NAME && i.spec?.ingressClassName === "nginx");
    const text = (ingress?.metadata as { annotations?: Record<string, string> } | undefined)?.annotations?.[ROUTE_BACKENDS_ANNOTATION];
    const byService = new Map<string, { service: string; podLabels: Record<string, string>; ports: { path: string; port: number }[] }>();
    for (const b of text ? (JSON.parse(text) as { path: string; service: string; podLabels: Record<string, string>; port: number }[]) : []) {
        const seen = byService.get(b.service) ?? { service: b.service, podLabels: b.podLabels, ports: [] };
        if (!seen.ports.some((p) => p.port === b.port)) seen.ports.push({ path: b.path, port: b.port });
        byService.set(b.service, seen);
    }
    return [...byService.values()];
}

/** The model of one stack's evaluation. */
export function buildClusterModel(resources: readonly RecordedResource[], facts: StackFacts): ClusterModel {
    const deployment = objects(resources, "kubernetes:apps/v1:Deployment").find((d) => d.metadata?.name === IDP_NAME);
    const idpNamespace = deployment?.metadata?.namespace;
    if (!deployment || !idpNamespace) throw new Error("the stack has no IdP Deployment");
    // Pods take addresses in the first private subnet (the VPC CNI gives pods VPC addresses).
    let nextPod = 10;
    const podIp = () => host(facts.privateSubnetCidrs[0], nextPod++);

    // Every namespace the stack creates, with its labels; then the ones every cluster has.
    const namespaces: Record<string, Record<string, string>> = {};
    const addNamespace = (name: string, labels: Record<string, string> = {}) => {
        namespaces[name] = { ...labels, "kubernetes.io/metadata.name": name };
    };
    for (const n of objects(resources, "kubernetes:core/v1:Namespace")) if (n.metadata?.name) addNamespace(n.metadata.name, n.metadata.labels);
    for (const n of ["kube-system", "cert-manager", "monitoring", "unrelated"]) if (!namespaces[n]) addNamespace(n);

    const pods: ModelPod[] = [];
    const addPod = (namespace: string, name: string, labels: Record<string, string>, ports: ModelPort[]) => {
        if (!namespaces[namespace]) addNamespace(namespace);
        pods.push({ namespace, name, labels, ip: podIp(), ports });
    };

    addPod(idpNamespace, "idp-server-0", deployment.spec!.template.metadata.labels, containerPorts(deployment.spec!.template));
    for (const set of objects(resources, "kubernetes:apps/v1:StatefulSet").filter((s) => s.metadata?.namespace === idpNamespace)) {
        addPod(idpNamespace, `${set.metadata!.name}-0`, set.spec!.template.metadata.labels, containerPorts(set.spec!.template));
    }
    // A chart is named, or given by its OCI URL (cert-manager's): either way its last path segment is its name.
    const releases = resources.filter((r) => r.type === "kubernetes:helm.sh/v3:Release").map((r) => (r.inputs.chart as string).split("/").pop());
    const nginx = releases.includes("ingress-nginx");
    const certManager = releases.includes("cert-manager");
    const http01 = objects(resources, "kubernetes:cert-manager.io/v1:ClusterIssuer").some((i) => JSON.stringify(i.spec).includes('"http01"'));
    if (nginx && http01) addPod(idpNamespace, "cm-acme-http-solver-0", SOLVER_LABELS, [{ name: "http", port: SOLVER_PORT, protocol: "TCP" }]);
    // The NGINX Ingress's extra routes: a pod of each route's Service, with the labels and container
    // port the route declares (ROUTE_BACKENDS_ANNOTATION; from the Ingress, not from the policies under test).
    const routeBackends = nginx ? ingressRouteBackends(resources, idpNamespace) : [];
    for (const b of routeBackends) addPod(idpNamespace, `${b.service}-0`, b.podLabels, b.ports.map((p, i) => tcpPort(`route-${i}`, p.port)));
    // The add-ons' pods, with the labels and container ports of the pinned charts' rendered manifests.
    const { http, https, webhook, status } = INGRESS_NGINX_PORTS;
    if (nginx) addPod(INGRESS_NGINX_CONTROLLER.namespace, "ingress-nginx-controller-0", { ...INGRESS_NGINX_PODS.controller }, [tcpPort("http", http), tcpPort("https", https), tcpPort("webhook", webhook), tcpPort("metrics", status)]);
    const metrics = tcpPort("http-metrics", CERT_MANAGER_METRICS_PORT);
    if (certManager) addPod("cert-manager", "cert-manager-0", { "app.kubernetes.io/name": "cert-manager", ...CERT_MANAGER_PODS.controller }, [metrics]);
    if (releases.includes("aws-load-balancer-controller")) addPod("kube-system", "aws-load-balancer-controller-0", { "app.kubernetes.io/name": "aws-load-balancer-controller" }, [{ name: "webhook-server", port: 9443, protocol: "TCP" }]);
    addPod(KUBE_DNS.namespace, "coredns-0", KUBE_DNS.podLabels, [{ name: "dns", port: 53, protocol: "UDP" }, { name: "dns-tcp", port: 53, protocol: "TCP" }]);
    addPod("monitoring", "prometheus-0", { "app.kubernetes.io/name": "prometheus" }, [{ name: "web", port: 9090, protocol: "TCP" }]);
    addPod("unrelated", "workload-0", { app: "workload" }, [{ name: "http", port: 8080, protocol: "TCP" }]);
    if (certManager) {
        addPod("cert-manager", "cert-manager-webhook-0", { "app.kubernetes.io/name": "webhook", ...CERT_MANAGER_PODS.webhook }, [tcpPort("https", CERT_MANAGER_WEBHOOK_PORT), metrics]);
        addPod("cert-manager", "cert-manager-cainjector-0", { "app.kubernetes.io/name": "cainjector", ...CERT_MANAGER_PODS.cainjector }, [metrics]);
        addPod("cert-manager", "cert-manager-startupapicheck-0", { "app.kubernetes.io/name": "startupapicheck", ...CERT_MANAGER_PODS.startupapicheck }, []);
    }
    if (nginx) addPod(INGRESS_NGINX_CONTROLLER.namespace, "ingress-nginx-admission-create-0", { ...INGRESS_NGINX_PODS.admission }, []);

    const externals: Record<string, string> = {
        "public LB subnet": host(facts.publicSubnetCidrs[0], 10),
        // Where internal load balancers are discovered: intra, or (two-tier layout) the pods' private subnets.
        [facts.intraSubnetCidrs.length ? "intra LB subnet" : "private LB subnet"]: facts.intraSubnetCidrs.length ? host(facts.intraSubnetCidrs[0], 10) : host(facts.privateSubnetCidrs[0], 200),
        "internet client": "203.0.113.10",
        "internet service": "198.51.100.20",
        "instance metadata": "169.254.169.254",
        // The control plane's interface (API server, webhook caller) in the cluster's control-plane subnets.
        "control plane": host(controlPlaneSubnetCidrs(facts)[0], 5),
        "Pod Identity agent": POD_IDENTITY_AGENT.replace(/\/32$/, ""),
    };
    // NodePort clients keep their own addresses (externalTrafficPolicy Local): one from the first
    // range the node security group admits (taken from the AWS rule, not from the policy under test).
    const nodePortRange = resources.find((r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" && r.name.includes("-nodeport-"))?.inputs.cidrIpv4;
    if (typeof nodePortRange === "string") externals["NodePort client"] = host(nodePortRange, 10);
    const externalName = (service: string) => objects(resources, "kubernetes:core/v1:Service").find((s) => s.metadata?.namespace === idpNamespace && s.metadata?.name === service && s.spec?.type === "ExternalName");
    const policies = objects(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy") as Record<string, unknown>[];
    const idpPolicies = policies.filter((p) => (p.metadata as { namespace?: string }).namespace === idpNamespace);
    const egressCidrsTo = (port: number) =>
        idpPolicies.flatMap((p) => ((p.spec as { egress?: { to?: { ipBlock?: { cidr: string } }[]; ports?: { port?: number }[] }[] }).egress ?? [])
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

    // Who reaches the IdP, on which port. Outside sources exclude addresses nothing comes from.
    const silent = new Set(["instance metadata", "Pod Identity agent"]);
    const sources: [Endpoint, string][] = [
        ...pods.filter((p) => podRef(p) !== idp).map((p): [Endpoint, string] => [podRef(p), p.name]),
        ...Object.entries(externals).filter(([k]) => !k.startsWith("managed") && !silent.has(k)).map(([k, ip]): [Endpoint, string] => [{ ip }, k]),
    ];
    for (const [from, label] of sources) {
        probe(from, idp, httpPort, `${label} -> IdP http`);
        probe(from, idp, managementPort, `${label} -> IdP management`);
    }
    // Where the IdP may go.
    const dns = pods.find((p) => p.labels["k8s-app"] === "kube-dns")!;
    probe(idp, podRef(dns), 53, "IdP -> kube-dns (UDP)", "UDP");
    probe(idp, podRef(dns), 53, "IdP -> kube-dns (TCP)");
    const idpSidePods = pods.filter((x) => x.namespace === idpNamespace && podRef(x) !== idp);
    for (const p of idpSidePods) {
        for (const port of p.ports) probe(idp, podRef(p), port.port, `IdP -> ${p.name}:${port.port}`, port.protocol);
    }
    for (const [name, ip] of Object.entries(externals).filter(([k]) => k.startsWith("managed"))) probe(idp, { ip }, name.endsWith("postgres") ? 5432 : 6379, `IdP -> ${name}`);
    probe(idp, { ip: externals["internet service"] }, 443, "IdP -> internet HTTPS");
    probe(idp, { ip: externals["internet service"] }, 80, "IdP -> internet HTTP");
    probe(idp, { ip: externals["internet service"] }, 587, "IdP -> internet SMTP submission");
    probe(idp, { ip: externals["instance metadata"] }, 80, "IdP -> instance metadata (HTTP)");
    probe(idp, { ip: externals["instance metadata"] }, 443, "IdP -> instance metadata (the HTTPS egress rule excepts it)");
    probe(idp, "unrelated/workload-0", 8080, "IdP -> unrelated workload");
    probe(idp, { ip: externals["control plane"] }, 443, "IdP -> API server (HTTPS egress excepts the VPC)");
    // Each extra route's pods admit the controller on the route's port only: not on the IdP's ports,
    // and the route's port does not open the IdP.
    const controller = pods.find((p) => p.namespace === INGRESS_NGINX_CONTROLLER.namespace && p.name === "ingress-nginx-controller-0");
    for (const b of routeBackends.filter(() => controller)) {
        const target = `${idpNamespace}/${b.service}-0`;
        const routePorts = b.ports.map((p) => p.port);
        for (const port of [httpPort, managementPort].filter((p) => !routePorts.includes(p))) probe(podRef(controller!), target, port, `ingress-nginx-controller-0 -> ${b.service}-0:${port} (not a route's port)`);
        for (const { path, port } of b.ports.filter((p) => p.port !== httpPort)) probe(podRef(controller!), idp, port, `ingress-nginx-controller-0 -> IdP on route ${path}'s port ${port}`);
    }
    // Who reaches the other pods of the IdP namespace, and each add-on controller and webhook port.
    const addonPods = pods.filter((x) => x.namespace !== idpNamespace && ["cert-manager", INGRESS_NGINX_CONTROLLER.namespace, "kube-system"].includes(x.namespace) && x !== dns);
    for (const target of [...idpSidePods, ...addonPods]) {
        for (const port of target.ports) {
            for (const [from, label] of sources.filter(([f]) => f !== podRef(target))) probe(from, podRef(target), port.port, `${label} -> ${target.name}:${port.port}`, port.protocol);
        }
    }
    for (const from of addonPods) {
        const label = from.name;
        probe(podRef(from), { ip: externals["control plane"] }, 443, `${label} -> API server`);
        probe(podRef(from), podRef(dns), 53, `${label} -> kube-dns (UDP)`, "UDP");
        probe(podRef(from), podRef(dns), 53, `${label} -> kube-dns (TCP)`);
        probe(podRef(from), { ip: externals["internet service"] }, 443, `${label} -> internet HTTPS (ACME, AWS APIs)`);
        probe(podRef(from), { ip: externals["internet service"] }, 80, `${label} -> internet HTTP (HTTP-01 self-check)`);
        probe(podRef(from), { ip: externals["Pod Identity agent"] }, 80, `${label} -> Pod Identity agent`);
        probe(podRef(from), { ip: externals["instance metadata"] }, 80, `${label} -> instance metadata`);
        probe(podRef(from), "unrelated/workload-0", 8080, `${label} -> unrelated workload`);
        probe(podRef(from), idp, httpPort, `${label} -> IdP http`);
        for (const target of idpSidePods) {
            for (const port of target.ports) probe(podRef(from), podRef(target), port.port, `${label} -> ${target.name}:${port.port}`, port.protocol);
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
    const o = evaluation.outputs as { vpcCidr: string; publicSubnetCidrs: string[]; privateSubnetCidrs: string[]; intraSubnetCidrs?: string[] };
    return buildClusterModel(evaluation.resources, { vpcCidr: o.vpcCidr, publicSubnetCidrs: o.publicSubnetCidrs, privateSubnetCidrs: o.privateSubnetCidrs, intraSubnetCidrs: o.intraSubnetCidrs ?? [] });
}
