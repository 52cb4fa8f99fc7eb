import * as assert from "node:assert/strict";
import { ConnectivityInputError, parseConnectivityFile } from "../../../components/networkPolicy/connectivityFile";
import { evaluate } from "../../../components/networkPolicy/evaluator";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = any;

/** A valid case: a deny-all-but-web policy on a/db; each test below breaks one thing. */
function baseCase(): Doc {
    return {
        name: "base",
        namespaces: { a: { "kubernetes.io/metadata.name": "a", team: "x" }, b: { "kubernetes.io/metadata.name": "b", team: "y" } },
        pods: [
            { namespace: "a", name: "web", labels: { app: "web" }, ip: "10.0.1.1", ports: [{ name: "http", port: 8080, protocol: "TCP" }] },
            { namespace: "a", name: "db", labels: { app: "db" }, ip: "10.0.1.2", ports: [{ name: "pg", port: 5432, protocol: "TCP" }] },
            { namespace: "b", name: "client", labels: { app: "client" }, ip: "10.0.2.1", ports: [] },
        ],
        policies: [
            {
                apiVersion: "networking.k8s.io/v1",
                kind: "NetworkPolicy",
                metadata: { name: "db", namespace: "a" },
                spec: { podSelector: { matchLabels: { app: "db" } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: "web" } } }], ports: [{ port: "pg" }] }] },
            },
        ],
        probes: [{ from: "a/web", to: "a/db", port: 5432, protocol: "TCP", allowed: true }],
    };
}

function parse(mutate: (c: Doc) => void): ReturnType<typeof parseConnectivityFile> {
    const c = baseCase();
    mutate(c);
    return parseConnectivityFile(JSON.stringify({ cases: [c] }), "x.json");
}

const peer = (c: Doc) => c.policies[0].spec.ingress[0].from[0];

describe("connectivity files: invalid input is an error naming the case and field, never a verdict (CONNECTIVITY-FORMAT.md)", () => {
    it("reads the base case", () => {
        assert.equal(parse(() => {}).length, 1);
    });

    // Each: how the input is broken, and the error it must produce. The rules are the API server's
    // (apimachinery ValidateLabelSelector, IsQualifiedName, IsValidLabelValue, IsValidPortName;
    // strict field validation; core validation of pods) or the contract's ("reject, never guess").
    const invalid: [string, (c: Doc) => void, RegExp][] = [
        ["In with no values in a peer's namespaceSelector", (c) => { peer(c).namespaceSelector = { matchExpressions: [{ key: "team", operator: "In", values: [] }] }; }, /from\[0\]\.namespaceSelector\.matchExpressions\[0\]\.values: In needs at least one value/],
        ["NotIn without values in a peer's namespaceSelector", (c) => { peer(c).namespaceSelector = { matchExpressions: [{ key: "team", operator: "NotIn" }] }; }, /namespaceSelector\.matchExpressions\[0\]\.values: NotIn needs/],
        ["Exists with values in a peer's podSelector", (c) => { peer(c).podSelector = { matchExpressions: [{ key: "app", operator: "Exists", values: ["web"] }] }; }, /from\[0\]\.podSelector\.matchExpressions\[0\]\.values: Exists takes no values/],
        ["a misspelt selector field (matchLabel)", (c) => { peer(c).podSelector = { matchLabel: { app: "web" } }; }, /from\[0\]\.podSelector\.matchLabel: /],
        ["`to` in an ingress rule", (c) => { c.policies[0].spec.ingress[0].to = c.policies[0].spec.ingress[0].from; delete c.policies[0].spec.ingress[0].from; }, /spec\.ingress\[0\]\.to: /],
        ["a misspelt spec field (policyType)", (c) => { c.policies[0].spec.policyType = ["Egress"]; }, /spec\.policyType: /],
        ["a numeric string as a port name", (c) => { c.policies[0].spec.ingress[0].ports[0].port = "5432"; }, /ports\[0\]\.port: "5432" is not a port name .*at least one letter/],
        ["a probe's named port that two of the pod's ports share with different numbers", (c) => { c.pods[1].ports.push({ name: "pg", port: 5433, protocol: "TCP" }); c.probes[0].port = "pg"; }, /probes\[0\]\.port: a\/db declares TCP ports named "pg" with different numbers \(5432, 5433\)/],
        ["a probe's named port the destination does not declare", (c) => { c.probes[0].port = "nope"; }, /probes\[0\]\.port: a\/db declares no TCP port named "nope"/],
        ["a probe's named port under another protocol", (c) => { c.probes[0].port = "pg"; c.probes[0].protocol = "UDP"; }, /probes\[0\]\.port: a\/db declares no UDP port named "pg"/],
        ["two pods with one name", (c) => { c.pods.push({ ...c.pods[0], ip: "10.0.1.9" }); }, /pods\[3\]: pod "a\/web" is also at pods\[0\]/],
        ["two pods with one IP", (c) => { c.pods[2].ip = "10.0.1.1"; }, /pods\[2\]\.ip: pod IP "10\.0\.1\.1" is also at pods\[0\]\.ip/],
        ["an invalid label key on a pod", (c) => { c.pods[0].labels["bad key!"] = "x"; }, /pods\[0\]\.labels: label key "bad key!"/],
        ["an invalid label value in matchLabels", (c) => { peer(c).podSelector.matchLabels.app = "-web"; }, /from\[0\]\.podSelector\.matchLabels\["app"\]: label value "-web"/],
        ["a kind that is not NetworkPolicy", (c) => { c.policies[0].kind = "Service"; }, /policies\[0\]\.kind: /],
        ["an apiVersion that is not networking.k8s.io/v1", (c) => { c.policies[0].apiVersion = "extensions/v1beta1"; }, /policies\[0\]\.apiVersion: /],
        ["two policies with one namespace and name", (c) => { c.policies.push(structuredClone(c.policies[0])); }, /policies\[1\]: NetworkPolicy "a\/db" is also at policies\[0\]/],
        ["a namespace's name label naming another namespace", (c) => { c.namespaces.b["kubernetes.io/metadata.name"] = "a"; }, /namespaces\["b"\]\["kubernetes\.io\/metadata\.name"\]: is "a"/],
        ["an upper-case namespace name", (c) => { c.namespaces.Prod = {}; }, /namespaces\["Prod"\]: a namespace name must be a DNS-1123 label/],
    ];
    for (const [what, mutate, message] of invalid) {
        it(`refuses ${what}`, () => {
            assert.throws(() => parse(mutate), (e: Error) => {
                assert.ok(e instanceof ConnectivityInputError, e.stack);
                assert.match(e.message, /^case "base": /);
                assert.match(e.message, message);
                return true;
            });
        });
    }

    it("reports every problem of a case at once", () => {
        assert.throws(() => parse((c) => { c.pods[2].ip = "10.0.1.1"; c.probes[0].port = "nope"; c.policies.push(structuredClone(c.policies[0])); }), (e: Error) => e.message.split("\n").length === 3);
    });

    it("accepts what Kubernetes and the contract accept, with their meaning", () => {
        // Port names are unique per container only, and the format does not list containers
        // (kubernetes/kubernetes#122150); a name under two protocols resolves by protocol.
        const [twice] = parse((c) => { c.pods[1].ports.push({ name: "pg", port: 5432, protocol: "UDP" }, { name: "pg", port: 5432, protocol: "TCP" }); c.probes[0].port = "pg"; });
        assert.equal(twice.probes[0].port, "pg");
        // An ipBlock with host bits is read as its network address (IsValidCIDRForLegacyField, ParseCIDRSloppy).
        const [masked] = parse((c) => { c.policies[0].spec.ingress[0].from = [{ ipBlock: { cidr: "10.0.1.1/24", except: ["10.0.1.130/25"] } }]; });
        assert.deepEqual(masked.cluster.policies[0].spec.ingress![0].from![0].ipBlock, { cidr: "10.0.1.0/24", except: ["10.0.1.128/25"] });
        // ...and so decides: a/web (10.0.1.1) is in 10.0.1.0/24 and outside the except; b/client (10.0.2.1) is not.
        const [webPod, db, client] = masked.cluster.pods;
        assert.equal(evaluate(masked.cluster, { from: { pod: webPod }, to: { pod: db }, port: 5432, protocol: "TCP" }).allowed, true);
        assert.equal(evaluate(masked.cluster, { from: { pod: client }, to: { pod: db }, port: 5432, protocol: "TCP" }).allowed, false);
        // Section 1: an {"ip"} end is outside the cluster, at a pod's address too; section 2: with
        // both ends outside no side is checked. Extra keys on an {"ip"} end are ignored, as elsewhere.
        const [outside] = parse((c) => {
            c.probes.push({ from: { ip: "10.0.1.1", name: "web's address" }, to: "a/db", port: 5432, protocol: "TCP", allowed: false });
            c.probes.push({ from: { ip: "192.0.2.1" }, to: { ip: "192.0.2.2" }, port: 80, protocol: "TCP", allowed: true, why: null });
        });
        assert.deepEqual(outside.probes.slice(1).map((p) => [p.from, p.to]), [[{ ip: "10.0.1.1" }, { pod: outside.cluster.pods[1] }], [{ ip: "192.0.2.1" }, { ip: "192.0.2.2" }]]);
        assert.deepEqual(outside.notes, ["probes[1].from.ip: 10.0.1.1 is pod a/web's address, taken as outside the cluster (section 1), so that pod's policies are not checked; name the pod to check them"]);
        // Optional text fields may be null, and a file may start with a byte-order mark.
        const bom = parseConnectivityFile(`\uFEFF${JSON.stringify({ schemaVersion: null, description: null, cases: [{ ...baseCase(), source: null, notes: null, tags: null, pods: baseCase().pods.map((p: Doc) => ({ ...p, ports: p.ports.length ? p.ports : null })) }] })}`, "bom.json");
        assert.equal(bom.length, 1);
    });

    it("accepts what the API server accepts: metadata labels, a status, null fields, and a namespace without its name label (the API server adds it)", () => {
        const [c] = parse((d) => {
            d.policies[0].metadata.labels = { team: "x" };
            d.policies[0].status = {};
            d.policies[0].spec.egress = null;
            peer(d).namespaceSelector = null;
            delete d.namespaces.b["kubernetes.io/metadata.name"];
        });
        assert.equal(c.cluster.namespaces.b["kubernetes.io/metadata.name"], "b");
    });
});
