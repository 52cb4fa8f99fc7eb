import * as assert from "node:assert/strict";
import { LoadBalancerScheme } from "../../../../components/addons/types";
import { ELB_HOSTED_ZONE_IDS, LoadBalancerType } from "../../../../components/idp/dns";
import { Evaluation, RecordedResource } from "../../../../offline/mockCloud";
import { kubernetesObjects, renderSynth } from "../../../../offline/synth";
import { dependsOn, evaluateStack, ofType, only } from "../../../harness";
import { validateObject } from "../../../schema";

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string> }; spec: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
const obj = (r: RecordedResource) => r.inputs as unknown as Obj;
const kind = (resources: readonly RecordedResource[], k: string, suffix = "") => only(resources, k, suffix);
const GW = "kubernetes:gateway.networking.k8s.io/v1:Gateway";
const ROUTE = "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute";
const LBCONFIG = "kubernetes:gateway.k8s.aws/v1:LoadBalancerConfiguration";
const TGCONFIG = "kubernetes:gateway.k8s.aws/v1:TargetGroupConfiguration";
const routeNamed = (resources: readonly RecordedResource[], name: string) => ofType(resources, ROUTE).find((r) => obj(r).metadata.name === name)!;

for (const scheme of [LoadBalancerScheme.InternetFacing, LoadBalancerScheme.Internal]) {
    describe(`idp exposures: ALB Gateway, ${scheme} (issue 16.1)`, () => {
        let gw: Evaluation;
        let alb: Evaluation;
        before(async () => {
            gw = await evaluateStack("prod", { "idp-eks:idpIngress": "gateway", "idp-eks:idpAlbScheme": scheme, "idp-eks:idpGatewaySourceRanges": ["198.51.100.0/24"] });
            alb = await evaluateStack("prod", { "idp-eks:idpAlbScheme": scheme });
        });

        it("every Gateway API and gateway.k8s.aws object validates against the pinned CRDs' schemas", () => {
            const objects = kubernetesObjects(gw.resources).filter((o) => /^gateway\.(networking\.k8s\.io|k8s\.aws)\//.test(String(o.apiVersion)));
            assert.deepEqual(objects.map((o) => o.kind).sort(), ["Gateway", "GatewayClass", "HTTPRoute", "HTTPRoute", "LoadBalancerConfiguration", "TargetGroupConfiguration"]);
            for (const o of objects) validateObject(o);
        });

        it("LoadBalancerConfiguration (gateway.k8s.aws/v1): the scheme, 443 with the ACM certificate and the TLS 1.3 policy, the client ranges", () => {
            const lbc = obj(kind(gw.resources, LBCONFIG));
            assert.equal(lbc.spec.scheme, scheme);
            assert.deepEqual(lbc.spec.listenerConfigurations.map((l: { protocolPort: string; sslPolicy: string }) => [l.protocolPort, l.sslPolicy]), [["HTTPS:443", "ELBSecurityPolicy-TLS13-1-2-2021-06"]]);
            const cert = kind(gw.resources, "aws:acm/certificateValidation:CertificateValidation");
            assert.match(lbc.spec.listenerConfigurations[0].defaultCertificate, /^arn:aws:acm:us-east-1:/);
            assert.ok(kind(gw.resources, LBCONFIG).propertyDependencies.spec.includes(cert.urn), "the listener gets the certificate once it is issued");
            assert.deepEqual(lbc.spec.sourceRanges, ["198.51.100.0/24"]);
        });

        it("Gateway: class alb, HTTP 80 and HTTPS 443 listeners for idpHost, the LoadBalancerConfiguration attached, no certificateRefs (ignored by the ALB)", () => {
            const g = obj(kind(gw.resources, GW));
            assert.equal(g.spec.gatewayClassName, obj(kind(gw.resources, "kubernetes:gateway.networking.k8s.io/v1:GatewayClass")).metadata.name);
            assert.deepEqual(g.spec.listeners.map((l: { name: string; protocol: string; port: number; hostname: string; tls?: unknown }) => [l.name, l.protocol, l.port, l.hostname, l.tls]), [["http", "HTTP", 80, "auth.example.com", undefined], ["https", "HTTPS", 443, "auth.example.com", undefined]]);
            assert.deepEqual(g.spec.infrastructure.parametersRef, { group: "gateway.k8s.aws", kind: "LoadBalancerConfiguration", name: obj(kind(gw.resources, LBCONFIG)).metadata.name });
        });

        it("HTTPRoute on 443 to the IdP Service on a port it serves; HTTPRoute on 80 whose only rule redirects to https with 301", () => {
            const svc = ofType(gw.resources, "kubernetes:core/v1:Service").map(obj).find((s) => s.metadata.name === "idp-server")!;
            const https = obj(routeNamed(gw.resources, "idp-server"));
            assert.deepEqual(https.spec.parentRefs.map((p: { name: string; sectionName: string }) => [p.name, p.sectionName]), [["idp-server", "https"]]);
            assert.deepEqual(https.spec.hostnames, ["auth.example.com"]);
            const [backend] = https.spec.rules[0].backendRefs;
            assert.ok(svc.spec.ports.some((p: { port: number; name: string }) => p.port === backend.port && p.name === "http"), "the backend port is the Service's http port");
            const redirect = obj(routeNamed(gw.resources, "idp-server-redirect"));
            assert.deepEqual(redirect.spec.parentRefs.map((p: { sectionName: string }) => p.sectionName), ["http"]);
            assert.deepEqual(redirect.spec.rules, [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] }]);
        });

        it("TargetGroupConfiguration for the IdP Service: ip targets (Gateway target groups default to instance), HTTP health checks on the readiness path", () => {
            const tgc = obj(kind(gw.resources, TGCONFIG));
            assert.deepEqual(tgc.spec.targetReference, { kind: "Service", name: "idp-server" });
            assert.equal(tgc.spec.defaultConfiguration.targetType, "ip");
            assert.deepEqual(tgc.spec.defaultConfiguration.healthCheckConfig, { healthCheckProtocol: "HTTP", healthCheckPath: "/actuator/health/readiness", matcher: { httpCode: "200" } });
            assert.ok(dependsOn(gw.resources, routeNamed(gw.resources, "idp-server"), kind(gw.resources, TGCONFIG)), "the target group's settings exist before the route makes it");
        });

        it("waits for the controller and the GatewayClass; the public host is an alias to the Gateway's status address in the ALB zone; outputs follow it", () => {
            const g = kind(gw.resources, GW);
            assert.ok(dependsOn(gw.resources, g, kind(gw.resources, "kubernetes:helm.sh/v3:Release", "-lbc")));
            assert.ok(dependsOn(gw.resources, g, kind(gw.resources, "kubernetes:gateway.networking.k8s.io/v1:GatewayClass")));
            assert.equal(obj(g).metadata.annotations!["pulumi.com/waitFor"], "jsonpath={.status.addresses[0].value}");
            const record = kind(gw.resources, "aws:route53/record:Record", "-idp-host");
            assert.deepEqual(record.inputs.aliases, [{ name: "mock-idp-server-gateway-0000000000.us-east-1.elb.amazonaws.com", zoneId: ELB_HOSTED_ZONE_IDS[LoadBalancerType.Application]["us-east-1"], evaluateTargetHealth: true }]);
            assert.ok(record.propertyDependencies.aliases.includes(g.urn));
            assert.equal(gw.outputs.loadBalancerHostname, "mock-idp-server-gateway-0000000000.us-east-1.elb.amazonaws.com");
            assert.deepEqual(gw.outputs.publicUrls, ["https://auth.example.com"]);
            assert.equal(ofType(gw.resources, "kubernetes:networking.k8s.io/v1:Ingress").length, 0);
        });

        // Issue 16.4: the Gateway's ALB has ip targets like the ALB Ingress's, so it is admitted by the
        // very same rule (subnets by scheme); whatever that rule becomes, both paths follow it.
        it("NetworkPolicy: admits the ALB exactly as the ALB Ingress path does for the same scheme, nothing else", () => {
            const policies = (e: Evaluation) => ofType(e.resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy").map((r) => JSON.stringify(r.inputs)).sort();
            assert.deepEqual(policies(gw), policies(alb));
            assert.ok(policies(gw).some((p) => p.includes("allow-load-balancers-to-idp")));
        });
    });
}

describe("idp exposures: ALB Gateway schema check and determinism (issue 16.3)", () => {
    it("the CRD schema check catches a wrong Gateway API or gateway.k8s.aws object", () => {
        assert.throws(() => validateObject({ apiVersion: "gateway.k8s.aws/v1", kind: "TargetGroupConfiguration", metadata: { name: "x" }, spec: { targetReference: { name: "x" }, defaultConfiguration: { targetType: "pod" } } } as never), /targetType must be equal to one of the allowed values/);
        assert.throws(() => validateObject({ apiVersion: "gateway.networking.k8s.io/v1", kind: "HTTPRoute", metadata: { name: "x" }, spec: { rules: [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "ftp" } }] }] } } as never), /scheme must be equal to one of the allowed values/);
        assert.throws(() => validateObject({ apiVersion: "gateway.k8s.aws/v1beta2", kind: "LoadBalancerConfiguration", metadata: { name: "x" } }), /not served by the pinned CRDs/);
    });

    it("a gateway stack synthesizes byte for byte the same twice", async () => {
        const overrides = { "idp-eks:idpIngress": "gateway" };
        const first = renderSynth(await evaluateStack("prod", overrides));
        const second = renderSynth(await evaluateStack("prod", overrides));
        assert.equal(first["manifests.yaml"], second["manifests.yaml"]);
        assert.equal(first["resources.json"], second["resources.json"]);
    });
});
