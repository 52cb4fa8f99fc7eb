import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { LoadBalancerScheme } from "../../../../components/addons/types";
import { LoadBalancerType } from "../../../../components/idp/dns";
import { albGatewayTraffic } from "../../../../components/idp/exposures/albGateway";
import { albTraffic } from "../../../../components/idp/exposures/albIngress";
import { nginxTraffic } from "../../../../components/idp/exposures/nginxIngress";
import { nlbTraffic } from "../../../../components/idp/exposures/nlbService";
import * as k8s from "@pulumi/kubernetes";
import { IdpApplication, IngressKind } from "../../../../components/idp";
import { loadConfig, platformArgs } from "../../../../config";
import { attemptEvaluation } from "../../../../offline/mockCloud";
import { stackConfig } from "../../../harness";

const IDP = path.join(__dirname, "../../../../components/idp");
const source = (file: string) => fs.readFileSync(path.join(IDP, file), "utf8");

// Issue 16.6: four exposures, each in its own module returning its objects, its host name and its
// traffic intent; components/idp/index.ts only composes them.
describe("idp exposures: one module per exposure (issue 16.6)", () => {
    const modules = { "nginxIngress.ts": "exposeNginxIngress", "albIngress.ts": "exposeAlbIngress", "albGateway.ts": "exposeAlbGateway", "nlbService.ts": "exposeNlbService" };

    it("each exposure module exports a function returning an Exposure (objects, host name, load balancer type, traffic)", () => {
        for (const [file, fn] of Object.entries(modules)) {
            assert.match(source(`exposures/${file}`), new RegExp(`export function ${fn}\\(ctx: ExposureContext, a: \\w+\\): Exposure`), file);
        }
    });

    it("index.ts creates no exposure object itself: no Ingress, LoadBalancer Service, Gateway API object or cert-manager Certificate", () => {
        const index = source("index.ts");
        for (const pattern of [/new k8s\.networking\.v1\.Ingress/, /type: "LoadBalancer"/, /apiextensions\.CustomResource/, /nlbAnnotations|albAnnotations/]) assert.doesNotMatch(index, pattern);
        for (const fn of Object.values(modules)) assert.match(index, new RegExp(`${fn}\\(`), `index.ts does not compose ${fn}`);
    });

    it("no IdP module reads a cluster object (`.get`): host names come from the status of objects the program creates", () => {
        const files = [...fs.readdirSync(IDP).filter((f) => f.endsWith(".ts")), ...fs.readdirSync(path.join(IDP, "exposures")).map((f) => `exposures/${f}`)];
        for (const f of files) assert.doesNotMatch(source(f), /\b(Service|Ingress|CustomResource)\.get\(/, f);
    });

    it("traffic intents: the load balancers by scheme, NLB clients by their ranges, nginx through its controller pods", () => {
        for (const s of [LoadBalancerScheme.InternetFacing, LoadBalancerScheme.Internal]) {
            assert.deepEqual(albTraffic(s), { loadBalancerScheme: s });
            assert.deepEqual(albGatewayTraffic(s), albTraffic(s));
            assert.deepEqual(nlbTraffic(s, ["203.0.113.0/24"]), { loadBalancerScheme: s, clientCidrs: ["203.0.113.0/24"] });
        }
        assert.deepEqual(nginxTraffic(), { viaIngressNginx: true });
        assert.deepEqual(Object.values(LoadBalancerType).sort(), ["application", "network"]);
    });
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

    it("refuses an alias record in a region whose ELB hosted zone id is not known", async () => {
        const program = () => {
            const args = platformArgs(loadConfig());
            const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
            new IdpApplication("zoned", { ...args.idp, provider, ingress: IngressKind.None, nlb: { scheme: LoadBalancerScheme.InternetFacing, sourceRanges: [] }, nodePort: undefined, nodePortSourceRanges: undefined,
                loadBalancerController: provider, route53HostedZoneId: "Z0123456789EXAMPLEZONE", region: "mx-central-1" });
        };
        const attempt = await attemptEvaluation({ stack: "dev", config: stackConfig("dev"), program });
        assert.match(String(attempt.error), /zoned: route53HostedZoneId: no Elastic Load Balancing hosted zone id is known for network load balancers in region "mx-central-1"/);
    });
});
