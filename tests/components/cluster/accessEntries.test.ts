import * as assert from "node:assert/strict";
import { explicitAdminPrincipals, principalKey } from "../../../components/cluster/accessEntries";

describe("cluster: access entry rules", () => {
    it("keys a principal by its ARN alone: deterministic, distinct for distinct principals, free of URN delimiters", () => {
        const arns = [
            "arn:aws:iam::111122223333:role/platform-admins",
            "arn:aws:iam::111122223333:role/ops/platform-admins",
            "arn:aws:iam::111122223333:role/ops-platform-admins",
            "arn:aws:iam::111122223333:user/platform-admins",
            "arn:aws:iam::444455556666:role/platform-admins",
            "arn:aws-us-gov:iam::111122223333:role/a+b=c,d.e@f_g",
        ];
        const keys = arns.map(principalKey);
        assert.deepEqual(keys, arns.map(principalKey), "same ARN, same key");
        assert.equal(new Set(keys).size, arns.length, "one key per principal (a path separator is not a hyphen)");
        for (const k of keys) assert.doesNotMatch(k, /::|\s/, `${k} would break a URN`);
        assert.equal(principalKey(arns[1]), "111122223333/role/ops/platform-admins");
        assert.throws(() => principalKey("arn:aws:sts::111122223333:assumed-role/x/y"), /not an IAM role or user ARN/);
    });

    it("leaves the cluster creator (EKS's bootstrap admin) out of the explicit entries, matching IAM names case-insensitively", () => {
        // IAM role and user names are unique case-insensitively (IAM User Guide, "IAM identifiers").
        const admins = ["arn:aws:iam::111122223333:role/Admins", "arn:aws:iam::111122223333:role/ci/Deployer"];
        assert.deepEqual(explicitAdminPrincipals(admins, "arn:aws:iam::111122223333:role/ci/deployer"), ["arn:aws:iam::111122223333:role/Admins"]);
        assert.deepEqual(explicitAdminPrincipals(admins, "arn:aws:iam::111122223333:user/someone"), admins);
    });
});
