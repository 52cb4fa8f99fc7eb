// Copies a Helm chart's source at one upstream commit into tests/data/charts/<name>/ and records
// it in tests/data/charts/sources.json (repository, tag, commit, path, sha256 of every file), the
// way components/addons/gatewayApi/crds/ keeps its CRDs. Only what `helm template` reads is kept:
// Chart.yaml, values.yaml, values.schema.json, .helmignore and templates/ (minus `--omit` files);
// docs, unit tests, CI values and crds/ (not rendered by `helm template`) stay upstream.
//
//   node tools/vendorChart.js --git <local clone or mirror> --source https://github.com/<owner>/<repo> \
//     --commit <40 hex> [--tag <tag>] --path <chart dir in the repo> --name <chart> --version <chart version> \
//     [--omit <regexp on the file path>] [--release-set key=value ...] [--note <how the commit was chosen>]
//
// `--release-set` records fields the upstream release fills into Chart.yaml at release time
// (cert-manager's repo holds `version: v0.0.0`); the renderer applies them to a copy, so every
// kept file stays byte for byte upstream's.
"use strict";
const { execFileSync } = require("child_process");
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const ROOT = path.resolve(__dirname, "..");
const CHARTS = path.join(ROOT, "tests", "data", "charts");

function parseArgs(argv) {
    const args = { releaseSet: {} };
    for (let i = 0; i < argv.length; i += 2) {
        const [key, value] = [argv[i], argv[i + 1]];
        if (value === undefined) throw new Error(`${key} needs a value`);
        if (key === "--release-set") {
            const [k, ...v] = value.split("=");
            args.releaseSet[k] = v.join("=");
        } else args[key.replace(/^--/, "")] = value;
    }
    for (const k of ["git", "source", "commit", "path", "name", "version"]) if (!args[k]) throw new Error(`--${k} is required`);
    if (!/^[0-9a-f]{40}$/.test(args.commit)) throw new Error("--commit must be 40 hex digits");
    return args;
}

const KEPT = /^(Chart\.yaml|values\.yaml|values\.schema\.json|\.helmignore|templates\/.+)$/;

function main() {
    const a = parseArgs(process.argv.slice(2));
    const git = (...cmd) => execFileSync("git", ["--git-dir", a.git, ...cmd], { maxBuffer: 64 << 20 });
    const listing = git("ls-tree", "-r", "--name-only", a.commit, `${a.path}/`).toString().trim().split("\n");
    const omit = a.omit ? new RegExp(a.omit) : undefined;
    const files = [];
    const omitted = [];
    const dest = path.join(CHARTS, a.name);
    fs.rmSync(dest, { recursive: true, force: true });
    for (const full of listing) {
        const rel = full.slice(a.path.length + 1);
        if (!KEPT.test(rel)) continue;
        if (omit && omit.test(rel)) {
            omitted.push(rel);
            continue;
        }
        const bytes = git("show", `${a.commit}:${full}`);
        fs.mkdirSync(path.dirname(path.join(dest, rel)), { recursive: true });
        fs.writeFileSync(path.join(dest, rel), bytes);
        files.push({ name: rel, sha256: crypto.createHash("sha256").update(bytes).digest("hex") });
    }
    const sourcesFile = path.join(CHARTS, "sources.json");
    const sources = fs.existsSync(sourcesFile) ? JSON.parse(fs.readFileSync(sourcesFile, "utf8")) : {};
    sources[a.name] = {
        version: a.version,
        source: a.source,
        ...(a.tag ? { tag: a.tag } : {}),
        commit: a.commit,
        ...(a.note ? { note: a.note } : {}),
        path: a.path,
        ...(Object.keys(a.releaseSet).length ? { releaseSet: a.releaseSet } : {}),
        ...(omitted.length ? { omitted } : {}),
        files: files.sort((x, y) => (x.name < y.name ? -1 : 1)),
    };
    fs.writeFileSync(sourcesFile, JSON.stringify(sources, null, 2) + "\n");
    console.log(`${a.name} ${a.version}: ${files.length} files kept, ${omitted.length} omitted`);
}

main();
