// What the rule tests build: a recorded resource as the rules see it.
import { ResourceView } from "../../../offline/rules/types";

export const resourceView = (type: string, name: string, inputs: Record<string, unknown>): ResourceView => ({ urn: `urn:pulumi:test::p::${type}::${name}`, type, name, custom: true, inputs });
