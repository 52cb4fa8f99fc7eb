// Pure builders for the IdP's Ingress objects and its cert-manager Certificate.
import { IDP_LABELS, IDP_NAME } from "./workload";
import { ALB_INGRESS_VALIDATION_LABELS } from "../addons/loadBalancerController/index";

export const TLS_SECRET = "idp-tls";

export interface Route {
    path: string;
    service: string;
    /** A port number ("80") or a port name ("http"). */
    port: string;
}

/** Parses `path=service:port` extra routes, e.g. `/api=idp-api:80`. */
export function parseRoutes(entries: readonly string[]): Route[] {
    return entries.map((e) => {
        const [path, target] = e.split("=");
        const [service, port] = target.split(":");
        return { path, service, port };
    });
}

function rule(host: string, routes: Route[]) {
    return {
        host,
        http: {
            paths: routes.map((r) => ({
                path: r.path,
                pathType: "Prefix",
                backend: { service: { name: r.service, port: /^\d+$/.test(r.port) ? { number: Number(r.port) } : { name: r.port } } },
            })),
        },
    };
}

/** The extra routes first, then everything else to the IdP (longest prefix wins in nginx either way). */
export function idpRoutes(extra: Route[]): Route[] {
    return [...extra, { path: "/", service: IDP_NAME, port: "http" }];
}

export interface NginxIngressArgs {
    host: string;
    proxyBodySize: string;
    proxyReadTimeoutSeconds: number;
    extraRoutes: Route[];
}

export function nginxIngress(namespace: string, a: NginxIngressArgs) {
    return {
        apiVersion: "networking.k8s.io/v1" as const,
        kind: "Ingress" as const,
        metadata: {
            name: IDP_NAME,
            namespace,
            labels: IDP_LABELS,
            annotations: {
                "nginx.ingress.kubernetes.io/proxy-body-size": a.proxyBodySize,
                "nginx.ingress.kubernetes.io/proxy-read-timeout": String(a.proxyReadTimeoutSeconds),
            },
        },
        spec: {
            ingressClassName: "nginx",
            tls: [{ hosts: [a.host], secretName: TLS_SECRET }],
            rules: [rule(a.host, idpRoutes(a.extraRoutes))],
        },
    };
}

export function albIngress(namespace: string, host: string, annotations: Record<string, string>) {
    return {
        apiVersion: "networking.k8s.io/v1" as const,
        kind: "Ingress" as const,
        // The label puts it under the load balancer controller's (scoped) Ingress validating webhook.
        metadata: { name: IDP_NAME, namespace, labels: { ...IDP_LABELS, ...ALB_INGRESS_VALIDATION_LABELS }, annotations },
        spec: { ingressClassName: "alb", rules: [rule(host, [{ path: "/", service: IDP_NAME, port: "http" }])] },
    };
}

/** A cert-manager Certificate for the host, written to the Secret the NGINX Ingress serves. */
export function idpCertificate(namespace: string, host: string, clusterIssuer: string) {
    return {
        apiVersion: "cert-manager.io/v1" as const,
        kind: "Certificate" as const,
        metadata: { name: IDP_NAME, namespace },
        spec: { secretName: TLS_SECRET, dnsNames: [host], issuerRef: { kind: "ClusterIssuer" as const, name: clusterIssuer, group: "cert-manager.io" } },
    };
}
