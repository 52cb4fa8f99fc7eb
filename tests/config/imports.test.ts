import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../../offline/mockCloud";

/** Relative imports of a config module (type-only imports included: a cycle of types is still a cycle to read). */
function configImports(file: string): string[] {
    const text = fs.readFileSync(path.join(PROJECT_ROOT, "config", file), "utf8");
    return [...text.matchAll(/^(?:import|export)\s[^;]*?from\s+"\.\/([^"]+)"/gm)].map((m) => `${m[1]}.ts`);
}

describe("config: module dependencies", () => {
    it("run one way: no config module imports, directly or not, a module that imports it back", () => {
        const files = fs.readdirSync(path.join(PROJECT_ROOT, "config")).filter((f) => f.endsWith(".ts") && f !== "index.ts");
        const graph = new Map(files.map((f) => [f, configImports(f)]));
        const cycles: string[] = [];
        const visit = (file: string, trail: string[]) => {
            if (trail.includes(file)) {
                cycles.push([...trail.slice(trail.indexOf(file)), file].join(" -> "));
                return;
            }
            for (const next of graph.get(file) ?? []) visit(next, [...trail, file]);
        };
        files.forEach((f) => visit(f, []));
        assert.deepEqual([...new Set(cycles)], []);
    });
});
