import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { load as parseYaml } from "js-yaml";
import * as v from "valibot";
import { ConfigError, KeySpec, configKeys, validateConfig } from "../../config";
import { NatGatewayMode, VpcMode } from "../../components/network/types";
import { PROJECT_ROOT } from "../../offline/mockCloud";
import { stackConfig } from "../harness";
import { BAD_CONFIG_CASES, EXISTING_VPC_OVERRIDES } from "./badConfigCases";

function problemsFor(overrides: Record<string, unknown>) {
    try {
        validateConfig(stackConfig("dev", overrides).values, "dev");
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${e}`);
        return e;
    }
    assert.fail("expected the configuration to be rejected");
}

describe("config: loading and validating a stack", () => {
    it("accepts the shipped dev and prod stack files", () => {
        const dev = validateConfig(stackConfig("dev").values, "dev");
        const prod = validateConfig(stackConfig("prod").values, "prod");
        assert.equal(dev.natGatewayMode, NatGatewayMode.Single);
        assert.equal(prod.natGatewayMode, NatGatewayMode.PerAz);
        assert.deepEqual(dev.availabilityZones, ["us-east-1a", "us-east-1b"]);
        assert.equal(prod.availabilityZones?.length, 3);
    });

    it("applies defaults for keys the stack file leaves out", () => {
        const dev = validateConfig(stackConfig("dev").values, "dev");
        assert.equal(dev.clusterName, "idp-dev");
        assert.equal(dev.vpcMode, VpcMode.Create);
        assert.equal(dev.kubernetesVersion, "1.34");
        assert.equal(dev.secretsEncryption, true);
        assert.deepEqual(dev.adminPrincipalArns, []);
    });

    it("accepts an existing VPC given by ids and CIDRs", () => {
        const c = validateConfig(stackConfig("dev", EXISTING_VPC_OVERRIDES).values, "dev");
        assert.equal(c.vpcMode, VpcMode.Existing);
        assert.equal(c.existingVpcId, "vpc-0123456789abcdef0");
    });

    for (const bad of BAD_CONFIG_CASES) {
        it(`rejects ${bad.rule}, naming ${bad.key}`, () => {
            const error = problemsFor(bad.overrides);
            const problem = error.problems.find((p) => p.key === bad.key);
            assert.ok(problem, `no problem names ${bad.key}; got:\n${error.message}`);
            assert.match(problem.message, bad.expect);
            assert.match(error.message, new RegExp(`- ${bad.key.replace(/[[\]]/g, "\\$&")}: `));
        });
    }

    it("reports every problem at once, not just the first", () => {
        const error = problemsFor({ "idp-eks:vpcCidr": "nope", "idp-eks:natGatewayMode": "multi", "idp-eks:acmeEmail": "x", "idp-eks:typo": "1" });
        assert.deepEqual(error.problems.map((p) => p.key).sort(), ["idp-eks:acmeEmail", "idp-eks:natGatewayMode", "idp-eks:typo", "idp-eks:vpcCidr"]);
        assert.match(error.message, /4 problems/);
    });

    it("shows the offending value in the message", () => {
        const error = problemsFor({ "idp-eks:kubernetesVersion": "latest" });
        assert.match(error.message, /idp-eks:kubernetesVersion: "latest" is not a Kubernetes minor version/);
    });

    it("never shows a secret value in a message, even a wrong one", () => {
        const error = problemsFor({ "idp-eks:idpTlsCertificate": "hunter2-not-a-pem", "idp-eks:idpTlsPrivateKey": "hunter2-key", "idp-eks:idpSecretEnv": ["not an entry hunter2"] });
        assert.match(error.message, /idp-eks:idpTlsCertificate: \[secret\] is not a PEM certificate/);
        assert.match(error.message, /idp-eks:idpSecretEnv\[0\]: \[secret\] is not an environment entry/);
        assert.doesNotMatch(error.message, /hunter2/);
    });

    it("rejects keys of the existing-VPC mode when the VPC is created", () => {
        const error = problemsFor({ "idp-eks:existingVpcId": "vpc-0123456789abcdef0" });
        assert.deepEqual(error.problems.map((p) => p.key), ["idp-eks:existingVpcId"]);
    });
});

describe("config: Pulumi.yaml declares every key", () => {
    const project = parseYaml(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8")) as {
        name: string;
        main: string;
        config: Record<string, { type: string; items?: { type: string }; description: string; default?: unknown; secret?: boolean }>;
    };

    it("names the project and the TypeScript entry point", () => {
        assert.equal(project.name, "idp-eks");
        assert.equal(project.main, "index.ts");
    });

    it("declares exactly the keys the loader reads", () => {
        assert.deepEqual(Object.keys(project.config).sort(), Object.keys(configKeys).sort());
    });

    for (const [name, spec] of Object.entries(configKeys)) {
        it(`declares ${name} with the loader's type, description and default`, () => {
            const declared = project.config[name];
            assert.equal(declared.type, spec.kind);
            if (spec.kind === "array") assert.deepEqual(declared.items, { type: "string" });
            assert.equal(declared.description, spec.description);
            assert.equal(declared.secret ?? false, (spec as KeySpec).secret ?? false, "secret keys are declared secret, so the CLI refuses plaintext values");
            const parsed = v.safeParse(spec.schema, undefined);
            assert.deepEqual(declared.default, parsed.success ? parsed.output : undefined);
        });
    }

    it("lists every key in the README's configuration table", () => {
        const readme = fs.readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8");
        for (const name of Object.keys(configKeys)) assert.match(readme, new RegExp(`^\\| \`${name}\` \\|`, "m"), `README lacks a row for ${name}`);
    });
});
