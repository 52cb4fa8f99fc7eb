// `npm run bench`: wall time and peak memory of the offline synth per stack, and of a platform
// carrying 1, 10 and 50 application instances, each next to the SDK-load floor as a ratio.
// Medians of several fresh processes. Prints figures; asserts nothing (targets are in the README).
import { spawnSync } from "child_process";
import * as path from "path";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const child = path.join(__dirname, "benchChild.js");

interface Sample { ms: number; rssMb: number; resources: number }

function measure(args: string[]): Sample {
    const samples: Sample[] = [];
    for (let i = 0; i < RUNS; i++) {
        const start = process.hrtime.bigint();
        const result = spawnSync(process.execPath, [child, ...args], { encoding: "utf8" });
        const ms = Number(process.hrtime.bigint() - start) / 1e6;
        if (result.status !== 0) throw new Error(`bench ${args.join(" ")} failed:\n${result.stderr}`);
        const report = JSON.parse(result.stdout.trim().split("\n").pop()!) as { maxRssKb: number; resources: number };
        samples.push({ ms, rssMb: report.maxRssKb / 1024, resources: report.resources });
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    return { ms: median(samples.map((s) => s.ms)), rssMb: median(samples.map((s) => s.rssMb)), resources: samples[0].resources };
}

function main(): void {
    const floor = measure(["floor"]);
    const rows: [string, Sample][] = [
        ["SDK load floor", floor],
        ["synth dev", measure(["synth", "dev"])],
        ["synth prod", measure(["synth", "prod"])],
        ...[1, 10, 50].map((n): [string, Sample] => [`dev, ${n} IdP instance${n === 1 ? "" : "s"}`, measure(["apps", String(n)])]),
    ];
    const pad = (s: string, n: number) => s.padEnd(n);
    const num = (x: number, d = 0) => x.toFixed(d).padStart(8);
    console.log(`node ${process.version}, ${RUNS} runs each, medians\n`);
    console.log(`${pad("case", 26)}${"resources".padStart(10)}${"wall ms".padStart(9)}${"x floor".padStart(9)}${"peak MB".padStart(9)}${"x floor".padStart(9)}`);
    for (const [name, s] of rows) {
        console.log(`${pad(name, 26)}${String(s.resources).padStart(10)} ${num(s.ms)} ${num(s.ms / floor.ms, 2)} ${num(s.rssMb)} ${num(s.rssMb / floor.rssMb, 2)}`);
    }
}

main();
