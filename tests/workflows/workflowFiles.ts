// The workflow files as the tests read them, and the matrix combinations GitHub expands a job into.
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { load as parseYaml } from "js-yaml";
import { PROJECT_ROOT } from "../../offline/mockCloud";
import { Contexts, Value, condition, evaluateTemplate } from "./expressions";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Workflow = any;

export const workflow = (name: string): Workflow => parseYaml(fs.readFileSync(path.join(PROJECT_ROOT, ".github/workflows", name), "utf8"));

/** Every combination of the matrix's list values (the workflows use no include/exclude). */
export function matrixCombinations(matrix: Record<string, unknown> | undefined): Record<string, Value>[] {
    assert.ok(!matrix || (!("include" in matrix) && !("exclude" in matrix)), "matrix include/exclude is not modelled here");
    let combos: Record<string, Value>[] = [{}];
    for (const [key, values] of Object.entries(matrix ?? {})) {
        if (!Array.isArray(values)) continue;
        combos = combos.flatMap((c) => values.map((v) => ({ ...c, [key]: v as Value })));
    }
    return combos;
}


/**
 * The contexts a job runs with when triggered with `github` and `vars`: one per matrix combination
 * whose job `if` holds, with the job's `env` evaluated (as GitHub does before the steps).
 */
export function jobRuns(job: Workflow, github: Record<string, Value>, vars: Record<string, Value>): Contexts[] {
    return matrixCombinations(job.strategy?.matrix).flatMap((matrix) => {
        const ctx: Contexts = { github, vars, secrets: {}, matrix, env: {} };
        ctx.env = Object.fromEntries(Object.entries<unknown>(job.env ?? {}).map(([k, v]) => [k, evaluateTemplate(v, ctx)]));
        return condition(job.if, ctx) ? [ctx] : [];
    });
}
