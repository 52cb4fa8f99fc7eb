import * as assert from "node:assert/strict";
import { LoadBalancerScheme } from "../../../components/addons/types";
import {
    AddonNetworkFacts, CERT_MANAGER_PODS, kubernetesServiceAddress, CERT_MANAGER_WEBHOOK_PORT, INGRESS_NGINX_PODS, POD_IDENTITY_AGENT, certManagerPolicies, ingressNginxPolicies, podSecurityLabels, PodSecurityLevel,
} from "../../../components/networkPolicy/addons";
import { ClusterState, NetworkPolicy, Pod, evaluate } from "../../../components/networkPolicy/evaluator";
import { NetworkPolicyObject } from "../../../components/networkPolicy/generator";

const facts: AddonNetworkFacts = {
    vpcCidr: "10.0.0.0/16",
    subnets: { publicSubnetCidrs: ["10.0.224.0/22"], privateSubnetCidrs: ["10.0.0.0/19"], intraSubnetCidrs: ["10.0.192.0/22"] },
    publicEndpointOnly: false,
    monitoringNamespace: "monitoring",
    dns: { namespace: "kube-system", podLabels: { "k8s-app": "kube-dns" } },
};
const CONTROL_PLANE = "10.0.192.5";
const INTRA_LB = "10.0.193.10";
const PUBLIC_LB = "10.0.224.10";
const PRIVATE_ADDRESS = "10.0.0.200"; // a node or a pod outside the model: never a webhook caller
const INTERNET = "198.51.100.20";

let nextIp = 10;
const pod = (namespace: string, name: string, labels: Record<string, string>, ports: number[] = []): Pod =>
    ({ namespace, name, labels, ip: `10.0.1.${nextIp++}`, ports: ports.map((port) => ({ port, protocol: "TCP" as const })) });
const pods = {
    cmController: pod("cert-manager", "controller", CERT_MANAGER_PODS.controller, [9402]),
    cmWebhook: pod("cert-manager", "webhook", CERT_MANAGER_PODS.webhook, [10250, 9402]),
    cmCainjector: pod("cert-manager", "cainjector", CERT_MANAGER_PODS.cainjector, [9402]),
    startupapicheck: pod("cert-manager", "startupapicheck", CERT_MANAGER_PODS.startupapicheck),
    nginx: pod("ingress-nginx", "controller", INGRESS_NGINX_PODS.controller, [80, 443, 8443, 10254]),
    admissionJob: pod("ingress-nginx", "admission-create", INGRESS_NGINX_PODS.admission),
    idp: pod("idp-system", "idp", { app: "idp-server" }, [8080, 9090]),
    dns: pod("kube-system", "coredns", { "k8s-app": "kube-dns" }, [53]),
    prometheus: pod("monitoring", "prometheus", { app: "prometheus" }),
    other: pod("unrelated", "workload", { app: "workload" }, [8080]),
};
const cluster = (policies: NetworkPolicyObject[]): ClusterState => ({
    namespaces: Object.fromEntries(["cert-manager", "ingress-nginx", "idp-system", "kube-system", "monitoring", "unrelated"].map((n) => [n, { "kubernetes.io/metadata.name": n }])),
    pods: Object.values(pods),
    policies: policies as unknown as NetworkPolicy[],
});
const allowed = (c: ClusterState, from: Pod | string, to: Pod | string, port: number, protocol: "TCP" | "UDP" = "TCP") =>
    evaluate(c, { from: typeof from === "string" ? { ip: from } : { pod: from }, to: typeof to === "string" ? { ip: to } : { pod: to }, port, protocol }).allowed;

describe("networkPolicy: add-on namespaces", () => {
    // Kubernetes docs (Pod Security Admission): labels pod-security.kubernetes.io/<mode>: <level>.
    it("labels Pod Security Admission enforce, audit and warn at one level", () => {
        assert.deepEqual(podSecurityLabels(PodSecurityLevel.Restricted), {
            "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "latest",
            "pod-security.kubernetes.io/audit": "restricted", "pod-security.kubernetes.io/warn": "restricted",
        });
    });

    describe("cert-manager", () => {
        const c = cluster(certManagerPolicies({ ...facts, namespace: "cert-manager", podIdentity: true }));

        it("starts from default-deny both ways for every pod of the namespace", () => {
            const deny = certManagerPolicies({ ...facts, namespace: "cert-manager", podIdentity: false }).find((p) => p.metadata.name === "default-deny")!;
            assert.deepEqual(deny.spec, { podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [], egress: [] });
            assert.ok(!allowed(c, pods.other, pods.cmController, 9402));
            assert.ok(!allowed(c, pods.cmWebhook, INTERNET, 443));
        });

        // chart v1.21.1: webhook --secure-port=10250, failurePolicy Fail on webhook.cert-manager.io.
        it("admits the control plane (intra) to the webhook's container port, and no pod or node subnet", () => {
            assert.ok(allowed(c, CONTROL_PLANE, pods.cmWebhook, CERT_MANAGER_WEBHOOK_PORT));
            assert.ok(!allowed(c, PRIVATE_ADDRESS, pods.cmWebhook, CERT_MANAGER_WEBHOOK_PORT));
            assert.ok(!allowed(c, pods.other, pods.cmWebhook, CERT_MANAGER_WEBHOOK_PORT));
            assert.ok(!allowed(c, CONTROL_PLANE, pods.cmController, CERT_MANAGER_WEBHOOK_PORT));
        });

        // The post-install hook Job startupapicheck runs `check api`: without API egress the install fails.
        it("lets every pod, the startupapicheck hook Job included, reach the API server and kube-dns only", () => {
            for (const p of [pods.cmController, pods.cmWebhook, pods.cmCainjector, pods.startupapicheck]) {
                assert.ok(allowed(c, p, CONTROL_PLANE, 443), p.name);
                assert.ok(allowed(c, p, pods.dns, 53, "UDP") && allowed(c, p, pods.dns, 53, "TCP"), p.name);
                assert.ok(!allowed(c, p, pods.other, 8080), p.name);
                assert.ok(!allowed(c, p, "169.254.169.254", 80), p.name);
            }
        });

        // ACME and Route53/STS on 443; HTTP-01 self-check GETs http://<host>/.well-known/acme-challenge/ (80);
        // EKS Pod Identity: the agent at 169.254.170.23:80 hands out credentials (EKS user guide).
        it("lets the controller reach the internet on 443 and 80 and the Pod Identity agent, never the VPC", () => {
            assert.ok(allowed(c, pods.cmController, INTERNET, 443));
            assert.ok(allowed(c, pods.cmController, INTERNET, 80));
            assert.ok(allowed(c, pods.cmController, POD_IDENTITY_AGENT.replace("/32", ""), 80));
            assert.ok(!allowed(c, pods.cmController, "10.0.0.10", 443));
            assert.ok(!allowed(c, pods.cmController, pods.idp, 8080));
            assert.ok(!allowed(c, pods.cmWebhook, INTERNET, 443));
            const noIdentity = cluster(certManagerPolicies({ ...facts, namespace: "cert-manager", podIdentity: false }));
            assert.ok(!allowed(noIdentity, pods.cmController, POD_IDENTITY_AGENT.replace("/32", ""), 80));
        });

        it("admits only the monitoring namespace to the metrics port", () => {
            assert.ok(allowed(c, pods.prometheus, pods.cmController, 9402));
            assert.ok(allowed(c, pods.prometheus, pods.cmCainjector, 9402));
            assert.ok(!allowed(c, pods.other, pods.cmCainjector, 9402));
        });

        // EKS user guide (serviceIpv4Cidr): 172.20.0.0/16 for a VPC in 10.0.0.0/8, else 10.100.0.0/16;
        // the policy agent matches egress to kubernetes.default at its ClusterIP (before kube-proxy).
        it("admits the kubernetes Service address EKS assigns, next to the control plane's interfaces", () => {
            assert.equal(kubernetesServiceAddress("10.0.0.0/16"), "172.20.0.1/32");
            assert.equal(kubernetesServiceAddress("192.168.0.0/16"), "10.100.0.1/32");
            assert.equal(kubernetesServiceAddress("172.16.0.0/20"), "10.100.0.1/32");
            assert.ok(allowed(c, pods.cmCainjector, "172.20.0.1", 443));
            assert.ok(!allowed(c, pods.cmCainjector, "172.20.0.10", 53), "kube-dns goes by its pods' selector, not by address");
        });

        it("uses the public endpoint for the API server only when the private one is off", () => {
            const publicOnly = cluster(certManagerPolicies({ ...facts, publicEndpointOnly: true, namespace: "cert-manager", podIdentity: false }));
            assert.ok(allowed(publicOnly, pods.cmCainjector, "52.0.0.1", 443));
            assert.ok(!allowed(c, pods.cmCainjector, "52.0.0.1", 443));
        });
    });

    describe("ingress-nginx", () => {
        const upstreams = [{ namespace: "idp-system", podLabels: { app: "idp-server" }, ports: [8080], why: "the IdP" }];
        const c = cluster(ingressNginxPolicies({ ...facts, namespace: "ingress-nginx", scheme: LoadBalancerScheme.InternetFacing, upstreams }));

        it("data path: the NLB's subnets (traffic and 10254 health checks) and preserved client addresses outside the VPC", () => {
            for (const port of [80, 443, 10254]) assert.ok(allowed(c, PUBLIC_LB, pods.nginx, port), `${port}`);
            assert.ok(allowed(c, INTERNET, pods.nginx, 443));
            assert.ok(!allowed(c, INTERNET, pods.nginx, 10254));
            assert.ok(!allowed(c, pods.other, pods.nginx, 443));
            assert.ok(!allowed(c, PRIVATE_ADDRESS, pods.nginx, 80));
        });

        it("an internal NLB is admitted by the intra subnets, not the pods' private subnets", () => {
            const internal = cluster(ingressNginxPolicies({ ...facts, namespace: "ingress-nginx", scheme: LoadBalancerScheme.Internal, upstreams }));
            assert.ok(allowed(internal, INTRA_LB, pods.nginx, 443));
            assert.ok(!allowed(internal, PUBLIC_LB, pods.nginx, 443));
            assert.ok(!allowed(internal, pods.other, pods.nginx, 443));
            assert.throws(() => ingressNginxPolicies({ ...facts, subnets: { publicSubnetCidrs: ["10.0.224.0/22"], privateSubnetCidrs: ["10.0.0.0/19"] }, namespace: "ingress-nginx", scheme: LoadBalancerScheme.Internal, upstreams }), /would admit every pod/);
        });

        // chart 4.15.1: --validating-webhook=:8443, failurePolicy Fail on validate.nginx.ingress.kubernetes.io.
        it("admits the control plane to the admission webhook on 8443 only", () => {
            assert.ok(allowed(c, CONTROL_PLANE, pods.nginx, 8443));
            assert.ok(!allowed(c, pods.other, pods.nginx, 8443));
            assert.ok(!allowed(c, PUBLIC_LB, pods.nginx, 8443));
        });

        // admission-create (pre-install) and admission-patch (post-install) are hook Jobs talking to the API.
        it("lets the controller and the admission hook Jobs reach the API server and kube-dns", () => {
            for (const p of [pods.nginx, pods.admissionJob]) {
                assert.ok(allowed(c, p, CONTROL_PLANE, 443), p.name);
                assert.ok(allowed(c, p, pods.dns, 53, "UDP"), p.name);
            }
            assert.ok(!allowed(c, pods.admissionJob, pods.idp, 8080));
        });

        it("lets the controller proxy to its upstreams' ports and nothing else", () => {
            assert.ok(allowed(c, pods.nginx, pods.idp, 8080));
            assert.ok(!allowed(c, pods.nginx, pods.idp, 9090));
            assert.ok(!allowed(c, pods.nginx, pods.other, 8080));
            assert.ok(!allowed(c, pods.nginx, INTERNET, 443));
        });

        it("admits the monitoring namespace to the metrics port", () => {
            assert.ok(allowed(c, pods.prometheus, pods.nginx, 10254));
            assert.ok(!allowed(c, pods.other, pods.nginx, 10254));
        });
    });
});
