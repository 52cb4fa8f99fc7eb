import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import { LoadBalancerScheme } from "../../../../components/addons/types";
import { IdpApplication, IdpApplicationArgs, IngressKind } from "../../../../components/idp";
import { ELB_HOSTED_ZONE_IDS, LoadBalancerType } from "../../../../components/idp/dns";
import { planExposures } from "../../../../components/idp/exposures/plan";
import { ExposureKind } from "../../../../components/idp/exposures/types";
import { ReadinessGate } from "../../../../components/idp/rolloutTimeout";
import { INGRESS_NGINX_CONTROLLER, NetworkPolicyArgs, idpTrafficIntent, internalExposureProblems } from "../../../../components/idp/trafficIntent";
import { loadConfig, platformArgs } from "../../../../config";
import { validateConfig } from "../../../../config/loadConfig";
import { subnetCidrs } from "../../../../config/subnets";
import { attemptEvaluation } from "../../../../offline/mockCloud";
import { evaluateStack, ofType, stackConfig } from "../../../harness";

// Issue 16.6: each exposure's module plans it (traffic, load balancer type, readiness gate) before
// any resource exists, and the IdpApplication derives the NetworkPolicy intent, the alias record's
// zone and the Deployment's await from those plans alone. These tests compose every combination and
// hold the result to what each kind of load balancer does, written out here, not read from the modules.

const SCHEMES = [LoadBalancerScheme.InternetFacing, LoadBalancerScheme.Internal];
const INGRESSES = [IngressKind.None, IngressKind.Nginx, IngressKind.Alb, IngressKind.Gateway];
const NLB_RANGES = ["198.51.100.0/24", "203.0.113.7/32"];

interface Combination { ingress: IngressKind; albScheme: LoadBalancerScheme; nlbScheme?: LoadBalancerScheme }
const combinations: Combination[] = INGRESSES.flatMap((ingress) => SCHEMES.flatMap((albScheme) => [undefined, ...SCHEMES].map((nlbScheme) => ({ ingress, albScheme, nlbScheme }))));
const label = (c: Combination) => `ingress ${c.ingress} (alb ${c.albScheme}), ${c.nlbScheme ? `NLB ${c.nlbScheme}` : "no NLB"}`;
const choice = (c: Combination) => ({ ingress: c.ingress, alb: { scheme: c.albScheme }, nlb: c.nlbScheme ? { scheme: c.nlbScheme, sourceRanges: NLB_RANGES } : undefined });
const isAlb = (k: IngressKind) => k === IngressKind.Alb || k === IngressKind.Gateway;

const threeTier: NetworkPolicyArgs = {
    enforced: true, vpcCidr: "10.20.0.0/16", publicSubnetCidrs: ["10.20.224.0/22", "10.20.228.0/22"], privateSubnetCidrs: ["10.20.0.0/19", "10.20.32.0/19"], intraSubnetCidrs: ["10.20.192.0/22", "10.20.196.0/22"],
    monitoringNamespace: "monitoring", httpsEgress: true, smtpEgress: false, acmeHttp01: true, extraRules: [],
};
// ip targets: an internet-facing load balancer sends from the public subnets, an internal one from the intra subnets.
const lbSubnetsOf = (s: LoadBalancerScheme, p: NetworkPolicyArgs) => (s === LoadBalancerScheme.InternetFacing ? p.publicSubnetCidrs : p.intraSubnetCidrs!);
const expectedLbSubnets = (c: Combination, p: NetworkPolicyArgs) => [...new Set([...(isAlb(c.ingress) ? lbSubnetsOf(c.albScheme, p) : []), ...(c.nlbScheme ? lbSubnetsOf(c.nlbScheme, p) : [])])];

describe("idp exposures: plans, one module per exposure (issue 16.6)", () => {
    it("the layer-7 entry first (the public host points at it), then the NLB; nothing for an ingress that is not chosen", () => {
        for (const c of combinations) {
            const kinds = planExposures(choice(c)).map((p) => p.kind);
            const l7 = { [IngressKind.None]: [], [IngressKind.Nginx]: [ExposureKind.NginxIngress], [IngressKind.Alb]: [ExposureKind.AlbIngress], [IngressKind.Gateway]: [ExposureKind.AlbGateway] }[c.ingress];
            assert.deepEqual(kinds, [...l7, ...(c.nlbScheme ? [ExposureKind.NlbService] : [])], label(c));
        }
    });

    it("ALBs (Ingress or Gateway) and the IdP's NLB have ip targets: their readiness gate and an ACM certificate; ingress-nginx's NLB targets its own pods", () => {
        const facts = (c: Combination) => planExposures(choice(c)).map((p) => [p.kind, p.loadBalancerType, p.readinessGate, p.acmCertificate]);
        for (const s of SCHEMES) {
            assert.deepEqual(facts({ ingress: IngressKind.Alb, albScheme: s }), [[ExposureKind.AlbIngress, LoadBalancerType.Application, ReadinessGate.Alb, true]]);
            assert.deepEqual(facts({ ingress: IngressKind.Gateway, albScheme: s }), [[ExposureKind.AlbGateway, LoadBalancerType.Application, ReadinessGate.Alb, true]]);
            assert.deepEqual(facts({ ingress: IngressKind.None, albScheme: s, nlbScheme: s }), [[ExposureKind.NlbService, LoadBalancerType.Network, ReadinessGate.Nlb, true]]);
        }
        assert.deepEqual(facts({ ingress: IngressKind.Nginx, albScheme: LoadBalancerScheme.InternetFacing }), [[ExposureKind.NginxIngress, LoadBalancerType.Network, undefined, false]]);
    });

    it("an ALB exposure without alb settings is not planned (the component refuses it first)", () => {
        assert.deepEqual(planExposures({ ingress: IngressKind.Gateway }), []);
        assert.deepEqual(planExposures({ ingress: IngressKind.Alb, nlb: { scheme: LoadBalancerScheme.Internal, sourceRanges: [] } }).map((p) => p.kind), [ExposureKind.NlbService]);
    });
});

describe("idp exposures: the NetworkPolicy intent is the exposures' traffic, folded (issue 16.6)", () => {
    const intentOf = (c: Combination, p: NetworkPolicyArgs) => idpTrafficIntent({ namespace: "idp-system", httpPort: 8080, managementPort: 9090, exposures: planExposures(choice(c)).map((x) => x.traffic), inClusterDatastores: false }, p);

    for (const c of combinations) {
        it(`${label(c)}: load balancer subnets by scheme, NLB clients, the ingress-nginx peer and the ACME solver`, () => {
            const intent = intentOf(c, threeTier);
            assert.deepEqual(intent.loadBalancerSubnetCidrs, expectedLbSubnets(c, threeTier));
            for (const cidr of threeTier.privateSubnetCidrs) assert.ok(!intent.loadBalancerSubnetCidrs!.includes(cidr), "the pods' own subnets are never admitted as load balancers");
            assert.deepEqual(intent.nlbClientCidrs, c.nlbScheme ? NLB_RANGES : undefined);
            assert.deepEqual(intent.ingressNginx, c.ingress === IngressKind.Nginx ? INGRESS_NGINX_CONTROLLER : undefined);
            assert.deepEqual(intent.acmeHttp01Solver, c.ingress === IngressKind.Nginx ? INGRESS_NGINX_CONTROLLER : undefined);
            assert.equal(intentOf(c, { ...threeTier, acmeHttp01: false }).acmeHttp01Solver, undefined);
        });
    }

    it("an internal ALB Gateway is admitted from the intra subnets only, as an internal ALB Ingress is", () => {
        for (const ingress of [IngressKind.Gateway, IngressKind.Alb]) {
            assert.deepEqual(intentOf({ ingress, albScheme: LoadBalancerScheme.Internal }, threeTier).loadBalancerSubnetCidrs, threeTier.intraSubnetCidrs);
            assert.deepEqual(intentOf({ ingress, albScheme: LoadBalancerScheme.InternetFacing }, threeTier).loadBalancerSubnetCidrs, threeTier.publicSubnetCidrs);
        }
    });

    it("two tiers: every internal load balancer is refused, named by the setting that asks for it", () => {
        const twoTier: NetworkPolicyArgs = { ...threeTier, intraSubnetCidrs: [] };
        for (const c of combinations) {
            const expected = [...(isAlb(c.ingress) && c.albScheme === LoadBalancerScheme.Internal ? ["alb.scheme"] : []), ...(c.nlbScheme === LoadBalancerScheme.Internal ? ["nlb.scheme"] : [])];
            const problems = internalExposureProblems(planExposures(choice(c)), twoTier);
            assert.deepEqual(problems.map((m) => m.split(" ")[0]), expected, label(c));
            for (const m of problems) assert.match(m, /is internal: .*where pods take their addresses/);
            assert.deepEqual(internalExposureProblems(planExposures(choice(c)), threeTier), []);
        }
    });
});

describe("idp exposures: the created NetworkPolicies follow the exposures, for every combination (issue 16.6)", () => {
    const policyNamed = (policies: { metadata: { name: string }; spec: { ingress?: { from: { ipBlock?: { cidr: string } }[] }[] } }[], name: string) => policies.find((x) => x.metadata.name === name);
    for (const c of combinations.filter((x) => isAlb(x.ingress) || x.albScheme === LoadBalancerScheme.InternetFacing)) {
        it(`prod, ${label(c)}`, async () => {
            const overrides = {
                "idp-eks:idpIngress": c.ingress, "idp-eks:idpAlbScheme": c.albScheme, "idp-eks:ingressNginx": c.ingress === IngressKind.Nginx,
                "idp-eks:acmeSolver": c.ingress === IngressKind.Nginx ? "http01" : "dns01",
                "idp-eks:idpNlb": !!c.nlbScheme, "idp-eks:idpNlbScheme": c.nlbScheme ?? LoadBalancerScheme.InternetFacing, "idp-eks:idpNlbSourceRanges": NLB_RANGES,
            };
            const config = stackConfig("prod", overrides);
            const tiers = subnetCidrs(validateConfig(config.values, "prod", config.secretKeys));
            const { resources } = await evaluateStack("prod", overrides);
            const policies = ofType(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy").map((r) => r.inputs as never);
            const lbs = policyNamed(policies, "allow-load-balancers-to-idp");
            const expected = expectedLbSubnets(c, { ...threeTier, ...tiers });
            assert.deepEqual(lbs?.spec.ingress![0].from.map((f) => f.ipBlock!.cidr) ?? [], expected);
            assert.equal(!!policyNamed(policies, "allow-nlb-clients-to-idp"), !!c.nlbScheme);
            assert.equal(!!policyNamed(policies, "allow-ingress-nginx-to-idp"), c.ingress === IngressKind.Nginx);
            assert.equal(!!policyNamed(policies, "allow-ingress-nginx-to-acme-solver"), c.ingress === IngressKind.Nginx);
            // The public host: an alias to the first exposure's load balancer, in that type's zone.
            const records = ofType(resources, "aws:route53/record:Record").filter((r) => r.name.endsWith("-idp-host"));
            const primary = isAlb(c.ingress) ? LoadBalancerType.Application : c.ingress === IngressKind.Nginx || c.nlbScheme ? LoadBalancerType.Network : undefined;
            assert.deepEqual(records.map((r) => [r.inputs.type, (r.inputs.aliases as { zoneId: string }[])[0].zoneId]), primary ? [["A", ELB_HOSTED_ZONE_IDS[primary]["us-east-1"]]] : []);
        });
    }
});

describe("idp exposures: the IdpApplication component's own checks", () => {
    it("refuses every missing exposure prerequisite at once, before registering anything", async () => {
        const program = () => {
            const args = platformArgs(loadConfig());
            const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
            // A gateway without the controller's GatewayClass, an NLB without the controller, no certificate source.
            new IdpApplication("standalone", { ...args.idp, provider, ingress: IngressKind.Gateway, nlb: { scheme: LoadBalancerScheme.InternetFacing, sourceRanges: [] }, nodePort: undefined, nodePortSourceRanges: undefined });
        };
        const attempt = await attemptEvaluation({ stack: "dev", config: stackConfig("dev"), program });
        const message = String(attempt.error);
        assert.match(message, /standalone: the NLB\/ALB needs certificateArn or route53HostedZoneId; the NLB Service needs the load balancer controller; the ALB Gateway needs the load balancer controller with gatewayApi/);
        assert.equal(attempt.resources.filter((r) => r.type.startsWith("kubernetes:") && r.type !== "pulumi:providers:kubernetes").length, 0);
    });

    it("the NGINX Ingress's certificate: refuses a missing cert-manager or an unknown ClusterIssuer, needs neither with tls", async () => {
        const attempt = (name: string, extra: Partial<IdpApplicationArgs>) => attemptEvaluation({ stack: "dev", config: stackConfig("dev"), program: () => {
            const args = platformArgs(loadConfig());
            const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
            new IdpApplication(name, { ...args.idp, provider, ingress: IngressKind.Nginx, ingressNginx: provider, nodePort: undefined, nodePortSourceRanges: undefined, ...extra });
        } });
        assert.match(String((await attempt("bare", {})).error), /bare: a cert-manager certificate needs cert-manager \(or give tls\)$/);
        assert.match(String((await attempt("issuers", { clusterIssuers: { "letsencrypt-prod": new k8s.Provider("p", { kubeconfig: "{}" }) } })).error), /issuers: ClusterIssuer "letsencrypt-staging" is not one of cert-manager's \(letsencrypt-prod\)$/);
        const withTls = await attempt("tls", { tls: { certificate: "CERT", privateKey: "KEY" } });
        assert.equal(withTls.error, undefined);
        assert.equal(ofType(withTls.resources, "kubernetes:cert-manager.io/v1:Certificate").length, 0);
    });

    it("refuses an alias record in a region whose ELB hosted zone id is not known", async () => {
        const program = () => {
            const args = platformArgs(loadConfig());
            const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
            new IdpApplication("zoned", { ...args.idp, provider, ingress: IngressKind.None, nlb: { scheme: LoadBalancerScheme.InternetFacing, sourceRanges: [] }, nodePort: undefined, nodePortSourceRanges: undefined,
                loadBalancerController: provider, route53HostedZoneId: "Z0123456789EXAMPLEZONE", region: "ap-east-2" });
        };
        const attempt = await attemptEvaluation({ stack: "dev", config: stackConfig("dev"), program });
        assert.match(String(attempt.error), /zoned: route53HostedZoneId: no Elastic Load Balancing hosted zone id is known for network load balancers in region "ap-east-2"/);
    });
});
