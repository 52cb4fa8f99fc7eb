// `npm run synth -- <stack>... | --all [--out DIR]`: the program for each stack under the mocked
// cloud, in one process, so the SDK loads once however many stacks are written.
import { ConfigError } from "../config/loadConfig";
import { type Io, processIo } from "./io";
import { PROJECT_ROOT, StackFileError, knownStacks } from "./mockCloud";
import { synthStack } from "./synth";

const usage = (root: string) => "usage: npm run synth -- <stack>... | --all [--out DIR]   (stacks: " + knownStacks(root).join(", ") + ")";

export interface SynthArgs {
    /** In the order given, each once. */
    stacks: string[];
    outDir: string;
}

export function parseSynthArgs(argv: readonly string[], root = PROJECT_ROOT): SynthArgs {
    const rest = [...argv];
    let outDir = "synth";
    const at = rest.indexOf("--out");
    if (at >= 0) {
        if (!rest[at + 1] || rest[at + 1].startsWith("--")) throw new Error("--out needs a directory");
        outDir = rest[at + 1];
        rest.splice(at, 2);
    }
    const all = rest.indexOf("--all");
    if (all >= 0) {
        if (rest.length !== 1) throw new Error(usage(root));
        return { stacks: knownStacks(root), outDir };
    }
    if (rest.length === 0 || rest.some((s) => s.startsWith("-"))) throw new Error(usage(root));
    return { stacks: [...new Set(rest)], outDir };
}

/**
 * Runs the synth CLI; resolves with its exit code: 0 every stack written, 1 a stack failed (the
 * others are still written), 2 bad usage. Each stack gets its own config and a fresh mocked runtime
 * (mockCloud's evaluate resets both), so a stack's files do not depend on what ran before it.
 */
export async function runSynthCli(argv: readonly string[], io: Io, root = PROJECT_ROOT): Promise<number> {
    let args: SynthArgs;
    try {
        args = parseSynthArgs(argv, root);
    } catch (e) {
        io.stderr(`${(e as Error).message}\n`);
        return 2;
    }
    let code = 0;
    for (const stack of args.stacks) {
        try {
            const result = await synthStack(stack, args.outDir, root);
            for (const w of result.warnings) io.stderr(`warning: ${w}\n`);
            io.stdout(`synth ${stack}: ${result.resourceCount} resources, ${result.objectCount} Kubernetes objects -> ${result.dir}/\n`);
        } catch (e) {
            // Config and stack-file errors already say what is wrong; anything else keeps its stack trace.
            io.stderr(`${e instanceof ConfigError || e instanceof StackFileError ? e.message : e instanceof Error ? e.stack : String(e)}\n`);
            code = 1;
        }
    }
    return code;
}

if (require.main === module) {
    runSynthCli(process.argv.slice(2), processIo).then((code) => process.exit(code));
}
