import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { computeMatrix, matrixAsExpectations, stackModel } from "../../offline/clusterModel";
import { renderSynth } from "../../offline/synth";
import { evaluateStack, shippedStack } from "../harness";

interface ExpectedProbe { from: unknown; to: unknown; port: number; protocol: string; allowed: boolean; why: string }
const expected = (stack: string): ExpectedProbe[] =>
    JSON.parse(fs.readFileSync(path.join(__dirname, "../data/reachability", `${stack}.json`), "utf8")).cases[0].probes;
const key = (p: { from: unknown; to: unknown; port: number; protocol: string }) => `${JSON.stringify(p.from)} -> ${JSON.stringify(p.to)} ${p.port}/${p.protocol}`;

describe("reachability matrix per stack", () => {
    // The committed matrices are the seed's intended matrix, corrected (reviewed by hand):
    // dev: only ingress-nginx and NodePort clients (idpNodePortSourceRanges) reach the IdP's http port,
    // only Prometheus its management port; the IdP
    // reaches kube-dns (UDP and TCP), postgres, redis and HTTPS on the internet, never instance
    // metadata; postgres and redis admit only the IdP; the ACME solver admits only ingress-nginx.
    // prod: the public load balancer subnets and (NLB client IP preservation) internet clients reach
    // the http port, no pod does; the IdP reaches the managed datastores' CIDRs.
    for (const stack of ["dev", "prod"]) {
        it(`${stack}: matches the expected matrix; any path opened or closed shows as a difference`, async () => {
            const rows = computeMatrix(stackModel(await shippedStack(stack)));
            const want = new Map(expected(stack).map((p) => [key(p), p.allowed]));
            const got = new Map(rows.map((r) => [key(r), r.allowed]));
            const differences = [...new Set([...want.keys(), ...got.keys()])].filter((k) => want.get(k) !== got.get(k))
                .map((k) => `${k}: expected ${want.has(k) ? (want.get(k) ? "ALLOW" : "deny") : "(no probe)"}, got ${got.has(k) ? (got.get(k) ? "ALLOW" : "deny") : "(no probe)"}`);
            assert.deepEqual(differences, []);
        });
    }

    // A gateway variant of prod (issue 16.4): the internet-facing ALB Gateway alone (no NLB), so the
    // matrix shows exactly what the Gateway path admits: the public load balancer subnets, no pod and
    // no internet client (the ALB proxies). An internal variant is left to the subnet-tier work: today
    // internal load balancers share the pods' private subnets, so admitting them admits every pod.
    // Regenerate deliberately (and review the diff) with UPDATE_REACHABILITY=1.
    const variants: Record<string, Record<string, unknown>> = {
        "prod-gateway": { "idp-eks:idpIngress": "gateway", "idp-eks:idpNlb": false },
    };
    for (const [variant, overrides] of Object.entries(variants)) {
        it(`${variant}: matches the expected matrix (${JSON.stringify(overrides)})`, async () => {
            const model = stackModel(await evaluateStack("prod", overrides));
            const rows = computeMatrix(model);
            const file = path.join(__dirname, "../data/reachability", `${variant}.json`);
            if (process.env.UPDATE_REACHABILITY) {
                const doc = matrixAsExpectations(variant, model, rows);
                doc.cases[0].source = `prod with ${JSON.stringify(overrides)} (tests/offline/reachability.test.ts; UPDATE_REACHABILITY=1 rewrites it)`;
                fs.writeFileSync(file, JSON.stringify(doc, null, 2) + "\n");
            }
            const want = new Map(expected(variant).map((p) => [key(p), p.allowed]));
            const got = new Map(rows.map((r) => [key(r), r.allowed]));
            const differences = [...new Set([...want.keys(), ...got.keys()])].filter((k) => want.get(k) !== got.get(k));
            assert.deepEqual(differences, []);
        });
    }

    it("a change that opens a path differs from the expected matrix", async () => {
        const opened = computeMatrix(stackModel(await evaluateStack("dev", { "idp-eks:idpSmtpEgress": true })));
        const smtp = opened.find((r) => r.port === 587)!;
        assert.equal(smtp.allowed, true);
        assert.equal(expected("dev").find((p) => p.port === 587)!.allowed, false);
    });

    it("without NetworkPolicies everything is reachable, which the matrix shows", async () => {
        const rows = computeMatrix(stackModel(await evaluateStack("dev", { "idp-eks:idpNetworkPolicies": false })));
        assert.ok(rows.every((r) => r.allowed));
    });

    it("synth writes the matrix next to the manifests", async () => {
        const files = renderSynth(await shippedStack("prod"));
        assert.match(files["reachability.txt"], /internet client \(203\.0\.113\.10\)\s+->\s+idp-system\/idp-server-0\s+8080\/TCP\s+ALLOW/);
        assert.match(files["reachability.txt"], /unrelated\/workload-0\s+->\s+idp-system\/idp-server-0\s+8080\/TCP\s+deny/);
    });
});
