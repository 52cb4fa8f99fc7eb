// `npm run synth -- <stack> [--out DIR]`: the program for one stack under the mocked cloud.
import { ConfigError } from "../config/loadConfig";
import { knownStacks } from "./mockCloud";
import { synthStack } from "./synth";

const USAGE = "usage: npm run synth -- <stack> [--out DIR]   (stacks: " + knownStacks().join(", ") + ")";

export function parseSynthArgs(argv: readonly string[]): { stack: string; outDir: string } {
    const rest = [...argv];
    let outDir = "synth";
    const at = rest.indexOf("--out");
    if (at >= 0) {
        if (!rest[at + 1] || rest[at + 1].startsWith("--")) throw new Error("--out needs a directory");
        outDir = rest[at + 1];
        rest.splice(at, 2);
    }
    if (rest.length !== 1 || rest[0].startsWith("-")) throw new Error(USAGE);
    return { stack: rest[0], outDir };
}

async function main(): Promise<number> {
    let args: { stack: string; outDir: string };
    try {
        args = parseSynthArgs(process.argv.slice(2));
    } catch (e) {
        console.error((e as Error).message);
        return 2;
    }
    try {
        const result = await synthStack(args.stack, args.outDir);
        for (const w of result.warnings) console.error(`warning: ${w}`);
        console.log(`synth ${args.stack}: ${result.resourceCount} resources, ${result.objectCount} Kubernetes objects -> ${result.dir}/`);
        return 0;
    } catch (e) {
        // Config errors already list every problem by key; anything else keeps its stack trace.
        console.error(e instanceof ConfigError ? e.message : e);
        return 1;
    }
}

if (require.main === module) {
    main().then((code) => process.exit(code));
}
