import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../../offline/mockCloud";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DEFERRED } = require("../../tools/deferSdk.js") as { DEFERRED: { file: string; filename: string; esModule: boolean; functions: string[] }[] };

/** Runs `script` in a fresh node with the SDK and providers loaded, prints its JSON result. */
function child(script: string, deferred: boolean): Record<string, unknown> {
    const args = ["-r", "./tools/tsLoader.js", ...(deferred ? ["-r", "./tools/deferSdk.js"] : []), "-e", script];
    const r = spawnSync(process.execPath, args, { cwd: PROJECT_ROOT, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

const LOAD_SDK = `const pulumi = require("@pulumi/pulumi"); require("@pulumi/aws"); require("@pulumi/kubernetes"); require("@pulumi/eks");
const loaded = (re) => Object.keys(require.cache).some((f) => re.test(f));
const heavy = () => ({ typescript: loaded(/node_modules\\/typescript\\/lib\\/typescript\\.js$/), arborist: loaded(/@npmcli\\/arborist\\//), automation: loaded(/@pulumi\\/pulumi\\/automation\\/index\\.js$/) });`;

describe("tools/deferSdk.js", () => {
    it("names modules the installed SDK has, each with the __esModule and function exports the stand-in answers for", () => {
        for (const d of DEFERRED) {
            assert.ok(fs.existsSync(d.filename), `${d.file} is not in the installed @pulumi/pulumi`);
            // eslint-disable-next-line @typescript-eslint/no-require-imports
            const real = require(d.filename) as Record<string, unknown>;
            assert.equal(Boolean(real.__esModule), d.esModule, `${d.file}: __esModule`);
            for (const name of d.functions) assert.equal(typeof real[name], "function", `${d.file}: ${name}`);
        }
    });

    it("loading the SDK and providers under it loads neither the TypeScript compiler, npm's arborist nor the Automation API (all three load without it)", function () {
        this.timeout(60_000);
        const script = `${LOAD_SDK} console.log(JSON.stringify(heavy()));`;
        assert.deepEqual(child(script, false), { typescript: true, arborist: true, automation: true }, "the SDK no longer loads these eagerly: deferSdk.js is not needed");
        assert.deepEqual(child(script, true), { typescript: false, arborist: false, automation: false });
    });

    it("a deferred module loads and works when it is used: closure serialization, code paths and the Automation API", function () {
        this.timeout(60_000);
        const script = `${LOAD_SDK}
(async () => {
    const fn = await pulumi.runtime.serializeFunction(() => 42);
    const paths = await pulumi.runtime.computeCodePaths({ extraExcludePackages: ["@pulumi/aws", "@pulumi/kubernetes", "@pulumi/eks", "@pulumi/pulumi"] });
    console.log(JSON.stringify({ closure: fn.text.includes("42"), codePaths: paths instanceof Map, automationApi: typeof pulumi.automation.LocalWorkspace.create, ...heavy() }));
})();`;
        assert.deepEqual(child(script, true), { closure: true, codePaths: true, automationApi: "function", typescript: true, arborist: true, automation: true });
    });

    it("stands in for the offline commands that evaluate the program, and not for program.js (the language host has loaded the SDK by then)", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
        for (const script of ["synth", "netpol", "synth-diff"]) assert.match(pkg.scripts[script], /^node -r \.\/tools\/tsLoader\.js -r \.\/tools\/deferSdk\.js /, script);
        assert.doesNotMatch(fs.readFileSync(path.join(PROJECT_ROOT, "program.js"), "utf8"), /deferSdk/);
    });
});
