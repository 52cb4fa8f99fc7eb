// Pure builders for PostgreSQL and Redis: in-cluster StatefulSets behind headless Services (dev),
// or ExternalName Services aliasing managed endpoints (prod). Either way the IdP connects to
// `postgres` and `redis` in its namespace, so its connection strings are the same in every stack.
import { containerSecurityContext, podSecurityContext } from "./workload";
import { VolumeRetention } from "./types";

/** The platform's encrypted gp3 StorageClass (one per cluster, owned by the platform). */
export const STORAGE_CLASS = "idp-gp3-encrypted";

/** The StorageClass an IdpApplication creates for itself when given none: its own name, from its namespace. */
export const ownStorageClassName = (namespace: string) => `${namespace}-gp3-encrypted`;

/**
 * Encrypted gp3 through the EBS CSI driver. A dynamically provisioned volume takes the class's
 * reclaimPolicy (Kubernetes docs, Storage Classes: "Delete" by default, "Retain" to keep the volume
 * after its claim is deleted), so retention follows the stack's protection.
 */
export function encryptedGp3StorageClass(name: string, retention: VolumeRetention) {
    return {
        apiVersion: "storage.k8s.io/v1" as const,
        kind: "StorageClass" as const,
        metadata: { name },
        provisioner: "ebs.csi.aws.com",
        parameters: { type: "gp3", encrypted: "true" },
        reclaimPolicy: retention,
        volumeBindingMode: "WaitForFirstConsumer",
        allowVolumeExpansion: true,
    };
}

export interface Datastore {
    /** Service name the IdP connects to; the pods are labelled app=<name>. */
    name: "postgres" | "redis";
    image: string;
    port: number;
    storageGiB: number;
    /** Secret holding the password, as env var <passwordEnv>. */
    passwordSecret: string;
    /** StorageClass of the volume. */
    storageClassName: string;
    /** Whether the claim (and, with the class's reclaimPolicy, the volume) outlives the StatefulSet. */
    volumeRetention: VolumeRetention;
}

const RUN_AS = 999; // the postgres and redis users in the official images

interface SecretMount {
    volume: string;
    secretName: string;
    key: string;
    mountPath: string;
}

/** The labels of a datastore's pods (and its StatefulSet). */
export const datastorePodLabels = (name: string) => ({ app: name, "app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "idp" });

function statefulSet(namespace: string, d: Datastore, container: Record<string, unknown>, writableDirs: string[], secretMounts: SecretMount[] = []) {
    const labels = datastorePodLabels(d.name);
    return {
        apiVersion: "apps/v1" as const,
        kind: "StatefulSet" as const,
        metadata: { name: d.name, namespace, labels },
        spec: {
            serviceName: `${d.name}-headless`,
            replicas: 1,
            selector: { matchLabels: { app: d.name } },
            // Claims go with the StatefulSet only where volumes are not retained; scaling down never
            // drops data (StatefulSet persistentVolumeClaimRetentionPolicy, Kubernetes docs).
            persistentVolumeClaimRetentionPolicy: { whenDeleted: d.volumeRetention, whenScaled: VolumeRetention.Retain },
            template: {
                metadata: { labels },
                spec: {
                    automountServiceAccountToken: false,
                    securityContext: podSecurityContext({ runAsUser: RUN_AS }),
                    containers: [{
                        name: d.name,
                        image: d.image,
                        ports: [{ name: d.name, containerPort: d.port, protocol: "TCP" }],
                        securityContext: containerSecurityContext(),
                        ...container,
                        volumeMounts: [
                            { name: "data", mountPath: d.name === "postgres" ? "/var/lib/postgresql/data" : "/data" },
                            ...writableDirs.map((dir, i) => ({ name: `scratch-${i}`, mountPath: dir })),
                            ...secretMounts.map((m) => ({ name: m.volume, mountPath: m.mountPath, readOnly: true })),
                        ],
                    }],
                    volumes: [
                        ...writableDirs.map((_, i) => ({ name: `scratch-${i}`, emptyDir: {} })),
                        // Owner-read only; fsGroup gives the (non-root) server's group read access.
                        ...secretMounts.map((m) => ({ name: m.volume, secret: { secretName: m.secretName, defaultMode: 0o400, items: [{ key: m.key, path: m.key }] } })),
                    ],
                },
            },
            volumeClaimTemplates: [{
                metadata: { name: "data" },
                spec: { accessModes: ["ReadWriteOnce"], storageClassName: d.storageClassName, resources: { requests: { storage: `${d.storageGiB}Gi` } } },
            }],
        },
    };
}

export function postgresStatefulSet(namespace: string, d: Datastore) {
    return statefulSet(namespace, d, {
        env: [
            { name: "POSTGRES_USER", value: "idp" },
            { name: "POSTGRES_DB", value: "idp" },
            { name: "POSTGRES_PASSWORD", valueFrom: { secretKeyRef: { name: d.passwordSecret, key: "password" } } },
            // A subdirectory, so the volume's lost+found does not upset initdb.
            { name: "PGDATA", value: "/var/lib/postgresql/data/pgdata" },
        ],
        readinessProbe: { exec: { command: ["pg_isready", "-U", "idp", "-d", "idp"] }, periodSeconds: 10 },
        // Restarts a server that stopped answering; patient (2 min), so crash recovery after an unclean
        // stop (WAL replay, when pg_isready says "rejecting connections") is not cut short.
        livenessProbe: { exec: { command: ["pg_isready", "-U", "idp", "-d", "idp"] }, initialDelaySeconds: 30, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 },
        resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
    }, ["/var/run/postgresql", "/tmp"]);
}

/** Where the Redis password Secret is mounted (one file, `password`). */
export const REDIS_PASSWORD_DIR = "/run/secrets/redis";
const REDIS_PASSWORD_FILE = `${REDIS_PASSWORD_DIR}/password`;

/**
 * Redis 7 has no password-file option, and `--requirepass <pw>` is visible in the process list
 * (/proc/<pid>/cmdline, `ps`) to anything sharing the node's PID view. The password goes into the
 * configuration Redis reads from standard input instead (a lone "-" as the last argument reads the
 * config from stdin, redis server.c main()), fed by a here-document from the mounted Secret file.
 */
export const REDIS_START_SCRIPT = [
    "exec redis-server --appendonly yes --dir /data - <<EOF",
    `requirepass $(cat ${REDIS_PASSWORD_FILE})`,
    "EOF",
].join("\n");

/** PING with the password passed through REDISCLI_AUTH (redis-cli's variable for it), never argv. */
const redisPing = (port: number) => ["sh", "-c", `REDISCLI_AUTH="$(cat ${REDIS_PASSWORD_FILE})" redis-cli -p ${port} ping | grep -q PONG`];

export function redisStatefulSet(namespace: string, d: Datastore) {
    return statefulSet(namespace, d, {
        command: ["sh", "-c", REDIS_START_SCRIPT],
        readinessProbe: { exec: { command: redisPing(d.port) }, periodSeconds: 10, timeoutSeconds: 5 },
        // A hung server still accepts TCP connections, so liveness asks for a PONG.
        livenessProbe: { exec: { command: redisPing(d.port) }, initialDelaySeconds: 15, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 },
        resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
    }, ["/tmp"], [{ volume: "password", secretName: d.passwordSecret, key: "password", mountPath: REDIS_PASSWORD_DIR }]);
}

/** The headless governing Service (stable pod DNS: `<name>-0.<name>-headless`) and the one the IdP uses. */
export function datastoreServices(namespace: string, d: Datastore) {
    const port = { name: d.name, port: d.port, targetPort: d.name, protocol: "TCP" };
    const base = (name: string, extra: Record<string, unknown>) => ({
        apiVersion: "v1" as const,
        kind: "Service" as const,
        metadata: { name, namespace, labels: { app: d.name } },
        spec: { selector: { app: d.name }, ports: [port], ...extra },
    });
    return [base(`${d.name}-headless`, { clusterIP: "None" }), base(d.name, { type: "ClusterIP" })];
}

/** A DNS alias to a managed endpoint outside the cluster. */
export function externalNameService(namespace: string, name: string, externalName: string) {
    return {
        apiVersion: "v1" as const,
        kind: "Service" as const,
        metadata: { name, namespace, labels: { app: name } },
        spec: { type: "ExternalName", externalName },
    };
}
