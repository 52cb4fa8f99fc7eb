import * as assert from "node:assert/strict";
import { ConfigError, validateConfig } from "../../config";
import { derivedNameProblems, derivedNames } from "../../config/derivedNames";
import { NAME_RULES, physicalName } from "../../offline/rules/aws";
import { stackConfig, evaluateStack } from "../harness";

const fail = (overrides: Record<string, unknown>, stack = "prod") => {
    const c = stackConfig(stack, overrides);
    try {
        validateConfig(c.values, stack, c.secretKeys);
    } catch (e) {
        assert.ok(e instanceof ConfigError);
        return e;
    }
    return assert.fail("expected a ConfigError");
};

describe("config: clusterName against the names derived from it", () => {
    it("refuses a 46-character name from the longest derived name, saying the limit (IAM roles: 64 with Pulumi's suffix)", () => {
        const error = fail({ "idp-eks:clusterName": "c".repeat(46) });
        const problem = error.problems.find((p) => p.key === "idp-eks:clusterName")!;
        assert.match(problem.message, /is 46 characters; it may be at most 35: the IAM role name .* would be 75 characters, above the limit of 64 \(IAM CreateRole RoleName: 64 characters\)/);
    });

    it("allows exactly the longest name every derived name fits", () => {
        assert.deepEqual(derivedNameProblems("c".repeat(35), { loadBalancerController: true, certManager: true, acmeSolver: "dns01" as never, route53HostedZoneId: "Z1", secretsEncryption: true, secretsKmsKeyArn: undefined }), []);
        assert.equal(derivedNameProblems("c".repeat(36), { loadBalancerController: true, certManager: true, acmeSolver: "dns01" as never, route53HostedZoneId: "Z1", secretsEncryption: true, secretsKmsKeyArn: undefined })[0].maxClusterName, 35);
    });

    it("checks the default clusterName, idp-<stack>, too", () => {
        const c = stackConfig("prod");
        assert.throws(() => validateConfig(c.values, "s".repeat(40), c.secretKeys), /the default clusterName "idp-s+" \(from the stack name\) is 44 characters; it may be at most 35/);
    });

    for (const stack of ["dev", "prod"]) {
        it(`${stack}: the list covers every auto-named or derived AWS name the mocked cloud checks, at the longest allowed clusterName`, async () => {
            const clusterName = "c".repeat(35);
            const { resources } = await evaluateStack(stack, { "idp-eks:clusterName": clusterName });
            const modelled = new Set(derivedNames(clusterName, { loadBalancerController: true, certManager: true, acmeSolver: "dns01" as never, route53HostedZoneId: "Z1", secretsEncryption: true, secretsKmsKeyArn: undefined }).map((n) => n.name));
            const checked = resources.flatMap((r) => {
                const rule = NAME_RULES[r.type];
                const name = rule && physicalName(r, rule);
                return name && name.name.includes(clusterName) && r.type !== "eks:index:Cluster" ? [name.name] : [];
            });
            assert.ok(checked.length > 0);
            for (const name of checked) assert.ok(modelled.has(name), `${name} is derived from clusterName but not in config/derivedNames.ts`);
        });
    }
});
