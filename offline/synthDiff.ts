// `npm run synth-diff -- BASE_DIR HEAD_DIR`: the difference between two synth outputs as Markdown,
// for a pull request comment. Pure apart from reading the two directories.
import * as fs from "fs";
import * as path from "path";
import { createTwoFilesPatch } from "diff";
import { costTotals } from "./cost";

/** GitHub rejects comments above 65,536 characters; leave room for the header. */
export const COMMENT_LIMIT = 60000;

function listFiles(dir: string): string[] {
    if (!fs.existsSync(dir)) return [];
    return fs.readdirSync(dir, { recursive: true, encoding: "utf8" })
        .filter((f) => fs.statSync(path.join(dir, f)).isFile())
        .map((f) => f.split(path.sep).join("/"));
}

export interface FileDiff {
    file: string;
    added: number;
    removed: number;
    patch: string;
}

export function diffSynthDirs(baseDir: string, headDir: string): FileDiff[] {
    const files = [...new Set([...listFiles(baseDir), ...listFiles(headDir)])].sort();
    const read = (dir: string, f: string) => (fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), "utf8") : "");
    return files.flatMap((file) => {
        const before = read(baseDir, file);
        const after = read(headDir, file);
        if (before === after) return [];
        const patch = createTwoFilesPatch(`base/${file}`, `head/${file}`, before, after, "", "", { context: 3 });
        const lines = patch.split("\n").slice(4);
        return [{ file, patch, added: lines.filter((l) => l.startsWith("+")).length, removed: lines.filter((l) => l.startsWith("-")).length }];
    });
}

/** A stack's monthly cost (its cost.txt totals) on the base and the head; absent where it has no cost.txt. */
export interface CostChange {
    stack: string;
    base?: { total: number; onDemandTotal: number };
    head?: { total: number; onDemandTotal: number };
}

export function costChanges(baseDir: string, headDir: string): CostChange[] {
    const totals = (dir: string, stack: string) => {
        const file = path.join(dir, stack, "cost.txt");
        return fs.existsSync(file) ? costTotals(fs.readFileSync(file, "utf8")) : undefined;
    };
    const stacks = [...new Set([...listFiles(baseDir), ...listFiles(headDir)].filter((f) => f.endsWith("/cost.txt")).map((f) => f.split("/")[0]))].sort();
    return stacks.map((stack) => ({ stack, base: totals(baseDir, stack), head: totals(headDir, stack) }));
}

const dollars = (n: number) => `$${n.toFixed(2)}`;

/** The monthly cost of each stack before and after, shown above the synth diff. */
export function renderCostTable(costs: readonly CostChange[]): string {
    if (costs.length === 0) return "";
    const cell = (t?: { total: number; onDemandTotal: number }) => (t ? (t.total === t.onDemandTotal ? dollars(t.total) : `${dollars(t.total)} (${dollars(t.onDemandTotal)} on demand)`) : "–");
    const change = (c: CostChange) => {
        if (!c.base || !c.head) return "–";
        const d = Math.round((c.head.total - c.base.total) * 100) / 100;
        return d === 0 ? "no change" : `${d > 0 ? "+" : "−"}${dollars(Math.abs(d))}`;
    };
    const rows = costs.map((c) => `| ${c.stack} | ${cell(c.base)} | ${cell(c.head)} | ${change(c)} |`).join("\n");
    return "**Monthly cost** (estimate from each stack's `cost.txt`; Spot at the pricing table's estimate):\n\n" +
        `| stack | base | head | change |\n|---|---|---|---|\n${rows}\n\n`;
}

export function renderMarkdown(diffs: FileDiff[], limit = COMMENT_LIMIT, costs: readonly CostChange[] = []): string {
    const header = "### Offline synth: what this pull request changes\n\n" +
        "Resources, Kubernetes manifests, reachability and monthly cost of every stack, evaluated without credentials (`npm run synth`).\n\n" +
        renderCostTable(costs);
    if (diffs.length === 0) return header + "No change to any stack.\n";
    const summary = diffs.map((d) => `| \`${d.file}\` | +${d.added} | -${d.removed} |`).join("\n");
    let body = `| file | added | removed |\n|---|---|---|\n${summary}\n\n`;
    for (const d of diffs) {
        const section = `<details><summary><code>${d.file}</code></summary>\n\n\`\`\`diff\n${d.patch}\`\`\`\n</details>\n\n`;
        if (header.length + body.length + section.length > limit) {
            body += "_The full diff is longer than a comment allows; run `npm run synth` on both branches to see the rest._\n";
            break;
        }
        body += section;
    }
    return header + body;
}

if (require.main === module) {
    const [base, head] = process.argv.slice(2);
    if (!base || !head) {
        console.error("usage: npm run synth-diff -- BASE_DIR HEAD_DIR");
        process.exit(2);
    }
    process.stdout.write(renderMarkdown(diffSynthDirs(base, head), COMMENT_LIMIT, costChanges(base, head)));
}
