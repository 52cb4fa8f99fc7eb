import * as assert from "node:assert/strict";
import { RETIREMENT_WARNING } from "../../../components/addons/ingressNginx";
import { Evaluation } from "../../../offline/mockCloud";
import { evaluateStack, shippedStack, ofType, only } from "../../harness";

const NLB = "service.beta.kubernetes.io/aws-load-balancer-";

describe("addons: ingress-nginx", () => {
    let dev: Evaluation;
    let prod: Evaluation;
    before(async () => {
        dev = await shippedStack("dev");
        prod = await shippedStack("prod");
    });

    it("dev: installs the final chart release (4.15.1) into ingress-nginx", () => {
        const release = only(dev.resources, "kubernetes:helm.sh/v3:Release", "-ingress-nginx");
        assert.equal(release.inputs.chart, "ingress-nginx");
        assert.equal(release.inputs.version, "4.15.1");
        assert.deepEqual(release.inputs.repositoryOpts, { repo: "https://kubernetes.github.io/ingress-nginx" });
        assert.equal(release.inputs.namespace, "ingress-nginx");
    });

    it("dev: puts the controller behind an NLB made by the load balancer controller: class, ip targets, scheme, cross-zone", () => {
        const values = only(dev.resources, "kubernetes:helm.sh/v3:Release", "-ingress-nginx").inputs.values as { controller: { service: { type: string; loadBalancerClass: string; annotations: Record<string, string> } } };
        const service = values.controller.service;
        assert.equal(service.type, "LoadBalancer");
        assert.equal(service.loadBalancerClass, "service.k8s.aws/nlb");
        assert.equal(service.annotations[`${NLB}scheme`], "internet-facing");
        assert.equal(service.annotations[`${NLB}nlb-target-type`], "ip");
        assert.equal(service.annotations[`${NLB}attributes`], "load_balancing.cross_zone.enabled=true");
        assert.equal(service.annotations[`${NLB}type`], undefined, "the type annotation would hand the Service to the legacy controller");
    });

    it("dev: terminates TLS in nginx, so the NLB has no TLS listener to loop with nginx's redirect", () => {
        const values = only(dev.resources, "kubernetes:helm.sh/v3:Release", "-ingress-nginx").inputs.values as { controller: { service: { annotations: Record<string, string> }; config?: Record<string, string> } };
        assert.equal(values.controller.service.annotations[`${NLB}ssl-cert`], undefined);
        assert.equal(values.controller.service.annotations[`${NLB}ssl-ports`], undefined);
        assert.equal(values.controller.config?.["force-ssl-redirect"], undefined);
    });

    it("dev: keeps snippet annotations off and the admission webhook on (its certificate Jobs run as Helm hooks)", () => {
        const release = only(dev.resources, "kubernetes:helm.sh/v3:Release", "-ingress-nginx");
        const controller = (release.inputs.values as { controller: Record<string, unknown> }).controller;
        assert.equal(controller.allowSnippetAnnotations, false);
        assert.deepEqual(controller.admissionWebhooks, { enabled: true, failurePolicy: "Fail", patch: { enabled: true } });
        assert.deepEqual(controller.ingressClassResource, { name: "nginx", enabled: true, default: false, controllerValue: "k8s.io/ingress-nginx" });
        // helm.v3.Release runs hooks (helm.v4.Chart would skip them and the webhook would have no certificate).
        assert.equal(release.type, "kubernetes:helm.sh/v3:Release");
    });

    it("follows ingressNginxScheme", async () => {
        const { resources } = await evaluateStack("dev", { "idp-eks:ingressNginxScheme": "internal" });
        const values = only(resources, "kubernetes:helm.sh/v3:Release", "-ingress-nginx").inputs.values as { controller: { service: { annotations: Record<string, string> } } };
        assert.equal(values.controller.service.annotations[`${NLB}scheme`], "internal");
    });

    // Upstream retired ingress-nginx: best-effort maintenance ended March 2026, chart 4.15.1 /
    // controller 1.15.1 is the final release (kubernetes.github.io/ingress-nginx, announcement of
    // 2025-11-11). One warning per preview, naming the retirement and the config to move to.
    it("warns once that ingress-nginx is retired (March 2026, no security fixes) and names the config that moves the stack to gateway, only where it is installed", () => {
        const retirement = dev.warnings.filter((w) => /ingress-nginx/.test(w) && /retired/.test(w));
        assert.deepEqual(retirement, [RETIREMENT_WARNING]);
        assert.match(RETIREMENT_WARNING, /March 2026/);
        assert.match(RETIREMENT_WARNING, /no security fixes/);
        assert.match(RETIREMENT_WARNING, /idpIngress to gateway/);
        assert.deepEqual(prod.warnings.filter((w) => /ingress-nginx/.test(w)), []);
    });

    // LBC docs (pod readiness gate): "label the namespace elbv2.k8s.aws/pod-readiness-gate-inject: enabled";
    // gates are injected at pod creation, so the label must exist before the controller's pods.
    // PSS restricted: the 4.15.1 controller and admission Jobs run non-root, RuntimeDefault seccomp,
    // drop ALL (the controller adds only NET_BIND_SERVICE, which restricted allows).
    it("dev: labels the namespace for readiness gates and Pod Security restricted, before the release", () => {
        const ns = only(dev.resources, "kubernetes:core/v1:Namespace", "-ingress-nginx");
        const labels = (ns.inputs.metadata as { labels: Record<string, string> }).labels;
        assert.equal(labels["elbv2.k8s.aws/pod-readiness-gate-inject"], "enabled");
        for (const mode of ["enforce", "audit", "warn"]) assert.equal(labels[`pod-security.kubernetes.io/${mode}`], "restricted");
        const release = only(dev.resources, "kubernetes:helm.sh/v3:Release", "-ingress-nginx");
        assert.ok(release.dependencies.includes(ns.urn));
    });

    it("dev: the release waits for its namespace's NetworkPolicies, so the hook Jobs and controller start under them", () => {
        const release = only(dev.resources, "kubernetes:helm.sh/v3:Release", "-ingress-nginx");
        const policies = ofType(dev.resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy").filter((p) => (p.inputs.metadata as { namespace: string }).namespace === "ingress-nginx");
        assert.deepEqual(policies.map((p) => (p.inputs.metadata as { name: string }).name).sort(), [
            "allow-api-server", "allow-control-plane-to-webhook", "allow-controller-to-upstreams", "allow-dns", "allow-load-balancer-to-controller", "allow-monitoring-to-metrics", "default-deny",
        ]);
        for (const p of policies) assert.ok(release.dependencies.includes(p.urn), `release waits for ${p.name}`);
    });

    it("prod: is not installed (the IdP is fronted by the ALB)", () => {
        assert.equal(ofType(prod.resources, "idp-eks:index:IngressNginx").length, 0);
    });
});
