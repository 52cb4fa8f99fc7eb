// Monthly cost estimate of a stack, computed from the resources it really registers (the mocked
// evaluation) and the pricing table (pricing.json). Pure: the same resources give the same text.
import { RecordedResource } from "./mockCloud";
import { SupportStatus, supportStatus } from "../components/cluster/versions";
import defaultPricing from "./pricingTable";

export type Pricing = typeof defaultPricing;
export const PRICING: Pricing = defaultPricing;

export interface CostLine {
    item: string;
    /** Price per unit as shown, e.g. "$0.045/hour". */
    unit: string;
    /** How many units, as shown, e.g. "2 x 730 hours". */
    quantity: string;
    /** Monthly cost with Spot capacity at the table's estimate. */
    monthly: number;
    /** Monthly cost were every node on demand. */
    onDemandMonthly: number;
}

export interface CostReport {
    lines: CostLine[];
    /** Costs left out by name (usage-based, unknown price), with why. */
    excluded: string[];
    total: number;
    onDemandTotal: number;
}

/** Rounds to cents, half up, without binary-fraction surprises (16.425 -> 16.43). */
export function cents(amount: number): number {
    return Math.round(Number((amount * 100).toFixed(6))) / 100;
}

const price = (n: number) => {
    const fixed = n.toFixed(6).replace(/0+$/, "");
    const [whole, frac = ""] = fixed.split(".");
    return `$${whole}.${frac.padEnd(2, "0")}`;
};
const money = (n: number) => `$${n.toFixed(2)}`;

type Inputs = Record<string, unknown>;
const get = (o: unknown, ...path: string[]): unknown => path.reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), o);

/** Kubernetes storage quantity in GiB (the unit EBS bills per month). */
export function gibOf(quantity: string): number | undefined {
    const m = /^(\d+(?:\.\d+)?)(Mi|Gi|Ti|M|G|T)?$/.exec(quantity.trim());
    if (!m) return undefined;
    const factor: Record<string, number> = { Mi: 1 / 1024, Gi: 1, Ti: 1024, M: 1e6 / 2 ** 30, G: 1e9 / 2 ** 30, T: 1e12 / 2 ** 30, "": 1 / 2 ** 30 };
    return Number(m[1]) * factor[m[2] ?? ""];
}

interface LoadBalancer {
    kind: "application" | "network";
    internetFacing: boolean;
}

const NLB_SCHEME = "service.beta.kubernetes.io/aws-load-balancer-scheme";
const ALB_SCHEME = "alb.ingress.kubernetes.io/scheme";
const ALB_GROUP = "alb.ingress.kubernetes.io/group.name";

/**
 * Load balancers the AWS Load Balancer Controller will make for the stack's objects: NLBs for
 * LoadBalancer Services of class service.k8s.aws/nlb (also inside Helm values), one ALB per
 * Ingress of class alb or per IngressGroup. Scheme as annotated; the controller's default is internal.
 */
export function loadBalancers(resources: readonly RecordedResource[]): LoadBalancer[] {
    const nlb = (service: unknown): LoadBalancer[] =>
        get(service, "spec", "loadBalancerClass") === "service.k8s.aws/nlb" || get(service, "loadBalancerClass") === "service.k8s.aws/nlb"
            ? [{ kind: "network", internetFacing: (get(service, "metadata", "annotations", NLB_SCHEME) ?? get(service, "annotations", NLB_SCHEME)) === "internet-facing" }]
            : [];
    const found: LoadBalancer[] = [];
    const albGroups = new Set<string>();
    for (const r of resources) {
        if (r.type === "kubernetes:core/v1:Service" && get(r.inputs, "spec", "type") === "LoadBalancer") found.push(...nlb(r.inputs));
        if (r.type.startsWith("kubernetes:helm.sh/")) {
            const service = get(r.inputs, "values", "controller", "service");
            if (service && get(service, "enabled") !== false) found.push(...nlb(service));
        }
        if (r.type === "kubernetes:networking.k8s.io/v1:Ingress" && get(r.inputs, "spec", "ingressClassName") === "alb") {
            const group = get(r.inputs, "metadata", "annotations", ALB_GROUP) as string | undefined;
            if (group !== undefined) {
                if (albGroups.has(group)) continue;
                albGroups.add(group);
            }
            found.push({ kind: "application", internetFacing: get(r.inputs, "metadata", "annotations", ALB_SCHEME) === "internet-facing" });
        }
    }
    return found;
}

export function estimateCost(resources: readonly RecordedResource[], pricing: Pricing = PRICING): CostReport {
    const hours = pricing.hoursPerMonth;
    const lines: CostLine[] = [];
    const excluded: string[] = [];
    const add = (item: string, unitPrice: number, unitLabel: string, count: number, countLabel: string, onDemandUnitPrice = unitPrice) => {
        lines.push({
            item,
            unit: `${price(unitPrice)}/${unitLabel}`,
            quantity: countLabel,
            monthly: cents(unitPrice * count),
            onDemandMonthly: cents(onDemandUnitPrice * count),
        });
    };
    const ofType = (t: string) => resources.filter((r) => r.type === t);
    const asOf = new Date(`${pricing.asOf}T00:00:00Z`);

    for (const cluster of ofType("eks:index:Cluster")) {
        const version = String(get(cluster.inputs, "version"));
        const supportType = get(cluster.inputs, "upgradePolicy", "supportType") ?? "EXTENDED";
        // EXTENDED bills the higher rate only once the version is past standard support.
        const extended = supportType === "EXTENDED" && supportStatus(version, asOf) === SupportStatus.Extended;
        const hourly = extended ? pricing.eksControlPlaneHourly.extended : pricing.eksControlPlaneHourly.standard;
        add(`EKS control plane, Kubernetes ${version}, ${extended ? "extended" : "standard"} support`, hourly, "hour", hours, `1 x ${hours} hours`);
        const logs = get(cluster.inputs, "enabledClusterLogTypes") as string[] | undefined;
        if (logs?.length) excluded.push(`control plane logs (${logs.join(", ")}) in CloudWatch Logs: ${price(pricing.usageBased.cloudwatchLogsIngestPerGb)}/GB ingested, usage-based`);
    }

    const launchTemplates = ofType("aws:ec2/launchTemplate:LaunchTemplate");
    for (const ng of ofType("aws:eks/nodeGroup:NodeGroup")) {
        const types = (get(ng.inputs, "instanceTypes") as string[] | undefined) ?? [];
        const nodes = Number(get(ng.inputs, "scalingConfig", "desiredSize") ?? 0);
        const spot = get(ng.inputs, "capacityType") === "SPOT";
        const prices = types.map((t) => (pricing.ec2OnDemandHourly as Record<string, number>)[t]);
        const unknown = types.filter((_, i) => prices[i] === undefined);
        if (unknown.length > 0 || types.length === 0) {
            excluded.push(`EC2 nodes of node group ${ng.name}: ${unknown.join(", ") || "no instance type"} not in the pricing table`);
        } else {
            // Several types: priced at the dearest, an upper bound on what the group can launch.
            const at = types[prices.indexOf(Math.max(...prices))];
            const onDemand = Math.max(...prices);
            const hourly = spot ? onDemand * pricing.spot.fractionOfOnDemand : onDemand;
            const label = spot ? `EC2 ${at} Spot (estimate: ${Math.round(pricing.spot.fractionOfOnDemand * 100)}% of ${price(onDemand)})` : `EC2 ${at} on demand`;
            add(`${label}, node group ${ng.name}`, hourly, "hour", nodes * hours, `${nodes} x ${hours} hours`, onDemand);
        }
        const lt = launchTemplates.find((l) => l.name === ng.name || get(ng.inputs, "launchTemplate", "id") === `mock-id-${l.name}`);
        const disk = get(lt?.inputs, "blockDeviceMappings", "0", "ebs") as { volumeSize?: number; volumeType?: string } | undefined;
        if (disk?.volumeSize && disk.volumeType === "gp3") {
            add(`EBS gp3 root volumes, node group ${ng.name} (${disk.volumeSize} GiB each)`, pricing.ebsGp3GbMonth, "GiB-month", nodes * disk.volumeSize, `${nodes} x ${disk.volumeSize} GiB`);
        } else {
            excluded.push(`root volumes of node group ${ng.name}: no gp3 size in its launch template`);
        }
    }

    // PersistentVolumeClaims of StatefulSets, on gp3 StorageClasses.
    const gp3Classes = new Set(ofType("kubernetes:storage.k8s.io/v1:StorageClass").filter((s) => get(s.inputs, "parameters", "type") === "gp3").map((s) => String(get(s.inputs, "metadata", "name"))));
    for (const sts of ofType("kubernetes:apps/v1:StatefulSet")) {
        const replicas = Number(get(sts.inputs, "spec", "replicas") ?? 1);
        const name = String(get(sts.inputs, "metadata", "name"));
        for (const claim of (get(sts.inputs, "spec", "volumeClaimTemplates") as Inputs[] | undefined) ?? []) {
            const size = gibOf(String(get(claim, "spec", "resources", "requests", "storage") ?? ""));
            const storageClass = String(get(claim, "spec", "storageClassName"));
            if (size === undefined || !gp3Classes.has(storageClass)) {
                excluded.push(`volume ${get(claim, "metadata", "name")} of StatefulSet ${name}: not a gp3 size this estimate can read`);
                continue;
            }
            add(`EBS gp3 PersistentVolumeClaim ${get(claim, "metadata", "name")}, StatefulSet ${name} (${size} GiB each)`, pricing.ebsGp3GbMonth, "GiB-month", replicas * size, `${replicas} x ${size} GiB`);
        }
    }

    const nats = ofType("aws:ec2/natGateway:NatGateway").length;
    if (nats > 0) {
        add("NAT gateways", pricing.natGatewayHourly, "hour", nats * hours, `${nats} x ${hours} hours`);
        excluded.push(`NAT gateway data processing: ${price(pricing.usageBased.natGatewayPerGb)}/GB, usage-based`);
    }
    const eips = ofType("aws:ec2/eip:Eip").length;
    if (eips > 0) add("Public IPv4 addresses of the NAT gateways (Elastic IPs)", pricing.publicIpv4Hourly, "hour", eips * hours, `${eips} x ${hours} hours`);

    const balancers = loadBalancers(resources);
    const zones = ofType("aws:ec2/subnet:Subnet").filter((s) => get(s.inputs, "tags", "kubernetes.io/role/elb") === "1").length;
    for (const kind of ["application", "network"] as const) {
        const ofKind = balancers.filter((b) => b.kind === kind);
        if (ofKind.length === 0) continue;
        const name = kind === "application" ? "Application Load Balancers (ALB)" : "Network Load Balancers (NLB)";
        add(name, pricing.loadBalancerHourly[kind], "hour", ofKind.length * hours, `${ofKind.length} x ${hours} hours`);
        excluded.push(kind === "application" ? `ALB capacity units: ${price(pricing.usageBased.albLcuHourly)}/LCU-hour, usage-based` : `NLB capacity units: ${price(pricing.usageBased.nlbNlcuHourly)}/NLCU-hour, usage-based`);
        const facing = ofKind.filter((b) => b.internetFacing).length;
        if (facing === 0) continue;
        // An internet-facing load balancer holds one public IPv4 address per zone it serves.
        if (zones > 0) add(`Public IPv4 addresses of internet-facing ${kind === "application" ? "ALBs" : "NLBs"} (one per zone)`, pricing.publicIpv4Hourly, "hour", facing * zones * hours, `${facing} x ${zones} x ${hours} hours`);
        else excluded.push(`public IPv4 addresses of internet-facing ${kind === "application" ? "ALBs" : "NLBs"}: the number of public subnets (existing VPC) is not known here`);
    }

    const keys = ofType("aws:kms/key:Key").length;
    if (keys > 0) add("KMS keys", pricing.kmsKeyMonth, "key-month", keys, `${keys} key${keys === 1 ? "" : "s"}`);

    const records = ofType("aws:route53/record:Record").length;
    if (records > 0) {
        excluded.push(`Route53: ${records} record(s) in an existing hosted zone (the zone, ${price(pricing.usageBased.route53HostedZoneMonth)}/month, is not created by this stack); queries ${price(pricing.usageBased.route53QueriesPerMillion)}/million, usage-based (alias queries to AWS resources are free)`);
    }
    excluded.push("data transfer out of AWS and between zones, usage-based");

    return {
        lines,
        excluded,
        total: cents(lines.reduce((s, l) => s + l.monthly, 0)),
        onDemandTotal: cents(lines.reduce((s, l) => s + l.onDemandMonthly, 0)),
    };
}

/** cost.txt: one line per billable resource, fixed-width columns, totals, then what is left out. */
export function renderCost(report: CostReport, pricing: Pricing = PRICING, stackRegion?: string): string {
    const header = ["item", "unit price", "quantity", "monthly"];
    const rows = report.lines.map((l) => [l.item, l.unit, l.quantity, money(l.monthly)]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const row = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd();
    const spot = report.lines.some((l) => l.monthly !== l.onDemandMonthly);
    const totalRow = (label: string, amount: number) => row([label, "", "", money(amount)]);
    return [
        `Monthly cost estimate (${pricing.currency}): ${pricing.region} list prices as of ${pricing.asOf}, ${pricing.hoursPerMonth} hours a month (offline/pricing.json)`,
        // The table has one region's prices; say so rather than pass them off as another region's.
        ...(stackRegion && stackRegion !== pricing.region ? [`This stack deploys to ${stackRegion}: its prices differ from ${pricing.region}'s, so read the figures as an approximation.`] : []),
        "",
        row(header),
        ...rows.map(row),
        "",
        totalRow(spot ? "Total, Spot at the estimate" : "Total", report.total),
        totalRow("Total, all on demand", report.onDemandTotal),
        "",
        ...(spot ? [`Spot is an estimate: ${Math.round(pricing.spot.fractionOfOnDemand * 100)}% of the on-demand rate (offline/pricing.json, spot.source); real Spot prices move.`] : []),
        "Not included:",
        ...report.excluded.map((e) => `  - ${e}`),
        "",
    ].join("\n");
}

/** The totals line of a cost.txt, for the pull request comment: [spot-or-only total, on-demand total]. */
export function costTotals(text: string): { total: number; onDemandTotal: number } | undefined {
    const amount = (label: RegExp) => {
        const m = text.split("\n").find((l) => label.test(l))?.match(/\$(\d+\.\d{2})$/);
        return m ? Number(m[1]) : undefined;
    };
    const total = amount(/^Total(, Spot at the estimate)?\s/);
    const onDemandTotal = amount(/^Total, all on demand\s/);
    return total === undefined || onDemandTotal === undefined ? undefined : { total, onDemandTotal };
}
