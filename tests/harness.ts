// Shared test helpers over the one mocked cloud (offline/mockCloud.ts).
import * as assert from "node:assert/strict";
import { keySpecOf } from "../config/keys";
import { Attempt, Evaluation, RecordedResource, StackConfig, attemptEvaluation, evaluate, readStackConfig } from "../offline/mockCloud";

export { RecordedResource } from "../offline/mockCloud";

/**
 * The day every test evaluates the version lifecycle on (support status, preview warnings), so
 * results do not change with the calendar; tests of the dates themselves pass their own.
 */
export const TEST_TODAY = "2026-12-05";
process.env.IDP_EKS_TODAY ??= TEST_TODAY;

/** Config overrides by key as written in the stack file (`idp-eks:vpcCidr`); undefined removes a key. Values are YAML-like: lists and numbers are given as JS values. */
export type Overrides = Record<string, unknown>;

/** The stack's config as the CLI hands it to the program, with overrides; secret keys are set as secrets, as `pulumi config set --secret` would. */
export function stackConfig(stack: string, overrides: Overrides = {}): StackConfig {
    const base = readStackConfig(stack);
    const values = { ...base.values };
    const secretKeys = new Set(base.secretKeys);
    for (const [k, v] of Object.entries(overrides)) {
        if (v === undefined) delete values[k];
        else values[k] = typeof v === "string" ? v : JSON.stringify(v);
        if (keySpecOf(k)?.secret) secretKeys.add(k);
    }
    return { ...base, values, secretKeys: [...secretKeys] };
}

const shippedEvaluations = new Map<string, Promise<Evaluation>>();

/** The shipped stack file evaluated once per test run and shared (tests only read it). */
export function shippedStack(stack: string): Promise<Evaluation> {
    if (!shippedEvaluations.has(stack)) shippedEvaluations.set(stack, evaluateStack(stack));
    return shippedEvaluations.get(stack)!;
}

export function evaluateStack(stack: string, overrides: Overrides = {}): Promise<Evaluation> {
    return evaluate({ stack, config: stackConfig(stack, overrides) });
}

export function attemptStack(stack: string, overrides: Overrides = {}): Promise<Attempt> {
    return attemptEvaluation({ stack, config: stackConfig(stack, overrides) });
}

export function ofType(resources: readonly RecordedResource[], type: string): RecordedResource[] {
    return resources.filter((r) => r.type === type);
}

/** The single resource of a type (optionally whose name ends with `nameSuffix`). */
export function only(resources: readonly RecordedResource[], type: string, nameSuffix = ""): RecordedResource {
    const found = ofType(resources, type).filter((r) => r.name.endsWith(nameSuffix));
    assert.equal(found.length, 1, `expected one ${type}${nameSuffix ? ` named *${nameSuffix}` : ""}, found ${found.map((r) => r.name).join(", ") || "none"}`);
    return found[0];
}

/** True when `from` waits on `to`, directly or through other resources. */
export function dependsOn(resources: readonly RecordedResource[], from: RecordedResource, to: RecordedResource): boolean {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const seen = new Set<string>();
    const stack = [...from.dependencies];
    while (stack.length > 0) {
        const urn = stack.pop()!;
        if (urn === to.urn) return true;
        if (seen.has(urn)) continue;
        seen.add(urn);
        stack.push(...(byUrn.get(urn)?.dependencies ?? []));
    }
    return false;
}

/** Resources registered by the program itself (the CLI always registers the Stack). */
export function programResources(resources: readonly RecordedResource[]): RecordedResource[] {
    return resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
}

/** A stack moved to another partition: the shipped stack file's config with these overrides. */
export interface PartitionCase {
    name: string;
    region: string;
    partition: string;
    dnsSuffix: string;
    overrides: Overrides;
}

/**
 * prod moved to GovCloud and to China, in memory (the shipped stack files stay in us-east-1): its
 * region, three of the region's zones, and its account-bound values in that partition (an account
 * lives in exactly one partition: IAM User Guide, "Identify AWS resources with ARNs").
 */
export const PARTITION_CASES: readonly PartitionCase[] = [
    {
        name: "GovCloud (US)",
        region: "us-gov-west-1",
        partition: "aws-us-gov",
        dnsSuffix: "amazonaws.com",
        overrides: {
            "aws:region": "us-gov-west-1",
            "idp-eks:availabilityZones": ["us-gov-west-1a", "us-gov-west-1b", "us-gov-west-1c"],
            "idp-eks:adminPrincipalArns": ["arn:aws-us-gov:iam::111122223333:role/platform-admins"],
            "idp-eks:idpImage": "111122223333.dkr.ecr.us-gov-west-1.amazonaws.com/idp-server:1.0.0",
            "idp-eks:externalPostgresHost": "idp.cluster-example.us-gov-west-1.rds.amazonaws.com",
        },
    },
    {
        name: "China",
        region: "cn-north-1",
        partition: "aws-cn",
        dnsSuffix: "amazonaws.com.cn",
        overrides: {
            "aws:region": "cn-north-1",
            // cn-north-1 has zones a, b and d.
            "idp-eks:availabilityZones": ["cn-north-1a", "cn-north-1b", "cn-north-1d"],
            "idp-eks:adminPrincipalArns": ["arn:aws-cn:iam::111122223333:role/platform-admins"],
            "idp-eks:idpImage": "111122223333.dkr.ecr.cn-north-1.amazonaws.com.cn/idp-server:1.0.0",
            "idp-eks:externalPostgresHost": "idp.cluster-example.cn-north-1.rds.amazonaws.com.cn",
            "idp-eks:externalRedisHost": "idp.example.cache.amazonaws.com.cn",
        },
    },
];
