// `npm run synth -- <stack> [--out DIR]`: the program for one stack under the mocked cloud.
import type { Io } from "../cli/netpol";
import { ConfigError } from "../config/loadConfig";
import { PROJECT_ROOT, StackFileError, knownStacks } from "./mockCloud";
import { synthStack } from "./synth";

const usage = (root: string) => "usage: npm run synth -- <stack> [--out DIR]   (stacks: " + knownStacks(root).join(", ") + ")";

export function parseSynthArgs(argv: readonly string[], root = PROJECT_ROOT): { stack: string; outDir: string } {
    const rest = [...argv];
    let outDir = "synth";
    const at = rest.indexOf("--out");
    if (at >= 0) {
        if (!rest[at + 1] || rest[at + 1].startsWith("--")) throw new Error("--out needs a directory");
        outDir = rest[at + 1];
        rest.splice(at, 2);
    }
    if (rest.length !== 1 || rest[0].startsWith("-")) throw new Error(usage(root));
    return { stack: rest[0], outDir };
}

/** Runs the synth CLI; resolves with its exit code: 0 written, 1 the stack failed, 2 bad usage. */
export async function runSynthCli(argv: readonly string[], io: Io, root = PROJECT_ROOT): Promise<number> {
    let args: { stack: string; outDir: string };
    try {
        args = parseSynthArgs(argv, root);
    } catch (e) {
        io.stderr(`${(e as Error).message}\n`);
        return 2;
    }
    try {
        const result = await synthStack(args.stack, args.outDir, root);
        for (const w of result.warnings) io.stderr(`warning: ${w}\n`);
        io.stdout(`synth ${args.stack}: ${result.resourceCount} resources, ${result.objectCount} Kubernetes objects -> ${result.dir}/\n`);
        return 0;
    } catch (e) {
        // Config and stack-file errors already say what is wrong; anything else keeps its stack trace.
        io.stderr(`${e instanceof ConfigError || e instanceof StackFileError ? e.message : e instanceof Error ? e.stack : String(e)}\n`);
        return 1;
    }
}

if (require.main === module) {
    runSynthCli(process.argv.slice(2), { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) }).then((code) => process.exit(code));
}
