import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadAll } from "js-yaml";
import { parseSynthArgs, runSynthCli } from "../../offline/synthCli";
import { kubernetesObjects, renderSynth, synthStack } from "../../offline/synth";
import { PROJECT_ROOT, RecordedResource } from "../../offline/mockCloud";
import { evaluateStack } from "../harness";

function fakeResource(over: Partial<RecordedResource>): RecordedResource {
    return { urn: "", type: "", name: "", custom: true, remote: false, parent: "", provider: "", dependencies: [], propertyDependencies: {}, protect: false, ignoreChanges: [], retainOnDelete: false, deleteBeforeReplace: false, aliasTypes: [], inputs: {}, ...over };
}

describe("offline synth", () => {
    let outDir: string;
    before(() => {
        outDir = fs.mkdtempSync(path.join(os.tmpdir(), "synth-"));
    });
    after(() => fs.rmSync(outDir, { recursive: true, force: true }));

    for (const stack of ["dev", "prod"]) {
        it(`${stack}: writes resources.json sorted by URN with the documented fields, byte-identical on a second run`, async () => {
            await synthStack(stack, outDir);
            const file = path.join(outDir, stack, "resources.json");
            const first = fs.readFileSync(file, "utf8");
            await synthStack(stack, outDir);
            assert.equal(fs.readFileSync(file, "utf8"), first);
            const entries = JSON.parse(first) as { urn: string; type: string; customTimeouts?: unknown }[];
            assert.deepEqual(entries.map((e) => e.urn), entries.map((e) => e.urn).sort());
            // The README's fields, in its order; the options that change what an up does only where set.
            const documented = ["urn", "type", "name", "parent", "provider", "dependencies", "protect", "ignoreChanges", "retainOnDelete", "deleteBeforeReplace", "customTimeouts", "importId", "inputs"];
            const optional = ["ignoreChanges", "retainOnDelete", "deleteBeforeReplace", "customTimeouts", "importId"];
            for (const e of entries) {
                const keys = Object.keys(e);
                assert.deepEqual(keys, documented.filter((k) => keys.includes(k)), e.urn);
                assert.deepEqual(documented.filter((k) => !optional.includes(k) && !keys.includes(k)), [], e.urn);
            }
            const deployment = entries.find((e) => e.type === "kubernetes:apps/v1:Deployment");
            assert.ok(deployment?.customTimeouts, "the Deployment's await timeout shows in the diff");
            assert.ok(fs.existsSync(path.join(outDir, stack, "manifests.yaml")));
        });
    }

    it("marks values only the cloud can know as mock placeholders", async () => {
        const files = renderSynth(await evaluateStack("prod"));
        const entries = JSON.parse(files["resources.json"]) as { type: string; inputs: Record<string, unknown> }[];
        const nodes = entries.find((e) => e.type === "aws:eks/nodeGroup:NodeGroup")!;
        assert.match(nodes.inputs.nodeRoleArn as string, /^arn:aws:iam:us-east-1:000000000000:mock\//);
        assert.match((nodes.inputs.subnetIds as string[])[0], /^mock-id-/);
    });

    it("records explicit and input dependencies as URNs", async () => {
        const files = renderSynth(await evaluateStack("dev"));
        const entries = JSON.parse(files["resources.json"]) as { type: string; name: string; urn: string; dependencies: string[] }[];
        const nodes = entries.find((e) => e.type === "aws:eks/nodeGroup:NodeGroup")!;
        const urnOf = (type: string, name: string) => entries.find((e) => e.type === type && e.name === name)!.urn;
        assert.ok(nodes.dependencies.includes(urnOf("eks:index:Cluster", "idp-dev-cluster")), "explicit dependsOn");
        assert.ok(nodes.dependencies.includes(urnOf("aws:iam/role:Role", "idp-dev-cluster-node")), "through the nodeRoleArn input");
    });

    it("writes the add-on releases with their full values, and cert-manager objects as manifests", async () => {
        const files = renderSynth(await evaluateStack("dev"));
        const entries = JSON.parse(files["resources.json"]) as { type: string; inputs: { chart?: string; values?: Record<string, unknown> } }[];
        const charts = entries.filter((e) => e.type === "kubernetes:helm.sh/v3:Release").map((e) => e.inputs.chart).sort();
        assert.deepEqual(charts, ["aws-load-balancer-controller", "ingress-nginx", "oci://quay.io/jetstack/charts/cert-manager"]);
        const lbc = entries.find((e) => e.inputs.chart === "aws-load-balancer-controller")!;
        assert.equal(lbc.inputs.values?.enableServiceMutatorWebhook, false);
        const docs = loadAll(files["manifests.yaml"]) as { kind: string; metadata: { name: string } }[];
        const issuers = docs.filter((d) => d.kind === "ClusterIssuer").map((d) => d.metadata.name);
        assert.deepEqual(issuers, ["letsencrypt-prod", "letsencrypt-staging"]);
    });

    it("renders Kubernetes objects (not Helm releases) as multi-document YAML in a stable order", () => {
        const cm = (ns: string, name: string) => fakeResource({ type: "kubernetes:core/v1:ConfigMap", inputs: { apiVersion: "v1", kind: "ConfigMap", metadata: { namespace: ns, name } } });
        const release = fakeResource({ type: "kubernetes:helm.sh/v3:Release", inputs: { chart: "x" } });
        const resources = [cm("b", "two"), release, cm("a", "one")];
        assert.equal(kubernetesObjects(resources).length, 2);
        const yaml = renderSynth({ resources, outputs: {}, warnings: [] })["manifests.yaml"];
        const docs = loadAll(yaml) as { metadata: { name: string } }[];
        assert.deepEqual(docs.map((d) => d.metadata.name), ["one", "two"]);
        assert.equal(renderSynth({ resources: [...resources].reverse(), outputs: {}, warnings: [] })["manifests.yaml"], yaml);
    });

    it("never writes a secret value", () => {
        const secretInput = fakeResource({ type: "kubernetes:core/v1:Secret", inputs: { apiVersion: "v1", kind: "Secret", stringData: { password: "[secret]" } } });
        assert.doesNotMatch(renderSynth({ resources: [secretInput], outputs: {}, warnings: [] })["manifests.yaml"], /mock-secret-value/);
    });

    it("parses `<stack>... | --all [--out DIR]` and rejects anything else", () => {
        assert.deepEqual(parseSynthArgs(["dev"]), { stacks: ["dev"], outDir: "synth" });
        assert.deepEqual(parseSynthArgs(["--out", "x", "prod"]), { stacks: ["prod"], outDir: "x" });
        assert.deepEqual(parseSynthArgs(["prod", "dev", "prod"]), { stacks: ["prod", "dev"], outDir: "synth" });
        assert.deepEqual(parseSynthArgs(["--all", "--out", "x"]), { stacks: ["dev", "prod"], outDir: "x" });
        assert.throws(() => parseSynthArgs([]), /usage: npm run synth -- <stack>\.\.\. \| --all/);
        assert.throws(() => parseSynthArgs(["--all", "dev"]), /usage/);
        assert.throws(() => parseSynthArgs(["dev", "--verbose"]), /usage/);
        assert.throws(() => parseSynthArgs(["dev", "--out"]), /--out needs a directory/);
    });

    describe("the command line", () => {
        async function run(argv: string[], root?: string) {
            let stdout = "";
            let stderr = "";
            const code = await runSynthCli(argv, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } }, root);
            return { code, stdout, stderr };
        }

        it("exits 1 on a config error, printing every problem by key and writing nothing", async () => {
            const root = fs.mkdtempSync(path.join(os.tmpdir(), "synth-project-"));
            fs.copyFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), path.join(root, "Pulumi.yaml"));
            const dev = fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.dev.yaml"), "utf8");
            fs.writeFileSync(path.join(root, "Pulumi.broken.yaml"), dev.replace("natGatewayMode: single", "natGatewayMode: multi").replace("vpcCidr: 10.10.0.0/16", "vpcCidr: 10.10.0.0/33"));
            const out = path.join(root, "out");
            const r = await run(["broken", "--out", out], root);
            assert.equal(r.code, 1, r.stderr);
            assert.match(r.stderr, /^Invalid configuration for stack "broken" \(2 problems\); no resources were registered:/);
            assert.match(r.stderr, /- idp-eks:natGatewayMode: "multi" is not one of "single", "perAz"/);
            assert.match(r.stderr, /- idp-eks:vpcCidr: "10\.10\.0\.0\/33"/);
            assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/, "a config error is a message, not a stack trace");
            assert.equal(fs.existsSync(out), false);
        });

        it("exits 0 and says what it wrote", async () => {
            const r = await run(["dev", "--out", outDir]);
            assert.equal(r.code, 0, r.stderr);
            assert.match(r.stdout, /^synth dev: \d+ resources, \d+ Kubernetes objects -> .*dev\/\n$/);
        });

        it("writes several stacks in one run, each as a run of that stack alone writes it", async () => {
            const together = path.join(outDir, "together");
            const reversed = path.join(outDir, "reversed");
            const r = await run(["dev", "prod", "--out", together]);
            assert.equal(r.code, 0, r.stderr);
            assert.match(r.stdout, /^synth dev: .*\nsynth prod: .*\n$/);
            assert.equal((await run(["prod", "dev", "--out", reversed])).code, 0);
            for (const stack of ["dev", "prod"]) {
                for (const file of fs.readdirSync(path.join(together, stack))) {
                    assert.equal(fs.readFileSync(path.join(reversed, stack, file), "utf8"), fs.readFileSync(path.join(together, stack, file), "utf8"), `${stack}/${file} depends on the stack before it`);
                }
            }
            // A fresh process running the README's command (package.json's script, with the SDK's
            // unused parts deferred) writes the same bytes as the stacks above.
            const alone = path.join(outDir, "alone");
            const [node, ...script] = (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as { scripts: { synth: string } }).scripts.synth.split(" ");
            assert.equal(node, "node");
            const child = spawnSync(process.execPath, [...script, "prod", "--out", alone], { cwd: PROJECT_ROOT, encoding: "utf8" });
            assert.equal(child.status, 0, child.stderr);
            for (const file of fs.readdirSync(path.join(together, "prod"))) {
                assert.equal(fs.readFileSync(path.join(alone, "prod", file), "utf8"), fs.readFileSync(path.join(together, "prod", file), "utf8"), `prod/${file}`);
            }
        });

        it("writes the stacks that work and exits 1 when one fails", async () => {
            const root = fs.mkdtempSync(path.join(os.tmpdir(), "synth-project-"));
            try {
                fs.copyFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), path.join(root, "Pulumi.yaml"));
                const dev = fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.dev.yaml"), "utf8");
                fs.writeFileSync(path.join(root, "Pulumi.broken.yaml"), dev.replace("vpcCidr: 10.10.0.0/16", "vpcCidr: 10.10.0.0/33"));
                fs.writeFileSync(path.join(root, "Pulumi.dev.yaml"), dev);
                const out = path.join(root, "out");
                const r = await run(["--all", "--out", out], root);
                assert.equal(r.code, 1);
                assert.match(r.stderr, /Invalid configuration for stack "broken"/);
                assert.match(r.stdout, /^synth dev: /);
                assert.equal(fs.existsSync(path.join(out, "broken")), false);
                assert.ok(fs.existsSync(path.join(out, "dev", "resources.json")));
            } finally {
                fs.rmSync(root, { recursive: true, force: true });
            }
        });

        it("exits 2 on bad usage", async () => {
            const r = await run([]);
            assert.equal(r.code, 2);
            assert.match(r.stderr, /usage: npm run synth -- <stack>\.\.\. \| --all \[--out DIR\]/);
        });
    });

    it("fails on an unknown stack, naming the known ones", async () => {
        await assert.rejects(synthStack("staging", outDir), /No stack file .*Pulumi\.staging\.yaml: known stacks are dev, prod/);
    });
});
