import * as assert from "node:assert/strict";
import { Direction, NetworkPolicyObject, Protocol, TrafficIntent, WHY, generatePolicies } from "../../../components/networkPolicy/generator";
import { Evaluation, RecordedResource } from "../../../offline/mockCloud";
import * as k8s from "@pulumi/kubernetes";
import { evaluateStack, shippedStack, ofType, stackConfig } from "../../harness";
import { attemptEvaluation } from "../../../offline/mockCloud";
import { loadConfig, platformArgs } from "../../../config";
import { IdpApplication, IngressKind } from "../../../components/idp";
import { LoadBalancerScheme } from "../../../components/addons/types";

const base: TrafficIntent = {
    namespace: "idp-system",
    idpLabels: { app: "idp-server" },
    httpPort: 8080,
    managementPort: 9090,
    vpcCidr: "10.0.0.0/16",
    monitoringNamespace: "monitoring",
    dns: { namespace: "kube-system", podLabels: { "k8s-app": "kube-dns" } },
    postgres: { podLabels: { app: "postgres" }, port: 5432 },
    redis: { podLabels: { app: "redis" }, port: 6379 },
    httpsEgress: true,
    smtpEgress: false,
    extraRules: [],
};
const byName = (policies: NetworkPolicyObject[], name: string) => {
    const p = policies.find((x) => x.metadata.name === name);
    assert.ok(p, `no policy ${name}; have ${policies.map((x) => x.metadata.name).join(", ")}`);
    return p;
};

describe("networkPolicy: generator", () => {
    it("starts from default-deny in both directions for every pod of the namespace", () => {
        const deny = byName(generatePolicies(base), "default-deny");
        assert.deepEqual(deny.spec, { podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [], egress: [] });
    });

    it("gives every policy a reason", () => {
        for (const p of generatePolicies({ ...base, smtpEgress: true })) assert.ok(p.metadata.annotations[WHY].length > 20, p.metadata.name);
    });

    it("admits ingress-nginx by namespace name AND controller pod labels in one peer", () => {
        const p = byName(generatePolicies({ ...base, ingressNginx: { namespace: "ingress-nginx", podLabels: { "app.kubernetes.io/component": "controller" } } }), "allow-ingress-nginx-to-idp");
        assert.deepEqual(p.spec.ingress, [{
            from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } }, podSelector: { matchLabels: { "app.kubernetes.io/component": "controller" } } }],
            ports: [{ protocol: "TCP", port: 8080 }],
        }]);
        assert.deepEqual(p.spec.podSelector, { matchLabels: { app: "idp-server" } });
    });

    it("admits load balancer subnets (traffic and health checks of ip targets) on the http port", () => {
        const p = byName(generatePolicies({ ...base, loadBalancerSubnetCidrs: ["10.0.224.0/22", "10.0.228.0/22"] }), "allow-load-balancers-to-idp");
        assert.deepEqual(p.spec.ingress, [{ from: [{ ipBlock: { cidr: "10.0.224.0/22" } }, { ipBlock: { cidr: "10.0.228.0/22" } }], ports: [{ protocol: "TCP", port: 8080 }] }]);
    });

    it("admits preserved NLB client addresses, minus the VPC so pods do not count as clients", () => {
        const p = byName(generatePolicies({ ...base, nlbClientCidrs: ["0.0.0.0/0", "198.51.100.0/24"] }), "allow-nlb-clients-to-idp");
        assert.deepEqual(p.spec.ingress![0].from, [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/16"] } }, { ipBlock: { cidr: "198.51.100.0/24" } }]);
    });

    it("lets only the monitoring namespace reach the management port", () => {
        const p = byName(generatePolicies(base), "allow-monitoring-to-idp-management");
        assert.deepEqual(p.spec.ingress, [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }], ports: [{ protocol: "TCP", port: 9090 }] }]);
    });

    it("resolves names through kube-dns in kube-system only, over UDP and TCP", () => {
        const p = byName(generatePolicies(base), "allow-idp-dns");
        assert.deepEqual(p.spec.egress, [{
            to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
            ports: [{ protocol: "UDP", port: 53 }, { protocol: "TCP", port: 53 }],
        }]);
    });

    it("in-cluster datastores: egress from the IdP and the matching ingress on the datastore pods", () => {
        const policies = generatePolicies(base);
        assert.deepEqual(byName(policies, "allow-idp-to-postgres").spec.egress, [{ to: [{ podSelector: { matchLabels: { app: "postgres" } } }], ports: [{ protocol: "TCP", port: 5432 }] }]);
        const pg = byName(policies, "allow-postgres-from-idp");
        assert.deepEqual(pg.spec.podSelector, { matchLabels: { app: "postgres" } });
        assert.deepEqual(pg.spec.ingress, [{ from: [{ podSelector: { matchLabels: { app: "idp-server" } } }], ports: [{ protocol: "TCP", port: 5432 }] }]);
        assert.ok(byName(policies, "allow-redis-from-idp"));
    });

    it("external datastores: egress to their CIDRs, no datastore pod policies", () => {
        const policies = generatePolicies({ ...base, postgres: { cidrs: ["10.0.192.0/24"], port: 5432 }, redis: { cidrs: ["10.0.193.0/24"], port: 6379 } });
        assert.deepEqual(byName(policies, "allow-idp-to-redis").spec.egress, [{ to: [{ ipBlock: { cidr: "10.0.193.0/24" } }], ports: [{ protocol: "TCP", port: 6379 }] }]);
        assert.equal(policies.find((p) => p.metadata.name === "allow-postgres-from-idp"), undefined);
    });

    // Issue 15: "HTTPS egress means the internet: 0.0.0.0/0 except the VPC CIDR and 169.254.0.0/16".
    // With the VPC CNI pods, nodes and the private API endpoint all hold VPC addresses; link-local
    // holds instance metadata (169.254.169.254) and the Pod Identity agent (169.254.170.23, EKS user guide).
    it("allows HTTPS (and SMTP when asked) out to the internet only: never the VPC nor link-local addresses", () => {
        const policies = generatePolicies(base);
        assert.deepEqual(byName(policies, "allow-idp-https-egress").spec.egress, [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/16", "169.254.0.0/16"] } }], ports: [{ protocol: "TCP", port: 443 }] }]);
        assert.equal(policies.find((p) => p.metadata.name === "allow-idp-smtp-egress"), undefined);
        assert.deepEqual(byName(generatePolicies({ ...base, smtpEgress: true }), "allow-idp-smtp-egress").spec.egress, [{ to: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["10.0.0.0/16", "169.254.0.0/16"] } }], ports: [{ protocol: "TCP", port: 587 }] }]);
    });

    it("lets the ingress controller reach cert-manager's HTTP-01 solver pods", () => {
        const p = byName(generatePolicies({ ...base, acmeHttp01Solver: { namespace: "ingress-nginx", podLabels: { "app.kubernetes.io/component": "controller" } } }), "allow-ingress-nginx-to-acme-solver");
        assert.deepEqual(p.spec.podSelector, { matchLabels: { "acme.cert-manager.io/http01-solver": "true" } });
        assert.deepEqual(p.spec.ingress![0].ports, [{ protocol: "TCP", port: 8089 }]);
    });

    it("adds extra rules with their reason", () => {
        const p = byName(generatePolicies({ ...base, extraRules: [{ name: "ldap", direction: Direction.Egress, blocks: [{ cidr: "10.50.0.0/16", except: ["10.50.9.0/24"] }], port: 636, protocol: Protocol.Tcp, why: "LDAP directory" }] }), "extra-ldap");
        assert.deepEqual(p.spec, { podSelector: { matchLabels: { app: "idp-server" } }, policyTypes: ["Egress"], egress: [{ to: [{ ipBlock: { cidr: "10.50.0.0/16", except: ["10.50.9.0/24"] } }], ports: [{ protocol: "TCP", port: 636 }] }] });
        assert.equal(p.metadata.annotations[WHY], "LDAP directory");
    });

    it("refuses unsafe or malformed intents", () => {
        const rule = { name: "r", direction: Direction.Ingress, port: 80, protocol: Protocol.Tcp, why: "x" };
        assert.throws(() => generatePolicies({ ...base, extraRules: [{ ...rule, blocks: [{ cidr: "0.0.0.0/0" }] }] }), /re-open all ingress/);
        assert.throws(() => generatePolicies({ ...base, extraRules: [{ ...rule, pods: { namespace: "x", podLabels: {} } }] }), /empty pod selector/);
        assert.throws(() => generatePolicies({ ...base, extraRules: [{ ...rule, blocks: [{ cidr: "10.0.0.0/16", except: ["10.1.0.0/24"] }] }] }), /not strictly inside/);
        assert.throws(() => generatePolicies({ ...base, extraRules: [{ ...rule, blocks: [{ cidr: "10.0.0.0/16" }], endPort: 79 }] }), /endPort 79 is below port 80/);
        assert.throws(() => generatePolicies({ ...base, postgres: { port: 5432 } }), /either podLabels/);
    });
});

describe("networkPolicy: per stack", () => {
    let dev: Evaluation;
    let prod: Evaluation;
    before(async () => {
        dev = await shippedStack("dev");
        prod = await shippedStack("prod");
    });
    const names = (r: readonly RecordedResource[], namespace = "idp-system") => ofType(r, "kubernetes:networking.k8s.io/v1:NetworkPolicy")
        .filter((p) => (p.inputs.metadata as { namespace: string }).namespace === namespace).map((p) => (p.inputs.metadata as { name: string }).name).sort();

    // Issue 15 "done means": every platform namespace has PSS labels and default-deny.
    it("every namespace either stack creates enforces Pod Security restricted and has a default-deny both ways", () => {
        for (const { resources } of [dev, prod]) {
            const created = ofType(resources, "kubernetes:core/v1:Namespace").map((n) => n.inputs.metadata as { name: string; labels: Record<string, string> });
            assert.ok(created.length >= 2);
            for (const ns of created) {
                for (const mode of ["enforce", "audit", "warn"]) assert.equal(ns.labels[`pod-security.kubernetes.io/${mode}`], "restricted", `${ns.name} ${mode}`);
                const deny = ofType(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy").map((p) => p.inputs as unknown as NetworkPolicyObject)
                    .find((p) => p.metadata.namespace === ns.name && p.metadata.name === "default-deny");
                assert.deepEqual(deny?.spec, { podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [], egress: [] }, ns.name);
            }
        }
    });

    it("dev (NGINX, in-cluster datastores, HTTP-01): the expected policies", () => {
        assert.deepEqual(names(dev.resources), [
            "allow-idp-dns", "allow-idp-https-egress", "allow-idp-to-postgres", "allow-idp-to-redis", "allow-ingress-nginx-to-acme-solver",
            "allow-ingress-nginx-to-idp", "allow-monitoring-to-idp-management", "allow-nodeport-clients-to-idp", "allow-postgres-from-idp", "allow-redis-from-idp", "default-deny",
        ]);
    });

    it("prod (ALB + NLB internet-facing, external datastores): load balancer subnets and NLB clients, no nginx", () => {
        assert.deepEqual(names(prod.resources), [
            "allow-idp-dns", "allow-idp-https-egress", "allow-idp-to-postgres", "allow-idp-to-redis",
            "allow-load-balancers-to-idp", "allow-monitoring-to-idp-management", "allow-nlb-clients-to-idp", "default-deny",
        ]);
        const lb = ofType(prod.resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy").find((p) => (p.inputs.metadata as { name: string }).name === "allow-load-balancers-to-idp")!;
        assert.deepEqual((lb.inputs.spec as { ingress: { from: unknown }[] }).ingress[0].from, ["10.20.224.0/22", "10.20.228.0/22", "10.20.232.0/22"].map((cidr) => ({ ipBlock: { cidr } })));
    });

    // Issue 15: pods take private-subnet addresses (VPC CNI), so an internal load balancer must be
    // admitted by the intra subnets it is discovered in (kubernetes.io/role/internal-elb), not the private ones.
    it("an internal ALB is admitted from the intra subnets, never the private ones where pods live", async () => {
        const { resources } = await evaluateStack("prod", { "idp-eks:idpAlbScheme": "internal", "idp-eks:idpNlb": false });
        const lb = ofType(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy").find((p) => (p.inputs.metadata as { name: string }).name === "allow-load-balancers-to-idp")!;
        assert.deepEqual((lb.inputs.spec as { ingress: { from: unknown }[] }).ingress[0].from, ["10.20.192.0/22", "10.20.196.0/22", "10.20.200.0/22"].map((cidr) => ({ ipBlock: { cidr } })));
    });

    it("a configured frontend and extra rules become their own policies", async () => {
        const { resources } = await evaluateStack("dev", {
            "idp-eks:idpFrontend": "web/app=frontend",
            "idp-eks:networkPolicyExtraRules": ["egress 10.50.0.0/16!10.50.9.0/24 636", "ingress payments/app=checkout 8080"],
        });
        const byName = (n: string) => ofType(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy").find((p) => (p.inputs.metadata as { name: string }).name === n)?.inputs.spec as Record<string, unknown>;
        assert.deepEqual(byName("allow-frontend-to-idp").ingress, [{
            from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "web" } }, podSelector: { matchLabels: { app: "frontend" } } }],
            ports: [{ protocol: "TCP", port: 8080 }],
        }]);
        assert.deepEqual(byName("extra-egress-10-50-0-0-16-10-50-9-0-24-636").egress, [{ to: [{ ipBlock: { cidr: "10.50.0.0/16", except: ["10.50.9.0/24"] } }], ports: [{ protocol: "TCP", port: 636 }] }]);
        assert.deepEqual(byName("extra-ingress-payments-app-checkout-8080").ingress, [{
            from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "payments" } }, podSelector: { matchLabels: { app: "checkout" } } }],
            ports: [{ protocol: "TCP", port: 8080 }],
        }]);
    });

    it("with idpNetworkPolicies false no policy is created", async () => {
        const { resources } = await evaluateStack("dev", { "idp-eks:idpNetworkPolicies": false });
        assert.deepEqual(names(resources), []);
    });

    it("enforcement off: the VPC CNI network policy agent is configured off", async () => {
        const { resources } = await evaluateStack("dev", { "idp-eks:idpNetworkPolicies": false, "idp-eks:addonNetworkPolicies": false, "idp-eks:networkPolicyEnforcement": false });
        const cni = ofType(resources, "aws:eks/addon:Addon").find((a) => a.inputs.addonName === "vpc-cni")!;
        assert.deepEqual(JSON.parse(cni.inputs.configurationValues as string), { enableNetworkPolicy: "false" });
    });

    it("the IdpApplication component itself refuses NetworkPolicies for a cluster that does not enforce them", async () => {
        const config = stackConfig("dev");
        const program = () => {
            const args = platformArgs(loadConfig());
            const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
            new IdpApplication("standalone", { ...args.idp, provider, ingress: IngressKind.None, nodeSecurityGroupId: "sg-0123456789abcdef0", networkPolicies: { ...args.idp.networkPolicies!, enforced: false } });
        };
        const attempt = await attemptEvaluation({ stack: "dev", config, program });
        assert.match(String(attempt.error), /networkPolicies given for a cluster that does not enforce them/);
        assert.equal(ofType(attempt.resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy").length, 0);
    });

    // Issue 15: without intra subnets an internal load balancer shares the pods' subnets.
    it("the IdpApplication component itself refuses an internal load balancer it cannot admit apart from the pods", async () => {
        const config = stackConfig("dev");
        const program = () => {
            const args = platformArgs(loadConfig());
            const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
            new IdpApplication("standalone", {
                ...args.idp, provider, ingress: IngressKind.None, nlb: { scheme: LoadBalancerScheme.Internal, sourceRanges: ["0.0.0.0/0"] }, certificateArn: "arn:aws:acm:us-east-1:111122223333:certificate/12345678-1234-1234-1234-123456789012",
                networkPolicies: { ...args.idp.networkPolicies!, intraSubnetCidrs: [] },
            });
        };
        const attempt = await attemptEvaluation({ stack: "dev", config, program });
        assert.match(String(attempt.error), /nlb\.scheme is internal: internal load balancers would sit in the private subnets, where pods take their addresses/);
        assert.equal(ofType(attempt.resources, "kubernetes:core/v1:Service").length, 0);
    });

    it("the IdpApplication component itself refuses a NodePort whose clients would include pods, or that nothing opens", async () => {
        const config = stackConfig("dev");
        const program = () => {
            const args = platformArgs(loadConfig());
            const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
            new IdpApplication("standalone", { ...args.idp, provider, ingress: IngressKind.None, nodePortSourceRanges: ["10.10.0.0/16"] });
        };
        const attempt = await attemptEvaluation({ stack: "dev", config, program });
        assert.match(String(attempt.error), /nodePortSourceRanges needs nodeSecurityGroupId/);
        assert.match(String(attempt.error), /nodePortSourceRanges\[0\]: "10\.10\.0\.0\/16" overlaps private subnet 10\.10\.0\.0\/19/);
        assert.equal(ofType(attempt.resources, "kubernetes:core/v1:Service").length, 0);
    });
});
