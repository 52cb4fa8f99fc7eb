// `pulumi preview --policy-pack policy` (add `--policy-pack-config policy/prod.json` for prod).
import { PolicyPack } from "@pulumi/policy";
import { resourcePolicies, stackPolicies } from "./policies";

new PolicyPack("idp-eks", { policies: [...resourcePolicies, ...stackPolicies] });
