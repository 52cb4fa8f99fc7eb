import * as assert from "node:assert/strict";
import { ELB_HOSTED_ZONE_IDS, LoadBalancerType, canonicalHostedZoneId, manualDnsRecord } from "../../../components/idp/dns";
import { RecordedResource } from "../../../offline/mockCloud";
import { evaluateStack, ofType, only, shippedStack } from "../../harness";

const hostRecords = (resources: readonly RecordedResource[]) => ofType(resources, "aws:route53/record:Record").filter((r) => r.name.endsWith("-idp-host"));
type Alias = { name: string; zoneId: string; evaluateTargetHealth: boolean };
const aliasOf = (r: RecordedResource) => (r.inputs.aliases as Alias[])[0];

// Route53 refuses a CNAME at a zone apex (RFC 1034 3.6.2: a CNAME cannot coexist with the apex's SOA
// and NS records; Route53 developer guide, "Choosing between alias and non-alias records"); alias
// A records to a load balancer work there, are free of query charges, and must name the load
// balancer's canonical hosted zone, which AWS publishes per region and per load balancer type in
// "Elastic Load Balancing endpoints and quotas" (https://docs.aws.amazon.com/general/latest/gr/elb.html).
describe("idp: DNS alias records (issue 13.5)", () => {
    it("keeps a canonical hosted zone per region for ALBs and for NLBs, different for the two types in every region", () => {
        const alb = ELB_HOSTED_ZONE_IDS[LoadBalancerType.Application];
        const nlb = ELB_HOSTED_ZONE_IDS[LoadBalancerType.Network];
        assert.deepEqual(Object.keys(alb).sort(), Object.keys(nlb).sort());
        for (const region of Object.keys(alb)) {
            assert.match(alb[region], /^Z[0-9A-Z]{8,31}$/, region);
            assert.notEqual(alb[region], nlb[region], `${region}: ALB and NLB share a hosted zone id`);
        }
        assert.equal(new Set(Object.values(alb)).size, Object.keys(alb).length, "a zone id is listed for two regions");
    });

    // Checked against hashicorp/terraform-provider-aws internal/service/elbv2/hosted_zone_id_data_source.go
    // and kubernetes-sigs/external-dns provider/aws/aws.go (commit 2bf1bf8a), which agree on these.
    it("lists the newer regions with the ids both sources give", () => {
        const verified: Record<string, [alb: string, nlb: string]> = {
            "ap-southeast-5": ["Z06010284QMVVW7WO5J", "Z026317210H9ACVTRO6FB"],
            "ap-southeast-7": ["Z0390008CMBRTHFGWBCB", "Z054363131YWATEMWRG5L"],
            "mx-central-1": ["Z023552324OKD1BB28BH5", "Z02031231H3ID6HYJ9A7U"],
        };
        for (const [region, [alb, nlb]] of Object.entries(verified)) {
            assert.equal(canonicalHostedZoneId(LoadBalancerType.Application, region), alb, region);
            assert.equal(canonicalHostedZoneId(LoadBalancerType.Network, region), nlb, region);
        }
    });

    it("refuses a region it has no zone id for, naming the table to extend, instead of guessing", () => {
        assert.throws(() => canonicalHostedZoneId(LoadBalancerType.Network, "ap-east-2"), /no Elastic Load Balancing hosted zone id is known for network load balancers in region "ap-east-2"/);
    });

    // An AAAA alias would only answer for a dual-stack load balancer (ip address type dualstack); none
    // of the exposures asks for one, so the A alias is the whole record.
    it("no load balancer of any exposure is dual-stack, so the A alias is the only record the host needs", async () => {
        for (const [stack, overrides] of [["prod", {}], ["dev", {}], ["prod", { "idp-eks:idpIngress": "gateway" }]] as const) {
            const { resources } = await evaluateStack(stack, overrides);
            const asked = resources.filter((r) => r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:apiextensions.k8s.io/") && /ip-address-type|ipAddressType|dualstack/i.test(JSON.stringify(r.inputs)));
            assert.deepEqual(asked.map((r) => r.name), [], `${stack} ${JSON.stringify(overrides)}`);
        }
    });

    it("prod: one alias A record to the ALB (the layer-7 entry) in the ALB zone of its region, no CNAME; replaced delete-first", async () => {
        const { resources } = await shippedStack("prod");
        const records = hostRecords(resources);
        assert.deepEqual(records.map((r) => r.inputs.type), ["A"]);
        const ingress = only(resources, "kubernetes:networking.k8s.io/v1:Ingress");
        assert.deepEqual(aliasOf(records[0]), { name: "mock-idp-server-0000000000.us-east-1.elb.amazonaws.com", zoneId: canonicalHostedZoneId(LoadBalancerType.Application, "us-east-1"), evaluateTargetHealth: true });
        assert.ok(records[0].propertyDependencies.aliases.includes(ingress.urn), "the alias target comes from the Ingress's status");
        assert.equal(records[0].deleteBeforeReplace, true, "the former CNAME of the same name must be deleted before the A record can exist");
    });

    it("works at the zone apex: idpHost example.com gets an alias A record, never a CNAME", async () => {
        const { resources } = await evaluateStack("prod", { "idp-eks:idpHost": "example.com" });
        const [record] = hostRecords(resources);
        assert.deepEqual([record.inputs.name, record.inputs.type, record.inputs.records], ["example.com", "A", undefined]);
    });

    it("an NLB-only exposure and ingress-nginx's NLB alias to the NLB zone of the region", async () => {
        const nlbOnly = await evaluateStack("prod", { "idp-eks:idpIngress": "none", "aws:region": "eu-west-1", "idp-eks:availabilityZones": ["eu-west-1a", "eu-west-1b", "eu-west-1c"] });
        assert.equal(aliasOf(hostRecords(nlbOnly.resources)[0]).zoneId, canonicalHostedZoneId(LoadBalancerType.Network, "eu-west-1"));
        const nginx = await evaluateStack("dev", { "idp-eks:route53HostedZoneId": "Z0123456789EXAMPLEZONE" });
        assert.equal(aliasOf(hostRecords(nginx.resources)[0]).zoneId, canonicalHostedZoneId(LoadBalancerType.Network, "us-east-1"));
    });
});

// Issue 13.10: without a hosted zone nothing points idpHost at the load balancer (and HTTP-01 can
// never validate), so `up` must not look like a success: a preview warning and the record as an output.
describe("idp: DNS record the user must create (issue 13.10)", () => {
    it("dev (no hosted zone): warns once in preview naming the host and the missing route53HostedZoneId, and exports the record to create", async () => {
        const dev = await shippedStack("dev");
        const dns = dev.warnings.filter((w) => w.includes("route53HostedZoneId"));
        assert.equal(dns.length, 1);
        assert.match(dns[0], /auth\.dev\.example\.com needs a DNS record/);
        assert.match(dns[0], /HTTP-01/, "the certificate cannot be issued until the record exists");
        assert.equal(hostRecords(dev.resources).length, 0);
        const ingress = only(dev.resources, "kubernetes:networking.k8s.io/v1:Ingress");
        assert.equal(ingress.name.endsWith("-idp-ingress"), true);
        assert.deepEqual(dev.outputs.requiredDnsRecord, manualDnsRecord("auth.dev.example.com", "mock-idp-server.elb.us-east-1.amazonaws.com"));
    });

    it("with a hosted zone: the record is created, no warning and no output", async () => {
        const prod = await shippedStack("prod");
        assert.equal(hostRecords(prod.resources).length, 1);
        assert.deepEqual(prod.warnings.filter((w) => w.includes("route53HostedZoneId")), []);
        assert.equal(prod.outputs.requiredDnsRecord, undefined);
    });
});
