import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { load as parseYaml } from "js-yaml";
import { PROJECT_ROOT } from "../offline/mockCloud";

const node = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(process.execPath, args, { cwd: PROJECT_ROOT, encoding: "utf8", env: { ...process.env, ...env } });

/** A scratch folder inside the project (the loader serves only the project's own files). */
function scratch(): string {
    const dir = path.join(PROJECT_ROOT, "tmp", `toolchain-${process.pid}-${Math.random().toString(36).slice(2)}`);
    fs.mkdirSync(dir, { recursive: true });
    return dir;
}

describe("toolchain: preview and up", () => {
    const project = parseYaml(fs.readFileSync(path.join(PROJECT_ROOT, "Pulumi.yaml"), "utf8")) as { main: string; runtime: { name: string; options: Record<string, unknown> } };

    it("run program.js with the runtime's TypeScript support off, so no preview or up loads ts-node or type-checks", () => {
        assert.equal(project.runtime.name, "nodejs");
        assert.equal(project.runtime.options.typescript, false);
        assert.equal(project.main, "program.js");
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        assert.equal(require(path.join(PROJECT_ROOT, project.main)), require(path.join(PROJECT_ROOT, "index.ts")), "program.js exports index.ts's program");
    });

    it("evaluate the program loaded as Pulumi's runtime loads it (offline/pulumiRuntime.js) under the mocked cloud", () => {
        const r = node(["offline/pulumiRuntime.js", "dev"]);
        assert.equal(r.status, 0, r.stderr);
        assert.ok(JSON.parse(r.stdout.trim().split("\n").pop()!).resources > 50);
    });
});

describe("toolchain: type errors", () => {
    it("fail `npm run typecheck` (and so `npm test`), while the loader runs the file without a check", function () {
        this.timeout(120000);
        const dir = scratch();
        try {
            fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ extends: "../../tsconfig.json", include: ["*.ts"] }));
            fs.writeFileSync(path.join(dir, "bad.ts"), "const replicas: number = \"three\";\nconsole.log(`ran ${replicas}`);\n");
            const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
            assert.match(pkg.scripts.test, /^npm run -s typecheck && /);
            const [tsc, ...args] = pkg.scripts.typecheck.split(" ");
            assert.equal(tsc, "tsc");
            const project = args.indexOf("-p") + 1;
            assert.equal(args[project], "tsconfig.json");
            args[project] = path.join(dir, "tsconfig.json");
            const check = node([path.join(PROJECT_ROOT, "node_modules/typescript/bin/tsc"), ...args]);
            assert.notEqual(check.status, 0);
            assert.match(check.stdout, /bad\.ts\(1,7\): error TS2322: Type 'string' is not assignable to type 'number'/);
            const run = node(["-r", "./tools/tsLoader.js", path.join(dir, "bad.ts")]);
            assert.equal(run.status, 0, run.stderr);
            assert.equal(run.stdout, "ran three\n");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("toolchain: the loader (tools/tsLoader.js)", () => {
    it("transpiles a file once: a second run loads no compiler, and an edit transpiles again", function () {
        this.timeout(60000);
        const dir = scratch();
        try {
            const file = path.join(dir, "probe.ts");
            // Prints whether this process loaded the TypeScript compiler.
            const probe = (n: number) => `const n: number = ${n};\nconsole.log(n, Object.keys(require.cache).some((k) => k.includes("/node_modules/typescript/")));\n`;
            const run = () => {
                const r = node(["-r", "./tools/tsLoader.js", file]);
                assert.equal(r.status, 0, r.stderr);
                return r.stdout.trim();
            };
            fs.writeFileSync(file, probe(1));
            assert.equal(run(), "1 true");
            assert.equal(run(), "1 false");
            fs.writeFileSync(file, probe(2));
            assert.equal(run(), "2 true");
            assert.equal(run(), "2 false");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("names .ts lines in stack traces", () => {
        const dir = scratch();
        try {
            const file = path.join(dir, "boom.ts");
            fs.writeFileSync(file, "interface Shape {\n    sides: number;\n}\nconst shape: Shape = { sides: 3 };\nif (shape.sides === 3) throw new Error(\"boom\");\n");
            const r = node(["-r", "./tools/tsLoader.js", file]);
            assert.notEqual(r.status, 0);
            assert.match(r.stderr, /boom\.ts:5\b/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("toolchain: imports run one way", () => {
    const sources = (dir: string): string[] => fs.readdirSync(path.join(PROJECT_ROOT, dir), { recursive: true, encoding: "utf8" })
        .filter((f) => f.endsWith(".ts"))
        .map((f) => path.join(dir, f));

    it("the offline tools, config and components never import the command lines in cli/", () => {
        const offenders = ["offline", "config", "components"].flatMap(sources)
            .filter((f) => /from\s+["'][./]*\/cli\/|require\(["'][./]*\/cli\//.test(fs.readFileSync(path.join(PROJECT_ROOT, f), "utf8")));
        assert.deepEqual(offenders, []);
    });

    // The program (what `pulumi up` runs and the component package ships) stands on its own: the
    // offline tooling imports it, never the other way round.
    const PROGRAM = ["index.ts", "program.js", "config", "components"];
    const FORBIDDEN = ["offline", "cli", "tests"];
    const programFiles = (): string[] => PROGRAM.flatMap((entry) =>
        fs.statSync(path.join(PROJECT_ROOT, entry)).isDirectory()
            ? fs.readdirSync(path.join(PROJECT_ROOT, entry), { recursive: true, encoding: "utf8" }).filter((f) => /\.(ts|js|cjs|mjs)$/.test(f)).map((f) => path.join(entry, f))
            : [entry]);
    /** Relative module specifiers of a source (import/export ... from, side-effect import, import(), require()) that land in a forbidden folder. */
    const forbiddenImports = (file: string, text: string): string[] =>
        [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)["'`]([^"'`]+)["'`]/gm)]
            .map((m) => m[1])
            .filter((spec) => spec.startsWith(".") || path.isAbsolute(spec))
            .filter((spec) => FORBIDDEN.includes(path.relative(PROJECT_ROOT, path.resolve(PROJECT_ROOT, path.dirname(file), spec)).split(path.sep)[0]))
            .map((spec) => `${file}: ${spec}`);

    it("the program (index.ts, program.js, config/, components/) never imports offline/, cli/ or tests/", () => {
        const files = programFiles();
        assert.ok(files.includes(path.join("config", "loadConfig.ts")) && files.includes("index.ts") && files.includes("program.js"), "the program's sources were found");
        const offenders = files.flatMap((f) => forbiddenImports(f, fs.readFileSync(path.join(PROJECT_ROOT, f), "utf8")));
        assert.deepEqual(offenders, []);
    });

    it("that check fails on each way a program file could import the offline tooling, the command lines or the tests", () => {
        const planted = [
            'import pricing from "../offline/pricing.json";',
            "import { escapeText, showValue } from '../offline/rules/types';",
            'import {\n    parseArn,\n} from "../offline/rules/aws";',
            'export { Rewrite } from "../offline/rules/pulumi";',
            'import "../cli/netpol";',
            'const { evaluate } = await import("../offline/mockCloud");',
            'const harness = require("../tests/harness");',
        ];
        for (const line of planted) assert.equal(forbiddenImports(path.join("config", "loadConfig.ts"), line).length, 1, line);
        assert.deepEqual(forbiddenImports("index.ts", 'import pricing from "./offline/pricing.json";'), ['index.ts: ./offline/pricing.json']);
        assert.deepEqual(forbiddenImports(path.join("components", "cluster", "versions.ts"), 'import { x } from "../../tests/harness";'), [`${path.join("components", "cluster", "versions.ts")}: ../../tests/harness`]);
        // Not offenders: the program's own modules, even named alike, and packages.
        const fine = ['import { showValue } from "./values";', 'import data from "./offline-data.json";', 'import * as pulumi from "@pulumi/pulumi";', 'import { cidr } from "../components/network/cidr";', "// the mocked cloud (offline/rules/aws.ts) enforces the same limits"];
        for (const line of fine) assert.deepEqual(forbiddenImports(path.join("config", "loadConfig.ts"), line), [], line);
    });
});
