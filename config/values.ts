// Values as a user can check them, in config errors and in the mocked cloud's refusals alike:
// strings quoted with invisible and look-alike characters escaped. Pure.

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
