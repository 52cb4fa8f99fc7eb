// `npm run netpol -- verify FILE...` and `npm run netpol -- matrix <stack> [--write FILE]`.
import * as fs from "fs";
import { ConnectivityInputError, parseConnectivityFile } from "../components/networkPolicy/connectivityFile";
import { evaluate as evaluatePolicy, explain } from "../components/networkPolicy/evaluator";
import { type Io, processIo } from "../offline/io";

export type { Io };

const USAGE = "usage: npm run netpol -- verify FILE...\n       npm run netpol -- matrix <stack> [--write FILE]";

/** Evaluates every probe of every file; prints each failure with its explanation, then `N passed, M failed`. */
export function verify(files: string[], io: Io): number {
    if (files.length === 0) {
        io.stderr(`${USAGE}\n`);
        return 2;
    }
    let passed = 0;
    let failed = 0;
    for (const file of files) {
        let cases;
        try {
            cases = parseConnectivityFile(fs.readFileSync(file, "utf8"), file);
        } catch (e) {
            const message = e instanceof ConnectivityInputError || (e as NodeJS.ErrnoException).code ? (e as Error).message : String(e);
            io.stderr(`${file}: invalid input:\n${message}\n`);
            return 2;
        }
        for (const c of cases) {
            for (const note of c.notes) io.stderr(`${file}: case ${JSON.stringify(c.name)}: note: ${note}\n`);
            for (const [i, probe] of c.probes.entries()) {
                let verdict;
                try {
                    verdict = evaluatePolicy(c.cluster, probe);
                } catch (e) {
                    io.stderr(`${file}: case ${JSON.stringify(c.name)}: probes[${i}]: ${(e as Error).message}\n`);
                    return 2;
                }
                if (verdict.allowed === probe.allowed) {
                    passed++;
                    continue;
                }
                failed++;
                io.stdout(`FAIL ${file}: case ${JSON.stringify(c.name)}: probes[${i}] ${probe.label}\n` +
                    `  expected ${probe.allowed ? "allowed" : "denied"}, got ${verdict.allowed ? "allowed" : "denied"}${probe.why ? ` (${probe.why})` : ""}\n` +
                    `  ${explain(verdict)}\n`);
            }
        }
    }
    io.stdout(`${passed} passed, ${failed} failed\n`);
    return failed > 0 ? 1 : 0;
}

/** Prints a stack's reachability matrix; `--write FILE` also saves it as an expectations file. */
export async function matrix(args: string[], io: Io): Promise<number> {
    const at = args.indexOf("--write");
    const out = at >= 0 ? args[at + 1] : undefined;
    const rest = at >= 0 ? args.filter((_, i) => i !== at && i !== at + 1) : args;
    if (rest.length !== 1 || (at >= 0 && !out)) {
        io.stderr(`${USAGE}\n`);
        return 2;
    }
    // Loaded here: the stack evaluation pulls in the Pulumi SDK, which `verify` does not need.
    const { evaluate } = await import("../offline/mockCloud");
    const { computeMatrix, matrixAsExpectations, renderMatrix, stackModel } = await import("../offline/clusterModel");
    const evaluation = await evaluate({ stack: rest[0] });
    const model = stackModel(evaluation);
    const rows = computeMatrix(model);
    io.stdout(renderMatrix(model, rows));
    if (out) fs.writeFileSync(out, JSON.stringify(matrixAsExpectations(rest[0], model, rows), null, 2) + "\n");
    return 0;
}

export async function runNetpolCli(argv: string[], io: Io): Promise<number> {
    const [command, ...args] = argv;
    switch (command) {
        case "verify":
            return verify(args, io);
        case "matrix":
            return matrix(args, io);
        default:
            io.stderr(`${USAGE}\n`);
            return 2;
    }
}

if (require.main === module) {
    runNetpolCli(process.argv.slice(2), processIo)
        .then((code) => { process.exitCode = code; })
        .catch((e) => { process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`); process.exitCode = 2; });
}
