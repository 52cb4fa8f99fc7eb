import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { dump, load } from "js-yaml";
import { PROJECT_ROOT, evaluate, readStackConfig } from "../../offline/mockCloud";
import { validateConfig } from "../../config";

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
