import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { load as parseYaml } from "js-yaml";
import * as v from "valibot";
import { ConfigError, configKeys, declaredDefault, isOptional, unsetValue, validateConfig } from "../../config";
import { NatGatewayMode, VpcMode } from "../../components/network/types";
import { PROJECT_ROOT, StackConfig } from "../../offline/mockCloud";
import { Overrides, stackConfig } from "../harness";
import { BAD_CONFIG_CASES, EXISTING_VPC_OVERRIDES } from "./badConfigCases";

/** Validates a stack's config as the program would receive it, secret keys included. */
const validated = (config: StackConfig, stack: string) => validateConfig(config.values, stack, config.secretKeys);

function problemsFor(overrides: Record<string, unknown>) {
    try {
        validated(stackConfig("dev", overrides), "dev");
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${e}`);
        return e;
    }
    assert.fail("expected the configuration to be rejected");
}

describe("config: loading and validating a stack", () => {
    it("accepts the shipped dev and prod stack files", () => {
        const dev = validated(stackConfig("dev"), "dev");
        const prod = validated(stackConfig("prod"), "prod");
        assert.equal(dev.natGatewayMode, NatGatewayMode.Single);
        assert.equal(prod.natGatewayMode, NatGatewayMode.PerAz);
        assert.deepEqual(dev.availabilityZones, ["us-east-1a", "us-east-1b"]);
        assert.equal(prod.availabilityZones?.length, 3);
    });

    it("applies defaults for keys the stack file leaves out", () => {
        const dev = validated(stackConfig("dev"), "dev");
        assert.equal(dev.clusterName, "idp-dev");
        assert.equal(dev.vpcMode, VpcMode.Create);
        assert.equal(dev.kubernetesVersion, "1.35");
        assert.equal(dev.secretsEncryption, true);
        assert.deepEqual(dev.adminPrincipalArns, []);
    });

    it("accepts an existing VPC given by ids and CIDRs", () => {
        const c = validated(stackConfig("dev", EXISTING_VPC_OVERRIDES), "dev");
        assert.equal(c.vpcMode, VpcMode.Existing);
        assert.equal(c.existingVpcId, "vpc-0123456789abcdef0");
    });

    it("accepts /28 existing public and intra subnets when no ALB uses them (an NLB and the control plane need a /28)", () => {
        const c = validated(stackConfig("dev", { ...EXISTING_VPC_OVERRIDES, "idp-eks:existingPublicSubnetCidrs": ["10.10.224.0/28", "10.10.224.16/28"], "idp-eks:existingIntraSubnetCidrs": ["10.10.192.0/28", "10.10.192.16/28"] }), "dev");
        assert.equal(c.idpIngress, "nginx");
    });

    // Each of these deploys on real AWS/EKS; each was refused by an earlier rule.
    const realistic: [string, Overrides][] = [
        // The NodePort clients' overlap with the pods matters only to a NetworkPolicy that names them.
        ["a NodePort range inside the private subnets when the IdP has no NetworkPolicies", { "idp-eks:idpNetworkPolicies": false, "idp-eks:idpNodePort": 30443, "idp-eks:idpNodePortSourceRanges": ["10.10.0.0/19"] }],
        // Load balancer controller annotations, group.name: lower-case alphanumerics, '-' and '.'.
        ["an ALB group name with a dot", { "idp-eks:idpIngress": "alb", "idp-eks:idpClusterIssuer": undefined, "idp-eks:idpCertificateArn": "arn:aws:acm:us-east-1:111122223333:certificate/12345678-1234-1234-1234-123456789012", "idp-eks:idpAlbGroupName": "platform.shared-public" }],
        // The intra subnets hold only AWS-managed interfaces: a datastore there opens the port to nothing else.
        ["external datastores in the intra subnets", { "idp-eks:databaseMode": "external", "idp-eks:externalPostgresHost": "db.example.com", "idp-eks:externalRedisHost": "cache.example.com", "idp-eks:externalPostgresCidrs": ["10.10.192.0/24"], "idp-eks:externalRedisCidrs": ["10.10.196.0/24"] }],
        // apimachinery envVarNameFmt allows '.' and '-'.
        ["env names with dots and dashes", { "idp-eks:idpEnv": ["spring.profiles.active=dev", "log-level=info"] }],
        // An existing VPC is as large as AWS allows (/16 to /28), not the created plan's /20.
        ["an existing /22 VPC", { ...EXISTING_VPC_OVERRIDES, "idp-eks:vpcCidr": "10.10.0.0/22", "idp-eks:existingPublicSubnetCidrs": ["10.10.0.0/26", "10.10.0.64/26"], "idp-eks:existingPrivateSubnetCidrs": ["10.10.1.0/24", "10.10.2.0/24"], "idp-eks:existingIntraSubnetCidrs": ["10.10.3.0/28", "10.10.3.16/28"] }],
    ];
    for (const [what, overrides] of realistic) {
        it(`accepts ${what}`, () => {
            assert.doesNotThrow(() => validated(stackConfig("dev", overrides), "dev"));
        });
    }

    it("names A1 instances as the Graviton type AL2023 does not run on", () => {
        assert.throws(() => validated(stackConfig("dev", { "idp-eks:nodeInstanceTypes": ["a1.large"] }), "dev"), /"a1\.large" is a first-generation Graviton \(A1\) type, which the AL2023 node images do not support/);
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

    it("reports every value of the wrong type in one run, with the value and the form expected", () => {
        const error = problemsFor({ "idp-eks:idpReplicas": "two", "idp-eks:idpNlb": "yes", "idp-eks:nodeMinSize": "2.5", "idp-eks:nodeLabels": "workload=idp" });
        assert.deepEqual(error.problems.map((p) => p.key).sort(), ["idp-eks:idpNlb", "idp-eks:idpReplicas", "idp-eks:nodeLabels", "idp-eks:nodeMinSize"]);
        assert.match(error.message, /idp-eks:idpReplicas: "two" is not a whole number/);
        assert.match(error.message, /idp-eks:idpNlb: "yes" is not true or false/);
        assert.match(error.message, /idp-eks:nodeMinSize: "2.5" is not a whole number/);
        assert.match(error.message, /idp-eks:nodeLabels: "workload=idp" is not a list .*one "- key=value" entry per line/);
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

    // Under the CLI a `secure:` value reaches the program decrypted, and runtime.isConfigSecret (the
    // engine's PULUMI_CONFIG_SECRET_KEYS) says it was encrypted, whatever the key.
    it("never shows a value the stack stores encrypted, even of a key not declared secret, in any message", () => {
        const base = stackConfig("dev", { ...EXISTING_VPC_OVERRIDES, "idp-eks:acmeEmail": "hunter2-not-an-email", "idp-eks:vpcCidr": "10.99.0.0/16", "idp-eks:clusterName": "hunter3-cluster-with-a-name-too-long-for-iam" });
        const secretKeys = [...base.secretKeys, "idp-eks:acmeEmail", "idp-eks:vpcCidr", "idp-eks:clusterName"];
        assert.throws(() => validateConfig(base.values, "dev", secretKeys), (e: ConfigError) => {
            assert.match(e.message, /idp-eks:acmeEmail: \[secret\] is not an e-mail address/);
            // Other keys' messages quote vpcCidr and the names derived from clusterName.
            assert.match(e.message, /idp-eks:existingPublicSubnetCidrs\[0\]: "10\.10\.224\.0\/22" is not inside vpcCidr \[secret\]/);
            assert.match(e.message, /idp-eks:clusterName: \[secret\] is \d+ characters/);
            assert.doesNotMatch(e.message, /hunter2|hunter3|10\.99\.0\.0/);
            return true;
        });
    });

    it("refuses idpEnv stored encrypted, without showing it: its values would be the Deployment's plain env", () => {
        const config = stackConfig("dev", { "idp-eks:idpEnv": ["API_TOKEN=hunter2"] });
        assert.throws(() => validateConfig(config.values, "dev", [...config.secretKeys, "idp-eks:idpEnv"]), (e: ConfigError) => {
            assert.deepEqual(e.problems.map((p) => p.key), ["idp-eks:idpEnv"]);
            assert.match(e.message, /is stored encrypted, but its values become plain env vars .*put secret variables in idpSecretEnv/);
            assert.doesNotMatch(e.message, /hunter2/);
            return true;
        });
    });

    it("refuses a secret key stored in plain text, without showing it", () => {
        const config = stackConfig("dev", { "idp-eks:idpSecretEnv": ["CLIENT_SECRET=hunter2"] });
        const plain = { ...config, secretKeys: config.secretKeys.filter((k) => k !== "idp-eks:idpSecretEnv") };
        assert.throws(() => validated(plain, "dev"), (e: ConfigError) => {
            assert.deepEqual(e.problems.map((p) => p.key), ["idp-eks:idpSecretEnv"]);
            assert.match(e.message, /is a secret but is stored in plain text: set it with `pulumi config set --secret idp-eks:idpSecretEnv`/);
            assert.doesNotMatch(e.message, /hunter2/);
            return true;
        });
    });

    it("accepts a multi-Region KMS key ARN", () => {
        const arn = "arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab";
        assert.equal(validated(stackConfig("prod", { "idp-eks:secretsKmsKeyArn": arn }), "prod").secretsKmsKeyArn, arn);
    });

    it("reads the unset values Pulumi.yaml declares for optional keys as not set", () => {
        const c = validated(stackConfig("dev", { "idp-eks:idpNodePort": 0, "idp-eks:idpNodePortSourceRanges": [], "idp-eks:idpDnsNdots": -1 }), "dev");
        assert.equal(c.clusterName, "idp-dev");
        assert.equal(c.existingVpcId, undefined);
        assert.equal(c.existingPublicSubnetIds, undefined);
        assert.equal(c.idpAutoscaleMaxReplicas, undefined);
        assert.equal(c.idpNodePort, undefined);
        assert.equal(c.idpDnsNdots, undefined);
        assert.equal(validated(stackConfig("dev", { "idp-eks:idpDnsNdots": 0 }), "dev").idpDnsNdots, 0, "ndots 0 is a setting, not unset");
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

    it("names the project and the entry point (program.js, which loads index.ts)", () => {
        assert.equal(project.name, "idp-eks");
        assert.equal(project.main, "program.js");
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
            // The CLI fails a stack that leaves a `secret: true` key at a plain default, and one that
            // leaves a key with no default unset, so optional secrets cannot be declared secret:
            // the loader enforces secrecy instead (tested below).
            assert.equal(declared.secret, undefined, "no key is declared secret: true");
            assert.deepEqual(declared.default, declaredDefault(spec));
            // An empty list means "none" either way; any other unset value must not be a value the key can take.
            if (isOptional(spec) && spec.kind !== "array") {
                assert.equal(v.safeParse(spec.schema, unsetValue(spec)).success, false, `the unset value ${JSON.stringify(unsetValue(spec))} must not be a valid ${name}`);
            }
        });
    }

    it("leaves only the required keys without a default, so the CLI itself asks for them", () => {
        const required = Object.entries(project.config).filter(([, d]) => d.default === undefined).map(([k]) => k).sort();
        assert.deepEqual(required, ["acmeEmail", "idpHost", "idpImage"]);
    });

    it("lists every key in the README's configuration table with its type, default, dev and prod values and meaning", () => {
        const readme = fs.readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8");
        const stacks = ["dev", "prod"].map((stack) => (parseYaml(fs.readFileSync(path.join(PROJECT_ROOT, `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> }).config);
        const code = (value: unknown) => `\`${typeof value === "string" ? value : JSON.stringify(value)}\``;
        for (const [name, spec] of Object.entries(configKeys)) {
            const fallback = declaredDefault(spec);
            const defaultCell = fallback === undefined ? "**required**" : isOptional(spec) ? `${code(JSON.stringify(fallback))} (unset)` : code(fallback);
            const stackCells = stacks.map((c) => (`idp-eks:${name}` in c ? code(c[`idp-eks:${name}`]) : "–"));
            const row = `| \`${name}\` | ${spec.kind} | ${defaultCell} | ${stackCells.join(" | ")} | ${spec.description.replace(/\|/g, "\\|")} |`;
            assert.ok(readme.split("\n").includes(row), `README row for ${name} should read:\n${row}`);
        }
    });
});

describe("config: every problem at once, as the cloud would see it", () => {
    it("runs cross-key rules even when a single value is invalid, and reports the type error with them", () => {
        const error = problemsFor({ "idp-eks:nodeMaxSize": "many", "idp-eks:idpManagementPort": 8080, "idp-eks:kubernetesVersion": "latest" });
        const keys = error.problems.map((p) => p.key).sort();
        assert.deepEqual(keys, ["idp-eks:idpManagementPort", "idp-eks:kubernetesVersion", "idp-eks:nodeMaxSize"]);
    });

    it("leaves out a cross-key message about a value that is itself invalid (it would judge a stand-in)", () => {
        // nodeMinSize is invalid; nodeMinSize <= nodeDesiredSize is not judged against its default.
        const error = problemsFor({ "idp-eks:nodeMinSize": -1, "idp-eks:nodeDesiredSize": 1, "idp-eks:nodeMaxSize": 1 });
        assert.deepEqual(error.problems.map((p) => p.key), ["idp-eks:nodeMinSize"]);
    });

    it("names every key a rule involves", () => {
        const tls = problemsFor({ "idp-eks:certManager": false, "idp-eks:acmeSolver": "dns01", "idp-eks:route53HostedZoneId": "Z0123456789EXAMPLEZONE" });
        assert.match(tls.message, /idp-eks:idpTlsCertificate: is required for the NGINX Ingress \(idpIngress is nginx\) when certManager is false/);
        const rollout = problemsFor({ "idp-eks:idpPreStopSleepSeconds": 20, "idp-eks:lbDeregistrationDelaySeconds": 30 });
        assert.match(rollout.message, /expected lbDeregistrationDelaySeconds < idpPreStopSleepSeconds/);
    });

    it("refuses at config time a KMS key or ACM certificate outside the stack's region (EKS and ELB need them in-region)", () => {
        const error = problemsFor({
            "idp-eks:secretsKmsKeyArn": "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000000",
            "idp-eks:idpCertificateArn": "arn:aws:acm:us-west-2:111122223333:certificate/00000000-0000-0000-0000-000000000000",
        });
        assert.match(error.message, /idp-eks:secretsKmsKeyArn: "arn:aws:kms:eu-west-1:[^"]+" is in eu-west-1, not aws:region "us-east-1"/);
        assert.match(error.message, /idp-eks:idpCertificateArn: "arn:aws:acm:us-west-2:[^"]+" is in us-west-2, not aws:region "us-east-1"/);
    });

    it("refuses a request above its limit (Kubernetes ValidateResourceRequirements)", () => {
        const error = problemsFor({ "idp-eks:idpCpuRequest": "2500m", "idp-eks:idpCpuLimit": "2", "idp-eks:idpMemoryRequest": "2Gi", "idp-eks:idpMemoryLimit": "2048Mi" });
        assert.deepEqual(error.problems.map((p) => p.key), ["idp-eks:idpCpuRequest"]);
        assert.match(error.message, /"2500m" is above idpCpuLimit "2"/);
    });

    it("shows invisible and look-alike characters escaped, so the user sees what is wrong", () => {
        const error = problemsFor({ "idp-eks:idpNamespace": "idp\u200b-system", "idp-eks:monitoringNamespace": "m\u043enitoring" });
        assert.match(error.message, /"idp\\u200b-system" is not a Kubernetes name/);
        assert.match(error.message, /"m\\u043enitoring" is not a Kubernetes name/);
    });

    it("shows long numbers as written, not rounded", () => {
        const error = problemsFor({ "idp-eks:idpReplicas": "123456789012345678901" });
        assert.match(error.message, /idp-eks:idpReplicas: 123456789012345678901 is too large/);
    });

    it("says when YAML changed what the user typed, and suggests quoting", () => {
        const config = stackConfig("dev", { "idp-eks:kubernetesVersion": "1.3" });
        assert.throws(() => validateConfig(config.values, "dev", config.secretKeys, { "idp-eks:kubernetesVersion": { written: "1.30", received: "1.3" } }), (e: Error) => {
            assert.match(e.message, /idp-eks:kubernetesVersion: "1.3" is not a Kubernetes minor version .*the stack file has 1.30 unquoted, which YAML \(gopkg.in\/yaml.v3, as the Pulumi CLI reads it\) turns into "1.3"; quote it \('1.30'\)/);
            return true;
        });
    });
});
