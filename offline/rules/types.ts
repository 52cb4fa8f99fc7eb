// What a rule sees and what it reports. Rules are pure functions over recorded resources.
// Values are shown as config errors show them (config/values.ts).

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

/** A value the mocked cloud knows: not its placeholders for values only the cloud or a secret holds. */
export const known = (v: unknown): v is string => typeof v === "string" && v !== "[unknown]" && v !== "[secret]";

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
