import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../config";
import { attemptEvaluation, evaluate, skipPromiseStackTraces, skipResourceCallsites } from "../offline/mockCloud";
import { BAD_CONFIG_CASES } from "./config/badConfigCases";
import { RecordedResource, attemptStack, evaluateStack, programResources, shippedStack, stackConfig } from "./harness";

describe("program: stack outputs", () => {
    // @pulumi/pulumi runtime/stack.ts massage(): a top-level output that resolves to undefined is
    // dropped with "Undefined value (<key>) will not show as a stack output", printed by every preview.
    const variants: [string, Record<string, unknown>][] = [
        ["dev", {}],
        ["prod", {}],
        ["prod", { "idp-eks:idpIngress": "gateway" }],
        ["dev", { "idp-eks:idpIngress": "none", "idp-eks:idpClusterIssuer": undefined, "idp-eks:idpNlb": false, "idp-eks:certManager": false, "idp-eks:ingressNginx": false }],
    ];
    for (const [stack, overrides] of variants) {
        it(`${stack} ${JSON.stringify(overrides)}: no output is always undefined, so preview shows no such warning`, async () => {
            const { warnings, outputs } = await evaluateStack(stack, overrides);
            assert.deepEqual(warnings.filter((w) => /Undefined value/.test(w)), []);
            for (const [key, value] of Object.entries(outputs)) assert.notEqual(value, undefined, key);
        });
    }

    it("names the DNS record to create exactly when there is a load balancer and no hosted zone", async () => {
        assert.ok((await shippedStack("dev")).outputs.requiredDnsRecord);
        assert.equal("requiredDnsRecord" in (await shippedStack("prod")).outputs, false);
    });
});

describe("program: the whole stack under the mocked cloud", () => {
    for (const bad of BAD_CONFIG_CASES) {
        it(`stops on ${bad.rule} before registering any resource`, async () => {
            const attempt = await attemptStack("dev", bad.overrides);
            assert.ok(attempt.error instanceof ConfigError, `expected a ConfigError, got ${attempt.error}`);
            assert.ok(attempt.error.problems.some((p) => p.key === bad.key), attempt.error.message);
            assert.deepEqual(programResources(attempt.resources).map((r) => r.urn), []);
        });
    }

    for (const stack of ["dev", "prod"]) {
        it(`${stack}: evaluating twice yields identical resources, inputs and names`, async () => {
            const first = await evaluateStack(stack);
            const second = await evaluateStack(stack);
            assert.ok(first.resources.length > 20);
            assert.deepEqual(second.resources, first.resources);
            assert.deepEqual(second.outputs, first.outputs);
        });

        it(`${stack}: parents every resource under the platform component`, async () => {
            const { resources } = await evaluateStack(stack);
            const platform = resources.find((r) => r.type === "idp-eks:index:IdpPlatform")!;
            const byUrn = new Map(resources.map((r) => [r.urn, r]));
            const ancestors = (r: RecordedResource): string[] => (r.parent ? [r.parent, ...ancestors(byUrn.get(r.parent)!)] : []);
            for (const r of programResources(resources).filter((x) => x !== platform)) {
                assert.ok(ancestors(r).includes(platform.urn), `${r.urn} is not inside the platform component`);
            }
        });
    }

    it("records every resource option: parent, provider, dependencies, protect, ignoreChanges, retainOnDelete, deleteBeforeReplace", async () => {
        const program = () => {
            const parent = new pulumi.ComponentResource("test:index:Parent", "parent", {});
            const provider = new aws.Provider("explicit", { region: "eu-west-1" });
            const first = new aws.s3.BucketV2("first", {}, { parent });
            const waitedOn = new aws.s3.BucketV2("waited-on", {});
            new aws.s3.BucketV2("second", { bucket: first.arn }, { parent, provider, dependsOn: [waitedOn], protect: true, ignoreChanges: ["tags"], retainOnDelete: true, deleteBeforeReplace: true });
        };
        const { resources } = await evaluate({ stack: "dev", config: stackConfig("dev"), program });
        const byName = (name: string) => resources.find((r) => r.name === name)!;
        const second = byName("second");
        assert.equal(second.parent, byName("parent").urn);
        assert.equal(second.provider, byName("explicit").urn);
        assert.deepEqual(second.dependencies, [byName("first").urn, byName("waited-on").urn].sort());
        assert.deepEqual(second.propertyDependencies.bucket, [byName("first").urn]);
        assert.deepEqual([second.protect, second.ignoreChanges, second.retainOnDelete, second.deleteBeforeReplace], [true, ["tags"], true, true]);
        const first = byName("first");
        assert.deepEqual([first.provider, first.protect, first.ignoreChanges, first.retainOnDelete, first.deleteBeforeReplace], ["", false, [], false, false]);
    });

    it("rejects two resources registered with one URN", async () => {
        const program = () => {
            new pulumi.ComponentResource("test:index:Thing", "twice", {});
            new pulumi.ComponentResource("test:index:Thing", "twice", {});
        };
        const attempt = await attemptEvaluation({ stack: "dev", config: stackConfig("dev"), program });
        // The engine's wording (pkg/resource/deploy/step_generator.go).
        assert.match(String(attempt.error), /Duplicate resource URN 'urn:pulumi:dev::idp-eks::pulumi:pulumi:Stack\$test:index:Thing::twice'; try giving it a unique name/);
    });

    it("fails loudly on an invoke the mocked cloud does not answer", async () => {
        const program = () => ({ zones: aws.getAvailabilityZonesOutput({}).names });
        const attempt = await attemptEvaluation({ stack: "dev", config: stackConfig("dev"), program });
        assert.match(String(attempt.error), /unmocked invoke aws:index\/getAvailabilityZones:getAvailabilityZones/);
    });

    it("skips the SDK's per-promise stack traces, yet errors the program throws keep their stack", async () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: (p: Promise<unknown>, ctx: string) => Promise<unknown> };
        const probe = Promise.resolve();
        await debuggable.debuggablePromise(probe, "probe");
        assert.equal((probe as unknown as { _debugStackTrace: string })._debugStackTrace, "Error", "the per-promise stack trace should be skipped");
        assert.equal(skipPromiseStackTraces(), false, "wrapping twice must be a no-op");
        function throwingProgram(): never {
            throw new Error("program bug");
        }
        const attempt = await attemptEvaluation({ stack: "dev", config: stackConfig("dev"), program: throwingProgram });
        assert.match((attempt.error as Error).stack ?? "", /at throwingProgram /);
    });

    it("skips the SDK's per-resource declaration stack trace offline (nothing reads it), and keeps the original to restore", () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { Resource } = require("@pulumi/pulumi/resource") as { Resource: { callsites: (() => unknown[]) & { original?: () => unknown[] } } };
        assert.deepEqual(Resource.callsites(), []);
        assert.ok(Resource.callsites.original, "the SDK's own callsites is kept");
        assert.ok(Resource.callsites.original!().length > 0, "which does capture the stack");
        assert.equal(skipResourceCallsites(), false, "wrapping twice must be a no-op");
    });

    it("reads secure: stack values as secrets", async () => {
        const config = stackConfig("dev");
        config.values["idp-eks:probe"] = "mock-secret";
        config.secretKeys.push("idp-eks:probe");
        const program = () => ({ probe: new pulumi.Config("idp-eks").requireSecret("probe") });
        const attempt = await attemptEvaluation({ stack: "dev", config, program });
        assert.equal(attempt.error, undefined);
        assert.deepEqual(attempt.outputs, { probe: "[secret]" });
    });
});
