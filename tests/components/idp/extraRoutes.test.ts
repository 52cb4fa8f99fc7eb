import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import { IdpApplication, IngressKind, Route, parseRoute, routeProblems } from "../../../components/idp";
import { nginxUpstreams } from "../../../components/platform";
import { INGRESS_NGINX_PODS } from "../../../components/networkPolicy/addons";
import { ClusterState, NetworkPolicy, Pod, evaluate } from "../../../components/networkPolicy/evaluator";
import { ConfigError, configKeys, loadConfig, platformArgs, validateConfig } from "../../../config";
import { networkPolicySettings } from "../../../config/platformConfig";
import { attemptEvaluation } from "../../../offline/mockCloud";
import { Overrides, evaluateStack, ofType, stackConfig } from "../../harness";

// The seed's `/api` route, to a Service the product does not own: `idp-api` port 80, whose
// targetPort is the pods' container port 8081 (the reviewer's case).
const API_ROUTE = "/api=idp-api:80 -> app=idp-api:8081";

const route = (text: string): Route => {
    const { route: r, problems } = parseRoute(text);
    assert.deepEqual(problems, [], text);
    return r!;
};
const problemsOf = (text: string) => parseRoute(text).problems.join("; ");

describe("idp: extra NGINX routes are parsed as the API server and ingress-nginx read them", () => {
    it("reads path, Service, Service port (number or name) and, when given, the pods and their container port", () => {
        assert.deepEqual(route("/api=idp-api:80"), { path: "/api", service: "idp-api", port: "80" });
        assert.deepEqual(route("/api=idp-api:http"), { path: "/api", service: "idp-api", port: "http" });
        assert.deepEqual(route(API_ROUTE), { path: "/api", service: "idp-api", port: "80", backend: { podLabels: { app: "idp-api" }, port: 8081 } });
        assert.deepEqual(route("/v1/users_x=users:8080 -> app.kubernetes.io/name=users,tier=api:8080").backend, { podLabels: { "app.kubernetes.io/name": "users", tier: "api" }, port: 8080 });
    });

    it("accepts '.' in a path, as ingress-nginx v1.15.1's strict path validation does (validPathType, kubernetes/ingress-nginx#13798)", () => {
        assert.equal(route("/.well-known/x=idp-api:80").path, "/.well-known/x");
        assert.equal(route("/v1.0=idp-api:80 -> app=idp-api:8081").path, "/v1.0");
        assert.equal(route("/a.../b=idp-api:80").path, "/a.../b");
    });

    it("stack config takes those paths: /.well-known/x and /v1.0", async () => {
        const a = await attemptEvaluation({ stack: "dev", config: stackConfig("dev", { "idp-eks:idpExtraRoutes": ["/.well-known/x=idp-api:80 -> app=idp-api:8081", "/v1.0=idp-api:80 -> app=idp-api:8081"] }), program: () => {
            assert.deepEqual(loadConfig().idpExtraRoutes.map((r) => r.path), ["/.well-known/x", "/v1.0"]);
        } });
        assert.equal(a.error, undefined);
    });

    it("refuses a malformed entry, saying which part is wrong and what was expected", () => {
        const cases: [string, RegExp][] = [
            ["api=idp-api:80", /path "api", which does not start with '\/'/],
            ["/=idp-api:80", /path \/, which is the IdP's own route/],
            // ingress-nginx's admission webhook (strict path validation, controller v1.15.1 validPathType
            // `(?i)^/[[:alnum:]._\-/]*$`) refuses these with pathType Prefix.
            ["/(.*)=idp-api:80", /only letters, digits, '\.', '_', '-' and '\/'/],
            ["/api v1=idp-api:80", /is not a route/],
            ["/api~v1=idp-api:80", /only letters, digits/],
            // The API server refuses these for pathType Prefix and Exact (kubernetes
            // pkg/apis/networking/validation: invalidPathSequences, invalidPathSuffixes).
            ["/api//v1=idp-api:80", /contains '\/\/' \(the API server refuses it/],
            ["/a/../b=idp-api:80", /path "\/a\/..\/b", which contains '\/..\/' \(the API server refuses it/],
            ["/a/./b=idp-api:80", /path "\/a\/.\/b", which contains '\/.\/'/],
            ["/a/..=idp-api:80", /path "\/a\/..", which ends with '\/..'/],
            ["/a/.=idp-api:80", /path "\/a\/.", which ends with '\/.'/],
            ["/a%2fb=idp-api:80", /path "\/a%2fb", which contains '%2f' \(the API server refuses it/],
            ["/a%2Fb=idp-api:80", /which contains '%2F'/],
            ["/a%2fb=idp-api:80", /only letters, digits/],
            // A Service name is a DNS-1035 label: it starts with a letter.
            ["/api=1api:80", /service "1api", which must be a DNS-1035 label/],
            ["/api=Idp-Api:80", /DNS-1035 label/],
            ["/api=idp-api:0", /service port "0", which is not a port \(expected 1-65535\)/],
            ["/api=idp-api:65536", /service port "65536", which is not a port/],
            ["/api=idp-api:http--x", /neither a number 1-65535 nor a port name/],
            ["/api=idp-api", /is not a route \(expected \/path=service:port/],
            ["/api=idp-api:80 -> :8081", /names no pod labels/],
            ["/api=idp-api:80 -> app=idp-api", /container port "", which is not a port/],
            ["/api=idp-api:80 -> app=idp-api:http", /container port "http", which is not a port/],
            ["/api=idp-api:80 -> app=idp-api:70000", /container port "70000", which is not a port/],
            ["/api=idp-api:80 -> app:8081", /pod label "app" is not key=value/],
            ["/api=idp-api:80 -> -app=x:8081", /pod label key "-app"/],
            ["/api=idp-api:80 -> app=idp-api,app=x:8081", /names a pod label key twice/],
            ["/api=idp-api:80 -> app=idp-api:8081 -> x", /is not a route/],
        ];
        for (const [text, expected] of cases) assert.match(problemsOf(text), expected, text);
    });

    it("refuses two entries on one path, a Service given two sets of pods, and pods that include the namespace's own", () => {
        const at = (texts: string[], policiesFrom?: string) => routeProblems(texts.map(route), { policiesFrom }).map((p) => `${p.index}: ${p.message}`);
        // Prefix matching ignores a trailing '/' (Kubernetes Ingress pathType Prefix).
        assert.deepEqual(at([API_ROUTE, "/api/=idp-api:80 -> app=idp-api:8081"]), ["1: routes path /api/, which entry 0 routes already (/api)"]);
        assert.match(at([API_ROUTE, "/docs=idp-api:80 -> app=other:8081"]).join(), /1: gives Service idp-api the pods app=other, but entry 0 gives it app=idp-api/);
        // Labels are a set of key=value pairs: their order in the entry does not matter.
        assert.deepEqual(at(["/api=idp-api:80 -> app=a,tier=b:8081", "/docs=idp-api:80 -> tier=b,app=a:8081"]), []);
        assert.match(at(["/api=idp-api:80 -> app=a,tier=b:8081", "/docs=idp-api:80 -> app=a:8081"]).join(), /1: gives Service idp-api the pods app=a, but entry 0 gives it app=a,tier=b/);
        assert.match(at(["/api=idp-api:80 -> app=a:8081", "/docs=idp-api:80 -> app=a,tier=b:8081"]).join(), /1: gives Service idp-api the pods app=a,tier=b, but entry 0 gives it app=a/);
        assert.match(at(["/x=idp-server:80 -> app=idp-server:9090"]).join(), /selects the IdP's pods with app=idp-server: the route's NetworkPolicy would open port 9090 on them/);
        assert.match(at(["/x=db:5432 -> app.kubernetes.io/part-of=idp:5432"]).join(), /selects the IdP's pods/);
        assert.match(at(["/x=db:5432 -> app=postgres:5432"]).join(), /selects the postgres pods/);
        assert.match(at(["/x=s:80 -> acme.cert-manager.io/http01-solver=true:8089"]).join(), /selects cert-manager's HTTP-01 solver pods/);
        // Pods are needed only where NetworkPolicies stand between ingress-nginx and them.
        assert.deepEqual(at(["/api=idp-api:80"]), []);
        assert.match(at(["/api=idp-api:80"], "networkPolicies").join(), /0: names no backend pods, and the NetworkPolicies of networkPolicies let the ingress-nginx controller reach only pods they name/);
        assert.deepEqual(at([API_ROUTE, "/api-docs=idp-api:80 -> app=idp-api:8081"], "networkPolicies"), []);
    });
});

describe("idp: an extra NGINX route carries traffic through the stack's NetworkPolicies", () => {
    // The stack's own NetworkPolicies (IdP and ingress-nginx namespaces), evaluated with the exact
    // evaluator against pods written here: the route's backend pod is the one the user's Service
    // selects, listening on the container port its targetPort names.
    let ip = 10;
    const pod = (namespace: string, name: string, labels: Record<string, string>, ports: number[]): Pod =>
        ({ namespace, name, labels, ip: `10.10.0.${ip++}`, ports: ports.map((port) => ({ port, protocol: "TCP" as const })) });
    const pods = {
        controller: pod("ingress-nginx", "controller", INGRESS_NGINX_PODS.controller, [80, 443]),
        idp: pod("idp-system", "idp", { app: "idp-server", "app.kubernetes.io/name": "idp-server", "app.kubernetes.io/part-of": "idp" }, [8080, 9090]),
        api: pod("idp-system", "idp-api", { app: "idp-api", version: "v3" }, [8081, 9100]),
        other: pod("idp-system", "batch", { app: "batch" }, [8081]),
        prometheus: pod("monitoring", "prometheus", { app: "prometheus" }, []),
        unrelated: pod("unrelated", "workload", { app: "workload" }, [8080]),
    };
    const clusterOf = async (overrides: Overrides): Promise<ClusterState> => {
        const { resources } = await evaluateStack("dev", overrides);
        return {
            namespaces: Object.fromEntries(["ingress-nginx", "idp-system", "monitoring", "unrelated"].map((n) => [n, { "kubernetes.io/metadata.name": n }])),
            pods: Object.values(pods),
            policies: ofType(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy").map((r) => r.inputs) as unknown as NetworkPolicy[],
        };
    };
    const allowed = (c: ClusterState, from: Pod, to: Pod, port: number) => evaluate(c, { from: { pod: from }, to: { pod: to }, port, protocol: "TCP" }).allowed;

    it("ingress-nginx reaches the route's pods on their container port only (NetworkPolicy ports are the pod's, after targetPort), and nothing else is opened", async () => {
        const c = await clusterOf({ "idp-eks:idpExtraRoutes": [API_ROUTE] });
        assert.equal(allowed(c, pods.controller, pods.api, 8081), true, "controller -> idp-api pod on the targetPort");
        // ingress-nginx connects to the endpoints, not the ClusterIP: the Service port 80 is never on the wire.
        assert.equal(allowed(c, pods.controller, pods.api, 80), false, "the Service port is not the pod's");
        assert.equal(allowed(c, pods.controller, pods.api, 9100), false, "another port of the same pods");
        assert.equal(allowed(c, pods.controller, pods.other, 8081), false, "another pod of the namespace on the same port");
        assert.equal(allowed(c, pods.controller, pods.idp, 8081), false, "the route's port does not open the IdP");
        assert.equal(allowed(c, pods.controller, pods.idp, 9090), false, "nor the IdP's management port");
        assert.equal(allowed(c, pods.controller, pods.idp, 8080), true, "the IdP's own route still works");
        for (const from of [pods.idp, pods.other, pods.prometheus, pods.unrelated]) assert.equal(allowed(c, from, pods.api, 8081), false, `${from.name} -> idp-api`);
    });

    it("each namespace's half is there on its own: the controller's egress (addonNetworkPolicies) and the IdP namespace's ingress (idpNetworkPolicies)", async () => {
        const egressOnly = await clusterOf({ "idp-eks:idpExtraRoutes": [API_ROUTE], "idp-eks:idpNetworkPolicies": false });
        assert.equal(allowed(egressOnly, pods.controller, pods.api, 8081), true);
        assert.equal(allowed(egressOnly, pods.controller, pods.other, 8081), false, "the controller's egress names the route's pods");
        const ingressOnly = await clusterOf({ "idp-eks:idpExtraRoutes": [API_ROUTE], "idp-eks:addonNetworkPolicies": false });
        assert.equal(allowed(ingressOnly, pods.controller, pods.api, 8081), true);
        assert.equal(allowed(ingressOnly, pods.unrelated, pods.api, 8081), false, "the IdP namespace admits only the controller");
    });

    it("the add-on policy lists the route's pods among the controller's upstreams, and refuses a route that names none", async () => {
        const args = (overrides: Overrides) => attemptEvaluation({ stack: "dev", config: stackConfig("dev", { "idp-eks:idpNetworkPolicies": false, "idp-eks:addonNetworkPolicies": false, ...overrides }), program: () => {
            const a = platformArgs(loadConfig());
            const upstreams = nginxUpstreams(a);
            assert.deepEqual(upstreams.filter((u) => u.podLabels.app === "idp-api").map((u) => [u.namespace, u.podLabels, u.ports]), [["idp-system", { app: "idp-api" }, [8081]]]);
        } });
        assert.equal((await args({ "idp-eks:idpExtraRoutes": [API_ROUTE] })).error, undefined);
        assert.match(String((await args({ "idp-eks:idpExtraRoutes": ["/api=idp-api:80"] })).error), /extra route\(s\) "\/api=idp-api:80" name no backend pods/);
    });
});

describe("idp: the IdpApplication component refuses extra routes it cannot carry", () => {
    const attempt = (name: string, ingress: IngressKind, routes: string[], withPolicies: boolean) => attemptEvaluation({ stack: "dev", config: stackConfig("dev"), program: () => {
        const args = platformArgs(loadConfig());
        const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
        new IdpApplication(name, {
            ...args.idp, provider, ingress, ingressNginx: provider, loadBalancerController: provider, certManager: provider, nodePort: undefined, nodePortSourceRanges: undefined,
            certificateArn: "arn:aws:acm:us-east-1:111122223333:certificate/12345678-1234-1234-1234-123456789012",
            nginx: { ...args.idp.nginx!, extraRoutes: routes.map(route) },
            networkPolicies: withPolicies ? args.idp.networkPolicies : undefined,
        });
    } });

    it("an ALB Ingress would drop them: refused, naming the setting", async () => {
        const a = await attempt("alb", IngressKind.Alb, [API_ROUTE], true);
        assert.match(String(a.error), /alb: nginx\.extraRoutes is only used with ingress nginx \(ingress is alb\), which would drop \/api=idp-api:80 -> app=idp-api:8081/);
        assert.equal(ofType(a.resources, "kubernetes:networking.k8s.io/v1:Ingress").length, 0);
    });

    it("behind NetworkPolicies a route must name its pods; the policy it gets admits the controller on their port", async () => {
        const refused = await attempt("bare", IngressKind.Nginx, ["/api=idp-api:80"], true);
        assert.match(String(refused.error), /bare: nginx\.extraRoutes\[0\] "\/api=idp-api:80" names no backend pods/);
        assert.equal((await attempt("open", IngressKind.Nginx, ["/api=idp-api:80"], false)).error, undefined);
        const named = await attempt("named", IngressKind.Nginx, [API_ROUTE], true);
        assert.equal(named.error, undefined);
        const policy = ofType(named.resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy").find((p) => (p.inputs.metadata as { name: string }).name === "allow-ingress-nginx-to-route-idp-api-8081");
        assert.ok(policy, "a policy for the route's pods");
        assert.deepEqual((policy.inputs.spec as { podSelector: unknown }).podSelector, { matchLabels: { app: "idp-api" } });
        assert.deepEqual((policy.inputs.spec as { ingress: { ports: unknown }[] }).ingress.map((r) => r.ports), [[{ protocol: "TCP", port: 8081 }]]);
    });
});

describe("config: an extra route must name its pods exactly where the stack makes NetworkPolicies", () => {
    const combos = [false, true].flatMap((idp) => [false, true].flatMap((addon) => [false, true].map((enforcement) => ({ idp, addon, enforcement }))));
    const settings = (c: { idp: boolean; addon: boolean; enforcement: boolean }) => ({ "idp-eks:idpNetworkPolicies": c.idp, "idp-eks:addonNetworkPolicies": c.addon, "idp-eks:networkPolicyEnforcement": c.enforcement });
    const problemKeys = (overrides: Overrides) => {
        try {
            validateConfig(stackConfig("dev", overrides).values, "dev", []);
            return [];
        } catch (e) {
            assert.ok(e instanceof ConfigError, String(e));
            return e.problems.map((p) => p.key);
        }
    };

    it("one pure helper says which policies are made: the IdP namespace's with idpNetworkPolicies, the add-ons' with addonNetworkPolicies and networkPolicyEnforcement", () => {
        for (const c of combos) {
            assert.deepEqual(networkPolicySettings({ idpNetworkPolicies: c.idp, addonNetworkPolicies: c.addon, networkPolicyEnforcement: c.enforcement }), { idp: c.idp, addons: c.addon && c.enforcement }, JSON.stringify(c));
        }
    });

    it("a route without its pods is refused on idp-eks:idpExtraRoutes[0] exactly when the helper says policies are made", () => {
        for (const c of combos) {
            const made = networkPolicySettings({ idpNetworkPolicies: c.idp, addonNetworkPolicies: c.addon, networkPolicyEnforcement: c.enforcement });
            const refused = problemKeys({ ...settings(c), "idp-eks:idpExtraRoutes": ["/api=idp-api:80"] }).includes("idp-eks:idpExtraRoutes[0]");
            assert.equal(refused, made.idp || made.addons, JSON.stringify(c));
        }
    });

    it("the key's description (and so Pulumi.yaml's and the README's) states that condition", () => {
        assert.match(configKeys.idpExtraRoutes.description, /the pods part may be left out only when idpNetworkPolicies is off and addonNetworkPolicies or networkPolicyEnforcement is off\)/);
    });
});
