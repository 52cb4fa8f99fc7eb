// `npm run bench`: wall time and peak memory of the commands users run, side by side with the floor
// of loading the Pulumi SDK and with a CDK EKS Blueprints synth of an equivalent blueprint (the
// anchor). Every case is a fresh command, interleaved round by round with the others, so a slow
// spell of a shared machine weighs on all of them alike; ratios are medians of per-round ratios.
// Peak memory is the largest process of the command (npm's child included). Prints figures and how
// they compare with the targets; asserts nothing. BENCH_RUNS sets the rounds (default 5).
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_ROOT } from "./mockCloud";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CDK_VERSIONS = { "aws-cdk-lib": "2.261.0", "@aws-quickstart/eks-blueprints": "1.19.0", constructs: "10.6.0" };
/** The loader's caches, which `npm ci` starts without (it recreates node_modules). */
const LOADER_CACHE = path.join(PROJECT_ROOT, "node_modules/.cache/idp-eks");

// The anchor: an EksBlueprint with the VPC CNI's network policy, the load balancer controller,
// cert-manager and ingress-nginx add-ons, and 10 manifests standing in for the IdP's objects,
// synthesized in one `node` process with no CLI (the cheapest way to run a CDK app).
const ANCHOR = `const cdk = require("aws-cdk-lib");
const blueprints = require("@aws-quickstart/eks-blueprints");
(async () => {
    const app = new cdk.App({ outdir: process.argv[2] });
    const stack = await blueprints.EksBlueprint.builder()
        .account("000000000000").region("us-east-1")
        .version(cdk.aws_eks.KubernetesVersion.of("1.35"))
        .addOns(
            new blueprints.addons.VpcCniAddOn({ version: "v1.21.1-eksbuild.1", enableNetworkPolicy: true }),
            new blueprints.addons.AwsLoadBalancerControllerAddOn(),
            new blueprints.addons.CertManagerAddOn(),
            new blueprints.addons.IngressNginxAddOn(),
        )
        .buildAsync(app, "idp-anchor");
    const cluster = stack.getClusterInfo().cluster;
    for (let i = 0; i < 10; i++) {
        cluster.addManifest("idp-" + i, { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "idp-" + i, namespace: "idp-system" }, data: { index: String(i) } });
    }
    app.synth();
})();
`;

/** Installs the anchor's packages into a temp folder (kept for later runs), or says why it could not. */
function cdkAnchor(): { dir: string } | { error: string } {
    const dir = path.join(os.tmpdir(), `idp-eks-bench-cdk-${CDK_VERSIONS["aws-cdk-lib"]}-${CDK_VERSIONS["@aws-quickstart/eks-blueprints"]}`);
    const marker = path.join(dir, ".installed");
    if (!fs.existsSync(marker)) {
        fs.mkdirSync(dir, { recursive: true });
        fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "idp-eks-bench-cdk-anchor", private: true, dependencies: CDK_VERSIONS }, null, 2));
        console.log(`installing the CDK anchor (${Object.entries(CDK_VERSIONS).map(([n, v]) => `${n}@${v}`).join(", ")}) into ${dir} ...`);
        const install = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"], { cwd: dir, encoding: "utf8" });
        if (install.status !== 0) return { error: `npm install failed: ${(install.stderr || install.stdout).trim().split("\n").slice(-3).join(" ")}` };
        fs.writeFileSync(marker, "");
    }
    fs.writeFileSync(path.join(dir, "anchor.js"), ANCHOR);
    return { dir };
}

interface Case {
    name: string;
    command: string;
    args: string[];
    cwd?: string;
    env?: Record<string, string>;
    /** Runs before each measurement, unmeasured. */
    before?: () => void;
}

interface Sample {
    ms: number;
    rssMb: number;
    resources?: number;
}

function measure(c: Case): Sample {
    c.before?.();
    const rssFile = path.join(os.tmpdir(), `idp-eks-bench-rss-${process.pid}`);
    fs.rmSync(rssFile, { force: true });
    const nodeOptions = [process.env.NODE_OPTIONS ?? "", `--require ${path.join(__dirname, "benchRss.js")}`].join(" ").trim();
    const env = { ...process.env, ...c.env, NODE_OPTIONS: nodeOptions, IDP_EKS_BENCH_RSS_FILE: rssFile, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}` };
    const start = process.hrtime.bigint();
    const result = spawnSync(c.command, c.args, { cwd: c.cwd ?? PROJECT_ROOT, env, encoding: "utf8", maxBuffer: 64 << 20 });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (result.status !== 0) throw new Error(`bench: ${c.name} failed:\n${result.stderr}`);
    const peaks = fs.readFileSync(rssFile, "utf8").trim().split("\n").map(Number);
    fs.rmSync(rssFile, { force: true });
    const last = result.stdout.trim().split("\n").pop() ?? "";
    const resources = last.startsWith("{") ? (JSON.parse(last) as { resources?: number }).resources : undefined;
    return { ms, rssMb: Math.max(...peaks) / 1024, resources };
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function main(): void {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "idp-eks-bench-"));
    const node = process.execPath;
    const loader = ["-r", "./tools/tsLoader.js"];
    const anchor = cdkAnchor();
    const cases: Case[] = [
        { name: "SDK load floor", command: node, args: [...loader, "offline/benchChild.ts", "floor"], env: { IDP_EKS_NO_COMPILE_CACHE: "1" } },
        { name: "SDK load floor, compile cache", command: node, args: [...loader, "offline/benchChild.ts", "floor"] },
        { name: "  same, deferred as synth", command: node, args: [...loader, "-r", "./tools/deferSdk.js", "offline/benchChild.ts", "floor"] },
        ...("dir" in anchor ? [{ name: "CDK EKS Blueprints anchor", command: node, args: ["anchor.js", path.join(out, "cdk.out")], cwd: anchor.dir, env: { AWS_EC2_METADATA_DISABLED: "true" } }] : []),
        // As a user runs it: npm included. The first run after `npm ci` finds no loader cache.
        { name: "npm run synth -- dev, 1st", command: "npm", args: ["run", "synth", "--", "dev", "--out", out], before: () => fs.rmSync(LOADER_CACHE, { recursive: true, force: true }) },
        { name: "npm run synth -- dev, 2nd", command: "npm", args: ["run", "synth", "--", "dev", "--out", out] },
        { name: "npm run synth -- dev prod", command: "npm", args: ["run", "synth", "--", "dev", "prod", "--out", out] },
        // A user's previous preview has left the compile cache warm for what a preview loads. The
        // synth no longer loads all of it (tools/deferSdk.js), and the 1st-run case empties the
        // cache each round, so one unmeasured run first restores the state a second preview sees.
        { name: "preview's program load+eval", command: node, args: ["offline/pulumiRuntime.js", "dev"], before: () => void spawnSync(node, ["offline/pulumiRuntime.js", "dev"], { cwd: PROJECT_ROOT }) },
        { name: "  same with ts-node", command: node, args: ["offline/pulumiRuntime.js", "dev", "--ts-node"] },
        ...[1, 10, 50].map((n): Case => ({ name: `dev, ${n} IdP instance${n === 1 ? "" : "s"}`, command: node, args: [...loader, "offline/benchChild.ts", "apps", String(n)] })),
    ];
    const samples = cases.map((): Sample[] => []);
    try {
        for (let round = 0; round < RUNS; round++) cases.forEach((c, i) => samples[i].push(measure(c)));
    } finally {
        fs.rmSync(out, { recursive: true, force: true });
    }
    const index = (name: string) => cases.findIndex((c) => c.name === name);
    const ratio = (i: number, j: number, key: "ms" | "rssMb") => (j < 0 ? NaN : median(samples[i].map((s, r) => s[key] / samples[j][r][key])));
    const floor = index("SDK load floor");
    const cdk = index("CDK EKS Blueprints anchor");
    const cell = (x: number, d = 2) => (Number.isNaN(x) ? "-" : x.toFixed(d)).padStart(9);

    console.log(`\nnode ${process.version}, ${os.cpus().length} cores, ${RUNS} interleaved rounds; medians, and medians of per-round ratios`);
    if ("error" in anchor) console.log(`CDK anchor not measured: ${anchor.error}`);
    console.log(`\n${"case".padEnd(32)}${"resources".padStart(10)}${"wall ms".padStart(9)}${"x floor".padStart(9)}${"x CDK".padStart(9)}${"peak MB".padStart(9)}${"x floor".padStart(9)}`);
    cases.forEach((c, i) => {
        const s = samples[i];
        const resources = s[0].resources === undefined ? "" : String(s[0].resources);
        console.log(`${c.name.padEnd(32)}${resources.padStart(10)}${cell(median(s.map((x) => x.ms)), 0)}${cell(ratio(i, floor, "ms"))}${cell(ratio(i, cdk, "ms"))}${cell(median(s.map((x) => x.rssMb)), 0)}${cell(ratio(i, floor, "rssMb"))}`);
    });

    const second = index("npm run synth -- dev, 2nd");
    const targets: [string, number, number][] = [
        ["README synth, 2nd run: wall x CDK anchor", ratio(second, cdk, "ms"), 1.0],
        ["README synth, 2nd run: wall x floor", ratio(second, floor, "ms"), 1.5],
        ["README synth, 2nd run: peak memory x floor", ratio(second, floor, "rssMb"), 1.5],
        ["preview's program load+eval: wall x floor", ratio(index("preview's program load+eval"), floor, "ms"), 1.5],
        ["synth dev prod: wall x synth dev", ratio(index("npm run synth -- dev prod"), second, "ms"), 1.3],
    ];
    const ccFloor = index("SDK load floor, compile cache");
    console.log(`\nREADME synth, 2nd run, x the floor with Node's compile cache on too: ${ratio(second, ccFloor, "ms").toFixed(2)} (no target; the loader turns that cache on)`);
    console.log(`README synth, 2nd run, x that floor with the SDK deferred as the synth defers it: ${ratio(second, index("  same, deferred as synth"), "ms").toFixed(2)} (no target)`);
    console.log("\ntargets");
    for (const [name, value, limit] of targets) {
        console.log(`  ${name.padEnd(46)}${cell(value)}  <= ${limit.toFixed(1)}  ${Number.isNaN(value) ? "not measured" : value <= limit ? "met" : "MISSED"}`);
    }
}

main();
