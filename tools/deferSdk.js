// Defers the parts of @pulumi/pulumi an offline run never calls, for `npm run synth`, netpol,
// synth-diff and the bench: `node -r ./tools/tsLoader.js -r ./tools/deferSdk.js file.ts`.
// `require("@pulumi/pulumi")` loads the whole SDK eagerly, and three of its branches are costly and
// unused by a program evaluated under the mocks (about 250 ms of a 900 ms synth, measured on Node 24):
// - closure serialization's parser requires the TypeScript compiler (9 MB of JS) through
//   typescript-shim; upstream already avoids that import elsewhere for this reason (pulumi/pulumi#10185,
//   "Importing runtime directly considered harmful because it imports typescript indirectly");
// - runtime/closure/codePaths requires npm's @npmcli/arborist and normalize-package-data, used only
//   to package a serialized function's dependencies;
// - the Automation API (automation/index), which a Pulumi program never calls on itself.
// Each stands in as a proxy that loads the real module on first use, so a run that does use one
// (a serialized callback, say) behaves as before, only paying the load at that point.
// tests/tools/deferSdk.test.ts holds each entry's shape against the installed SDK.
// Not used by program.js: under `pulumi preview`/`up`, the language host has loaded the SDK already.
"use strict";
const Module = require("module");
const path = require("path");

const SDK = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [path.resolve(__dirname, "..")] }));

/**
 * What stands in for each module until it is used. `requestedAs`: the last part of the name its
 * importers require it by. `esModule`: the module's own `__esModule` (what TypeScript's import
 * helpers ask without using anything). `functions`: exports its importer reads while it loads
 * (runtime/index copies computeCodePaths); each is a wrapper that loads the module when called.
 */
const DEFERRED = [
    { file: "typescript-shim.js", requestedAs: "typescript-shim", esModule: false, functions: [] },
    { file: "runtime/closure/codePaths.js", requestedAs: "codePaths", esModule: true, functions: ["computeCodePaths"] },
    { file: "automation/index.js", requestedAs: "automation", esModule: true, functions: [] },
].map((d) => ({ ...d, filename: path.join(SDK, d.file) }));

/** A stand-in for the module `spec` names that loads it with `load` on first use. */
function deferredModule(spec, load) {
    let real;
    const target = () => (real ??= load());
    const wrappers = new Map(spec.functions.map((name) => [name, (...args) => target()[name](...args)]));
    const get = (_, key) => {
        if (real === undefined && key === "__esModule") return spec.esModule;
        if (real === undefined && wrappers.has(key)) return wrappers.get(key);
        return target()[key];
    };
    return new Proxy(
        {},
        {
            get,
            has: (_, key) => key in target(),
            ownKeys: () => Reflect.ownKeys(target()),
            // The proxy's own target is empty, so what it reports must stay configurable.
            getOwnPropertyDescriptor: (_, key) => {
                const d = Reflect.getOwnPropertyDescriptor(target(), key);
                return d && { ...d, configurable: true };
            },
            set: (_, key, value) => Reflect.set(target(), key, value),
            defineProperty: (_, key, d) => Reflect.defineProperty(target(), key, d),
            deleteProperty: (_, key) => Reflect.deleteProperty(target(), key),
        },
    );
}

const standIns = new Map();
const requestedAs = new Set(DEFERRED.map((d) => d.requestedAs));
const originalLoad = Module._load;
Module._load = function (request, parent, isMain) {
    // Only a request ending in a deferred module's name is resolved here (a second time).
    if (parent && requestedAs.has(path.basename(request, ".js"))) {
        const filename = Module._resolveFilename(request, parent, isMain);
        const spec = DEFERRED.find((d) => d.filename === filename);
        if (spec && !Module._cache[filename]) {
            if (!standIns.has(filename)) standIns.set(filename, deferredModule(spec, () => originalLoad.call(Module, filename, parent, false)));
            return standIns.get(filename);
        }
    }
    return originalLoad.apply(this, arguments);
};

module.exports = { DEFERRED };
