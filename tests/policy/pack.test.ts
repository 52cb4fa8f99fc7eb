import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../../offline/mockCloud";

const POLICY = path.join(PROJECT_ROOT, "policy");

// What @pulumi/pulumi's cmd/run-policy-pack (the policy runtime behind `--policy-pack`) does before
// it requires the pack: register ts-node with typeCheck: true (always; run-policy-pack/index.js turns
// TypeScript on for every runtime but Bun), reading the pack folder's tsconfig.json if it has one.
// Then it requires the pack folder, which resolves package.json's main. Each file that reaches
// ts-node is counted: those are the ones the runtime type-checks on every preview.
const RUN_POLICY_PACK = `
const fs = require("fs");
process.chdir(${JSON.stringify(POLICY)});
const tsutils = require("@pulumi/pulumi/tsutils");
const compilerOptions = tsutils.loadTypeScriptCompilerOptions("tsconfig.json");
require("ts-node").register({ typeCheck: true, skipProject: !fs.existsSync("tsconfig.json"), compiler: require.resolve("typescript"),
    compilerOptions: { target: "ES2020", module: "nodenext", moduleResolution: "nodenext", sourceMap: "true", ...compilerOptions } });
const tsNode = require.extensions[".ts"];
const checked = [];
require.extensions[".ts"] = (m, filename) => { checked.push(filename); return tsNode(m, filename); };
require(process.cwd());
const loaded = Object.keys(require.cache).filter((f) => f.startsWith(process.cwd()));
console.log(JSON.stringify({ checked, loaded }));
process.exit(0); // the PolicyPack waits for the engine
`;

describe("policy pack: runs under the policy runtime without a type-check", () => {
    it("the runtime loads policy/index.ts and policies.ts, and none reaches its type-checking ts-node", function () {
        this.timeout(60_000);
        const r = spawnSync(process.execPath, ["-e", RUN_POLICY_PACK], { cwd: PROJECT_ROOT, encoding: "utf8" });
        assert.equal(r.status, 0, r.stderr);
        const { checked, loaded } = JSON.parse(r.stdout.trim().split("\n").pop()!) as { checked: string[]; loaded: string[] };
        assert.deepEqual(checked, [], "files the policy runtime would type-check on every preview");
        for (const file of ["index.ts", "policies.ts"]) assert.ok(loaded.includes(path.join(POLICY, file)), `${file} was not loaded`);
    });

    it("type errors in policy/ still fail `npm test`: tsconfig.json includes it", () => {
        const tsconfig = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "tsconfig.json"), "utf8")) as { include: string[] };
        assert.ok(tsconfig.include.includes("policy/**/*.ts"));
    });
});
