// Validates Kubernetes objects against the official OpenAPI schemas (kubernetes-models, the last
// CommonJS build: Kubernetes 1.33) and cert-manager's own CRD schemas.
/* eslint-disable @typescript-eslint/no-require-imports */

type Model = new (data: unknown) => { validate(): void };

function modelFor(apiVersion: string, kind: string): Model {
    const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
    const module = group === "cert-manager.io"
        ? `@kubernetes-models/cert-manager/${group}/${version}/${kind}`
        : `kubernetes-models/${group ? `${group}/` : ""}${version}/${kind}`;
    try {
        return (require(module) as Record<string, Model>)[kind];
    } catch {
        throw new Error(`no schema known for ${apiVersion} ${kind} (tried ${module})`);
    }
}

/** Throws with the schema's findings when `obj` is not a valid object of its apiVersion and kind. */
export function validateObject(obj: { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } }): void {
    if (typeof obj.apiVersion !== "string" || typeof obj.kind !== "string") throw new Error(`object without apiVersion/kind: ${JSON.stringify(obj).slice(0, 200)}`);
    const Model = modelFor(obj.apiVersion, obj.kind);
    try {
        new Model(obj).validate();
    } catch (e) {
        throw new Error(`${obj.apiVersion} ${obj.kind} ${String(obj.metadata?.name)}: ${(e as Error).message}`);
    }
}
