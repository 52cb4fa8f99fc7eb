// Pure builders for the IdP's Ingress objects and its cert-manager Certificate.
import { IDP_LABELS, IDP_NAME } from "./workload";
import { datastorePodLabels } from "./datastores";
import { SOLVER_LABELS } from "../networkPolicy/generator";
import { selectorMatches } from "../networkPolicy/evaluator";
import { dns1035LabelProblem, labelValueProblem, portNameProblem, qualifiedNameProblem } from "../kubernetesNames";
import { ALB_INGRESS_VALIDATION_LABELS } from "../addons/loadBalancerController/index";

export const TLS_SECRET = "idp-tls";

/**
 * The pods behind an extra route's Service, as a NetworkPolicy has to name them. ingress-nginx
 * proxies to the Service's endpoints (pod IP and the port its targetPort resolves to), never to the
 * ClusterIP, so a policy's port is the pod's port and its selector needs the pods' labels: neither is
 * in `service:port`, and the product does not own the Service to read them. The user states them.
 */
export interface RouteBackend {
    /** Labels of the Service's pods, as its selector names them. */
    podLabels: Record<string, string>;
    /** The container port the Service's targetPort resolves to: where ingress-nginx connects. */
    port: number;
}

export interface Route {
    path: string;
    service: string;
    /** The Service port: a number ("80") or a port name ("http"). */
    port: string;
    /** The Service's pods and container port; required where NetworkPolicies stand between them and ingress-nginx. */
    backend?: RouteBackend;
}

/** Labels as written in a route: key=value[,key=value]. */
const showLabels = (labels: Record<string, string>) => Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(",");

/** Two label sets are one selector when they have the same keys with the same values, in any order. */
const sameLabels = (a: Record<string, string>, b: Record<string, string>) =>
    Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => Object.prototype.hasOwnProperty.call(b, k) && b[k] === v);

/** How an extra route is written, for messages. */
export const ROUTE_FORM = "/path=service:port, followed by ' -> key=value[,key=value]:containerPort' naming the Service's pods, e.g. /api=idp-api:80 -> app=idp-api:8081";

/**
 * What the API server refuses in a pathType Prefix or Exact path: kubernetes
 * pkg/apis/networking/validation, validateHTTPIngressPath (invalidPathSequences, invalidPathSuffixes).
 */
const API_SERVER_PATH_SEQUENCES = ["//", "/./", "/../", "%2f", "%2F"] as const;
const API_SERVER_PATH_SUFFIXES = ["/..", "/."] as const;

/**
 * ingress-nginx's strict path validation for pathType Prefix and Exact (`strict-validate-path-type`,
 * on by default), as in the pinned controller v1.15.1 (chart 4.15.1):
 * internal/ingress/inspector/rules.go `validPathType = (?i)^/[[:alnum:]._\-/]*$`, where
 * `[[:alnum:]]` is ASCII letters and digits ('.' allowed again by kubernetes/ingress-nginx#13798).
 */
const NGINX_STRICT_PATH = /^\/[A-Za-z0-9._\/-]*$/;

/** Every rule a Prefix path breaks: the API server's, then ingress-nginx's admission webhook's. Pure. */
function prefixPathProblems(path: string): string[] {
    const shown = JSON.stringify(path);
    return [
        ...API_SERVER_PATH_SEQUENCES.filter((seq) => path.includes(seq)).map((seq) => `has path ${shown}, which contains '${seq}' (the API server refuses it with pathType Prefix)`),
        ...API_SERVER_PATH_SUFFIXES.filter((suffix) => path.endsWith(suffix)).map((suffix) => `has path ${shown}, which ends with '${suffix}' (the API server refuses it with pathType Prefix)`),
        ...(NGINX_STRICT_PATH.test(path) ? [] : [`has path ${shown}: with pathType Prefix ingress-nginx's admission webhook (strict path validation) accepts only letters, digits, '.', '_', '-' and '/'`]),
    ];
}

const portProblem = (text: string, what: string): string | undefined =>
    /^\d+$/.test(text) && Number(text) >= 1 && Number(text) <= 65535 ? undefined : `${what} ${JSON.stringify(text)}, which is not a port (expected 1-65535)`;

/**
 * One extra route, `/path=service:port[ -> key=value[,key=value]:containerPort]`, e.g.
 * `/api=idp-api:80 -> app=idp-api:8081`: every problem with it, or the route. The path is what the
 * API server accepts for pathType Prefix (no '//', '/./', '/../', '%2f' or '%2F'; not ending in '/.'
 * or '/..') and ingress-nginx's admission webhook too (strict path validation: letters, digits, '.',
 * '_', '-' and '/' only), the service a DNS-1035 label (a Service name), its port a number or a port
 * name, the pods part a label selector and a port number. Pure.
 */
export function parseRoute(text: string): { route?: Route; problems: string[] } {
    const [front, backendText, ...rest] = text.trim().split(/\s+->\s+/);
    const eq = front.indexOf("=");
    const colon = front.indexOf(":", eq);
    if (rest.length > 0 || /\s/.test(front) || (backendText !== undefined && /\s/.test(backendText)) || eq < 0 || colon < 0) return { problems: [`is not a route (expected ${ROUTE_FORM})`] };
    const [path, service, port] = [front.slice(0, eq), front.slice(eq + 1, colon), front.slice(colon + 1)];
    const problems: string[] = [];
    if (!path.startsWith("/")) problems.push(`has path ${JSON.stringify(path)}, which does not start with '/'`);
    else if (path === "/") problems.push("routes path /, which is the IdP's own route (every path not listed goes to it)");
    else problems.push(...prefixPathProblems(path));
    const serviceProblem = dns1035LabelProblem(service);
    if (serviceProblem) problems.push(`has service ${JSON.stringify(service)}, which ${serviceProblem}`);
    if (/^\d+$/.test(port)) {
        const p = portProblem(port, "service port");
        if (p) problems.push(`has ${p}`);
    } else {
        const p = portNameProblem(port);
        if (p) problems.push(`has service port ${JSON.stringify(port)}, neither a number 1-65535 nor a port name (a port name ${p})`);
    }
    let backend: RouteBackend | undefined;
    if (backendText !== undefined) {
        const at = backendText.lastIndexOf(":");
        const [labelsText, podPort] = at < 0 ? [backendText, ""] : [backendText.slice(0, at), backendText.slice(at + 1)];
        const pairs = labelsText === "" ? [] : labelsText.split(",").map((pair) => pair.split("="));
        const labelProblems = pairs.flatMap((pair) => {
            if (pair.length !== 2) return [`pod label ${JSON.stringify(pair.join("="))} is not key=value`];
            const keyProblem = qualifiedNameProblem(pair[0]);
            const valueProblem = labelValueProblem(pair[1]);
            return [...(keyProblem ? [`pod label key ${JSON.stringify(pair[0])} ${keyProblem}`] : []), ...(valueProblem ? [`pod label value ${JSON.stringify(pair[1])} ${valueProblem}`] : [])];
        });
        if (pairs.length === 0) labelProblems.push("names no pod labels (an empty selector would open the port on every pod of the namespace)");
        if (new Set(pairs.map((p) => p[0])).size !== pairs.length) labelProblems.push("names a pod label key twice");
        const containerPortProblem = portProblem(podPort, "container port");
        problems.push(...labelProblems.map((p) => `has ${p}`), ...(containerPortProblem ? [`has ${containerPortProblem}: the number the Service's targetPort resolves to on the pods`] : []));
        if (labelProblems.length === 0 && !containerPortProblem) backend = { podLabels: Object.fromEntries(pairs), port: Number(podPort) };
    }
    return problems.length > 0 ? { problems } : { route: { path, service, port, ...(backend ? { backend } : {}) }, problems };
}

/** A route as it is written in config. */
export const formatRoute = (r: Route) => `${r.path}=${r.service}:${r.port}${r.backend ? ` -> ${showLabels(r.backend.podLabels)}:${r.backend.port}` : ""}`;

/** The pods of the IdP namespace an extra route must never select: the policy would open its port on them. */
export const NAMESPACE_PODS: readonly { what: string; labels: Record<string, string> }[] = [
    { what: "the IdP's pods", labels: IDP_LABELS },
    { what: "the postgres pods", labels: datastorePodLabels("postgres") },
    { what: "the redis pods", labels: datastorePodLabels("redis") },
    { what: "cert-manager's HTTP-01 solver pods", labels: SOLVER_LABELS },
];

/**
 * Problems of a list of extra routes, each with the entry's index: two entries on one path (Prefix
 * paths match the same requests with or without a trailing '/'), a Service given two sets of pods
 * (it has one selector), pods that include the namespace's own (the IdP, datastores, solvers), and,
 * when NetworkPolicies stand between ingress-nginx and the pods (`policiesFrom` names the setting
 * that makes them), an entry that does not name its pods. Pure.
 */
export function routeProblems(routes: readonly Route[], o: { policiesFrom?: string }): { index: number; message: string }[] {
    const out: { index: number; message: string }[] = [];
    const trim = (path: string) => path.replace(/\/+$/, "");
    routes.forEach((r, index) => {
        const samePath = routes.findIndex((o) => trim(o.path) === trim(r.path));
        if (samePath < index) out.push({ index, message: `routes path ${r.path}, which entry ${samePath} routes already (${routes[samePath].path})` });
        const sameService = routes.findIndex((o) => o.service === r.service && o.backend && r.backend);
        const other = routes[sameService]?.backend;
        if (other && r.backend && sameService < index && !sameLabels(other.podLabels, r.backend.podLabels)) {
            out.push({ index, message: `gives Service ${r.service} the pods ${showLabels(r.backend.podLabels)}, but entry ${sameService} gives it ${showLabels(other.podLabels)} (a Service has one selector)` });
        }
        if (r.backend) {
            for (const pods of NAMESPACE_PODS) {
                // The route's NetworkPolicy selects its pods with matchLabels: the evaluator's own matching.
                if (selectorMatches({ matchLabels: r.backend.podLabels }, pods.labels)) out.push({ index, message: `selects ${pods.what} with ${showLabels(r.backend.podLabels)}: the route's NetworkPolicy would open port ${r.backend.port} on them; name the labels of the Service's own pods` });
            }
        } else if (o.policiesFrom) {
            out.push({ index, message: `names no backend pods, and the NetworkPolicies of ${o.policiesFrom} let the ingress-nginx controller reach only pods they name, on the pods' own port: write it as ${ROUTE_FORM}` });
        }
    });
    return out;
}

/** A distinct set of pods behind the extra routes, on one container port: one NetworkPolicy rule each. */
export interface RouteUpstream extends RouteBackend {
    /** `<service>-<port>`: names its policy. */
    name: string;
    service: string;
    paths: string[];
}

/** The extra routes' backends, one per Service and container port (routes without pods have none). Pure. */
export function routeUpstreams(routes: readonly Route[]): RouteUpstream[] {
    const byName = new Map<string, RouteUpstream>();
    for (const r of routes) {
        if (!r.backend) continue;
        const name = `${r.service}-${r.backend.port}`;
        const seen = byName.get(name);
        if (seen) seen.paths.push(r.path);
        else byName.set(name, { name, service: r.service, paths: [r.path], podLabels: r.backend.podLabels, port: r.backend.port });
    }
    return [...byName.values()];
}

/** Why a route's upstream is allowed, for the policies' annotations. */
export const routeUpstreamWhy = (u: RouteUpstream) => `extra route${u.paths.length > 1 ? "s" : ""} ${u.paths.join(", ")} to Service ${u.service}: its pods ${showLabels(u.podLabels)} on container port ${u.port}`;

/**
 * Annotation on the NGINX Ingress recording each extra route's pods and container port (what its
 * NetworkPolicies admit). It is there mainly for the offline reachability model
 * (offline/clusterModel.ts, ingressRouteBackends): the Ingress itself names only `service:port`, and
 * the model reads the route's pods from here rather than from the policies under test. Nothing in
 * the cluster reads it; it also tells an operator reading the Ingress which pods and port each
 * route expects. Keep it.
 */
export const ROUTE_BACKENDS_ANNOTATION = "idp-eks.io/route-backends";

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
                // For the offline reachability model, and for operators (ROUTE_BACKENDS_ANNOTATION).
                ...(a.extraRoutes.some((r) => r.backend)
                    ? { [ROUTE_BACKENDS_ANNOTATION]: JSON.stringify(a.extraRoutes.flatMap((r) => (r.backend ? [{ path: r.path, service: r.service, podLabels: r.backend.podLabels, port: r.backend.port }] : []))) }
                    : {}),
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
