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

/** `KEY=value` entries as container env vars. */
export function parseEnv(entries: readonly string[]): { name: string; value: string }[] {
    return entries.map((e) => {
        const at = e.indexOf("=");
        return { name: e.slice(0, at), value: e.slice(at + 1) };
    });
}

/** The in-cluster DNS name of a Service. */
export const serviceFqdn = (name: string, namespace: string) => `${name}.${namespace}.svc.cluster.local`;
