// Loads the program the way `pulumi preview`/`up` do, then evaluates it under the mocked cloud: the
// benchmark's measure of what a preview costs before the engine. Pulumi's Node runtime
// (@pulumi/pulumi cmd/run/run.js) registers ts-node only when Pulumi.yaml's runtime option
// `typescript` is on (reading the tsconfig's own compilerOptions, without `extends`, for noCheck),
// then requires Pulumi.yaml's `main` and calls the function it exports. Plain JS, like run.js.
//   node offline/pulumiRuntime.js <stack> [--ts-node]
// `--ts-node` loads index.ts as Pulumi's default TypeScript set-up would, with ts-node
// transpile-only (PULUMI_NODEJS_TRANSPILE_ONLY=true, the cheapest that set-up gets), for comparison.
// Prints {"maxRssKb": N, "resources": N}.
"use strict";
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");

/** Pulumi.yaml's runtime options and main, as the language host reads them. */
function projectRuntime(root = ROOT) {
    const { load } = require("js-yaml");
    const project = load(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8"));
    const options = typeof project.runtime === "object" ? project.runtime.options ?? {} : {};
    return { typescript: options.typescript !== false, tsconfig: options.tsconfig, main: project.main ?? "." };
}

/** What run.js does before it requires the program: ts-node, configured as run.js configures it. */
function registerTsNodeLikePulumi(root, tsconfigOption) {
    const tsconfig = path.join(root, tsconfigOption ?? "tsconfig.json");
    const compilerOptions = require("@pulumi/pulumi/tsutils").loadTypeScriptCompilerOptions(tsconfig);
    const env = process.env.PULUMI_NODEJS_TRANSPILE_ONLY;
    require("ts-node").register({
        compiler: "typescript",
        transpileOnly: env ? env === "true" : compilerOptions.noCheck,
        project: tsconfig,
        skipProject: !fs.existsSync(tsconfig),
        compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true", ...compilerOptions },
    });
}

/** Requires the program as run.js does; returns what it exports. */
function loadProgramLikePulumi(root = ROOT, { tsNode = false } = {}) {
    const runtime = tsNode ? { typescript: true, main: "index.ts" } : projectRuntime(root);
    if (runtime.typescript) registerTsNodeLikePulumi(root, runtime.tsconfig);
    return require(path.join(root, runtime.main));
}

if (require.main === module) {
    const tsNode = process.argv.includes("--ts-node");
    if (tsNode) process.env.PULUMI_NODEJS_TRANSPILE_ONLY = "true";
    const stack = process.argv.slice(2).find((a) => !a.startsWith("--")) ?? "dev";
    const programExport = loadProgramLikePulumi(ROOT, { tsNode });
    // The mocked cloud is not part of a preview: loaded after the program, through what loaded it.
    const { evaluate } = require("./mockCloud.ts");
    evaluate({ stack, program: typeof programExport === "function" ? programExport : () => programExport }).then((e) => {
        console.log(JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS, resources: e.resources.length }));
    });
}
