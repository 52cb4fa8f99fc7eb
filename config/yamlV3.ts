// How a stack file's values reach the program, ported from the Pulumi CLI and gopkg.in/yaml.v3.
//
// pulumi/pulumi sdk/go/common/workspace/loaders.go (LoadProjectStackBytes, since v3.44) reads the
// stack file into `any` with yaml.v3, marshals it back (util/yamlutil/encode.go, yaml.v3's encoder)
// and reads it again into config.Value, whose UnmarshalYAML (resource/config/object.go
// unmarshalObject + MarshalString) decodes each value into `any` once more and keeps strings as
// they are, bool/int/float as their encoding/json text, time.Time as its String(), and lists and
// maps as JSON. So every plain (unquoted) scalar goes through yaml.v3's resolve.go twice, with its
// encode.go formatting in between. Quoted and block scalars are strings throughout.
//
// go-yaml/yaml v3.0.1 resolve.go is ported in `resolve` below; encode.go's intv/uintv/floatv/timev
// in `encodeScalar`; Go's strconv and time formatting as yaml.v3 calls them.

/** A value as yaml.v3 decodes a scalar into `any`. */
export type GoValue =
    | { kind: "null" }
    | { kind: "bool"; value: boolean }
    | { kind: "int"; value: bigint }
    | { kind: "uint"; value: bigint }
    | { kind: "float"; value: number }
    | { kind: "string"; value: string }
    | { kind: "time"; value: GoTime };

export interface GoTime {
    year: number;
    month: number;
    day: number;
    hour: number;
    minute: number;
    second: number;
    /** Fraction digits as written (nanosecond precision at most). */
    nanos: number;
    /** Offset east of UTC in seconds; 0 is UTC. */
    offset: number;
}

export class YamlTypeError extends Error {}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** resolve.go resolveMap. */
const RESOLVE_MAP: Record<string, GoValue> = {};
for (const s of ["true", "True", "TRUE"]) RESOLVE_MAP[s] = { kind: "bool", value: true };
for (const s of ["false", "False", "FALSE"]) RESOLVE_MAP[s] = { kind: "bool", value: false };
for (const s of ["", "~", "null", "Null", "NULL"]) RESOLVE_MAP[s] = { kind: "null" };
for (const s of [".nan", ".NaN", ".NAN"]) RESOLVE_MAP[s] = { kind: "float", value: NaN };
for (const s of [".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"]) RESOLVE_MAP[s] = { kind: "float", value: Infinity };
for (const s of ["-.inf", "-.Inf", "-.INF"]) RESOLVE_MAP[s] = { kind: "float", value: -Infinity };

/** resolve.go resolveTable: the first character's hint. */
function hintOf(c: string | undefined): string | undefined {
    if (c === undefined) return "N";
    if (c === "+" || c === "-") return "S";
    if (c >= "0" && c <= "9") return "D";
    if ("yYnNtTfFoO~".includes(c)) return "M";
    if (c === ".") return ".";
    return undefined;
}

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** strconv.ParseInt(s, base, 64) / ParseUint: undefined on syntax or range error. base 0 reads 0x, 0o, 0b and leading-0 octal. */
function goParseInt(s: string, base: number, unsigned: boolean): bigint | undefined {
    let sign = 1n;
    let body = s;
    if (!unsigned && (body.startsWith("+") || body.startsWith("-"))) {
        if (body[0] === "-") sign = -1n;
        body = body.slice(1);
    }
    let radix = base;
    if (base === 0) {
        radix = 10;
        if (/^0[xX]/.test(body)) [radix, body] = [16, body.slice(2)];
        else if (/^0[oO]/.test(body)) [radix, body] = [8, body.slice(2)];
        else if (/^0[bB]/.test(body)) [radix, body] = [2, body.slice(2)];
        else if (body.length > 1 && body[0] === "0") [radix, body] = [8, body.slice(1)];
    }
    const digits = radix === 16 ? /^[0-9a-fA-F]+$/ : radix === 8 ? /^[0-7]+$/ : radix === 2 ? /^[01]+$/ : /^[0-9]+$/;
    if (!digits.test(body)) return undefined;
    let n = 0n;
    for (const ch of body.toLowerCase()) n = n * BigInt(radix) + BigInt(parseInt(ch, radix));
    n *= sign;
    if (unsigned) return n <= UINT64_MAX ? n : undefined;
    return n >= INT64_MIN && n <= INT64_MAX ? n : undefined;
}

/** strconv.ParseFloat(s, 64) for the decimal forms resolve.go hands it; undefined on syntax or range error. */
function goParseFloat(s: string): number | undefined {
    if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) return undefined;
    const f = Number(s);
    return Number.isFinite(f) ? f : undefined;
}

/** parseTimestamp in resolve.go: YYYY- then one of allowedTimestampFormats, read as Go's time.Parse reads them. */
export function parseTimestamp(s: string): GoTime | undefined {
    if (!/^\d{4}-/.test(s)) return undefined;
    const patterns = [
        /^(\d{4})-(\d{1,2})-(\d{1,2})T(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/,
        /^(\d{4})-(\d{1,2})-(\d{1,2})t(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/,
        /^(\d{4})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d+))?()$/,
        /^(\d{4})-(\d{1,2})-(\d{1,2})()()()()()$/,
    ];
    for (const p of patterns) {
        const m = p.exec(s);
        if (!m) continue;
        const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
        const [hour, minute, second] = [Number(m[4] || 0), Number(m[5] || 0), Number(m[6] || 0)];
        const daysIn = new Date(Date.UTC(year, month, 0)).getUTCDate();
        if (month < 1 || month > 12 || day < 1 || day > daysIn || hour > 23 || minute > 59 || second > 59) continue;
        const nanos = m[7] ? Number((m[7] + "000000000").slice(0, 9)) : 0;
        let offset = 0;
        if (m[8] && m[8] !== "Z") {
            const [, sign, hh, mm] = /^([+-])(\d{2}):(\d{2})$/.exec(m[8])!;
            offset = (sign === "-" ? -1 : 1) * (Number(hh) * 3600 + Number(mm) * 60);
        }
        return { year, month, day, hour, minute, second, nanos, offset };
    }
    return undefined;
}

/** resolve.go resolve(tag, in) for a plain scalar (tag "") or an explicitly tagged one. Throws like failf. */
export function resolve(tag: string, text: string): GoValue {
    const short = tag.startsWith("tag:yaml.org,2002:") ? `!!${tag.slice("tag:yaml.org,2002:".length)}` : tag;
    if (!["", "!!str", "!!bool", "!!int", "!!float", "!!null", "!!timestamp"].includes(short)) return { kind: "string", value: text };
    const out = resolveUntagged(short, text);
    // The deferred check in resolve.go: an explicit tag must match what was resolved (an int may become a float).
    const rtag = out.kind === "uint" ? "!!int" : out.kind === "time" ? "!!timestamp" : `!!${out.kind === "string" ? "str" : out.kind}`;
    if (short === "" || short === rtag || short === "!!str") return short === "!!str" ? { kind: "string", value: text } : out;
    if (short === "!!float" && out.kind === "int") return { kind: "float", value: Number(out.value) };
    throw new YamlTypeError(`cannot decode ${rtag} \`${text}\` as a ${short}`);
}

function resolveUntagged(tag: string, text: string): GoValue {
    const hint = text === "" ? "N" : hintOf(text[0]);
    if (hint === undefined || tag === "!!str") return { kind: "string", value: text };
    if (text in RESOLVE_MAP) return RESOLVE_MAP[text];
    switch (hint) {
        case ".": {
            const f = goParseFloat(text);
            if (f !== undefined) return { kind: "float", value: f };
            break;
        }
        case "D":
        case "S": {
            if (tag === "" || tag === "!!timestamp") {
                const t = parseTimestamp(text);
                if (t) return { kind: "time", value: t };
            }
            const plain = text.replace(/_/g, "");
            const i = goParseInt(plain, 0, false);
            if (i !== undefined) return { kind: "int", value: i };
            const u = goParseInt(plain, 0, true);
            if (u !== undefined) return { kind: "uint", value: u };
            if (YAML_STYLE_FLOAT.test(plain)) {
                const f = goParseFloat(plain);
                if (f !== undefined) return { kind: "float", value: f };
            }
            if (plain.startsWith("0b")) {
                const b = goParseInt(plain.slice(2), 2, false) ?? goParseInt(plain.slice(2), 2, true);
                if (b !== undefined) return { kind: "int", value: b };
            } else if (plain.startsWith("-0b")) {
                const b = goParseInt("-" + plain.slice(3), 2, false);
                if (b !== undefined) return { kind: "int", value: b };
            }
            if (plain.startsWith("0o")) {
                const o = goParseInt(plain.slice(2), 8, false) ?? goParseInt(plain.slice(2), 8, true);
                if (o !== undefined) return { kind: "int", value: o };
            } else if (plain.startsWith("-0o")) {
                const o = goParseInt("-" + plain.slice(3), 8, false);
                if (o !== undefined) return { kind: "int", value: o };
            }
            break;
        }
    }
    return { kind: "string", value: text };
}

/** The decimal digits and exponent of the shortest representation (what Go's 'g' and JS both start from). */
function shortestDigits(f: number): { digits: string; exp: number } {
    const [mantissa, e] = Math.abs(f).toExponential().split("e");
    return { digits: mantissa.replace(".", ""), exp: Number(e) };
}

/** strconv.FormatFloat(f, 'g', -1, 64), as encode.go floatv calls it (with .inf/-.inf/.nan). */
export function goFormatFloatG(f: number): string {
    if (Number.isNaN(f)) return ".nan";
    if (f === Infinity) return ".inf";
    if (f === -Infinity) return "-.inf";
    if (f === 0) return Object.is(f, -0) ? "-0" : "0";
    const sign = f < 0 ? "-" : "";
    const { digits, exp } = shortestDigits(f);
    const nd = digits.length;
    const dp = exp + 1;
    // ftoa.go %g: "if precision was the shortest possible, use precision 6 for this decision".
    if (exp < -4 || exp >= 6) {
        const mant = nd > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
        const e = Math.abs(exp);
        return `${sign}${mant}e${exp < 0 ? "-" : "+"}${e < 10 ? "0" : ""}${e}`;
    }
    if (dp <= 0) return `${sign}0.${"0".repeat(-dp)}${digits}`;
    if (dp >= nd) return `${sign}${digits}${"0".repeat(dp - nd)}`;
    return `${sign}${digits.slice(0, dp)}.${digits.slice(dp)}`;
}

/** encoding/json's float64 text (MarshalString of a float): JS's Number#toString uses the same cut-offs (1e-6, 1e21). */
export function goJsonFloat(f: number): string {
    if (!Number.isFinite(f)) throw new YamlTypeError(`json: unsupported value: ${Number.isNaN(f) ? "NaN" : f > 0 ? "+Inf" : "-Inf"}`);
    return Object.is(f, -0) ? "-0" : String(f);
}

const pad = (n: number, w: number) => String(n).padStart(w, "0");
const fraction = (nanos: number) => (nanos === 0 ? "" : `.${pad(nanos, 9).replace(/0+$/, "")}`);
const zone = (offset: number, colon: boolean) => `${offset < 0 ? "-" : "+"}${pad(Math.floor(Math.abs(offset) / 3600), 2)}${colon ? ":" : ""}${pad(Math.floor((Math.abs(offset) % 3600) / 60), 2)}`;

/** time.Format(time.RFC3339Nano), as encode.go timev writes a time. */
export function goRfc3339Nano(t: GoTime): string {
    return `${pad(t.year, 4)}-${pad(t.month, 2)}-${pad(t.day, 2)}T${pad(t.hour, 2)}:${pad(t.minute, 2)}:${pad(t.second, 2)}${fraction(t.nanos)}${t.offset === 0 ? "Z" : zone(t.offset, true)}`;
}

/**
 * time.Time.String() ("2006-01-02 15:04:05.999999999 -0700 MST"), as object.go keeps a time. A
 * zero offset reads back as UTC; another offset as a zone without a name, which Go prints as the
 * offset again (the CLI's machine is assumed to run in UTC, as CI runners do).
 */
export function goTimeString(t: GoTime): string {
    const name = t.offset === 0 ? "UTC" : zone(t.offset, false);
    return `${pad(t.year, 4)}-${pad(t.month, 2)}-${pad(t.day, 2)} ${pad(t.hour, 2)}:${pad(t.minute, 2)}:${pad(t.second, 2)}${fraction(t.nanos)} ${zone(t.offset, false)} ${name}`;
}

/** encode.go: the plain text the encoder writes for a non-string scalar (strings are quoted when needed, so stay strings). */
export function encodeScalar(v: GoValue): string | undefined {
    switch (v.kind) {
        case "null":
            return "null";
        case "bool":
            return v.value ? "true" : "false";
        case "int":
        case "uint":
            return v.value.toString();
        case "float":
            return goFormatFloatG(v.value);
        case "time":
            return goRfc3339Nano(v.value);
        case "string":
            return undefined;
    }
}

/** One scalar through the CLI's read, write and read again: the value config.Value ends up holding. */
export function roundTrip(first: GoValue): GoValue {
    const text = encodeScalar(first);
    return text === undefined ? first : resolve("", text);
}

/** object.go MarshalString for a scalar: the text handed to the program. */
export function configString(v: GoValue): string {
    switch (v.kind) {
        case "null":
            return "";
        case "bool":
            return v.value ? "true" : "false";
        case "int":
        case "uint":
            return v.value.toString();
        case "float":
            return goJsonFloat(v.value);
        case "time":
            return goTimeString(v.value);
        case "string":
            return v.value;
    }
}

/** The same value inside a list or map, as encoding/json writes it. */
export function configJson(v: GoValue): string {
    switch (v.kind) {
        case "null":
            return "null";
        case "bool":
        case "int":
        case "uint":
        case "float":
            return configString(v);
        case "time":
            return JSON.stringify(goTimeString(v.value));
        case "string":
            return JSON.stringify(v.value);
    }
}
