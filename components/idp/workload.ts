// Pure builders for the IdP's namespace, Deployment and Services (plain Kubernetes objects).
import { READINESS_GATE_INJECTION } from "../addons/loadBalancerController/index";
import { PodSecurityLevel, podSecurityLabels } from "../networkPolicy/addons";

export const IDP_NAME = "idp-server";
export const IDP_LABELS = { app: IDP_NAME, "app.kubernetes.io/name": IDP_NAME, "app.kubernetes.io/part-of": "idp" };
export const IDP_SELECTOR = { app: IDP_NAME };

/** Pod Security Standards `restricted`, enforced; and the LBC's pod readiness gate injection. */
export function namespaceLabels(): Record<string, string> {
    return { ...podSecurityLabels(PodSecurityLevel.Restricted), ...READINESS_GATE_INJECTION };
}

export interface PodSecurity {
    runAsUser: number;
}

/** The restricted profile's pod-level settings, with a numeric UID (the image's user is a name). */
export function podSecurityContext(p: PodSecurity) {
    return { runAsNonRoot: true, runAsUser: p.runAsUser, runAsGroup: p.runAsUser, fsGroup: p.runAsUser, seccompProfile: { type: "RuntimeDefault" } };
}

export function containerSecurityContext() {
    return { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ["ALL"] } };
}

/** A container env var: a value, or a key of a Secret. */
export interface EnvVar {
    name: string;
    value?: string;
    valueFrom?: { secretKeyRef: { name: string; key: string } };
}

/** CPU and memory requests and limits, as Kubernetes quantities. */
export interface ResourceSettings {
    cpuRequest: string;
    cpuLimit: string;
    memoryRequest: string;
    memoryLimit: string;
}

export interface DeploymentSpecArgs {
    image: string;
    /** Omitted when an autoscaler owns the count. */
    replicas?: number;
    httpPort: number;
    managementPort: number;
    readinessPath: string;
    livenessPath: string;
    runAsUser: number;
    resources: ResourceSettings;
    env: EnvVar[];
    /** Secret whose keys become environment variables. */
    envSecretName?: string;
    preStopSleepSeconds: number;
    terminationGracePeriodSeconds: number;
    dnsConfig?: { ndots?: number; searches?: string[] };
}

/** Probe timings of the IdP container; the Deployment's await timeout is derived from them. */
export const PROBE_PERIOD_SECONDS = 10;
export const PROBE_TIMEOUT_SECONDS = 3;
/** The startup probe allows this many failed periods (5 minutes) before the kubelet restarts the container. */
export const STARTUP_FAILURE_THRESHOLD = 30;
/** Rolling update: never below the desired count, one extra pod at a time. */
export const ROLLOUT_MAX_SURGE = 1;
export const ROLLOUT_MAX_UNAVAILABLE = 0;

export function idpDeployment(namespace: string, a: DeploymentSpecArgs) {
    const probe = (path: string) => ({ httpGet: { path, port: "http" }, periodSeconds: PROBE_PERIOD_SECONDS, timeoutSeconds: PROBE_TIMEOUT_SECONDS });
    return {
        apiVersion: "apps/v1" as const,
        kind: "Deployment" as const,
        metadata: { name: IDP_NAME, namespace, labels: IDP_LABELS },
        spec: {
            ...(a.replicas === undefined ? {} : { replicas: a.replicas }),
            selector: { matchLabels: IDP_SELECTOR },
            // Never drop below the desired count: a new pod must be ready before an old one goes.
            strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: ROLLOUT_MAX_UNAVAILABLE, maxSurge: ROLLOUT_MAX_SURGE } },
            template: {
                metadata: { labels: IDP_LABELS },
                spec: {
                    serviceAccountName: IDP_NAME,
                    automountServiceAccountToken: false,
                    terminationGracePeriodSeconds: a.terminationGracePeriodSeconds,
                    securityContext: podSecurityContext({ runAsUser: a.runAsUser }),
                    topologySpreadConstraints: [
                        { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: IDP_SELECTOR } },
                        { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: IDP_SELECTOR } },
                    ],
                    ...(a.dnsConfig ? { dnsConfig: { ...(a.dnsConfig.searches?.length ? { searches: a.dnsConfig.searches } : {}), ...(a.dnsConfig.ndots !== undefined ? { options: [{ name: "ndots", value: String(a.dnsConfig.ndots) }] } : {}) } } : {}),
                    containers: [{
                        name: IDP_NAME,
                        image: a.image,
                        ports: [
                            { name: "http", containerPort: a.httpPort, protocol: "TCP" },
                            { name: "management", containerPort: a.managementPort, protocol: "TCP" },
                        ],
                        env: a.env,
                        ...(a.envSecretName ? { envFrom: [{ secretRef: { name: a.envSecretName } }] } : {}),
                        startupProbe: { ...probe(a.livenessPath), failureThreshold: STARTUP_FAILURE_THRESHOLD },
                        readinessProbe: { ...probe(a.readinessPath), failureThreshold: 3 },
                        livenessProbe: { ...probe(a.livenessPath), failureThreshold: 3 },
                        lifecycle: { preStop: { sleep: { seconds: a.preStopSleepSeconds } } },
                        resources: {
                            requests: { cpu: a.resources.cpuRequest, memory: a.resources.memoryRequest },
                            limits: { cpu: a.resources.cpuLimit, memory: a.resources.memoryLimit },
                        },
                        securityContext: containerSecurityContext(),
                        volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                    }],
                    volumes: [{ name: "tmp", emptyDir: {} }],
                },
            },
        },
    };
}

export interface ServicePort {
    name: string;
    port: number;
    targetPort: number | string;
    nodePort?: number;
}

/** A Service selecting the IdP pods. */
export function idpService(name: string, namespace: string, spec: { type: string; ports: ServicePort[]; [k: string]: unknown }, annotations: Record<string, string> = {}) {
    return {
        apiVersion: "v1" as const,
        kind: "Service" as const,
        metadata: { name, namespace, labels: IDP_LABELS, ...(Object.keys(annotations).length ? { annotations } : {}) },
        spec: { ...spec, selector: IDP_SELECTOR, ports: spec.ports.map((p) => ({ protocol: "TCP", ...p })) },
    };
}

/**
 * Namespaces the IdP may not take: the cluster's own (Kubernetes creates them; a second Namespace
 * object of that name fails with AlreadyExists, and the IdP's restricted Pod Security labels and
 * default-deny policies would land on EKS's system pods).
 */
export const SYSTEM_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"] as const;

/**
 * Why `namespace` cannot be the IdP's, or undefined. `owned` lists namespaces add-ons of the same
 * cluster create or run in (by namespace, what owns it).
 */
export function namespaceProblem(namespace: string, owned: Readonly<Record<string, string>> = {}): string | undefined {
    if ((SYSTEM_NAMESPACES as readonly string[]).includes(namespace)) {
        return `is a namespace Kubernetes itself creates (${SYSTEM_NAMESPACES.join(", ")}): the IdP creates its namespace, which would fail with AlreadyExists, and labels it Pod Security restricted with default-deny NetworkPolicies, which would break the cluster's own pods there; choose a namespace of its own, e.g. idp-system`;
    }
    const owner = owned[namespace];
    if (owner) return `is the namespace of ${owner}: the IdP creates its namespace (AlreadyExists) and gives it restricted Pod Security labels and default-deny NetworkPolicies meant for the IdP alone; choose a namespace of its own, e.g. idp-system`;
    return undefined;
}

/** Port of the `http` port on the IdP's ClusterIP and NodePort Services. */
export const SERVICE_HTTP_PORT = 80;
/** The NLB Service's only port (TLS at the NLB). */
export const NLB_HTTPS_PORT = 443;
export const NODE_PORT_SERVICE = `${IDP_NAME}-nodeport`;
export const NLB_SERVICE = `${IDP_NAME}-lb`;

export const clusterIpPorts = (managementPort: number): ServicePort[] => [
    { name: "http", port: SERVICE_HTTP_PORT, targetPort: "http" },
    { name: "management", port: managementPort, targetPort: "management" },
];
export const nodePortPorts = (nodePort: number): ServicePort[] => [{ name: "http", port: SERVICE_HTTP_PORT, targetPort: "http", nodePort }];
export const NLB_PORTS: readonly ServicePort[] = [{ name: "https", port: NLB_HTTPS_PORT, targetPort: "http" }];

/** The ports of every Service selecting the IdP pods, by Service name (all TCP). */
export function idpServicePorts(a: { managementPort: number; nodePort?: number; nlb: boolean }): Record<string, readonly ServicePort[]> {
    return {
        [IDP_NAME]: clusterIpPorts(a.managementPort),
        ...(a.nodePort !== undefined ? { [NODE_PORT_SERVICE]: nodePortPorts(a.nodePort) } : {}),
        ...(a.nlb ? { [NLB_SERVICE]: NLB_PORTS } : {}),
    };
}

/**
 * Service ports that repeat an earlier port of the same Service with the same protocol (every
 * IdP port is TCP): the API server refuses the Service (ValidateService, "spec.ports[i]: Duplicate
 * value", kubernetes pkg/apis/core/validation/validation.go).
 */
export function duplicateServicePorts(services: Readonly<Record<string, readonly ServicePort[]>>): { service: string; port: ServicePort; earlier: ServicePort }[] {
    const found: { service: string; port: ServicePort; earlier: ServicePort }[] = [];
    for (const [service, ports] of Object.entries(services)) {
        ports.forEach((port, i) => {
            const earlier = ports.slice(0, i).find((p) => p.port === port.port);
            if (earlier) found.push({ service, port, earlier });
        });
    }
    return found;
}

/**
 * The env vars the program sets in the IdP container, in this order: where the datastores are
 * (the `postgres` and `redis` Services of the namespace) and, in-cluster, the user and the
 * generated passwords (from their Secrets).
 */
export function programEnv(namespace: string, inClusterDatastores: boolean): EnvVar[] {
    return [
        { name: "SPRING_DATASOURCE_URL", value: `jdbc:postgresql://${serviceFqdn("postgres", namespace)}:5432/idp` },
        { name: "SPRING_DATA_REDIS_HOST", value: serviceFqdn("redis", namespace) },
        ...(inClusterDatastores ? [
            { name: "SPRING_DATASOURCE_USERNAME", value: "idp" },
            { name: "SPRING_DATASOURCE_PASSWORD", valueFrom: { secretKeyRef: { name: "postgres-credentials", key: "password" } } },
            { name: "SPRING_DATA_REDIS_PASSWORD", valueFrom: { secretKeyRef: { name: "redis-credentials", key: "password" } } },
        ] : []),
    ];
}

/**
 * Whether a program variable is fixed: the in-cluster datastores' credentials, which the program
 * created them with (the generated passwords from their Secrets, and the user `idp` the postgres
 * container is started as, POSTGRES_USER in datastores.ts): another value would fail to log in.
 */
export const isFixedEnv = (p: EnvVar): boolean => Boolean(p.valueFrom) || p.name === "SPRING_DATASOURCE_USERNAME";

/** Names of the user's plain env that may not be given: the fixed ones. */
export function envProblems(program: readonly EnvVar[], user: Readonly<Record<string, string>>): string[] {
    return Object.keys(user)
        .filter((name) => program.some((p) => p.name === name && isFixedEnv(p)))
        .map((name) => `env ${name} is set by the program to the in-cluster datastore's credentials (${program.find((p) => p.name === name)!.valueFrom ? "from its Secret" : "the user it was created with"}); another value would fail to log in`);
}

/**
 * The container's env, one entry per name: the program's variables in their order, each replaced
 * in place by the user's value of that name (so later user variables can refer to it as
 * $(NAME)), then the user's other variables in the order given. Kubernetes refuses nothing here,
 * but a name twice is refused by server-side apply (kubernetes/kubernetes#121575).
 */
export function containerEnv(program: readonly EnvVar[], user: Readonly<Record<string, string>>): EnvVar[] {
    const programNames = new Set(program.map((p) => p.name));
    return [
        ...program.map((p) => (p.name in user && !isFixedEnv(p) ? { name: p.name, value: user[p.name] } : p)),
        ...Object.entries(user).filter(([name]) => !programNames.has(name)).map(([name, value]) => ({ name, value })),
    ];
}

/** `KEY=value` entries as container env vars. */
export function parseEnv(entries: readonly string[]): { name: string; value: string }[] {
    return entries.map((e) => {
        const at = e.indexOf("=");
        return { name: e.slice(0, at), value: e.slice(at + 1) };
    });
}

/** The in-cluster DNS name of a Service. */
export const serviceFqdn = (name: string, namespace: string) => `${name}.${namespace}.svc.cluster.local`;
