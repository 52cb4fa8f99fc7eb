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

const API_ROUTE = "/api=idp-api:80 -> app=idp-api:8081";

describe("reachability matrix per stack", () => {
    // The committed matrices are the seed's intended matrix, corrected (reviewed by hand):
    // dev: only ingress-nginx and NodePort clients (idpNodePortSourceRanges) reach the IdP's http port,
    // only Prometheus its management port; the IdP
    // reaches kube-dns (UDP and TCP), postgres, redis and HTTPS on the internet, never instance
    // metadata; postgres and redis admit only the IdP; the ACME solver admits only ingress-nginx.
    // prod: the public load balancer subnets and (NLB client IP preservation) internet clients reach
    // the http port, no pod does; the IdP reaches the managed datastores' CIDRs.
    // Both: the add-on namespaces admit the control plane to their webhooks, Prometheus to metrics and
    // (dev) the NLB path to ingress-nginx; their pods reach only the API server, kube-dns and what each
    // controller needs (internet 443/80 and the Pod Identity agent for cert-manager's DNS-01 in prod).
    // kube-system (the load balancer controller) is not locked down, and the matrix shows it.
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

    // Gateway variants of prod (issue 16.4): the ALB Gateway alone (no NLB), so each matrix shows
    // exactly what the Gateway path admits: for internet-facing the public load balancer subnets, for
    // internal the intra subnets (issue 15), never a pod and never an internet client (the ALB proxies).
    // dev-extra-routes: dev with the seed's /api route to a Service it does not own (idp-api, port 80,
    // targetPort 8081 on pods app=idp-api): ingress-nginx reaches those pods on 8081, nothing else does,
    // and neither the IdP's ports on them nor 8081 on the IdP are opened.
    // Regenerate deliberately (and review the diff) with UPDATE_REACHABILITY=1.
    const variants: Record<string, { base: string; overrides: Record<string, unknown> }> = {
        "prod-gateway": { base: "prod", overrides: { "idp-eks:idpIngress": "gateway", "idp-eks:idpNlb": false } },
        "prod-gateway-internal": { base: "prod", overrides: { "idp-eks:idpIngress": "gateway", "idp-eks:idpNlb": false, "idp-eks:idpAlbScheme": "internal" } },
        "dev-extra-routes": { base: "dev", overrides: { "idp-eks:idpExtraRoutes": [API_ROUTE] } },
    };
    for (const [variant, { base, overrides }] of Object.entries(variants)) {
        it(`${variant}: matches the expected matrix (${base} with ${JSON.stringify(overrides)})`, async () => {
            const model = stackModel(await evaluateStack(base, overrides));
            const rows = computeMatrix(model);
            const file = path.join(__dirname, "../data/reachability", `${variant}.json`);
            if (process.env.UPDATE_REACHABILITY) {
                const doc = matrixAsExpectations(variant, model, rows);
                doc.cases[0].source = `${base} with ${JSON.stringify(overrides)} (tests/offline/reachability.test.ts; UPDATE_REACHABILITY=1 rewrites it)`;
                fs.writeFileSync(file, JSON.stringify(doc, null, 2) + "\n");
            }
            const want = new Map(expected(variant).map((p) => [key(p), p.allowed]));
            const got = new Map(rows.map((r) => [key(r), r.allowed]));
            const differences = [...new Set([...want.keys(), ...got.keys()])].filter((k) => want.get(k) !== got.get(k));
            assert.deepEqual(differences, []);
        });
    }

    // Issue 15 "done means": with idpAlbScheme internal and with an internal NLB, no pod outside the
    // allowed peers reaches the IdP. The ALB/NLB are discovered in the intra subnets (kubernetes.io/role/internal-elb),
    // the pods' private subnets are never admitted.
    for (const [label, overrides] of [
        ["an internal ALB", { "idp-eks:idpAlbScheme": "internal", "idp-eks:idpNlb": false }],
        ["an internal NLB", { "idp-eks:idpIngress": "none", "idp-eks:idpNlbScheme": "internal" }],
    ] as const) {
        it(`prod with ${label}: no pod reaches the IdP's http port, only intra addresses (load balancer, control plane) and preserved clients`, async () => {
            const model = stackModel(await evaluateStack("prod", overrides));
            const rows = computeMatrix(model);
            const toIdp = rows.filter((r) => r.to === "idp-system/idp-server-0" && r.port === 8080);
            const admitted = toIdp.filter((r) => r.allowed).map((r) => (typeof r.from === "string" ? r.from : Object.entries(model.externals).find(([, ip]) => ip === (r.from as { ip: string }).ip)![0]));
            const clients = label.endsWith("NLB") ? ["internet client", "internet service"] : [];
            // Intra holds only AWS-managed interfaces (load balancer nodes, the control plane); no pod or node.
            assert.deepEqual(admitted.sort(), ["control plane", "intra LB subnet", ...clients].sort());
            assert.ok(admitted.every((a) => !a.includes("/")), "no pod reaches the IdP");
            assert.ok(toIdp.some((r) => r.from === "unrelated/workload-0" && !r.allowed));
        });
    }

    it("an extra NGINX route's pods: only ingress-nginx reaches them, on the route's container port only", async () => {
        const model = stackModel(await evaluateStack("dev", { "idp-eks:idpExtraRoutes": [API_ROUTE] }));
        const rows = computeMatrix(model);
        const api = "idp-system/idp-api-0";
        const controller = "ingress-nginx/ingress-nginx-controller-0";
        assert.deepEqual(model.pods.find((p) => `${p.namespace}/${p.name}` === api)?.labels, { app: "idp-api" });
        const toApi = rows.filter((r) => r.to === api);
        assert.deepEqual([...new Set(toApi.filter((r) => r.allowed).map((r) => `${JSON.stringify(r.from)} ${r.port}`))], [`"${controller}" 8081`]);
        for (const port of [8080, 9090]) assert.equal(toApi.find((r) => r.from === controller && r.port === port)?.allowed, false, `controller -> idp-api:${port}`);
        assert.equal(rows.find((r) => r.from === controller && r.to === "idp-system/idp-server-0" && r.port === 8081)?.allowed, false, "the route's port on the IdP");
        assert.ok(toApi.some((r) => r.from === "unrelated/workload-0" && !r.allowed) && toApi.some((r) => r.from === "monitoring/prometheus-0" && !r.allowed));
        // Without the route's policies (the code before extra routes were modelled) the controller is dropped.
        const without = computeMatrix({ ...model, policies: model.policies.filter((p) => !JSON.stringify(p).includes("idp-api")) });
        assert.equal(without.find((r) => r.from === controller && r.to === api && r.port === 8081)?.allowed, false);
    });

    it("both stacks' matrices cover the add-on namespaces: controllers, webhooks, hook Jobs and the control plane as a peer", async () => {
        for (const stack of ["dev", "prod"]) {
            const model = stackModel(await shippedStack(stack));
            const refs = model.pods.map((p) => `${p.namespace}/${p.name}`);
            for (const pod of ["cert-manager/cert-manager-0", "cert-manager/cert-manager-webhook-0", "cert-manager/cert-manager-cainjector-0", "cert-manager/cert-manager-startupapicheck-0", "kube-system/aws-load-balancer-controller-0"]) assert.ok(refs.includes(pod), `${stack}: ${pod}`);
            if (stack === "dev") for (const pod of ["ingress-nginx/ingress-nginx-controller-0", "ingress-nginx/ingress-nginx-admission-create-0"]) assert.ok(refs.includes(pod), pod);
            assert.ok(model.probes.some((p) => typeof p.from !== "string" && p.from.ip === model.externals["control plane"] && p.to === "cert-manager/cert-manager-webhook-0"));
        }
    });

    it("a change that opens a path differs from the expected matrix", async () => {
        const opened = computeMatrix(stackModel(await evaluateStack("dev", { "idp-eks:idpSmtpEgress": true })));
        const smtp = opened.find((r) => r.port === 587)!;
        assert.equal(smtp.allowed, true);
        assert.equal(expected("dev").find((p) => p.port === 587)!.allowed, false);
    });

    it("without NetworkPolicies everything is reachable, which the matrix shows", async () => {
        const rows = computeMatrix(stackModel(await evaluateStack("dev", { "idp-eks:idpNetworkPolicies": false, "idp-eks:addonNetworkPolicies": false })));
        assert.ok(rows.every((r) => r.allowed));
    });

    it("synth writes the matrix next to the manifests", async () => {
        const files = renderSynth(await shippedStack("prod"));
        assert.match(files["reachability.txt"], /internet client \(203\.0\.113\.10\)\s+->\s+idp-system\/idp-server-0\s+8080\/TCP\s+ALLOW/);
        assert.match(files["reachability.txt"], /unrelated\/workload-0\s+->\s+idp-system\/idp-server-0\s+8080\/TCP\s+deny/);
    });
});
