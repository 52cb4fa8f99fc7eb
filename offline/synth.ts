// Offline synth: the stack's resources and Kubernetes manifests as stable, reviewable files.
import * as fs from "fs";
import * as path from "path";
import { dump } from "js-yaml";
import { Evaluation, PROJECT_ROOT, RecordedResource, evaluate, readStackConfig } from "./mockCloud";
import { computeMatrix, renderMatrix, stackModel } from "./clusterModel";
import { isKubernetesObject } from "./rules/kubernetes";
import { estimateCost, renderCost } from "./cost";

/** What resources.json holds for each resource. */
export function resourceEntry(r: RecordedResource) {
    // Resource options that change what an up does are shown where set, so a PR diff shows them too.
    return {
        urn: r.urn, type: r.type, name: r.name, parent: r.parent, provider: r.provider, dependencies: r.dependencies, protect: r.protect,
        ...(r.ignoreChanges.length ? { ignoreChanges: r.ignoreChanges } : {}),
        ...(r.retainOnDelete ? { retainOnDelete: true } : {}),
        ...(r.deleteBeforeReplace ? { deleteBeforeReplace: true } : {}),
        ...(r.customTimeouts ? { customTimeouts: r.customTimeouts } : {}),
        ...(r.importId ? { importId: r.importId } : {}),
        inputs: r.inputs,
    };
}

/** Kubernetes objects the stack declares: custom kubernetes:* resources other than Helm releases. */
export function kubernetesObjects(resources: readonly RecordedResource[]): Record<string, unknown>[] {
    return resources
        .filter(isKubernetesObject)
        .map((r) => r.inputs);
}

function objectSortKey(o: Record<string, unknown>): string {
    const meta = (o.metadata ?? {}) as { namespace?: string; name?: string };
    return [o.apiVersion, o.kind, meta.namespace ?? "", meta.name ?? ""].join("\u0000");
}

export interface SynthFiles {
    "resources.json": string;
    "manifests.yaml": string;
    /** Who reaches whom on which port under the stack's NetworkPolicies. */
    "reachability.txt": string;
    /** Monthly cost estimate from the registered resources (empty for a partial evaluation without a cluster). */
    "cost.txt": string;
}

function reachability(evaluation: Evaluation): string {
    // A partial evaluation (tests render hand-made resources) has no IdP to model.
    if (!evaluation.resources.some((r) => r.type === "kubernetes:apps/v1:Deployment")) return "";
    const model = stackModel(evaluation);
    return renderMatrix(model, computeMatrix(model));
}

/** Renders an evaluation into file contents; byte-identical for identical evaluations. */
export function renderSynth(evaluation: Evaluation): SynthFiles {
    const objects = kubernetesObjects(evaluation.resources).sort((a, b) => (objectSortKey(a) < objectSortKey(b) ? -1 : 1));
    return {
        "resources.json": JSON.stringify(evaluation.resources.map(resourceEntry), null, 2) + "\n",
        "manifests.yaml": objects.map((o) => "---\n" + dump(o, { lineWidth: -1, noRefs: true, quotingType: "\"" })).join(""),
        "reachability.txt": reachability(evaluation),
        "cost.txt": evaluation.resources.some((r) => r.type === "eks:index:Cluster") ? renderCost(estimateCost(evaluation.resources), undefined, evaluation.outputs.region as string | undefined) : "",
    };
}

/** Evaluates `stack` under the mocked cloud and writes DIR/<stack>/{resources.json,manifests.yaml}. */
export async function synthStack(stack: string, outDir: string, root = PROJECT_ROOT): Promise<{ dir: string; resourceCount: number; objectCount: number; warnings: string[] }> {
    const evaluation = await evaluate({ stack, config: readStackConfig(stack, root) });
    const files = renderSynth(evaluation);
    const dir = path.join(outDir, stack);
    fs.mkdirSync(dir, { recursive: true });
    for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
    return { dir, resourceCount: evaluation.resources.length, objectCount: kubernetesObjects(evaluation.resources).length, warnings: evaluation.warnings };
}
