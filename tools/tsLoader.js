// Runs the TypeScript sources as they are, with no build: `node -r ./tools/tsLoader.js file.ts`
// (npm run synth, bench, netpol, synth-diff) and program.js (pulumi preview/up). Each .ts file is
// transpiled alone (no type-check: `npm test` runs tsc for that) with tsconfig.json's options, and
// the output is cached under node_modules/.cache by a hash of the file, the tsconfig and the
// compiler version. A run with nothing changed loads no compiler at all; an edit costs the
// transpile of the files it touches. Node's on-disk compile cache (22.1+) also keeps the bytecode
// of the SDK's large modules between runs. Plain JS, so that it needs no build itself.
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const Module = require("module");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const CACHE = path.join(ROOT, "node_modules", ".cache", "idp-eks");
const TS_CACHE = path.join(CACHE, "ts");

if (typeof Module.enableCompileCache === "function" && !process.env.IDP_EKS_NO_COMPILE_CACHE) {
    Module.enableCompileCache(path.join(CACHE, "v8"));
}
// Stack traces name .ts lines, through the inline source maps below; only the project's own maps
// are read (Node 22.14+), since reading every SDK module's map costs more than the synth itself.
if (typeof Module.setSourceMapsSupport === "function") Module.setSourceMapsSupport(true, { nodeModules: false, generatedCode: false });

const tsconfigPath = path.join(ROOT, "tsconfig.json");
// Anything that changes the emit changes every key: the compiler's version and the tsconfig.
const salt = [
    JSON.parse(fs.readFileSync(require.resolve("typescript/package.json", { paths: [ROOT] }), "utf8")).version,
    fs.readFileSync(tsconfigPath, "utf8"),
    "2", // this file's emit settings
].join("\0");

let compilerOptions;
/** tsconfig.json's options as transpileModule takes them; the compiler loads only on a cache miss. */
function transpile(source, filename) {
    const ts = require(require.resolve("typescript", { paths: [ROOT] }));
    if (!compilerOptions) {
        const { config } = ts.readConfigFile(tsconfigPath, ts.sys.readFile);
        compilerOptions = ts.parseJsonConfigFileContent(config, ts.sys, ROOT).options;
        // Maps inline and beside their source (no outDir), so stack traces name the .ts file itself.
        Object.assign(compilerOptions, { sourceMap: false, inlineSourceMap: true, inlineSources: false, declaration: false, noEmit: false, outDir: undefined, rootDir: undefined });
    }
    return ts.transpileModule(source, { compilerOptions, fileName: filename, reportDiagnostics: false }).outputText;
}

function load(module, filename) {
    const source = fs.readFileSync(filename, "utf8");
    const key = crypto.createHash("sha256").update(salt).update("\0").update(filename).update("\0").update(source).digest("hex");
    const cached = path.join(TS_CACHE, `${key}.js`);
    let code;
    try {
        code = fs.readFileSync(cached, "utf8");
    } catch {
        code = transpile(source, filename);
        fs.mkdirSync(TS_CACHE, { recursive: true });
        // Write then rename, so a concurrent run never reads half a file.
        const tmp = `${cached}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, code);
        fs.renameSync(tmp, cached);
    }
    module._compile(code, filename);
}

const previous = Module._extensions[".ts"];
Module._extensions[".ts"] = (module, filename) => {
    if (filename.startsWith(ROOT + path.sep) && !filename.includes(`${path.sep}node_modules${path.sep}`)) return load(module, filename);
    if (previous) return previous(module, filename);
    throw new Error(`tools/tsLoader.js: no loader for ${filename}`);
};
