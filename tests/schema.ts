// Validates Kubernetes objects against the official OpenAPI schemas (kubernetes-models, the last
// CommonJS build: Kubernetes 1.33), cert-manager's own CRD schemas, and for the Gateway API and
// gateway.k8s.aws kinds the openAPIV3Schema of the very CRD files the program applies
// (components/addons/gatewayApi/crds). CEL rules (x-kubernetes-validations) are not evaluated here.
/* eslint-disable @typescript-eslint/no-require-imports */
import Ajv, { ValidateFunction } from "ajv";
import { DEFAULT_CONTROLLER_VERSION } from "../components/addons/loadBalancerController/iamPolicy";
import { GATEWAY_API_BUNDLE, bundleObjects, lbcGatewayBundle } from "../components/addons/gatewayApi";

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

const CRD_GROUPS = new Set(["gateway.networking.k8s.io", "gateway.k8s.aws"]);
let crdValidators: Map<string, ValidateFunction> | undefined;

/** apiVersion/kind -> a validator of the CRD's schema for that served version, from the pinned files. */
function crdValidator(apiVersion: string, kind: string): ValidateFunction | undefined {
    if (!crdValidators) {
        crdValidators = new Map();
        // Kubernetes' structural schemas use formats (int32, int64, date-time...) and extensions ajv does not know.
        const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
        type Crd = { kind: string; spec: { group: string; names: { kind: string }; versions: { name: string; served: boolean; schema: { openAPIV3Schema: object } }[] } };
        const crds = [...bundleObjects(GATEWAY_API_BUNDLE), ...bundleObjects(lbcGatewayBundle(DEFAULT_CONTROLLER_VERSION))].filter((o) => o.kind === "CustomResourceDefinition") as unknown as Crd[];
        for (const crd of crds) {
            for (const v of crd.spec.versions.filter((x) => x.served)) crdValidators.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, ajv.compile(v.schema.openAPIV3Schema));
        }
    }
    return crdValidators.get(`${apiVersion}/${kind}`);
}

/** Throws with the schema's findings when `obj` is not a valid object of its apiVersion and kind. */
export function validateObject(obj: { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } }): void {
    if (typeof obj.apiVersion !== "string" || typeof obj.kind !== "string") throw new Error(`object without apiVersion/kind: ${JSON.stringify(obj).slice(0, 200)}`);
    if (CRD_GROUPS.has(obj.apiVersion.split("/")[0])) {
        const validate = crdValidator(obj.apiVersion, obj.kind);
        if (!validate) throw new Error(`no schema known for ${obj.apiVersion} ${obj.kind} (not served by the pinned CRDs)`);
        const what = `${obj.apiVersion} ${obj.kind} ${String(obj.metadata?.name)}`;
        if (!validate(obj as unknown)) throw new Error(`${what}: ${(validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`).join("; ")}`);
        return;
    }
    const Model = modelFor(obj.apiVersion, obj.kind);
    try {
        new Model(obj).validate();
    } catch (e) {
        throw new Error(`${obj.apiVersion} ${obj.kind} ${String(obj.metadata?.name)}: ${(e as Error).message}`);
    }
}
