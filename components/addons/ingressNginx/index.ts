import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { LoadBalancerScheme } from "../types";
import { withPreviousType } from "../../aliases";
import { AddonNetworkFacts, INGRESS_NGINX_POD_SECURITY, Upstream, ingressNginxPolicies, podSecurityLabels } from "../../networkPolicy/addons";
import { READINESS_GATE_INJECTION } from "../loadBalancerController/index";

export const INGRESS_NGINX_CHART_REPO = "https://kubernetes.github.io/ingress-nginx";
/** The final release: the project is retired and gets no further fixes. */
export const DEFAULT_INGRESS_NGINX_VERSION = "4.15.1";
export const INGRESS_NGINX_NAMESPACE = "ingress-nginx";

export const RETIREMENT_WARNING =
    "ingress-nginx is retired (best-effort maintenance ended March 2026; 4.15.1 is the final release and gets no security fixes). " +
    "Move the IdP to the ALB through the Gateway API: set idpIngress to gateway (and ingressNginx to false), see the README's migration section.";

export interface IngressNginxArgs {
    provider: k8s.Provider;
    chartVersion?: string;
    /** Scheme of the NLB in front of the controller. */
    scheme: LoadBalancerScheme;
    /** The load balancer controller's release: the controller's LoadBalancer Service needs it to get an NLB. */
    loadBalancerController: pulumi.Resource;
    /** Default-deny NetworkPolicies for the namespace plus the controller's paths (the cluster must enforce them). */
    networkPolicies?: IngressNginxNetworkPolicyArgs;
}

export interface IngressNginxNetworkPolicyArgs extends AddonNetworkFacts {
    /** The pods Ingresses of class nginx route to (the controller's egress). */
    upstreams: Upstream[];
}

/**
 * Namespace labels: Pod Security Admission (the chart's pods meet restricted), and the load balancer
 * controller's readiness gates: the NLB has ip targets, and without gates a rolling update can
 * leave it with no healthy target. Gates are injected at pod creation, so the label comes first.
 */
export function ingressNginxNamespaceLabels(): Record<string, string> {
    return { ...podSecurityLabels(INGRESS_NGINX_POD_SECURITY), ...READINESS_GATE_INJECTION };
}

const NLB = "service.beta.kubernetes.io/aws-load-balancer-";

/**
 * Chart values. The controller Service is an NLB made by the load balancer controller with IP
 * targets; its listeners are plain TCP, so TLS terminates in nginx with cert-manager certificates
 * (an NLB TLS listener plus nginx's redirect would loop). Pure.
 */
export function ingressNginxValues(scheme: LoadBalancerScheme) {
    return {
        controller: {
            replicaCount: 2,
            minAvailable: 1,
            ingressClass: "nginx",
            ingressClassResource: { name: "nginx", enabled: true, default: false, controllerValue: "k8s.io/ingress-nginx" },
            // Snippet annotations let any Ingress author inject nginx config (CVE-2025-1974 and kin).
            allowSnippetAnnotations: false,
            // The IdP's Ingress reads its load balancer's DNS name from its own status, which the
            // controller fills from this Service (the chart's default; set so it cannot drift).
            publishService: { enabled: true },
            admissionWebhooks: { enabled: true, failurePolicy: "Fail", patch: { enabled: true } },
            service: {
                type: "LoadBalancer",
                loadBalancerClass: "service.k8s.aws/nlb",
                annotations: {
                    [`${NLB}scheme`]: scheme,
                    [`${NLB}nlb-target-type`]: "ip",
                    [`${NLB}attributes`]: "load_balancing.cross_zone.enabled=true",
                    // Client addresses reach nginx unchanged (ip targets ignore externalTrafficPolicy).
                    [`${NLB}target-group-attributes`]: "preserve_client_ip.enabled=true,deregistration_delay.timeout_seconds=30",
                    [`${NLB}healthcheck-protocol`]: "http",
                    [`${NLB}healthcheck-port`]: "10254",
                    [`${NLB}healthcheck-path`]: "/healthz",
                },
            },
        },
    };
}

/** ingress-nginx behind an NLB; warns that the project is retired. */
export class IngressNginx extends pulumi.ComponentResource {
    /** Ingresses of class nginx must depend on this (its admission webhook validates them). */
    public readonly release: k8s.helm.v3.Release;
    public readonly ingressClassName: pulumi.Output<string>;

    constructor(name: string, args: IngressNginxArgs, opts?: pulumi.ComponentResourceOptions) {
        super("idp-eks:index:IngressNginx", name, {}, withPreviousType("idp-eks:addons:IngressNginx", opts));
        void pulumi.log.warn(RETIREMENT_WARNING, this);
        const namespace = new k8s.core.v1.Namespace(name, { metadata: { name: INGRESS_NGINX_NAMESPACE, labels: ingressNginxNamespaceLabels() } }, { parent: this, provider: args.provider });
        // In place before the controller and the admission hook Jobs start, so the install runs under them.
        const policies = args.networkPolicies
            ? ingressNginxPolicies({ ...args.networkPolicies, namespace: INGRESS_NGINX_NAMESPACE, scheme: args.scheme })
                .map((p) => new k8s.networking.v1.NetworkPolicy(`${name}-netpol-${p.metadata.name}`, p, { parent: this, provider: args.provider, dependsOn: [namespace] }))
            : [];
        this.release = new k8s.helm.v3.Release(name, {
            name: "ingress-nginx",
            chart: "ingress-nginx",
            version: args.chartVersion ?? DEFAULT_INGRESS_NGINX_VERSION,
            repositoryOpts: { repo: INGRESS_NGINX_CHART_REPO },
            namespace: namespace.metadata.name,
            values: ingressNginxValues(args.scheme),
            timeout: 600,
        }, { parent: this, provider: args.provider, dependsOn: [args.loadBalancerController, ...policies] });
        this.ingressClassName = pulumi.output("nginx");
        this.registerOutputs({ ingressClassName: this.ingressClassName });
    }
}
