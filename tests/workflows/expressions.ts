// A small evaluator of GitHub Actions expressions (`${{ ... }}`), enough for the workflows' job
// conditions, runner labels and stack names: literals, context paths, ==, !=, !, &&, || (which
// return an operand, as in GitHub), parentheses and startsWith/endsWith/contains. Semantics per the
// GitHub docs "Evaluate expressions in workflows and actions": string comparison ignores case, a
// missing property is null, '' and null and false are falsy.
export type Value = string | number | boolean | null | { [k: string]: Value } | Value[];
export type Contexts = Record<string, Value>;

type Token = { kind: "str" | "num" | "id" | "op"; text: string };

function tokenize(src: string): Token[] {
    const out: Token[] = [];
    let i = 0;
    while (i < src.length) {
        const c = src[i];
        if (/\s/.test(c)) { i++; continue; }
        if (c === "'") {
            let j = i + 1, text = "";
            while (j < src.length) {
                if (src[j] === "'" && src[j + 1] === "'") { text += "'"; j += 2; continue; }
                if (src[j] === "'") break;
                text += src[j++];
            }
            out.push({ kind: "str", text });
            i = j + 1;
            continue;
        }
        const two = src.slice(i, i + 2);
        if (["==", "!=", "&&", "||", "<=", ">="].includes(two)) { out.push({ kind: "op", text: two }); i += 2; continue; }
        if ("()!,.[]<>".includes(c)) { out.push({ kind: "op", text: c }); i++; continue; }
        const num = /^-?\d+(\.\d+)?/.exec(src.slice(i));
        if (num) { out.push({ kind: "num", text: num[0] }); i += num[0].length; continue; }
        const id = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(src.slice(i));
        if (!id) throw new Error(`cannot read expression at ${src.slice(i)}`);
        out.push({ kind: "id", text: id[0] });
        i += id[0].length;
    }
    return out;
}

const truthy = (v: Value) => !(v === null || v === false || v === "" || v === 0);
const text = (v: Value) => (v === null ? "" : typeof v === "object" ? JSON.stringify(v) : String(v));
const equal = (a: Value, b: Value) => (typeof a === "string" && typeof b === "string" ? a.toLowerCase() === b.toLowerCase() : a === b);

export function evaluateExpression(src: string, ctx: Contexts): Value {
    const tokens = tokenize(src);
    let pos = 0;
    const peek = () => tokens[pos];
    const eat = (t?: string) => {
        const tok = tokens[pos++];
        if (t && tok?.text !== t) throw new Error(`expected ${t} in ${src}`);
        return tok;
    };
    const primary = (): Value => {
        const tok = eat();
        if (tok.kind === "str") return tok.text;
        if (tok.kind === "num") return Number(tok.text);
        if (tok.text === "(") { const v = or(); eat(")"); return v; }
        if (tok.text === "!") return !truthy(primary());
        if (tok.kind !== "id") throw new Error(`unexpected ${tok.text} in ${src}`);
        if (tok.text === "true" || tok.text === "false") return tok.text === "true";
        if (tok.text === "null") return null;
        if (peek()?.text === "(") {
            eat("(");
            const args: Value[] = [];
            while (peek()?.text !== ")") { args.push(or()); if (peek()?.text === ",") eat(","); }
            eat(")");
            const [a, b] = args.map(text).map((s) => s.toLowerCase());
            switch (tok.text) {
                case "startsWith": return a.startsWith(b);
                case "endsWith": return a.endsWith(b);
                case "contains": return a.includes(b);
                default: throw new Error(`function ${tok.text} is not modelled`);
            }
        }
        let v: Value = tok.text in ctx ? ctx[tok.text] : null;
        while (peek()?.text === "." || peek()?.text === "[") {
            const key = eat().text === "." ? eat().text : (() => { const k = text(or()); eat("]"); return k; })();
            v = v && typeof v === "object" && !Array.isArray(v) && key in v ? (v as Record<string, Value>)[key] : null;
        }
        return v;
    };
    const comparison = (): Value => {
        let left = primary();
        while (peek()?.text === "==" || peek()?.text === "!=") {
            const op = eat().text;
            const right = primary();
            left = op === "==" ? equal(left, right) : !equal(left, right);
        }
        return left;
    };
    const and = (): Value => {
        let left = comparison();
        while (peek()?.text === "&&") { eat(); const right = comparison(); left = truthy(left) ? right : left; }
        return left;
    };
    const or = (): Value => {
        let left = and();
        while (peek()?.text === "||") { eat(); const right = and(); left = truthy(left) ? left : right; }
        return left;
    };
    const v = or();
    if (pos !== tokens.length) throw new Error(`trailing tokens in ${src}`);
    return v;
}

/** A workflow value: `${{ expr }}` alone keeps the expression's value; embedded ones are interpolated. */
export function evaluateTemplate(value: unknown, ctx: Contexts): Value {
    if (typeof value !== "string") return value as Value;
    const whole = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(value);
    if (whole && !whole[1].includes("}}")) return evaluateExpression(whole[1], ctx);
    return value.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, e) => text(evaluateExpression(e, ctx)));
}

/** A step or job `if:` (an expression with or without `${{ }}`); absent means it runs. */
export function condition(value: unknown, ctx: Contexts): boolean {
    if (value === undefined) return true;
    if (typeof value === "boolean") return value;
    const src = String(value).trim().replace(/^\$\{\{([\s\S]*)\}\}$/, "$1");
    return truthy(evaluateExpression(src, ctx));
}
export { truthy };
