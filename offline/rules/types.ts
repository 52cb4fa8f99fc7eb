// What a rule sees and what it reports. Rules are pure functions over recorded resources.

/** One refusal: which resource, which property, what value, which rule and where the rule is defined. */
export interface RuleViolation {
    /** URN (or type and name) of the resource. */
    resource: string;
    /** Property path within the resource's inputs. */
    property: string;
    /** The offending value, shown escaped. */
    value: string;
    /** What is required, with the limit. */
    rule: string;
    /** Where AWS, Kubernetes or Pulumi defines the rule. */
    source: string;
}

/** The slice of a recorded resource the rules read. */
export interface ResourceView {
    urn: string;
    type: string;
    name: string;
    custom: boolean;
    inputs: Record<string, unknown>;
}

export function formatViolation(v: RuleViolation): string {
    return `${v.resource}: ${v.property} = ${v.value}: ${v.rule} [${v.source}]`;
}

/**
 * A value as a user can read it back: strings quoted with invisible, non-ASCII look-alike and
 * control characters escaped (\u200b, \u0430 ...), numbers as their exact decimal text.
 */
export function showValue(value: unknown): string {
    if (typeof value === "string") return escapeText(value);
    if (typeof value === "bigint") return value.toString();
    if (typeof value === "number") return Number.isSafeInteger(value) || !Number.isInteger(value) ? String(value) : BigInt(value).toString();
    if (value === undefined) return "(unset)";
    const json = JSON.stringify(value);
    return json === undefined ? String(value) : json.length > 200 ? `${json.slice(0, 200)}...` : json;
}

/** JSON-style quoting, with every character outside printable ASCII escaped so look-alikes show. */
export function escapeText(text: string): string {
    let out = '"';
    for (const ch of text) {
        const code = ch.codePointAt(0)!;
        if (ch === '"' || ch === "\\") out += `\\${ch}`;
        else if (ch === "\n") out += "\\n";
        else if (ch === "\t") out += "\\t";
        else if (ch === "\r") out += "\\r";
        else if (code < 0x20 || code >= 0x7f) out += code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, "0")}`;
        else out += ch;
    }
    return `${out}"`;
}
