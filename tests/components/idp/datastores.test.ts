import * as assert from "node:assert/strict";
import { Datastore, REDIS_PASSWORD_DIR, postgresStatefulSet, redisStatefulSet } from "../../../components/idp/datastores";
import { VolumeRetention } from "../../../components/idp/types";

const store = (name: "postgres" | "redis", port: number): Datastore => ({ name, image: `${name}:1`, port, storageGiB: 20, passwordSecret: `${name}-credentials`, storageClassName: "gp3", volumeRetention: VolumeRetention.Delete });

describe("idp: datastores", () => {
    // Kubernetes docs (Configure Liveness, Readiness and Startup Probes): without a liveness probe a
    // deadlocked server is never restarted; readiness only takes it out of the Service.
    it("PostgreSQL and Redis StatefulSets get liveness probes that tolerate a slow recovery", () => {
        for (const set of [postgresStatefulSet("ns", store("postgres", 5432)), redisStatefulSet("ns", store("redis", 6379))]) {
            const c = set.spec.template.spec.containers[0] as { livenessProbe?: { exec?: unknown; periodSeconds: number; failureThreshold: number } };
            assert.ok(c.livenessProbe?.exec, `${set.metadata.name} has no exec liveness probe`);
            assert.ok(c.livenessProbe.periodSeconds * c.livenessProbe.failureThreshold >= 60, `${set.metadata.name} liveness gives up within a minute`);
        }
    });

    // The password on redis-server's argv is readable by anything sharing the PID view (/proc/<pid>/cmdline);
    // in an env var it is in the pod spec's process environment. It must come from a mounted Secret file.
    it("Redis reads its password from the mounted Secret file, never from argv or the environment", () => {
        const set = redisStatefulSet("ns", store("redis", 6379));
        const pod = set.spec.template.spec;
        const c = pod.containers[0] as unknown as { command: string[]; env?: unknown[]; volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[]; readinessProbe: { exec: { command: string[] } }; livenessProbe: { exec: { command: string[] } } };
        assert.equal(c.env, undefined);
        const script = c.command.join(" ");
        assert.doesNotMatch(script, /--requirepass/);
        assert.match(script, /redis-server .* - <<EOF\nrequirepass \$\(cat \/run\/secrets\/redis\/password\)\nEOF$/);
        assert.deepEqual(c.volumeMounts.find((m) => m.name === "password"), { name: "password", mountPath: REDIS_PASSWORD_DIR, readOnly: true });
        assert.deepEqual(pod.volumes.find((v) => v.name === "password"), { name: "password", secret: { secretName: "redis-credentials", defaultMode: 0o400, items: [{ key: "password", path: "password" }] } });
        for (const probe of [c.readinessProbe, c.livenessProbe]) assert.match(probe.exec.command[2], /^REDISCLI_AUTH="\$\(cat \/run\/secrets\/redis\/password\)" redis-cli -p 6379 ping/);
    });
});
