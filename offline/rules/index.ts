// The rules the mocked cloud applies: per resource as it is registered, and across the run at the end.
import { ResourceView, RuleViolation, formatViolation } from "./types";
import { accessEntryViolations, resourceViolations, route53Violations } from "./aws";
import { clusterViolations, isKubernetesObject, objectViolations } from "./kubernetes";
import { LATEST, Version } from "./podSecurity";
import { Read, readViolation } from "./pulumi";

export { RuleViolation, formatViolation } from "./types";

export interface RunContext {
    region: string;
    /** The deploying identity (getCallerIdentity's ARN). */
    callerArn: string;
    /** The apex of a hosted zone the program writes records to. */
    zoneName: (zoneId: string, recordName: string) => string | undefined;
}

/** Rules on one resource alone. */
export function checkResource(r: ResourceView, ctx: RunContext): RuleViolation[] {
    return [...resourceViolations(r, ctx.region), ...(isKubernetesObject(r) ? objectViolations(r) : [])];
}

/** The Kubernetes version of the run's cluster (its minor version decides which PSA checks apply to "latest"). */
function clusterVersion(resources: readonly ResourceView[]): Version {
    const cluster = resources.find((r) => r.type === "eks:index:Cluster" || r.type === "aws:eks/cluster:Cluster");
    const m = /^(\d+)\.(\d+)$/.exec(String(cluster?.inputs.version ?? ""));
    return m ? [Number(m[1]), Number(m[2])] : LATEST;
}

/** Rules across the run's resources and reads. */
export function checkRun(resources: readonly ResourceView[], reads: readonly Read[], ctx: RunContext): RuleViolation[] {
    return [
        ...route53Violations(resources, ctx.zoneName),
        ...accessEntryViolations(resources, ctx.callerArn),
        ...clusterViolations(resources, clusterVersion(resources)),
        ...reads.map((read) => readViolation(read, resources)).filter((v): v is RuleViolation => !!v),
    ];
}

/** The registrable domain of a name (its last two labels): the apex the mocked cloud assumes for a zone it was given only by id. */
export function assumedApex(recordName: string): string {
    return recordName.replace(/\.$/, "").split(".").slice(-2).join(".");
}

/** An evaluation refused by the rules: every violation, each naming resource, property, value, rule and source. */
export class CloudRuleError extends Error {
    constructor(readonly violations: readonly RuleViolation[]) {
        super(`The mocked cloud refused ${violations.length} thing${violations.length === 1 ? "" : "s"} AWS, Kubernetes or Pulumi would refuse:\n${violations.map((v) => `  - ${formatViolation(v)}`).join("\n")}`);
        this.name = "CloudRuleError";
    }
}
