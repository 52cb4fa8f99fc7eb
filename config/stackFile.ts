// What the stack file said, for messages: a value YAML changed (`1.30` read as 1.3) is named as
// written, with the advice to quote it. The program only receives the changed text, so it reads
// Pulumi.<stack>.yaml beside it (the CLI runs programs in the project directory); the mocked cloud
// hands over what it read instead.
import * as fs from "fs";
import * as path from "path";
import { Rewrite, readStackFile, rewrites } from "./stackYaml";

export { Rewrite, rewriteHint } from "./stackYaml";

let override: Record<string, Rewrite> | undefined;

/** The mocked cloud's stack file rewrites for the run it evaluates (undefined: read the file). */
export function overrideStackFileRewrites(r: Record<string, Rewrite> | undefined): void {
    override = r;
}

/** Scalars of Pulumi.<stack>.yaml the CLI hands over changed, by full key (and [i]); empty when unreadable. */
export function stackFileRewrites(stack: string, project: string, dir = process.cwd()): Record<string, Rewrite> {
    if (override) return override;
    try {
        const values = readStackFile(fs.readFileSync(path.join(dir, `Pulumi.${stack}.yaml`), "utf8"));
        const out: Record<string, Rewrite> = {};
        for (const [k, v] of Object.entries(values)) rewrites(k.includes(":") ? k : `${project}:${k}`, v, out);
        return out;
    } catch {
        return {};
    }
}
