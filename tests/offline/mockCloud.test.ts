import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { dump, load } from "js-yaml";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { MOCK_CALLER_ARN, PROJECT_ROOT, attemptEvaluation, evaluate, readStackConfig } from "../../offline/mockCloud";
import { platformArgs, validateConfig } from "../../config";
import { IdpPlatform } from "../../components/platform";
import { LoadBalancerType, canonicalHostedZoneId } from "../../components/idp/dns";
import { CloudRuleError, RuleViolation, formatViolation } from "../../offline/rules";
import { clusterViolations } from "../../offline/rules/kubernetes";
import { stackConfig } from "../harness";

/** A project folder with the real Pulumi.yaml (or `projectFile`) and one stack file `test`. */
function project(stackConfig: Record<string, unknown>, projectFile?: string): string {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "stackconfig-"));
    fs.writeFileSync(path.join(root, "Pulumi.yaml"), projectFile ?? fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8"));
    fs.writeFileSync(path.join(root, "Pulumi.test.yaml"), dump({ config: stackConfig }));
    return root;
}

const devStack = () => (load(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> }).config;

describe("mocked cloud: stack config as the CLI hands it to the program", () => {
    it("applies Pulumi.yaml's defaults to keys the stack file leaves out, optional ones as their unset value", () => {
        const { values } = readStackConfig("dev");
        assert.equal(values["idp-eks:vpcMode"], "create");
        assert.equal(values["idp-eks:idpReadinessPath"], "/actuator/health/readiness");
        assert.equal(values["idp-eks:clusterName"], "");
        assert.equal(values["idp-eks:existingPublicSubnetIds"], "[]");
        assert.equal(values["idp-eks:idpAutoscaleMaxReplicas"], "0");
        assert.equal(values["idp-eks:vpcCidr"], "10.10.0.0/16", "the stack file's value wins over the default");
    });

    it("fails like the CLI when a declared key has neither a value nor a default, naming every such key", () => {
        const { "idp-eks:idpHost": _host, "idp-eks:idpImage": _image, ...rest } = devStack();
        assert.throws(() => readStackConfig("test", project(rest)), /^StackFileError: Stack 'test' is missing configuration values 'idpHost' and 'idpImage'$/);
    });

    it("fails like the CLI when a key declared secret would get a plain default", () => {
        const projectFile = "name: idp-eks\nruntime: nodejs\nconfig:\n  token:\n    type: string\n    secret: true\n    default: none\n";
        assert.throws(() => readStackConfig("test", project({ "aws:region": "us-east-1" }, projectFile)), /Stack 'test' with configuration key 'token' must be encrypted as it's secret/);
    });

    it("fails like the CLI on a value that does not fit its declared type, such as a list set as one secret", () => {
        assert.throws(() => readStackConfig("test", project({ ...devStack(), "idp-eks:idpSecretEnv": { secure: "v1:AAAA" } })), /Stack 'test' with configuration key 'idpSecretEnv' must be of type 'array<string>'/);
        assert.throws(() => readStackConfig("test", project({ ...devStack(), "idp-eks:idpReplicas": "two" })), /configuration key 'idpReplicas' must be of type 'integer'/);
    });

    // The CLI refuses each (workspace ValidateConfigValue, "must be of type"), one per run; the synth
    // reports them all in one run, each with its key (and entry), the value and the form expected.
    it("reports every value of the wrong type at once, with the key, entry, value and expected form", () => {
        const root = project({ ...devStack(), "idp-eks:idpReplicas": "two", "idp-eks:idpNlb": "yes", "idp-eks:nodeMinSize": 2.5, "idp-eks:idpEnv": [{ LOG_LEVEL: "debug" }, "A=1"], "idp-eks:nodeLabels": "workload=idp", "idp-eks:idpSecretEnv": [{ secure: "v1:AAAA" }, 7] });
        assert.throws(() => readStackConfig("test", root), (e: Error) => {
            assert.match(e.message, /Stack 'test' has 6 configuration values of the wrong type/);
            assert.match(e.message, /configuration key 'idpReplicas' must be of type 'integer': "two"; expected a whole number/);
            assert.match(e.message, /configuration key 'idpNlb' must be of type 'boolean': "yes"; expected true or false/);
            assert.match(e.message, /configuration key 'nodeMinSize' must be of type 'integer': 2\.5; expected a whole number/);
            assert.match(e.message, /configuration key 'idpEnv' must be of type 'array<string>': entry idp-eks:idpEnv\[0\] is \{"LOG_LEVEL":"debug"\}; expected NAME=value text \(write - LOG_LEVEL=debug\)/);
            assert.match(e.message, /configuration key 'nodeLabels' must be of type 'array<string>': "workload=idp"; expected a YAML list, one "- key=value" entry per line/);
            assert.match(e.message, /configuration key 'idpSecretEnv' must be of type 'array<string>': entry idp-eks:idpSecretEnv\[1\] is \[secret\]/);
            assert.doesNotMatch(e.message, /\b7\b/);
            return true;
        });
    });

    it("never quotes a secret key's value back in the hint for a map entry written instead of NAME=value", () => {
        const root = project({ ...devStack(), "idp-eks:idpSecretEnv": [{ DB_PASSWORD: "hunter2" }] });
        assert.throws(() => readStackConfig("test", root), (e: Error) => {
            assert.match(e.message, /entry idp-eks:idpSecretEnv\[0\] is \[secret\]; expected NAME=value text \(set it encrypted: pulumi config set --secret --path 'idp-eks:idpSecretEnv\[i\]' 'DB_PASSWORD=\.\.\.'\)/);
            assert.doesNotMatch(e.message, /hunter2/);
            return true;
        });
        // YAML reads `- DB_URL=postgres://idp:hunter2@db: 5432` as a map whose key holds the secret.
        assert.throws(() => readStackConfig("test", project({ ...devStack(), "idp-eks:idpSecretEnv": [{ "DB_URL=postgres://idp:hunter2@db": 5432 }] })), (e: Error) => {
            assert.match(e.message, /'NAME=\.\.\.'/);
            assert.doesNotMatch(e.message, /hunter2/);
            return true;
        });
    });

    it("refuses a secret list with an entry in plain text (the program cannot tell which entries were secure)", () => {
        const root = project({ ...devStack(), "idp-eks:idpSecretEnv": [{ secure: "v1:AAAA" }, "DB_PASSWORD=hunter2"] });
        assert.throws(() => readStackConfig("test", root), (e: Error) => {
            assert.match(e.message, /idp-eks:idpSecretEnv\[1\] is stored in plain text, but idp-eks:idpSecretEnv is a secret/);
            assert.doesNotMatch(e.message, /hunter2/);
            return true;
        });
    });

    it("hands an unquoted date over as Go's time.Time text, as the CLI's yaml.v3 round trip does", () => {
        // yaml.v3 resolve.go reads 2024-01-01 as a timestamp; encode.go timev writes it back as RFC 3339;
        // pulumi config/object.go unmarshalObject keeps a time.Time as v.String().
        const root = project(devStack());
        fs.appendFileSync(path.join(root, "Pulumi.test.yaml"), "  idp-eks:idpAlbGroupName: 2024-01-01\n  idp-eks:monitoringNamespace: '2024-01-01'\n");
        const { values, rewrites } = readStackConfig("test", root);
        assert.equal(values["idp-eks:idpAlbGroupName"], "2024-01-01 00:00:00 +0000 UTC");
        assert.equal(values["idp-eks:monitoringNamespace"], "2024-01-01", "a quoted value stays as written");
        assert.deepEqual(rewrites?.["idp-eks:idpAlbGroupName"], { written: "2024-01-01", received: "2024-01-01 00:00:00 +0000 UTC" });
    });

    it("reads secure: values at any depth as secrets, with stand-ins that pass the keys' rules", async () => {
        const root = project({
            ...devStack(),
            "idp-eks:idpSecretEnv": [{ secure: "v1:AAAA" }, { secure: "v1:BBBB" }],
            "idp-eks:idpTlsCertificate": { secure: "v1:CCCC" },
            "idp-eks:idpTlsPrivateKey": { secure: "v1:DDDD" },
        });
        const config = readStackConfig("test", root);
        assert.deepEqual(config.secretKeys.sort(), ["idp-eks:idpSecretEnv", "idp-eks:idpTlsCertificate", "idp-eks:idpTlsPrivateKey"]);
        const platform = validateConfig(config.values, "test", config.secretKeys);
        assert.equal(platform.idpSecretEnv?.length, 2);
        const { resources } = await evaluate({ stack: "test", config });
        const tls = resources.find((r) => r.type === "kubernetes:core/v1:Secret" && (r.inputs.type as string) === "kubernetes.io/tls");
        assert.ok(tls, "the TLS Secret is made from the secret certificate and key");
        assert.doesNotMatch(JSON.stringify(resources), /BEGIN|mock-secret-value/, "secret values never reach the recorded inputs");
    });
});

describe("mocked cloud: refuses what AWS, Kubernetes and Pulumi refuse", () => {
    /** The rule violations of a run, or a failure when it was not refused by the rules. */
    async function refusals(program: () => void, stack = "dev"): Promise<RuleViolation[]> {
        const attempt = await attemptEvaluation({ stack, config: stackConfig(stack), program });
        assert.ok(attempt.error instanceof CloudRuleError, `expected a CloudRuleError, got ${attempt.error}`);
        return [...attempt.error.violations];
    }

    for (const stack of ["dev", "prod"]) {
        it(`${stack}: the shipped stack passes every rule`, async () => {
            const attempt = await attemptEvaluation({ stack });
            assert.equal(attempt.error, undefined, String(attempt.error));
        });
    }

    it("names the resource, property, value, rule and source of each refusal, all at once", async () => {
        const violations = await refusals(() => {
            new aws.iam.Role("r".repeat(60), { assumeRolePolicy: "{}" });
            new aws.ec2.Vpc("v", { cidrBlock: "10.0.0.0/16", tags: { "aws:team": "x" } });
        });
        assert.equal(violations.length, 2);
        const [role] = violations.filter((v) => v.resource.includes("aws:iam/role:Role"));
        assert.equal(role.property, "name (auto-named)");
        assert.match(role.value, /r{60}-x{7}/);
        assert.match(role.rule, /at most 64 characters; this one is 68/);
        assert.match(role.source, /IAM API Reference, CreateRole/);
        assert.match(formatViolation(role), /^urn:pulumi:dev::idp-eks::.*aws:iam\/role:Role::r+: name \(auto-named\) = .*: .* \[IAM API Reference/);
    });

    it("evaluates pod templates against Pod Security Admission in their namespace", async () => {
        const violations = await refusals(() => {
            new k8s.core.v1.Namespace("ns", { metadata: { name: "strict", labels: { "pod-security.kubernetes.io/enforce": "restricted" } } });
            new k8s.apps.v1.Deployment("d", { metadata: { name: "d", namespace: "strict" }, spec: { selector: { matchLabels: { a: "b" } }, template: { metadata: { labels: { a: "b" } }, spec: { containers: [{ name: "c", image: "x:1" }] } } } });
        });
        assert.match(violations[0].rule, /namespace strict enforces restricted: violates PodSecurity "restricted:latest"/);
    });

    it("refuses a .get of an object a Helm release of the same run creates", async () => {
        const violations = await refusals(() => {
            new k8s.helm.v3.Release("nginx", { name: "ingress-nginx", chart: "ingress-nginx", namespace: "ingress-nginx" });
            k8s.core.v1.Service.get("controller", "ingress-nginx/ingress-nginx-controller");
        });
        assert.match(violations[0].rule, /which Helm release .* of this run creates/);
    });

    it("refuses an access entry for the deployer, whom @pulumi/eks already made admin (pulumi/pulumi-eks#2373)", async () => {
        // The program itself leaves the deployer out (components/cluster/accessEntries.ts); an entry
        // added beside it, as a user's own code might, is what EKS refuses.
        const config = stackConfig("prod");
        const platform = validateConfig(config.values, "prod", config.secretKeys);
        const violations = await refusals(() => {
            new IdpPlatform("idp-prod", platformArgs(platform));
            new aws.eks.AccessEntry("deployer-again", { clusterName: "idp-prod", principalArn: MOCK_CALLER_ARN });
        }, "prod");
        assert.ok(violations.some((v) => /already has an access entry for this principal \(the deploying identity's implicit entry/.test(v.rule)), violations.map(formatViolation).join("\n"));
    });

    it("refuses clusterName-derived names beyond AWS's limits even when config validation is bypassed", async () => {
        const config = stackConfig("prod");
        const platform = validateConfig(config.values, "prod", config.secretKeys);
        const long = "c".repeat(46);
        const violations = await refusals(() => new IdpPlatform(long, platformArgs({ ...platform, clusterName: long })), "prod");
        assert.ok(violations.some((v) => /eksRole-role/.test(v.property + v.value) && /at most 64/.test(v.rule)), violations.map(formatViolation).join("\n"));
    });

    it("hands over an unquoted 1.30 as 1.3, and the config error says so and suggests quoting", async () => {
        const root = project({ ...devStack(), "idp-eks:kubernetesVersion": "1.30" });
        fs.writeFileSync(path.join(root, "Pulumi.test.yaml"), fs.readFileSync(path.join(root, "Pulumi.test.yaml"), "utf8").replace("'1.30'", "1.30"));
        const config = readStackConfig("test", root);
        assert.equal(config.values["idp-eks:kubernetesVersion"], "1.3");
        const attempt = await attemptEvaluation({ stack: "test", config });
        assert.match(String(attempt.error), /idp-eks:kubernetesVersion: "1.3" is not a Kubernetes minor version.*the stack file has 1.30 unquoted.*quote it \('1.30'\)/);
    });

    it("reads idpReplicas: 3.0 as 3 and True as true, as the CLI hands them over", () => {
        const { "idp-eks:idpReplicas": _replicas, ...rest } = devStack();
        const root = project(rest);
        fs.appendFileSync(path.join(root, "Pulumi.test.yaml"), "  idp-eks:idpReplicas: 3.0\n  idp-eks:idpNlb: True\n");
        const { values } = readStackConfig("test", root);
        assert.equal(values["idp-eks:idpReplicas"], "3");
        assert.equal(values["idp-eks:idpNlb"], "true");
    });
});

describe("mocked cloud: Pod Security Admission on the shipped IdP", () => {
    for (const stack of ["dev", "prod"]) {
        it(`${stack}: the IdP namespace enforces restricted, its pods pass, and the same pod without its securityContext is refused`, async () => {
            const { resources } = await evaluate({ stack });
            // eslint-disable-next-line @typescript-eslint/no-explicit-any
            const inputs = (r: { inputs: unknown }) => r.inputs as any;
            const deployment = resources.find((r) => r.type === "kubernetes:apps/v1:Deployment" && inputs(r).metadata.name === "idp-server")!;
            assert.ok(deployment, "the IdP Deployment");
            const ns = resources.find((r) => r.type === "kubernetes:core/v1:Namespace" && inputs(r).metadata.name === inputs(deployment).metadata.namespace)!;
            assert.equal(inputs(ns).metadata.labels?.["pod-security.kubernetes.io/enforce"], "restricted", "its namespace enforces restricted");
            assert.deepEqual(clusterViolations(resources), []);
            const broken = JSON.parse(JSON.stringify(deployment));
            delete broken.inputs.spec.template.spec.securityContext;
            const violations = clusterViolations(resources.map((r) => (r === deployment ? broken : r)));
            assert.equal(violations.length, 1);
            assert.match(violations[0].rule, /runAsNonRoot != true|seccompProfile/);
        });
    }
});

describe("mocked cloud: load balancer hosted zones", () => {
    it("accepts an alias to an NLB in the NLB zone of its region and refuses one in the ALB zone", async () => {
        const aliasToNlbIn = (zoneOf: LoadBalancerType) => attemptEvaluation({
            stack: "dev",
            config: stackConfig("dev"),
            program: () => {
                const zoneId = canonicalHostedZoneId(zoneOf, "us-east-1");
                new aws.route53.Record("apex", { zoneId: "Z1", name: "example.com", type: "A", aliases: [{ name: "k8s-idp-0123456789.elb.us-east-1.amazonaws.com", zoneId, evaluateTargetHealth: true }] });
            },
        });
        const attempt = await aliasToNlbIn(LoadBalancerType.Network);
        assert.equal(attempt.error, undefined, String(attempt.error));
        const wrong = await aliasToNlbIn(LoadBalancerType.Application);
        assert.match(String(wrong.error), /must carry that load balancer's canonical hosted zone Z26RNL4JYFTOTI/);
    });
});
