// The Gateway API CRDs (standard channel) and the load balancer controller's own gateway.k8s.aws
// CRDs, kept verbatim as data with their upstream source and checksums (crds/sources.json), the way
// the controller's IAM policy is kept. The program applies them itself: Helm installs a chart's
// crds/ once and never upgrades them, and the controller's chart ships no Gateway API CRDs at all
// (aws-load-balancer-controller#4651, #4712).
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { CORE_SCHEMA, loadAll } from "js-yaml";
import sources from "./crds/sources.json";

export interface CrdFile {
    name: string;
    sha256: string;
}

/** One set of upstream files: where they came from and what they hash to. */
export interface CrdBundle {
    /** What the files are, e.g. "Gateway API v1.6.0 (standard)". */
    label: string;
    source: string;
    tag: string;
    commit: string;
    path: string;
    /** Directory under crds/. */
    directory: string;
    files: CrdFile[];
}

/** A Kubernetes object read from a bundle. */
export interface ManifestObject {
    apiVersion: string;
    kind: string;
    metadata: { name: string; annotations?: Record<string, string>; [k: string]: unknown };
    [k: string]: unknown;
}

/** The controller name of the load balancer controller's ALB Gateway implementation. */
export const ALB_GATEWAY_CONTROLLER = "gateway.k8s.aws/alb";

export const GATEWAY_API_BUNDLE: CrdBundle = {
    label: `Gateway API ${sources.gatewayApi.version} (${sources.gatewayApi.channel} channel)`,
    ...sources.gatewayApi,
};

const LBC_BUNDLES: Readonly<Record<string, Omit<CrdBundle, "label">>> = sources.loadBalancerController;

/** Controller versions whose gateway.k8s.aws CRDs are kept in the repo. */
export const LBC_GATEWAY_CRD_VERSIONS: readonly string[] = Object.keys(LBC_BUNDLES);

/** The controller's gateway.k8s.aws CRDs of `controllerVersion`; throws naming the versions kept. */
export function lbcGatewayBundle(controllerVersion: string): CrdBundle {
    const bundle = LBC_BUNDLES[controllerVersion];
    if (!bundle) {
        throw new Error(`no gateway.k8s.aws CRDs are kept for aws-load-balancer-controller ${controllerVersion} (have ${LBC_GATEWAY_CRD_VERSIONS.join(", ")}); ` +
            `add the chart's crds/gateway-crds.yaml under components/addons/gatewayApi/crds/ with its checksum in sources.json`);
    }
    return { label: `aws-load-balancer-controller ${controllerVersion} gateway.k8s.aws CRDs`, ...bundle };
}

/**
 * The crds/ directory. The YAML is not compiled, so a build under dist/ reads the files from the
 * source tree beside it (the package ships them; see package.json `files`).
 */
export function crdDirectory(): string {
    const here = path.join(__dirname, "crds");
    if (fs.existsSync(path.join(here, "sources.json")) && fs.existsSync(path.join(here, GATEWAY_API_BUNDLE.directory))) return here;
    const rel = path.relative(path.resolve(__dirname, "../../../.."), __dirname);
    return path.resolve(__dirname, "../../../..", rel.replace(/^dist[\\/]/, ""), "crds");
}

const sha256 = (bytes: Buffer) => crypto.createHash("sha256").update(bytes).digest("hex");

/**
 * The bundle's objects in upstream order. A file whose bytes differ from the recorded checksum is
 * refused: what is applied is exactly what the pinned version publishes.
 */
export function bundleObjects(bundle: CrdBundle, dir = crdDirectory()): ManifestObject[] {
    return bundle.files.flatMap((f) => {
        const bytes = fs.readFileSync(path.join(dir, bundle.directory, f.name));
        if (sha256(bytes) !== f.sha256) throw new Error(`${bundle.label}: ${f.name} does not match its recorded sha256 ${f.sha256} (from ${bundle.source} ${bundle.tag}); restore the upstream file`);
        return (loadAll(bytes.toString("utf8"), undefined, { schema: CORE_SCHEMA }) as (ManifestObject | null)[]).filter((d): d is ManifestObject => !!d);
    });
}

/** The Gateway API and gateway.k8s.aws objects to apply for a controller version, in order. */
export function gatewayCrdObjects(controllerVersion: string): ManifestObject[] {
    return [...bundleObjects(GATEWAY_API_BUNDLE), ...bundleObjects(lbcGatewayBundle(controllerVersion))];
}

/** The cluster-wide GatewayClass of the controller's ALB implementation (the chart creates none). */
export function albGatewayClass(name: string) {
    return {
        apiVersion: "gateway.networking.k8s.io/v1" as const,
        kind: "GatewayClass" as const,
        metadata: { name },
        spec: { controllerName: ALB_GATEWAY_CONTROLLER, description: "ALBs made by the AWS Load Balancer Controller" },
    };
}
