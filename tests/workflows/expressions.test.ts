import * as assert from "node:assert/strict";
import { condition, evaluateExpression, evaluateTemplate } from "./expressions";

describe("workflows: the expression evaluator the workflow tests use", () => {
    it("follows GitHub's rules: && and || return operands, comparisons ignore case, missing properties are null", () => {
        const ctx = { github: { ref: "refs/tags/v1" }, vars: { A: "", B: "x" }, matrix: { stack: "prod" } };
        assert.equal(evaluateExpression("startsWith(github.ref, 'refs/tags/v') && 'production' || 'development'", ctx), "production");
        assert.equal(evaluateExpression("vars.A || 'fallback'", ctx), "fallback");
        assert.equal(evaluateExpression("vars.B || 'fallback'", ctx), "x");
        assert.equal(evaluateExpression("matrix.stack == 'PROD'", ctx), true);
        assert.equal(evaluateExpression("vars.MISSING", ctx), null);
        assert.equal(evaluateExpression("!(vars.A != '')", ctx), true);
        assert.equal(evaluateTemplate("pulumi-up-${{ matrix.stack }}", ctx), "pulumi-up-prod");
        assert.equal(condition("${{ vars.A == '' }}", ctx), true);
        assert.equal(condition(undefined, ctx), true);
    });
});
