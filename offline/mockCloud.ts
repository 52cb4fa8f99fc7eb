// The mocked cloud: evaluates the real program in-process under pulumi.runtime.setMocks, with no
// CLI, plugins or credentials, and records every resource with its options. The offline synth, the
// benchmark and every test share this one module (mocha loads all specs first, so a second setMocks
// elsewhere would silently win).
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
// js-yaml: the Pulumi SDK already loads it, so reading stack files costs no extra module load.
import { CORE_SCHEMA, load as parseYaml } from "js-yaml";
import type { KeySpec } from "../config/keys";
import { Read } from "./rules/pulumi";
import { Rewrite, StackValue, StackYamlError, readStackFile, rewrites, stackText } from "../config/stackYaml";
import { showValue } from "../config/values";
import { CloudRuleError, RuleViolation, assumedApex, checkResource, checkRun } from "./rules";
import { overrideStackFileRewrites } from "../config/stackFile";
import { partitionInfo } from "../config/arn";

export const PROJECT_ROOT = path.resolve(__dirname, path.basename(path.dirname(__dirname)) === "dist" ? "../.." : "..");

/** Placeholder AWS account id: values only the cloud can know are marked `mock`. */
export const MOCK_ACCOUNT = "000000000000";
/** The identity the mocked cloud deploys as (getCallerIdentity) in the aws partition; see defaultCaller for others. */
export const MOCK_CALLER_ARN = `arn:aws:iam::${MOCK_ACCOUNT}:user/mock`;
export const SECRET_PLACEHOLDER = "[secret]";
const RUNTIME_WARNING = "warning: [runtime] ";

export interface RecordedResource {
    urn: string;
    type: string;
    name: string;
    custom: boolean;
    /** Remote (multi-language) component, e.g. eks:index:Cluster. */
    remote: boolean;
    parent: string;
    /** URN of the explicit provider, or "" for the default one. */
    provider: string;
    /** URNs this resource waits on: explicit dependsOn and through its inputs. */
    dependencies: string[];
    /** Input property -> URNs that input came from. */
    propertyDependencies: Record<string, string[]>;
    protect: boolean;
    ignoreChanges: string[];
    retainOnDelete: boolean;
    deleteBeforeReplace: boolean;
    /** Previous type tokens this resource answers to (alias specs that change the type). */
    aliasTypes: string[];
    /** Previous URNs this resource answers to, resolved from its alias specs. */
    aliasUrns?: string[];
    /** The `import` option: the cloud id an existing resource is adopted from; absent when none is. */
    importId?: string;
    /** customTimeouts given (Go durations, e.g. "900s"); absent when none is. */
    customTimeouts?: { create?: string; update?: string; delete?: string };
    /** Inputs as sent to the engine; secrets shown as "[secret]", unknowns as "[unknown]". */
    inputs: Record<string, unknown>;
}

export interface StackConfig {
    project: string;
    /** Full keys (`idp-eks:vpcCidr`) to the strings Pulumi hands a program. */
    values: Record<string, string>;
    secretKeys: string[];
    /** Scalars the CLI hands over differently from how the stack file spells them (`1.30` -> "1.3"), by key or key[i]. */
    rewrites?: Record<string, Rewrite>;
}

interface ConfigDeclaration {
    type?: string;
    items?: { type?: string };
    default?: unknown;
    value?: unknown;
    secret?: boolean;
}

/** A stack file the CLI would refuse, or one with a secret in plain text; the message is the whole story. */
export class StackFileError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "StackFileError";
    }
}

/** YAML 1.2 core, as Pulumi reads its files: `2024-01-01` stays a string, not a date. */
const readYaml = (file: string): unknown => parseYaml(fs.readFileSync(file, "utf8"), { schema: CORE_SCHEMA });

/** A config value as the CLI hands it to a program: strings as they are, anything else as JSON. */
const configText = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

const isSecure = (value: unknown): value is { secure: string } => value !== null && typeof value === "object" && !Array.isArray(value) && "secure" in value;

/** The CLI's list of keys: 'a', 'b' and 'c'. */
const keyList = (keys: string[]) => keys.sort().map((k) => `'${k}'`).join(", ").replace(/, ([^,]*)$/, " and $1");

/**
 * A stack value with every `secure:` entry replaced by a stand-in (ciphertext needs the stack's
 * secrets provider): the key's placeholder from the config registry, which passes the key's rule,
 * or a marked string. `secure` says whether any entry was a secret. A list the registry declares
 * secret must be secure entry by entry: the program is told only that the key holds a secret.
 */
function revealStandIns(key: string, value: unknown): { value: unknown; secure: boolean } {
    // The registry loads component modules (which the program loads anyway), so not at import time.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const spec = (require("../config/keys") as { keySpecOf: (fullKey: string) => KeySpec | undefined }).keySpecOf(key);
    const standIn = (index: number) => spec?.placeholder?.(index) ?? `mock-secret-value-for-${key}`;
    if (isSecure(value)) return { value: standIn(0), secure: true };
    if (!Array.isArray(value)) return { value, secure: false };
    const plain = value.map((entry, i) => (isSecure(entry) ? -1 : i)).filter((i) => i >= 0);
    if (spec?.secret && plain.length > 0 && plain.length < value.length) {
        throw new StackFileError(`${key}[${plain[0]}] is stored in plain text, but ${key} is a secret: set each entry with \`pulumi config set --secret --path '${key}[${plain[0]}]' ...\``);
    }
    return { value: value.map((entry, i) => (isSecure(entry) ? standIn(i) : entry)), secure: plain.length < value.length };
}

/**
 * The value (never a secret one) and the form expected, for a value that does not fit its declared
 * type: a list names its first wrong entry.
 */
function wrongTypeDetail(key: string, declaration: ConfigDeclaration, value: unknown): string {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const keys = require("../config/keys") as { keySpecOf: (fullKey: string) => KeySpec | undefined; expectedForm: (fullKey: string, entry?: { value: unknown; secret?: boolean }) => string | undefined };
    const secret = keys.keySpecOf(key)?.secret === true;
    const show = (v: unknown) => (secret || isSecure(v) ? "[secret]" : showValue(v));
    if (declaration.type === "array" && Array.isArray(value)) {
        const index = value.findIndex((e) => !(typeof e === "string" || isSecure(e)));
        const form = keys.expectedForm(key, { value: value[index], secret: secret || isSecure(value[index]) });
        return `entry ${key}[${index}] is ${show(value[index])}${form ? `; expected ${form}` : ""}`;
    }
    const form = keys.expectedForm(key);
    return `${show(value)}${form ? `; expected ${form}` : ""}`;
}

/** Whether a stack value fits the type Pulumi.yaml declares, as the CLI checks it. */
function fitsDeclaredType(declaration: ConfigDeclaration, value: unknown): boolean {
    const scalar = typeof value === "string" ? value : typeof value === "number" || typeof value === "boolean" ? String(value) : undefined;
    switch (declaration.type) {
        case "string":
            return scalar !== undefined;
        case "integer":
            return scalar !== undefined && /^-?\d+$/.test(scalar);
        case "boolean":
            return scalar === "true" || scalar === "false";
        case "array":
            return Array.isArray(value) && value.every((e) => typeof e === "string" || isSecure(e));
        default:
            return true;
    }
}

/**
 * Reads Pulumi.yaml and Pulumi.<stack>.yaml and merges them the way the CLI does before it starts a
 * program: a declared key the stack leaves unset gets its declared default; a declared key with
 * neither fails, naming every such key; values must fit their declared type (so a secret list is
 * set entry by entry with --path); a declared secret must be stored encrypted; a value with a
 * `secure:` entry is a secret key.
 */
export function readStackConfig(stack: string, root = PROJECT_ROOT): StackConfig {
    const projectFile = readYaml(path.join(root, "Pulumi.yaml")) as { name: string; config?: Record<string, ConfigDeclaration> };
    const project = projectFile.name;
    const file = path.join(root, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) throw new StackFileError(`No stack file ${path.relative(process.cwd(), file)}: known stacks are ${knownStacks(root).join(", ")}`);
    let stackValues: Record<string, StackValue>;
    try {
        stackValues = readStackFile(fs.readFileSync(file, "utf8"));
    } catch (e) {
        if (e instanceof StackYamlError) throw new StackFileError(`Stack '${stack}': ${path.basename(file)}: ${e.message}`);
        throw e;
    }
    const declared = new Map(Object.entries(projectFile.config ?? {}).map(([name, d]) => [name.includes(":") ? name : `${project}:${name}`, d]));
    const shortName = (key: string) => (key.startsWith(`${project}:`) ? key.slice(project.length + 1) : key);
    const values: Record<string, string> = {};
    const secretKeys: string[] = [];
    const rewritten: Record<string, Rewrite> = {};
    const wrongTypes: string[] = [];
    for (const [rawKey, stackValue] of Object.entries(stackValues)) {
        const key = rawKey.includes(":") ? rawKey : `${project}:${rawKey}`;
        const declaration = declared.get(key);
        Object.assign(rewritten, rewrites(key, stackValue));
        const raw = plainValue(stackValue);
        // A top-level secret is text to the CLI, never a list; its plaintext is not known here.
        if (declaration && !(isSecure(raw) ? declaration.type !== "array" : fitsDeclaredType(declaration, raw))) {
            const type = declaration.type === "array" ? `array<${declaration.items?.type ?? "string"}>` : declaration.type;
            wrongTypes.push(`Stack '${stack}' with configuration key '${shortName(key)}' must be of type '${type}': ${wrongTypeDetail(key, declaration, raw)}`);
            continue;
        }
        const { value, secure } = revealStandIns(key, raw);
        values[key] = !secure ? stackText(stackValue) : configText(value);
        if (secure) secretKeys.push(key);
    }
    // The CLI refuses the first of these per run; all of them at once spare a run per value.
    if (wrongTypes.length === 1) throw new StackFileError(wrongTypes[0]);
    if (wrongTypes.length > 1) throw new StackFileError(`Stack '${stack}' has ${wrongTypes.length} configuration values of the wrong type:\n${wrongTypes.map((w) => `  - ${w}`).join("\n")}`);
    const missing: string[] = [];
    for (const [key, declaration] of declared) {
        const fallback = declaration.default ?? declaration.value;
        if (declaration.secret && !secretKeys.includes(key) && (key in values || (fallback !== undefined && fallback !== null))) {
            throw new StackFileError(`Stack '${stack}' with configuration key '${shortName(key)}' must be encrypted as it's secret`);
        }
        if (key in values) continue;
        if (fallback !== undefined && fallback !== null) values[key] = configText(fallback);
        else if (key.startsWith(`${project}:`)) missing.push(shortName(key));
    }
    if (missing.length > 0) throw new StackFileError(`Stack '${stack}' is missing configuration value${missing.length === 1 ? "" : "s"} ${keyList(missing)}`);
    return { project, values, secretKeys, rewrites: rewritten };
}

/**
 * A stack value as the type checks and secret stand-ins read it: scalars as the text the CLI hands
 * over (numbers and booleans as their JS values, so a list entry that YAML made a number is not a
 * string), secure values as { secure }.
 */
function plainValue(v: StackValue): unknown {
    switch (v.kind) {
        case "secure":
            return { secure: v.ciphertext };
        case "list":
            return v.items.map(plainValue);
        case "map":
            return Object.fromEntries(Object.entries(v.entries).map(([k, e]) => [k, plainValue(e)]));
        case "scalar":
            switch (v.value.kind) {
                case "bool":
                    return v.value.value;
                case "int":
                case "uint":
                case "float":
                    return Number(v.text);
                default:
                    return v.text;
            }
    }
}

export function knownStacks(root = PROJECT_ROOT): string[] {
    return fs.readdirSync(root).map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1]).filter((s): s is string => !!s).sort();
}

type PromiseWrapper = <T>(p: Promise<T>, ctx: unknown) => Promise<T>;

/**
 * The SDK formats a stack trace for every promise it makes (a dozen or more per resource), kept
 * only for PULUMI_DEBUG_PROMISE_LEAKS reports. Under the mocked cloud that formatting is about a
 * fifth of the synth's own time, so it is skipped unless that variable is set. Errors the program
 * throws, and the SDK's own resource source positions, keep their stacks.
 */
export function skipPromiseStackTraces(): boolean {
    if (process.env.PULUMI_DEBUG_PROMISE_LEAKS) return false;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise?: PromiseWrapper & { withStacks?: PromiseWrapper } };
    const original = debuggable.debuggablePromise;
    if (typeof original !== "function" || original.withStacks) return false;
    const wrapped: PromiseWrapper & { withStacks?: PromiseWrapper } = (p, ctx) => {
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 0;
        try {
            return original(p, ctx);
        } finally {
            Error.stackTraceLimit = limit;
        }
    };
    wrapped.withStacks = original;
    debuggable.debuggablePromise = wrapped;
    return true;
}
skipPromiseStackTraces();

/**
 * The SDK records where each resource was declared by taking a full stack trace per resource
 * (`Resource.callsites`, @pulumi/pulumi resource.js: `Error.stackTraceLimit = Infinity; new
 * Error().stack`), for the engine's diagnostics. Offline nothing reads it, and with source maps on
 * every frame of every such trace is mapped: the largest single cost of a synth above the SDK's own.
 * Skipped like the promise traces above (PULUMI_DEBUG_PROMISE_LEAKS keeps them); errors the program
 * throws keep their stacks.
 */
export function skipResourceCallsites(): boolean {
    if (process.env.PULUMI_DEBUG_PROMISE_LEAKS) return false;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Resource } = require("@pulumi/pulumi/resource") as { Resource: { callsites?: (() => unknown[]) & { original?: () => unknown[] } } };
    const original = Resource.callsites;
    if (typeof original !== "function" || original.original) return false;
    const skipped: (() => unknown[]) & { original?: () => unknown[] } = () => [];
    skipped.original = original;
    Resource.callsites = skipped;
    return true;
}
skipResourceCallsites();

const SIG = { key: "4dabf18193072939515e22adb298388d", secret: "1b47061264138c4ac30d75fd1eb44270", resource: "5cf8f73096256a8f31e491e813e4eb8e" };
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Plain JSON of a wire-format property value, with secrets masked and resource references as URNs. */
function readable(value: unknown): unknown {
    if (value === UNKNOWN) return "[unknown]";
    if (Array.isArray(value)) return value.map(readable);
    if (value && typeof value === "object") {
        const obj = value as Record<string, unknown>;
        if (obj[SIG.key] === SIG.secret) return masked(obj.value);
        if (obj[SIG.key] === SIG.resource) return { resource: obj.urn };
        return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, readable(v)]));
    }
    return value;
}

/** A secret keeps its shape (keys, list lengths) for review and schema checks; every value is hidden. */
function masked(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(masked);
    if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, masked(v)]));
    return SECRET_PLACEHOLDER;
}

/** The URN an alias stands for: a URN as given, or a spec's name/type/parent with the resource's own as defaults. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function aliasUrn(alias: any, type: string, name: string, parent: string): string | undefined {
    if (alias.getUrn?.()) return alias.getUrn();
    const spec = alias.getSpec?.();
    if (!spec) return undefined;
    const parentUrn: string = spec.getNoparent() ? "" : spec.getParenturn() || parent;
    // urn:pulumi:<stack>::<project>::<parent type chain>::<name>; a child's type is prefixed by its parent's last type.
    const parentType = parentUrn ? parentUrn.split("::")[2].split("$").pop() : "";
    const stack = spec.getStack() || pulumi.getStack();
    const project = spec.getProject() || pulumi.getProject();
    return `urn:pulumi:${stack}::${project}::${parentType ? `${parentType}$` : ""}${spec.getType() || type}::${spec.getName() || name}`;
}

const providerUrn = (ref: string) => (ref ? ref.split("::").slice(0, -1).join("::") : "");

/** AWS service name of a type token (`aws:ec2/vpc:Vpc` -> `ec2`). */
const awsService = (type: string) => type.split(":")[1]?.split("/")[0] ?? "mock";

/**
 * Outputs only the cloud can know, as deterministic placeholders marked `mock`. ARNs and host names
 * are in the region's partition, as AWS makes them (arn:aws-cn:..., *.amazonaws.com.cn in China).
 */
function mockState(args: pulumi.runtime.MockResourceArgs, region: string): Record<string, unknown> {
    const { type, name, inputs } = args;
    const { partition, dnsSuffix } = partitionInfo(region);
    const physicalName = inputs.name ?? name;
    const arn = `arn:${partition}:${awsService(type)}:${region}:${MOCK_ACCOUNT}:mock/${physicalName}`;
    switch (type) {
        case "eks:index:Cluster": {
            const clusterName = inputs.name ?? name;
            const issuer = `oidc.eks.${region}.${dnsSuffix}/id/MOCK${clusterName.toUpperCase().replace(/[^A-Z0-9]/g, "")}`;
            return {
                ...inputs,
                kubeconfigJson: JSON.stringify(mockKubeconfig(clusterName, region, dnsSuffix)),
                oidcProviderArn: `arn:${partition}:iam::${MOCK_ACCOUNT}:oidc-provider/${issuer}`,
                // As @pulumi/eks documents them: the provider URL with its scheme, the issuer without.
                oidcProviderUrl: `https://${issuer}`,
                oidcIssuer: issuer,
                // A stand-in for the aws.eks.Cluster resource reference: what the program reads of it.
                eksCluster: { name: clusterName, arn: `arn:${partition}:eks:${region}:${MOCK_ACCOUNT}:cluster/${clusterName}` },
                clusterSecurityGroupId: `sg-mock-${clusterName}-cluster`,
                nodeSecurityGroupId: `sg-mock-${clusterName}-cluster`,
            };
        }
        case "random:index/randomPassword:RandomPassword":
            return { ...inputs, result: `mock-random-password-${name}` };
        case "kubernetes:core/v1:Service":
        case "kubernetes:networking.k8s.io/v1:Ingress": {
            // Load balancers publish their DNS name in status; a read (Service.get) has no inputs.
            const isLoadBalancer = type.endsWith(":Ingress") || inputs.spec?.type === "LoadBalancer" || args.id;
            // DNS names in the forms ELB gives them (ALB: <name>-<id>.<region>.elb.<dnsSuffix>; NLB: <name>-<id>.elb.<region>.<dnsSuffix>),
            // so rules can tell which load balancer (and hosted zone) a name belongs to.
            const lbName = `mock-${(inputs.metadata?.name ?? name)}`;
            const hostname = type.endsWith(":Ingress") && inputs.spec?.ingressClassName === "alb" ? `${lbName}-0000000000.${region}.elb.${dnsSuffix}` : `${lbName}.elb.${region}.${dnsSuffix}`;
            return isLoadBalancer ? { ...inputs, status: { loadBalancer: { ingress: [{ hostname }] } } } : { ...inputs };
        }
        case "kubernetes:gateway.networking.k8s.io/v1:Gateway":
            // The load balancer controller publishes the ALB's DNS name in the Gateway's status.
            return { ...inputs, status: { addresses: [{ type: "Hostname", value: `mock-${inputs.metadata?.name ?? name}-gateway-0000000000.${region}.elb.${dnsSuffix}` }] } };
        case "aws:acm/certificate:Certificate":
            return {
                ...inputs,
                arn: `arn:${partition}:acm:${region}:${MOCK_ACCOUNT}:certificate/00000000-0000-0000-0000-${mockHex(name, 12)}`,
                domainValidationOptions: [{ domainName: inputs.domainName, resourceRecordName: `_mock.${inputs.domainName}.`, resourceRecordType: "CNAME", resourceRecordValue: "_mock.acm-validations.aws." }],
            };
        case "aws:acm/certificateValidation:CertificateValidation":
            return { ...inputs };
        case "aws:route53/record:Record":
            return { ...inputs, fqdn: inputs.name };
        case "pulumi:index:Stash":
            // The first value stored; a new stash stores its input.
            return { ...inputs, output: inputs.input };
        case "aws:ec2/launchTemplate:LaunchTemplate":
            return { ...inputs, arn, latestVersion: 1 };
        case "aws:kms/key:Key":
            return { ...inputs, arn: `arn:${partition}:kms:${region}:${MOCK_ACCOUNT}:key/00000000-0000-0000-0000-${mockHex(name, 12)}`, keyId: `mock-key-${name}` };
        default:
            return args.custom ? { ...inputs, name: physicalName, arn } : { ...inputs };
    }
}

function mockHex(seed: string, length: number): string {
    let h = 0;
    for (const ch of seed) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
    return h.toString(16).padStart(length, "0").slice(-length);
}

function mockKubeconfig(clusterName: string, region: string, dnsSuffix: string) {
    return {
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: clusterName, cluster: { server: `https://MOCK.gr7.${region}.eks.${dnsSuffix}`, "certificate-authority-data": "TU9DSw==" } }],
        contexts: [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
        "current-context": clusterName,
        users: [{ name: clusterName, user: { exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command: "aws", args: ["eks", "get-token", "--cluster-name", clusterName, "--region", region] } } }],
    };
}

/** Who runs the program: its STS caller ARN and the IAM principal behind it (the role, with its path, for an assumed role). */
export interface MockCaller {
    arn: string;
    issuerArn: string;
}
/** The default deploying identity in a region's partition: an account lives in exactly one partition. */
export function defaultCaller(region: string): MockCaller {
    const arn = `arn:${partitionInfo(region).partition}:iam::${MOCK_ACCOUNT}:user/mock`;
    return { arn, issuerArn: arn };
}

/** Answers the invokes the program uses; anything else is a test failure, not a silent echo. */
function mockCall(args: pulumi.runtime.MockCallArgs, region: string, caller: MockCaller): Record<string, unknown> {
    switch (args.token) {
        case "aws:index/getPartition:getPartition": {
            const info = partitionInfo(region);
            return { id: info.partition, ...info };
        }
        case "aws:index/getCallerIdentity:getCallerIdentity":
            return { id: caller.arn.split(":")[4], accountId: caller.arn.split(":")[4], arn: caller.arn, userId: "MOCKUSER" };
        case "aws:iam/getSessionContext:getSessionContext":
            // Only the caller's own session is known here.
            if (args.inputs.arn !== caller.arn) throw new Error(`mockCloud: getSessionContext of ${args.inputs.arn}, not the caller ${caller.arn}`);
            return { id: caller.arn, arn: caller.arn, issuerArn: caller.issuerArn, issuerId: "MOCKISSUER", issuerName: caller.issuerArn.split("/").pop(), sessionName: "" };
        case "aws:index/getRegion:getRegion":
            return { id: region, name: region, region, endpoint: `ec2.${region}.${partitionInfo(region).dnsSuffix}` };
        case "aws:eks/getAddonVersion:getAddonVersion": {
            // EKS's default add-on version for a Kubernetes version, as a marked placeholder.
            const { addonName, kubernetesVersion } = args.inputs as { addonName: string; kubernetesVersion: string };
            return { id: addonName, addonName, kubernetesVersion, version: `mock-default-for-${kubernetesVersion}` };
        }
        default:
            throw new Error(`mockCloud: unmocked invoke ${args.token}; add it to offline/mockCloud.ts`);
    }
}

export interface Evaluation {
    resources: RecordedResource[];
    /** Stack outputs; secrets shown as "[secret]". */
    outputs: Record<string, unknown>;
    /** Messages the program logged with pulumi.log.warn (shown by `pulumi preview`/`up`). */
    warnings: string[];
}

/** An evaluation that may have failed: what was registered before the failure is kept. */
export interface Attempt extends Evaluation {
    error?: unknown;
}

type Program = () => unknown;

/** The real program (index.ts), loaded lazily so the SDK is configured first. */
export function realProgram(): Program {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require("../index") as Program;
}

export interface EvaluateOptions {
    stack: string;
    /** Defaults to the real Pulumi.<stack>.yaml. */
    config?: StackConfig;
    /** Defaults to the real program, index.ts. */
    program?: Program;
    /** The identity running the program (getCallerIdentity, getSessionContext); defaults to defaultCaller(region). */
    caller?: MockCaller;
    /** Names of hosted zones given by id; others are assumed to be the record's registrable domain. */
    hostedZones?: Record<string, string>;
}

/**
 * Evaluates the program for a stack under mocks and returns every registered resource, sorted by
 * URN. Rejects when the program throws or registers two resources with one URN.
 */
export async function evaluate(opts: EvaluateOptions): Promise<Evaluation> {
    const attempt = await attemptEvaluation(opts);
    if (attempt.error) throw attempt.error;
    return attempt;
}

/** Like evaluate, but resolves with the failure and whatever was registered before it. */
export async function attemptEvaluation(opts: EvaluateOptions): Promise<Attempt> {
    const config = opts.config ?? readStackConfig(opts.stack);
    const region = config.values["aws:region"] ?? "us-east-1";
    const caller = opts.caller ?? defaultCaller(region);
    pulumi.runtime.setAllConfig(config.values, config.secretKeys);
    // Failures inside the mock reach the program as bare errors, so they are also kept here.
    const problems: string[] = [];
    const call = (a: pulumi.runtime.MockCallArgs) => {
        try {
            return mockCall(a, region, caller);
        } catch (e) {
            problems.push((e as Error).message);
            throw e;
        }
    };
    await pulumi.runtime.setMocks(
        { newResource: (a) => ({ id: a.custom ? `mock-id-${a.name}` : undefined, state: mockState(a, region) }), call },
        config.project,
        opts.stack,
        false,
    );

    const resources = new Map<string, RecordedResource>();
    const violations: RuleViolation[] = [];
    const reads: Read[] = [];
    const ctx = { region, callerArn: caller.arn, zoneName: (zoneId: string, recordName: string) => opts.hostedZones?.[zoneId] ?? assumedApex(recordName) };
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const monitor = pulumi.runtime.getMonitor() as any;
    const register = monitor.registerResource.bind(monitor);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    monitor.registerResource = (req: any, callback: (err: unknown, resp: any) => void) =>
        register(req, (err: unknown, resp: { getUrn(): string }) => {
            if (err) return callback(err, resp);
            const urn = resp.getUrn();
            if (resources.has(urn)) {
                // The engine's own refusal (pkg/resource/deploy/step_generator.go): "Duplicate resource URN '<urn>'; try giving it a unique name".
                problems.push(`Duplicate resource URN '${urn}'; try giving it a unique name [Pulumi engine, pkg/resource/deploy/step_generator.go]`);
                return callback(new Error(`mockCloud: duplicate URN ${urn}`), undefined);
            }
            const propertyDependencies: Record<string, string[]> = {};
            for (const [prop, deps] of req.getPropertydependenciesMap().entries()) {
                propertyDependencies[prop] = [...deps.getUrnsList()].sort();
            }
            const dependencies = new Set<string>(req.getDependenciesList());
            Object.values(propertyDependencies).flat().forEach((d) => dependencies.add(d));
            resources.set(urn, {
                urn,
                type: req.getType(),
                name: req.getName(),
                custom: req.getCustom(),
                remote: req.getRemote(),
                parent: req.getParent(),
                provider: providerUrn(req.getProvider()),
                dependencies: [...dependencies].sort(),
                propertyDependencies,
                protect: req.getProtect() === true,
                ignoreChanges: req.getIgnorechangesList(),
                retainOnDelete: req.getRetainondelete() === true,
                deleteBeforeReplace: req.getDeletebeforereplace() === true,
                // eslint-disable-next-line @typescript-eslint/no-explicit-any
                aliasTypes: req.getAliasesList().map((a: any) => a.getSpec()?.getType()).filter((t: string | undefined) => !!t),
                // eslint-disable-next-line @typescript-eslint/no-explicit-any
                aliasUrns: req.getAliasesList().map((a: any) => aliasUrn(a, req.getType(), req.getName(), req.getParent())).filter((u: string | undefined) => !!u).sort(),
                inputs: readable(req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>,
                ...(req.getImportid() ? { importId: req.getImportid() } : {}),
                ...(req.getCustomtimeouts() ? { customTimeouts: Object.fromEntries(Object.entries(req.getCustomtimeouts().toObject()).filter(([, t]) => t)) } : {}),
            });
            violations.push(...checkResource(resources.get(urn)!, ctx));
            callback(err, resp);
        });

    // Reads (`.get`) are judged at the end, against everything the run registers.
    const read = monitor.readResource.bind(monitor);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    monitor.readResource = (req: any, callback: (err: unknown, resp: unknown) => void) => {
        reads.push({ type: req.getType(), name: req.getName(), id: req.getId() });
        return read(req, callback);
    };

    // Outputs as registered on the wire keep their secret marks, so secrets stay masked here.
    const registeredOutputs = new Map<string, Record<string, unknown>>();
    const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    monitor.registerResourceOutputs = (req: any, callback: (err: unknown, resp: unknown) => void) => {
        registeredOutputs.set(req.getUrn(), readable(req.getOutputs()?.toJavaScript() ?? {}) as Record<string, unknown>);
        return registerOutputs(req, callback);
    };

    // Without an engine, pulumi.log.warn writes to console.warn; collect those instead.
    const warnings: string[] = [];
    const consoleWarn = console.warn;
    console.warn = (...args: unknown[]) => {
        const text = args.map(String).join(" ");
        if (text.startsWith(RUNTIME_WARNING)) warnings.push(text.slice(RUNTIME_WARNING.length));
        else consoleWarn(...args);
    };

    const program = opts.program ?? realProgram();
    let error: unknown;
    overrideStackFileRewrites(config.rewrites ?? {});
    try {
        await pulumi.runtime.runInPulumiStack(async () => program());
    } catch (e) {
        error = e;
    } finally {
        overrideStackFileRewrites(undefined);
    }
    await pulumi.runtime.disconnect();
    console.warn = consoleWarn;
    if (problems.length > 0) error = new Error(problems.join("\n"));
    const sorted = [...resources.values()].sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
    // A program that failed is reported as it failed; the rules judge complete runs.
    if (!error) {
        violations.push(...checkRun(sorted, reads, ctx));
        if (violations.length > 0) error = new CloudRuleError(violations);
    }
    const stackUrn = sorted.find((r) => r.type === "pulumi:pulumi:Stack")?.urn ?? "";
    return { resources: sorted, outputs: registeredOutputs.get(stackUrn) ?? {}, warnings: [...new Set(warnings)].sort(), error };
}
