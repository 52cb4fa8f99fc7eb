// How the Pulumi CLI reads a stack file's `config:` (LoadProjectStackBytes, through the yaml.v3 port
// in yamlV3.ts), and which scalars it hands the program changed. The program names those in config
// errors (stackFile.ts); the mocked cloud hands the program the same values. Pure.
import { FAILSAFE_SCHEMA, Type, load } from "js-yaml";
import { GoValue, YamlTypeError, configJson, configString, resolve, roundTrip } from "./yamlV3";
import { escapeText } from "./values";

/** A plain (unquoted) scalar as written; only these go through yaml.v3's resolve.go. */
class Plain extends String {}
/** A scalar with an explicit tag (`!!int 3`). */
class Tagged extends String {
    constructor(
        readonly tag: string,
        text: string,
    ) {
        super(text);
    }
}

// js-yaml does the YAML syntax only: every plain scalar is kept as written (one implicit type that
// matches everything), quoted and block scalars are strings (js-yaml resolves only plain scalars),
// explicit core tags are kept for resolve.go to judge.
const PLAIN = new Type("tag:yaml.org,2002:plain", { kind: "scalar", resolve: () => true, construct: (d: string) => new Plain(d) });
const TAGGED = ["bool", "int", "float", "null", "timestamp"].map((t) => new Type(`tag:yaml.org,2002:${t}`, { kind: "scalar", resolve: () => true, construct: (d: string | null) => new Tagged(`!!${t}`, d ?? "") }));
const SCHEMA = FAILSAFE_SCHEMA.extend({ implicit: [PLAIN], explicit: TAGGED });

/** A stack value as the CLI hands it on. */
export type StackValue =
    | { kind: "scalar"; value: GoValue; text: string; written?: string }
    | { kind: "secure"; ciphertext: string }
    | { kind: "list"; items: StackValue[] }
    | { kind: "map"; entries: Record<string, StackValue> };

/** A scalar the CLI hands over differently from how the stack file spells it. */
export interface Rewrite {
    written: string;
    received: string;
}

function scalar(node: unknown): StackValue {
    const first: GoValue = node instanceof Tagged ? resolve(node.tag, String(node)) : node instanceof Plain ? resolve("", String(node)) : node === null ? { kind: "null" } : { kind: "string", value: String(node) };
    const value = roundTrip(first);
    const text = configString(value);
    const written = node instanceof Plain || node instanceof Tagged ? String(node) : undefined;
    return { kind: "scalar", value, text, ...(written !== undefined && written !== text ? { written } : {}) };
}

function toStackValue(node: unknown): StackValue {
    if (Array.isArray(node)) return { kind: "list", items: node.map(toStackValue) };
    if (node !== null && typeof node === "object" && !(node instanceof String)) {
        const entries = Object.entries(node as Record<string, unknown>);
        if (entries.length === 1 && entries[0][0] === "secure" && (entries[0][1] instanceof String || typeof entries[0][1] === "string")) return { kind: "secure", ciphertext: String(entries[0][1]) };
        return { kind: "map", entries: Object.fromEntries(entries.map(([k, v]) => [k, toStackValue(v)])) };
    }
    return scalar(node);
}

/** The JSON text the CLI hands over for a list or map (encoding/json: no spaces, map keys sorted). */
export function stackJson(v: StackValue): string {
    switch (v.kind) {
        case "scalar":
            return configJson(v.value);
        case "secure":
            return JSON.stringify({ secure: v.ciphertext });
        case "list":
            return `[${v.items.map(stackJson).join(",")}]`;
        case "map":
            return `{${Object.keys(v.entries).sort().map((k) => `${JSON.stringify(k)}:${stackJson(v.entries[k])}`).join(",")}}`;
    }
}

/** The text handed to the program for a top-level key. */
export function stackText(v: StackValue): string {
    return v.kind === "scalar" ? v.text : v.kind === "secure" ? v.ciphertext : stackJson(v);
}

/** Every scalar whose text changed on the way, keyed `key` or `key[i]`. */
export function rewrites(key: string, v: StackValue, out: Record<string, Rewrite> = {}): Record<string, Rewrite> {
    if (v.kind === "scalar" && v.written !== undefined) out[key] = { written: v.written, received: v.text };
    if (v.kind === "list") v.items.forEach((item, i) => rewrites(`${key}[${i}]`, item, out));
    if (v.kind === "map") for (const [k, item] of Object.entries(v.entries)) rewrites(`${key}.${k}`, item, out);
    return out;
}

export class StackYamlError extends Error {}

/** Reads a stack file's `config:` the way LoadProjectStackBytes does; throws on what yaml.v3 refuses. */
export function readStackFile(text: string): Record<string, StackValue> {
    let doc: unknown;
    try {
        doc = load(text.replace(/^\uFEFF/, ""), { schema: SCHEMA });
    } catch (e) {
        throw new StackYamlError(`invalid YAML file: ${(e as Error).message}`);
    }
    const config = (doc as { config?: unknown } | null)?.config;
    if (config === undefined || config === null) return {};
    if (typeof config !== "object" || Array.isArray(config) || config instanceof String) throw new StackYamlError("config: must be a map of keys to values");
    try {
        return Object.fromEntries(Object.entries(config as Record<string, unknown>).map(([k, v]) => [k, toStackValue(v)]));
    } catch (e) {
        if (e instanceof YamlTypeError) throw new StackYamlError(`yaml: ${e.message}`);
        throw e;
    }
}

/** The hint a config error carries when YAML changed what the user typed. */
export function rewriteHint(r: Rewrite): string {
    return `the stack file has ${r.written} unquoted, which YAML (gopkg.in/yaml.v3, as the Pulumi CLI reads it) turns into ${escapeText(r.received)}; quote it ('${r.written}') to keep it as typed`;
}
