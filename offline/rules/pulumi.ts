// Pulumi engine rules, offline: the engine's refusals the mock monitor does not make itself, here a
// read (`.get`) of something this run creates. The mock monitor refuses duplicate URNs itself
// (offline/mockCloud.ts); how the CLI reads a stack file is on the program side (config/stackYaml.ts,
// with the yaml.v3 port in config/yamlV3.ts).
import { ResourceView, RuleViolation } from "./types";
import { showValue } from "../../config/values";

// --- engine rules --------------------------------------------------------------------------

export interface Read {
    type: string;
    name: string;
    id: string;
}

/**
 * A `.get` reads during preview whatever its dependsOn says (pulumi/pulumi#16395,
 * pulumi-kubernetes#2789): reading something this run creates fails on the first preview, or
 * whenever it does not exist yet. Refused: a read whose id is a resource of this run, a Kubernetes
 * read of an object this run declares, or in a namespace this run creates, or an object a Helm release of
 * this run creates (named after the release or chart, or in a namespace the release creates).
 */
export function readViolation(read: Read, resources: readonly ResourceView[]): RuleViolation | undefined {
    const source = "Pulumi: resource reads (.get) run during preview regardless of dependsOn (pulumi/pulumi#16395, pulumi/pulumi-kubernetes#2789)";
    const where = `${read.type}::${read.name} (.get)`;
    const created = resources.find((r) => r.custom && (`mock-id-${r.name}` === read.id || (r.type === read.type && r.inputs.name === read.id)));
    if (created) return { resource: where, property: "id", value: showValue(read.id), rule: `reads ${created.urn}, which this run creates: the read fails before it exists`, source };
    if (!read.type.startsWith("kubernetes:")) return undefined;
    const [ns, name] = read.id.includes("/") ? read.id.split("/", 2) : ["", read.id];
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const meta = (r: ResourceView) => (r.inputs as any).metadata ?? {};
    const same = resources.find((r) => r.type === read.type && meta(r).name === name && (meta(r).namespace ?? "") === ns);
    if (same) return { resource: where, property: "id", value: showValue(read.id), rule: `reads ${same.urn}, which this run creates: the read fails before it exists`, source };
    if (!ns) return undefined;
    const namespace = resources.find((r) => r.type === "kubernetes:core/v1:Namespace" && meta(r).name === ns);
    if (namespace) return { resource: where, property: "id", value: showValue(read.id), rule: `reads from namespace ${ns}, which this run creates (${namespace.urn}): the object cannot exist at the first preview`, source };
    // A release creates objects named after it or its chart (Helm's fullname helper), and everything in a namespace it creates.
    const release = resources.find((r) => {
        if (!r.type.startsWith("kubernetes:helm.sh/") || (r.inputs.namespace ?? meta(r).namespace) !== ns) return false;
        const names = [r.inputs.name, meta(r).name, r.inputs.chart].filter((n): n is string => typeof n === "string" && n.length > 0);
        return r.inputs.createNamespace === true || names.some((n) => name.startsWith(n));
    });
    if (release) return { resource: where, property: "id", value: showValue(read.id), rule: `reads an object in namespace ${ns}, which Helm release ${release.urn} of this run creates: the read fails until the release has run (a first up, or the release newly enabled)`, source };
    return undefined;
}
