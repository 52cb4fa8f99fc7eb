// Kubernetes API server name and label syntax, as k8s.io/apimachinery/pkg/util/validation
// (validation.go) defines it: the mocked cloud's rules (offline/rules/kubernetes.ts) check emitted
// objects with it, and the connectivity file reader (networkPolicy/connectivityFile.ts) checks the
// namespaces, pods and policies a user writes. Each function returns a problem or undefined.

// validation.go: dns1123LabelFmt, dns1123SubdomainFmt, dns1035LabelFmt, qualifiedNameFmt, labelValueFmt, IsValidPortName.
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** A name of at most `max` characters matching `form` (apimachinery util/validation). */
function nameProblem(s: string, max: number, form: RegExp, expected: string): string | undefined {
    if (s.length > max) return `must be no more than ${max} characters (is ${s.length})`;
    if (!form.test(s)) return `must be ${expected}`;
    return undefined;
}
export const dns1123LabelProblem = (s: string) => nameProblem(s, 63, DNS1123_LABEL, "a DNS-1123 label: lower-case alphanumerics or '-', starting and ending alphanumeric");
export const dns1123SubdomainProblem = (s: string) => nameProblem(s, 253, DNS1123_SUBDOMAIN, "a DNS-1123 subdomain: lower-case alphanumerics, '-' or '.', starting and ending alphanumeric");
export const dns1035LabelProblem = (s: string) => nameProblem(s, 63, DNS1035_LABEL, "a DNS-1035 label: lower-case alphanumerics or '-', starting with a letter and ending alphanumeric");
/** IsQualifiedName: label and annotation keys, `[prefix/]name`. */
export function qualifiedNameProblem(s: string): string | undefined {
    const parts = s.split("/");
    if (parts.length > 2) return "must be a qualified name: at most one '/'";
    const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
    if (prefix !== undefined) {
        if (prefix.length === 0) return "prefix part must be non-empty";
        const p = dns1123SubdomainProblem(prefix);
        if (p) return `prefix part ${p}`;
    }
    if (name.length === 0) return "name part must be non-empty";
    if (name.length > 63) return `name part must be no more than 63 characters (is ${name.length})`;
    if (!QUALIFIED_NAME.test(name)) return "name part must consist of alphanumerics, '-', '_' or '.', starting and ending alphanumeric";
    return undefined;
}
export const labelValueProblem = (s: string) => nameProblem(s, 63, LABEL_VALUE, "empty or alphanumerics, '-', '_' or '.', starting and ending alphanumeric");
/** IsValidPortName (IANA_SVC_NAME). */
export function portNameProblem(s: string): string | undefined {
    if (s.length < 1 || s.length > 15) return `must be 1 to 15 characters (is ${s.length})`;
    if (!/^[-a-z0-9]+$/.test(s)) return "must contain only lower-case alphanumerics and '-'";
    if (!/[a-z]/.test(s)) return "must contain at least one letter";
    if (s.includes("--")) return "must not contain consecutive hyphens";
    if (s.startsWith("-") || s.endsWith("-")) return "must not begin or end with a hyphen";
    return undefined;
}
