// `npm run bench`: wall time and peak memory of the offline synth per stack, and of a platform
// carrying 1, 10 and 50 application instances, each next to the SDK-load floor as a ratio.
// Every case runs in fresh processes, interleaved round by round with the floor, so a slow spell of
// a shared machine weighs on the floor and the case alike; ratios are medians of per-round ratios.
// Prints figures; asserts nothing (targets are in the README).
import { spawnSync } from "child_process";
import * as path from "path";

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const child = path.join(__dirname, "benchChild.js");

interface Sample {
    ms: number;
    rssMb: number;
    resources: number;
}

function runOnce(args: readonly string[]): Sample {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, [child, ...args], { encoding: "utf8" });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (result.status !== 0) throw new Error(`bench ${args.join(" ")} failed:\n${result.stderr}`);
    const report = JSON.parse(result.stdout.trim().split("\n").pop()!) as { maxRssKb: number; resources: number };
    return { ms, rssMb: report.maxRssKb / 1024, resources: report.resources };
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function main(): void {
    const cases: [string, string[]][] = [
        ["SDK load floor", ["floor"]],
        ["synth dev", ["synth", "dev"]],
        ["synth prod", ["synth", "prod"]],
        ...[1, 10, 50].map((n): [string, string[]] => [`dev, ${n} IdP instance${n === 1 ? "" : "s"}`, ["apps", String(n)]]),
    ];
    const samples = cases.map((): Sample[] => []);
    for (let round = 0; round < RUNS; round++) {
        cases.forEach(([, args], i) => samples[i].push(runOnce(args)));
    }
    const floor = samples[0];
    const pad = (s: string, n: number) => s.padEnd(n);
    const num = (x: number, d = 0) => x.toFixed(d).padStart(8);
    console.log(`node ${process.version}, ${RUNS} interleaved rounds; medians, and medians of per-round ratios to the floor\n`);
    console.log(`${pad("case", 26)}${"resources".padStart(10)}${"wall ms".padStart(9)}${"x floor".padStart(9)}${"peak MB".padStart(9)}${"x floor".padStart(9)}`);
    cases.forEach(([name], i) => {
        const s = samples[i];
        const wallRatio = median(s.map((x, r) => x.ms / floor[r].ms));
        const memRatio = median(s.map((x, r) => x.rssMb / floor[r].rssMb));
        console.log(`${pad(name, 26)}${String(s[0].resources).padStart(10)} ${num(median(s.map((x) => x.ms)))} ${num(wallRatio, 2)} ${num(median(s.map((x) => x.rssMb)))} ${num(memRatio, 2)}`);
    });
    console.log("\ntargets: a stack's synth within 1.5x the floor (wall and memory), and under the ~1.3x an equivalent CDK EKS Blueprints synth takes");
}

main();
