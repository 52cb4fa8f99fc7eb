import * as assert from "node:assert/strict";
import { Evaluation, RecordedResource } from "../../../offline/mockCloud";
import { evaluateStack, shippedStack, ofType, only } from "../../harness";
import { validateObject } from "../../schema";
import { kubernetesObjects } from "../../../offline/synth";
import { ELB_HOSTED_ZONE_IDS, LoadBalancerType } from "../../../components/idp/dns";

type Obj = { metadata: { name: string; namespace?: string; annotations?: Record<string, string> }; spec: any; [k: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
const obj = (r: RecordedResource) => r.inputs as unknown as Obj;
const SVC = "service.beta.kubernetes.io/aws-load-balancer-";
const ALB = "alb.ingress.kubernetes.io/";
const TLS13 = "ELBSecurityPolicy-TLS13-1-2-2021-06";

const byName = (resources: readonly RecordedResource[], type: string, name: string) => ofType(resources, type).filter((r) => obj(r).metadata?.name === name);
const release = (resources: readonly RecordedResource[], suffix: string) => only(resources, "kubernetes:helm.sh/v3:Release", suffix);

/** dereg delay < preStop sleep < grace period, read from the objects themselves. */
function assertRolloutInvariant(resources: readonly RecordedResource[], deregistrationAttribute: string) {
    const delay = Number(/deregistration_delay\.timeout_seconds=(\d+)/.exec(deregistrationAttribute)?.[1]);
    const pod = obj(only(resources, "kubernetes:apps/v1:Deployment", "-idp-deployment")).spec.template.spec;
    const preStop = pod.containers[0].lifecycle.preStop.sleep.seconds;
    assert.ok(Number.isInteger(delay), `no deregistration delay in ${deregistrationAttribute}`);
    assert.ok(delay < preStop && preStop < pod.terminationGracePeriodSeconds, `expected ${delay} < ${preStop} < ${pod.terminationGracePeriodSeconds}`);
}

/** The Gateway exposure's target group attributes, in the annotation form `key=value,...`. */
function targetGroupAttributes(resources: readonly RecordedResource[]): string {
    const tgc = obj(only(resources, "kubernetes:gateway.k8s.aws/v1:TargetGroupConfiguration"));
    return (tgc.spec.defaultConfiguration.targetGroupAttributes as { key: string; value: string }[]).map((a) => `${a.key}=${a.value}`).join(",");
}

describe("idp: exposure", () => {
    let dev: Evaluation;
    let prod: Evaluation;
    before(async () => {
        dev = await shippedStack("dev");
        prod = await shippedStack("prod");
    });

    it("prod: NLB through the load balancer controller: class, ip targets, scheme, TLS 1.3 on 443 only with the ACM certificate", () => {
        const [lb] = byName(prod.resources, "kubernetes:core/v1:Service", "idp-server-lb");
        const svc = obj(lb);
        assert.equal(svc.spec.type, "LoadBalancer");
        assert.equal(svc.spec.loadBalancerClass, "service.k8s.aws/nlb");
        assert.deepEqual(svc.spec.ports, [{ protocol: "TCP", name: "https", port: 443, targetPort: "http" }]);
        assert.deepEqual(svc.spec.loadBalancerSourceRanges, ["0.0.0.0/0"]);
        const a = svc.metadata.annotations!;
        assert.equal(a[`${SVC}scheme`], "internet-facing");
        assert.equal(a[`${SVC}nlb-target-type`], "ip");
        assert.equal(a[`${SVC}ssl-ports`], "443");
        assert.equal(a[`${SVC}ssl-negotiation-policy`], TLS13);
        assert.match(a[`${SVC}ssl-cert`], /^arn:aws:acm:us-east-1:000000000000:certificate\//);
        assert.equal(a[`${SVC}type`], undefined, "the type annotation would hand the Service to the legacy controller");
        assert.equal(svc.spec.externalTrafficPolicy, undefined, "has no effect on ip targets");
    });

    it("prod: NLB health checks over HTTP on the readiness path; deregistration delay and client IP preservation as target-group attributes", () => {
        const a = obj(byName(prod.resources, "kubernetes:core/v1:Service", "idp-server-lb")[0]).metadata.annotations!;
        assert.equal(a[`${SVC}healthcheck-protocol`], "http");
        assert.equal(a[`${SVC}healthcheck-path`], "/actuator/health/readiness");
        assert.equal(a[`${SVC}target-group-attributes`], "deregistration_delay.timeout_seconds=30,preserve_client_ip.enabled=true");
    });

    it("prod: the NLB Service and the ALB Ingress depend on the load balancer controller", () => {
        const lbc = release(prod.resources, "-lbc");
        assert.ok(byName(prod.resources, "kubernetes:core/v1:Service", "idp-server-lb")[0].dependencies.includes(lbc.urn));
        assert.ok(only(prod.resources, "kubernetes:networking.k8s.io/v1:Ingress").dependencies.includes(lbc.urn));
    });

    it("prod: ALB Ingress with class alb, ip targets, HTTP->HTTPS redirect, ACM, TLS 1.3, readiness health check, deregistration delay", () => {
        const ing = obj(only(prod.resources, "kubernetes:networking.k8s.io/v1:Ingress"));
        assert.equal(ing.spec.ingressClassName, "alb");
        const a = ing.metadata.annotations!;
        assert.equal(a["kubernetes.io/ingress.class"], undefined);
        assert.equal(a[`${ALB}scheme`], "internet-facing");
        assert.equal(a[`${ALB}target-type`], "ip");
        assert.deepEqual(JSON.parse(a[`${ALB}listen-ports`]), [{ HTTP: 80 }, { HTTPS: 443 }]);
        assert.equal(a[`${ALB}ssl-redirect`], "443");
        assert.equal(a[`${ALB}ssl-policy`], TLS13);
        assert.equal(a[`${ALB}healthcheck-path`], "/actuator/health/readiness");
        assert.equal(a[`${ALB}target-group-attributes`], "deregistration_delay.timeout_seconds=30");
        assert.match(a[`${ALB}certificate-arn`], /^arn:aws:acm:/);
        assert.deepEqual(ing.spec.rules, [{ host: "auth.example.com", http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "idp-server", port: { name: "http" } } } }] } }]);
    });

    it("prod: creates the ACM certificate and validates it by DNS in the hosted zone", () => {
        const cert = only(prod.resources, "aws:acm/certificate:Certificate");
        assert.deepEqual([cert.inputs.domainName, cert.inputs.validationMethod], ["auth.example.com", "DNS"]);
        const record = only(prod.resources, "aws:route53/record:Record", "-cert-validation");
        assert.equal(record.inputs.zoneId, "Z0123456789EXAMPLEZONE");
        const validation = only(prod.resources, "aws:acm/certificateValidation:CertificateValidation");
        assert.ok(validation.dependencies.includes(record.urn) && validation.dependencies.includes(cert.urn));
        // The listeners only get the certificate once it is issued.
        assert.ok(only(prod.resources, "kubernetes:networking.k8s.io/v1:Ingress").dependencies.includes(validation.urn));
    });

    it("uses a given ACM certificate ARN instead of creating one; optional ALB group name", async () => {
        const arn = "arn:aws:acm:us-east-1:111122223333:certificate/1234abcd-12ab-34cd-56ef-1234567890ab";
        const { resources } = await evaluateStack("prod", { "idp-eks:idpCertificateArn": arn, "idp-eks:idpAlbGroupName": "shared-edge" });
        assert.equal(ofType(resources, "aws:acm/certificate:Certificate").length, 0);
        const a = obj(only(resources, "kubernetes:networking.k8s.io/v1:Ingress")).metadata.annotations!;
        assert.equal(a[`${ALB}certificate-arn`], arn);
        assert.equal(a[`${ALB}group.name`], "shared-edge");
        assert.equal(obj(byName(resources, "kubernetes:core/v1:Service", "idp-server-lb")[0]).metadata.annotations![`${SVC}ssl-cert`], arn);
    });

    it("prod: points the public host at the ALB with a Route53 alias A record (the ALB's canonical zone, not a CNAME); exports the URL and FQDNs", () => {
        const record = only(prod.resources, "aws:route53/record:Record", "-idp-host");
        assert.deepEqual([record.inputs.zoneId, record.inputs.name, record.inputs.type, record.inputs.records, record.inputs.ttl], ["Z0123456789EXAMPLEZONE", "auth.example.com", "A", undefined, undefined]);
        assert.deepEqual(record.inputs.aliases, [{ name: "mock-idp-server-0000000000.us-east-1.elb.amazonaws.com", zoneId: ELB_HOSTED_ZONE_IDS[LoadBalancerType.Application]["us-east-1"], evaluateTargetHealth: true }]);
        // A record's type cannot change in place and a CNAME cannot coexist with an A record of the same name.
        assert.equal(record.deleteBeforeReplace, true);
        assert.deepEqual(prod.outputs.publicUrls, ["https://auth.example.com"]);
        assert.deepEqual(prod.outputs.serviceFqdns, {
            "idp-server": "idp-server.idp-system.svc.cluster.local",
            "idp-server-lb": "idp-server-lb.idp-system.svc.cluster.local",
            postgres: "postgres.idp-system.svc.cluster.local",
            redis: "redis.idp-system.svc.cluster.local",
        });
    });

    it("dev: NGINX Ingress with TLS from a cert-manager Certificate and the seed's annotations", () => {
        const ing = only(dev.resources, "kubernetes:networking.k8s.io/v1:Ingress");
        const spec = obj(ing);
        assert.equal(spec.spec.ingressClassName, "nginx");
        assert.deepEqual(spec.spec.tls, [{ hosts: ["auth.dev.example.com"], secretName: "idp-tls" }]);
        assert.deepEqual(spec.metadata.annotations, { "nginx.ingress.kubernetes.io/proxy-body-size": "10m", "nginx.ingress.kubernetes.io/proxy-read-timeout": "60" });
        assert.ok(ing.dependencies.includes(release(dev.resources, "-ingress-nginx").urn), "the nginx admission webhook must exist first");
        const cert = only(dev.resources, "kubernetes:cert-manager.io/v1:Certificate");
        assert.deepEqual(obj(cert).spec, { secretName: "idp-tls", dnsNames: ["auth.dev.example.com"], issuerRef: { kind: "ClusterIssuer", name: "letsencrypt-staging", group: "cert-manager.io" } });
        assert.ok(cert.dependencies.includes(release(dev.resources, "-cert-manager").urn));
        assert.deepEqual(dev.outputs.publicUrls, ["https://auth.dev.example.com"]);
    });

    it("adds extra NGINX routes before / like the seed's /api, recording the pods and port each one's policies admit", async () => {
        const { resources } = await evaluateStack("dev", { "idp-eks:idpExtraRoutes": ["/api=idp-api:80 -> app=idp-api:8081", "/metrics-api=idp-api:http -> app=idp-api:8082"] });
        const ingress = obj(only(resources, "kubernetes:networking.k8s.io/v1:Ingress"));
        assert.deepEqual(ingress.spec.rules[0].http.paths.map((p: { path: string; pathType: string; backend: unknown }) => [p.path, p.pathType, p.backend]), [
            ["/api", "Prefix", { service: { name: "idp-api", port: { number: 80 } } }],
            ["/metrics-api", "Prefix", { service: { name: "idp-api", port: { name: "http" } } }],
            ["/", "Prefix", { service: { name: "idp-server", port: { name: "http" } } }],
        ]);
        assert.deepEqual(JSON.parse(ingress.metadata.annotations!["idp-eks.io/route-backends"]), [
            { path: "/api", service: "idp-api", podLabels: { app: "idp-api" }, port: 8081 },
            { path: "/metrics-api", service: "idp-api", podLabels: { app: "idp-api" }, port: 8082 },
        ]);
    });

    it("without NetworkPolicies an extra route may leave out its pods (nothing stands between ingress-nginx and them)", async () => {
        const { resources } = await evaluateStack("dev", { "idp-eks:idpExtraRoutes": ["/api=idp-api:80"], "idp-eks:idpNetworkPolicies": false, "idp-eks:addonNetworkPolicies": false });
        const ingress = obj(only(resources, "kubernetes:networking.k8s.io/v1:Ingress"));
        assert.deepEqual(ingress.spec.rules[0].http.paths[0].backend, { service: { name: "idp-api", port: { number: 80 } } });
        assert.equal(ingress.metadata.annotations!["idp-eks.io/route-backends"], undefined);
    });

    it("a user-supplied certificate and key become a kubernetes.io/tls Secret used instead of cert-manager", async () => {
        const pem = (what: string) => `-----BEGIN ${what}-----\nMIIB\n-----END ${what}-----\n`;
        const { resources } = await evaluateStack("dev", { "idp-eks:idpTlsCertificate": pem("CERTIFICATE"), "idp-eks:idpTlsPrivateKey": pem("PRIVATE KEY") });
        const [secret] = byName(resources, "kubernetes:core/v1:Secret", "idp-tls");
        assert.equal(obj(secret).type, "kubernetes.io/tls");
        assert.deepEqual(obj(secret).stringData, { "tls.crt": "[secret]", "tls.key": "[secret]" });
        assert.equal(ofType(resources, "kubernetes:cert-manager.io/v1:Certificate").length, 0);
        assert.doesNotMatch(JSON.stringify(resources), /MIIB/);
    });

    it("holds deregistration delay < preStop sleep < grace period for the NLB and the ALB", () => {
        assertRolloutInvariant(prod.resources, obj(byName(prod.resources, "kubernetes:core/v1:Service", "idp-server-lb")[0]).metadata.annotations![`${SVC}target-group-attributes`]);
        assertRolloutInvariant(prod.resources, obj(only(prod.resources, "kubernetes:networking.k8s.io/v1:Ingress")).metadata.annotations![`${ALB}target-group-attributes`]);
    });

    it("holds the invariant for the ALB Gateway's target group (TargetGroupConfiguration), internet-facing and internal", async () => {
        for (const scheme of ["internet-facing", "internal"]) {
            const { resources } = await evaluateStack("prod", { "idp-eks:idpIngress": "gateway", "idp-eks:idpAlbScheme": scheme, "idp-eks:lbDeregistrationDelaySeconds": 35 });
            assert.match(targetGroupAttributes(resources), /deregistration_delay\.timeout_seconds=35/);
            assertRolloutInvariant(resources, targetGroupAttributes(resources));
        }
    });

    it("holds the invariant for the ingress-nginx NLB too (nginx pods are its targets)", () => {
        const values = release(dev.resources, "-ingress-nginx").inputs.values as { controller: { service: { annotations: Record<string, string> } } };
        assertRolloutInvariant(dev.resources, values.controller.service.annotations[`${SVC}target-group-attributes`]);
    });

    // Every exposure combination: Ingress none/nginx/alb/gateway x NLB on/off x NodePort on/off.
    for (const ingress of ["none", "nginx", "alb", "gateway"]) {
        for (const nlb of [false, true]) {
            for (const nodePort of [false, true]) {
                const label = `ingress ${ingress}, NLB ${nlb ? "on" : "off"}, NodePort ${nodePort ? "on" : "off"}`;
                it(`${label}: creates exactly those exposures, valid against the Kubernetes (and pinned CRD) schemas, rollout invariant held`, async () => {
                    const { resources } = await evaluateStack("dev", {
                        "idp-eks:idpIngress": ingress,
                        "idp-eks:idpNlb": nlb,
                        "idp-eks:idpNodePort": nodePort ? 31443 : undefined,
                        "idp-eks:idpNodePortSourceRanges": nodePort ? ["10.200.0.0/24", "192.168.8.0/22"] : undefined,
                        "idp-eks:route53HostedZoneId": "Z0123456789EXAMPLEZONE",
                        // dev's NGINX certificate issuer is only used with the NGINX Ingress.
                        ...(ingress === "nginx" ? {} : { "idp-eks:idpClusterIssuer": undefined }),
                    });
                    const ingresses = ofType(resources, "kubernetes:networking.k8s.io/v1:Ingress").map((r) => obj(r).spec.ingressClassName);
                    assert.deepEqual(ingresses, ingress === "none" || ingress === "gateway" ? [] : [ingress]);
                    assert.equal(ofType(resources, "kubernetes:gateway.networking.k8s.io/v1:Gateway").length, ingress === "gateway" ? 1 : 0);
                    const services = ofType(resources, "kubernetes:core/v1:Service").map((r) => obj(r).spec.type);
                    assert.equal(services.filter((t) => t === "LoadBalancer").length, nlb ? 1 : 0);
                    assert.equal(services.filter((t) => t === "NodePort").length, nodePort ? 1 : 0);
                    if (nodePort) {
                        // Clients keep their addresses, are let through the node security group, and only they pass the policy.
                        assert.equal(obj(byName(resources, "kubernetes:core/v1:Service", "idp-server-nodeport")[0]).spec.externalTrafficPolicy, "Local");
                        const rules = ofType(resources, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map((r) => [r.inputs.cidrIpv4, r.inputs.fromPort, r.inputs.toPort, r.inputs.securityGroupId]);
                        assert.deepEqual(rules, [["10.200.0.0/24", 31443, 31443, "sg-mock-idp-dev-cluster"], ["192.168.8.0/22", 31443, 31443, "sg-mock-idp-dev-cluster"]]);
                        const policy = ofType(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy").find((p) => (p.inputs.metadata as { name: string }).name === "allow-nodeport-clients-to-idp")!;
                        assert.deepEqual(JSON.parse(JSON.stringify(policy.inputs.spec)).ingress, [{ from: [{ ipBlock: { cidr: "10.200.0.0/24" } }, { ipBlock: { cidr: "192.168.8.0/22" } }], ports: [{ port: 8080, protocol: "TCP" }] }]);
                    } else {
                        assert.equal(ofType(resources, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").length, 0);
                    }
                    assert.equal(ofType(resources, "aws:acm/certificate:Certificate").length, nlb || ingress === "alb" || ingress === "gateway" ? 1 : 0);
                    assert.equal(ofType(resources, "aws:route53/record:Record").filter((r) => r.name.endsWith("-idp-host")).length, nlb || ingress !== "none" ? 1 : 0);
                    for (const o of kubernetesObjects(resources)) validateObject(o);
                    if (nlb) assertRolloutInvariant(resources, obj(byName(resources, "kubernetes:core/v1:Service", "idp-server-lb")[0]).metadata.annotations![`${SVC}target-group-attributes`]);
                    if (ingress === "alb") assertRolloutInvariant(resources, obj(only(resources, "kubernetes:networking.k8s.io/v1:Ingress")).metadata.annotations![`${ALB}target-group-attributes`]);
                    if (ingress === "gateway") assertRolloutInvariant(resources, targetGroupAttributes(resources));
                });
            }
        }
    }
});

describe("idp: schema validity", () => {
    for (const stack of ["dev", "prod"]) {
        it(`${stack}: every Kubernetes object validates against the official schema (cert-manager's for its kinds)`, async () => {
            const { resources } = await evaluateStack(stack);
            const objects = kubernetesObjects(resources);
            assert.ok(objects.length > 10);
            for (const o of objects) validateObject(o);
        });
    }

    it("the schema check catches a wrong object", () => {
        assert.throws(() => validateObject({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "x" }, spec: { template: { spec: { containers: [{ image: "x" }] } } } } as never), /required property/);
        assert.throws(() => validateObject({ apiVersion: "example.com/v1", kind: "Widget" }), /no schema known/);
    });
});
