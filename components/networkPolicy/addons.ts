// NetworkPolicies and Pod Security labels for the namespaces the platform creates for its add-ons
// (cert-manager, ingress-nginx): default-deny both ways, then exactly what each controller needs.
// Pure: no Pulumi. Pod labels, ports and hook Jobs are those of the pinned charts' rendered
// manifests (`helm template` of cert-manager v1.21.1 and ingress-nginx 4.15.1 with this project's
// values), cited where used; tests/charts/charts.test.ts renders those charts and holds the
// labels, ports and levels here to them.
import { LoadBalancerScheme } from "../addons/types";
import { cidrContains, cidrProblem, parseCidr } from "../network/cidr";
import { DNS_PORTS, Labels, NetworkPolicyObject, Peer, PeerPods, Rule, defaultDeny, internetBlock, ipBlocks, ns, podsPeer, policy, tcp } from "./generator";
import { SubnetTierCidrs, controlPlaneSubnetCidrs, loadBalancerSubnetCidrs } from "./subnets";

/** EKS Pod Identity agent (EKS user guide, "Pod Identity": 169.254.170.23 port 80; allow it in egress policies). */
export const POD_IDENTITY_AGENT = "169.254.170.23/32";

/**
 * The `kubernetes` Service's ClusterIP (the first address of the service CIDR). EKS picks the service
 * CIDR when none is set: 172.20.0.0/16 when the VPC is in 10.0.0.0/8, else 10.100.0.0/16 (EKS user
 * guide, `kubernetesNetworkConfig.serviceIpv4Cidr`). The VPC CNI's policy agent sees egress before
 * kube-proxy translates it, so a pod talking to `kubernetes.default` is matched against this
 * address, not against the control plane's interfaces behind it.
 */
export function kubernetesServiceAddress(vpcCidr: string): string {
    const vpc = parseCidr(vpcCidr);
    const tenSlashEight = parseCidr("10.0.0.0/8")!;
    return vpc && cidrContains(tenSlashEight, vpc) ? "172.20.0.1/32" : "10.100.0.1/32";
}

/** Pod Security Standards level enforced, audited and warned on a namespace. */
export enum PodSecurityLevel {
    Restricted = "restricted",
    Baseline = "baseline",
}

/** Pod Security Admission labels (enforce, audit, warn) at one level. */
export function podSecurityLabels(level: PodSecurityLevel): Record<string, string> {
    return {
        "pod-security.kubernetes.io/enforce": level,
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/audit": level,
        "pod-security.kubernetes.io/warn": level,
    };
}

// cert-manager v1.21.1: every pod (controller, webhook, cainjector, startupapicheck Job) runs with
// runAsNonRoot, seccomp RuntimeDefault, allowPrivilegeEscalation false, capabilities drop ALL, no
// host namespaces or hostPath: the restricted profile.
export const CERT_MANAGER_POD_SECURITY = PodSecurityLevel.Restricted;
// ingress-nginx 4.15.1: controller runAsNonRoot (uid 101), seccomp RuntimeDefault, no privilege
// escalation, drop ALL and add only NET_BIND_SERVICE (the one capability restricted allows); the
// admission create/patch Jobs run as 65532 with drop ALL: restricted too.
export const INGRESS_NGINX_POD_SECURITY = PodSecurityLevel.Restricted;

const certManagerPod = (component: string): Labels => ({ "app.kubernetes.io/instance": "cert-manager", "app.kubernetes.io/component": component });
/** cert-manager chart pod labels (release name cert-manager). */
export const CERT_MANAGER_PODS = {
    controller: certManagerPod("controller"),
    webhook: certManagerPod("webhook"),
    cainjector: certManagerPod("cainjector"),
    /** post-install hook Job: `cmctl check api --wait=1m`. */
    startupapicheck: certManagerPod("startupapicheck"),
};
/** cert-manager webhook container port `https` (`--secure-port=10250`; the Service maps 443 to it). */
export const CERT_MANAGER_WEBHOOK_PORT = 10250;
/** `http-metrics` on the controller, webhook and cainjector. */
export const CERT_MANAGER_METRICS_PORT = 9402;

const ingressNginxPod = (component: string): Labels => ({ "app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/instance": "ingress-nginx", "app.kubernetes.io/component": component });
/** ingress-nginx chart pod labels (release name ingress-nginx). */
export const INGRESS_NGINX_PODS = {
    controller: ingressNginxPod("controller"),
    /** admission-create (pre-install/upgrade) and admission-patch (post-install/upgrade) hook Jobs. */
    admission: ingressNginxPod("admission-webhook"),
};
export const INGRESS_NGINX_CONTROLLER: PeerPods = { namespace: "ingress-nginx", podLabels: INGRESS_NGINX_PODS.controller };
/** Controller container ports: http 80, https 443, webhook 8443 (`--validating-webhook=:8443`), and 10254 (healthz, metrics). */
export const INGRESS_NGINX_PORTS = { http: 80, https: 443, webhook: 8443, status: 10254 };

/** Cluster facts every add-on namespace's policies need. */
export interface AddonNetworkFacts {
    vpcCidr: string;
    subnets: SubnetTierCidrs;
    /**
     * Only the public API endpoint is on: pods reach the API server at public AWS addresses (the
     * internet on 443). With the private endpoint on, the API server is the control plane's
     * interfaces in its subnets (intra), which the `kubernetes` Service points at too.
     */
    publicEndpointOnly: boolean;
    monitoringNamespace: string;
    dns: PeerPods;
}

export interface CertManagerPolicyFacts extends AddonNetworkFacts {
    namespace: string;
    /** DNS-01 through Route53 with EKS Pod Identity: the controller gets credentials from the agent. */
    podIdentity: boolean;
}

/** Pods ingress-nginx proxies to, on their container ports. */
export interface Upstream extends PeerPods {
    ports: number[];
    why: string;
}

export interface IngressNginxPolicyFacts extends AddonNetworkFacts {
    namespace: string;
    /** Scheme of the controller's NLB. */
    scheme: LoadBalancerScheme;
    upstreams: Upstream[];
}


/** Problems with the facts (bad CIDRs, an internal NLB that policy cannot tell from pods); empty when sound. */
export function addonFactsProblems(f: AddonNetworkFacts): string[] {
    const problems: string[] = [];
    const all = [["vpcCidr", [f.vpcCidr]], ["publicSubnetCidrs", f.subnets.publicSubnetCidrs], ["privateSubnetCidrs", f.subnets.privateSubnetCidrs], ["intraSubnetCidrs", f.subnets.intraSubnetCidrs ?? []]] as const;
    for (const [where, cidrs] of all) cidrs.forEach((c, i) => { const p = cidrProblem(c); if (p) problems.push(`${where}[${i}]: ${JSON.stringify(c)} ${p}`); });
    if (controlPlaneSubnetCidrs(f.subnets).length === 0) problems.push("no subnets for the control plane: webhooks and the API server could not be admitted");
    return problems;
}

function check(f: AddonNetworkFacts): void {
    const problems = addonFactsProblems(f);
    if (problems.length > 0) throw new Error(`invalid add-on network facts:\n  - ${problems.join("\n  - ")}`);
}

/** The policies every add-on namespace starts with: deny all, DNS and the API server for every pod. */
function baseline(namespace: string, f: AddonNetworkFacts, apiClients: string): NetworkPolicyObject[] {
    const apiServer: Peer[] = [
        { ipBlock: { cidr: kubernetesServiceAddress(f.vpcCidr) } },
        ...ipBlocks(controlPlaneSubnetCidrs(f.subnets)),
        ...(f.publicEndpointOnly ? [internetBlock(f.vpcCidr)] : []),
    ];
    return [
        defaultDeny(namespace),
        policy(namespace, "allow-dns", "Name resolution through kube-dns only, over UDP and TCP.", undefined, {
            egress: [{ to: [podsPeer(f.dns)], ports: DNS_PORTS }],
        }),
        policy(namespace, "allow-api-server", `${apiClients} talk to the Kubernetes API: the kubernetes Service address and the control plane's interfaces behind it in its subnets${f.publicEndpointOnly ? ", or the public endpoint" : ""}, on 443.`, undefined, {
            egress: [{ to: apiServer, ports: [tcp(443)] }],
        }),
    ];
}

/** Webhook calls come from the control plane's interfaces in its subnets. */
const fromControlPlane = (f: AddonNetworkFacts, port: number): Rule => ({ from: ipBlocks(controlPlaneSubnetCidrs(f.subnets)), ports: [tcp(port)] });
const fromMonitoring = (f: AddonNetworkFacts, port: number): Rule => ({ from: [{ namespaceSelector: ns(f.monitoringNamespace) }], ports: [tcp(port)] });

/** cert-manager's namespace: default-deny, then what the controller, webhook, cainjector and startupapicheck need. */
export function certManagerPolicies(f: CertManagerPolicyFacts): NetworkPolicyObject[] {
    check(f);
    const n = f.namespace;
    const p = CERT_MANAGER_PODS;
    return [
        ...baseline(n, f, "The controller, cainjector, webhook and the startupapicheck hook Job (which fails the install without it)"),
        policy(n, "allow-control-plane-to-webhook", "The API server calls the admission webhook (webhook.cert-manager.io) on its container port.", p.webhook, {
            ingress: [fromControlPlane(f, CERT_MANAGER_WEBHOOK_PORT)],
        }),
        policy(n, "allow-monitoring-to-metrics", "Prometheus scrapes the controller, webhook and cainjector metrics.", { "app.kubernetes.io/instance": "cert-manager" }, {
            ingress: [fromMonitoring(f, CERT_MANAGER_METRICS_PORT)],
        }),
        policy(n, "allow-controller-egress", "ACME servers and AWS APIs (Route53, STS) on 443; the HTTP-01 self-check fetches the challenge from the public host on 80; never the VPC.", p.controller, {
            egress: [
                { to: [internetBlock(f.vpcCidr)], ports: [tcp(443), tcp(80)] },
                ...(f.podIdentity ? [{ to: [{ ipBlock: { cidr: POD_IDENTITY_AGENT } }], ports: [tcp(80)] }] : []),
            ],
        }),
    ];
}

/** ingress-nginx's namespace: default-deny, then the data path, the admission webhook, the hook Jobs and metrics. */
export function ingressNginxPolicies(f: IngressNginxPolicyFacts): NetworkPolicyObject[] {
    check(f);
    const n = f.namespace;
    const c = INGRESS_NGINX_PODS.controller;
    const { http, https, webhook, status } = INGRESS_NGINX_PORTS;
    const lbSubnets = loadBalancerSubnetCidrs(f.scheme, f.subnets);
    return [
        ...baseline(n, f, "The controller and the admission create/patch hook Jobs (which fail the install without it)"),
        policy(n, "allow-load-balancer-to-controller", "The NLB (ip targets) sends traffic and health checks (10254/healthz) from its subnets; it preserves client IPs, so clients outside the VPC reach 80/443 with their own addresses (VPC addresses excluded: pods are not clients).", c, {
            ingress: [
                { from: ipBlocks(lbSubnets), ports: [tcp(http), tcp(https), tcp(status)] },
                { from: [{ ipBlock: { cidr: "0.0.0.0/0", except: [f.vpcCidr] } }], ports: [tcp(http), tcp(https)] },
            ],
        }),
        policy(n, "allow-control-plane-to-webhook", "The API server calls the admission webhook (validate.nginx.ingress.kubernetes.io) on 8443.", c, {
            ingress: [fromControlPlane(f, webhook)],
        }),
        policy(n, "allow-monitoring-to-metrics", "Prometheus scrapes the controller's metrics port.", c, {
            ingress: [fromMonitoring(f, status)],
        }),
        ...(f.upstreams.length ? [policy(n, "allow-controller-to-upstreams", `The controller proxies to the pods its Ingresses route to: ${f.upstreams.map((u) => u.why).join("; ")}.`, c, {
            egress: f.upstreams.map((u) => ({ to: [podsPeer(u)], ports: u.ports.map((port) => tcp(port)) })),
        })] : []),
    ];
}
