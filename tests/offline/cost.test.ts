// The monthly cost estimate, checked against figures computed by hand from offline/pricing.json
// (us-east-1, 730 hours a month).
import * as assert from "node:assert/strict";
import { CostReport, cents, estimateCost, gibOf, loadBalancers, renderCost } from "../../offline/cost";
import { RecordedResource } from "../../offline/mockCloud";
import { renderSynth } from "../../offline/synth";
import { evaluateStack, shippedStack } from "../harness";

const lineItems = (r: CostReport) => r.lines.map((l) => [l.item, l.unit, l.quantity, l.monthly]);

function fake(type: string, name: string, inputs: Record<string, unknown>): RecordedResource {
    return { urn: `urn:${name}`, type, name, custom: true, remote: false, parent: "", provider: "", dependencies: [], propertyDependencies: {}, protect: false, ignoreChanges: [], retainOnDelete: false, deleteBeforeReplace: false, aliasTypes: [], inputs };
}

describe("offline: cost estimate", () => {
    it("dev: one line per billable resource, matching the hand-computed figures, at or below $160 with Spot", async () => {
        const report = estimateCost((await shippedStack("dev")).resources);
        assert.deepEqual(lineItems(report), [
            ["EKS control plane, Kubernetes 1.35, standard support", "$0.10/hour", "1 x 730 hours", 73.0], // 0.10 x 730
            ["EC2 t4g.medium Spot (estimate: 42% of $0.0336), node group idp-dev-cluster-general", "$0.014112/hour", "2 x 730 hours", 20.6], // 0.0336 x 0.42 x 2 x 730 = 20.60352
            ["EBS gp3 root volumes, node group idp-dev-cluster-general (20 GiB each)", "$0.08/GiB-month", "2 x 20 GiB", 3.2],
            ["EBS gp3 PersistentVolumeClaim data, StatefulSet postgres (10 GiB each)", "$0.08/GiB-month", "1 x 10 GiB", 0.8],
            ["EBS gp3 PersistentVolumeClaim data, StatefulSet redis (10 GiB each)", "$0.08/GiB-month", "1 x 10 GiB", 0.8],
            ["NAT gateways", "$0.045/hour", "1 x 730 hours", 32.85],
            ["Public IPv4 addresses of the NAT gateways (Elastic IPs)", "$0.005/hour", "1 x 730 hours", 3.65],
            ["Network Load Balancers (NLB)", "$0.0225/hour", "1 x 730 hours", 16.43], // ingress-nginx's NLB: 16.425
            ["Public IPv4 addresses of internet-facing NLBs (one per zone)", "$0.005/hour", "1 x 2 x 730 hours", 7.3],
            ["KMS keys", "$1.00/key-month", "1 key", 1.0],
        ]);
        assert.equal(report.total, 159.63);
        assert.equal(report.onDemandTotal, 188.09); // nodes 0.0336 x 2 x 730 = 49.06 instead of 20.60
        assert.ok(report.total <= 160, "dev stays at or below $160 a month");
    });

    it("prod: one line per billable resource, matching the hand-computed figures", async () => {
        const report = estimateCost((await shippedStack("prod")).resources);
        assert.deepEqual(lineItems(report), [
            ["EKS control plane, Kubernetes 1.35, standard support", "$0.10/hour", "1 x 730 hours", 73.0],
            ["EC2 m6i.xlarge on demand, node group idp-prod-cluster-general", "$0.192/hour", "3 x 730 hours", 420.48],
            ["EBS gp3 root volumes, node group idp-prod-cluster-general (50 GiB each)", "$0.08/GiB-month", "3 x 50 GiB", 12.0],
            ["NAT gateways", "$0.045/hour", "3 x 730 hours", 98.55],
            ["Public IPv4 addresses of the NAT gateways (Elastic IPs)", "$0.005/hour", "3 x 730 hours", 10.95],
            ["Application Load Balancers (ALB)", "$0.0225/hour", "1 x 730 hours", 16.43],
            ["Public IPv4 addresses of internet-facing ALBs (one per zone)", "$0.005/hour", "1 x 3 x 730 hours", 10.95],
            ["Network Load Balancers (NLB)", "$0.0225/hour", "1 x 730 hours", 16.43],
            ["Public IPv4 addresses of internet-facing NLBs (one per zone)", "$0.005/hour", "1 x 3 x 730 hours", 10.95],
            ["KMS keys", "$1.00/key-month", "1 key", 1.0],
        ]);
        assert.equal(report.total, 670.74);
        assert.equal(report.onDemandTotal, 670.74);
    });

    it("names what it leaves out: usage-based charges and the existing hosted zone", async () => {
        const { excluded } = estimateCost((await shippedStack("prod")).resources);
        assert.ok(excluded.some((e) => /control plane logs \(api, audit, authenticator, controllerManager, scheduler\) in CloudWatch Logs: \$0\.50\/GB/.test(e)));
        assert.ok(excluded.some((e) => /NAT gateway data processing: \$0\.045\/GB/.test(e)));
        assert.ok(excluded.some((e) => /ALB capacity units/.test(e)) && excluded.some((e) => /NLB capacity units/.test(e)));
        assert.ok(excluded.some((e) => /Route53: 2 record\(s\) in an existing hosted zone/.test(e)));
    });

    it("prices the control plane by support type: EXTENDED bills $0.60/hour only once the version is past standard support", async () => {
        const cluster = (version: string, supportType: string) => estimateCost([fake("eks:index:Cluster", "c", { version, upgradePolicy: { supportType } })]).lines[0];
        // Pricing table date 2026-12-05: 1.34 left standard support on 2026-12-02, 1.35 has not.
        assert.deepEqual([cluster("1.34", "EXTENDED").item, cluster("1.34", "EXTENDED").monthly], ["EKS control plane, Kubernetes 1.34, extended support", 438.0]);
        assert.equal(cluster("1.35", "EXTENDED").monthly, 73.0);
        const upgraded = await evaluateStack("prod", { "idp-eks:supportType": "EXTENDED", "idp-eks:kubernetesVersion": "1.34" });
        assert.equal(estimateCost(upgraded.resources).lines[0].monthly, 438.0);
    });

    it("follows what the stack registers: the cost changes with the config", async () => {
        const perAz = await evaluateStack("dev", { "idp-eks:natGatewayMode": "perAz", "idp-eks:nodeCapacityType": "ON_DEMAND" });
        const report = estimateCost(perAz.resources);
        const line = (item: string) => report.lines.find((l) => l.item.startsWith(item))!;
        assert.equal(line("NAT gateways").monthly, 65.7); // 2 x 0.045 x 730
        assert.equal(line("EC2 t4g.medium on demand").monthly, 49.06);
        assert.equal(report.total, report.onDemandTotal);
    });

    it("counts one ALB per IngressGroup and public addresses only for internet-facing load balancers", () => {
        const ingress = (group?: string, scheme = "internet-facing") => fake("kubernetes:networking.k8s.io/v1:Ingress", "i", {
            metadata: { annotations: { "alb.ingress.kubernetes.io/scheme": scheme, ...(group ? { "alb.ingress.kubernetes.io/group.name": group } : {}) } },
            spec: { ingressClassName: "alb" },
        });
        const nlb = fake("kubernetes:core/v1:Service", "s", { metadata: { annotations: {} }, spec: { type: "LoadBalancer", loadBalancerClass: "service.k8s.aws/nlb" } });
        const legacy = fake("kubernetes:core/v1:Service", "l", { metadata: {}, spec: { type: "LoadBalancer" } });
        assert.deepEqual(loadBalancers([ingress("shared"), ingress("shared"), ingress(), nlb, legacy]), [
            { kind: "application", internetFacing: true },
            { kind: "application", internetFacing: true },
            // The controller's default scheme is internal: no public address.
            { kind: "network", internetFacing: false },
        ]);
    });

    it("excludes instance types missing from the pricing table by name instead of guessing", () => {
        const report = estimateCost([fake("aws:eks/nodeGroup:NodeGroup", "ng", { instanceTypes: ["x9.huge"], capacityType: "ON_DEMAND", scalingConfig: { desiredSize: 2 } })]);
        assert.deepEqual(report.lines, []);
        assert.ok(report.excluded.some((e) => e === "EC2 nodes of node group ng: x9.huge not in the pricing table"));
    });

    it("rounds to cents half up and reads Kubernetes storage quantities", () => {
        assert.equal(cents(16.425), 16.43);
        assert.equal(cents(20.60352), 20.6);
        assert.equal(gibOf("20Gi"), 20);
        assert.equal(gibOf("1Ti"), 1024);
        assert.equal(gibOf("lots"), undefined);
    });

    it("synth writes cost.txt beside the manifests, with both totals", async () => {
        const text = renderSynth(await shippedStack("dev"))["cost.txt"];
        assert.equal(text, renderCost(estimateCost((await shippedStack("dev")).resources)));
        assert.match(text, /^Total, Spot at the estimate +\$159\.63$/m);
        assert.match(text, /^Total, all on demand +\$188\.09$/m);
        assert.match(text, /^ {2}- data transfer out of AWS and between zones, usage-based$/m);
    });

    it("says when the stack's region is not the pricing table's, instead of passing us-east-1 prices off as its own", async () => {
        const elsewhere = await evaluateStack("dev", { "aws:region": "eu-west-1", "idp-eks:availabilityZones": ["eu-west-1a", "eu-west-1b"] });
        assert.match(renderSynth(elsewhere)["cost.txt"], /^This stack deploys to eu-west-1: its prices differ from us-east-1's/m);
        assert.doesNotMatch(renderSynth(await shippedStack("dev"))["cost.txt"], /This stack deploys to/);
    });
});
