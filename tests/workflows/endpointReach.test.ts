import * as assert from "node:assert/strict";
import { knownStacks, readStackConfig } from "../../offline/mockCloud";
import { Contexts, condition, evaluateTemplate } from "./expressions";
import { Workflow, jobRuns, workflow } from "./workflowFiles";

/**
 * Whether a GitHub-hosted runner can reach the stack's API endpoint. EKS serves the public endpoint
 * only to publicAccessCidrs, and the private one only inside the VPC (EKS User Guide, "Cluster API
 * server endpoint"); GitHub-hosted runners egress from addresses that are not fixed (GitHub docs,
 * "GitHub-hosted runners": IP addresses), so only 0.0.0.0/0 admits them for sure.
 */
function reachableFromGitHubHosted(stack: string): boolean {
    const { values } = readStackConfig(stack);
    const cidrs = JSON.parse(values["idp-eks:publicAccessCidrs"] ?? "[]") as string[];
    return values["idp-eks:endpointPublicAccess"] === "true" && cidrs.includes("0.0.0.0/0");
}
const GITHUB_HOSTED = /^(ubuntu|windows|macos)-/;

interface Violation { workflow: string; job: string; scenario: string; stack: string; runner: string }

/**
 * Every way a job running `pulumi` can be triggered (refs, matrix, repository variables set or not)
 * where it targets a stack GitHub-hosted runners cannot reach, on a GitHub-hosted runner, without an
 * earlier step that stops the job with an explanation.
 */
function unreachableRuns(name: string, wf: Workflow): Violation[] {
    const out: Violation[] = [];
    for (const [jobName, job] of Object.entries<Workflow>(wf.jobs)) {
        const steps: Workflow[] = job.steps ?? [];
        const pulumiAt = steps.findIndex((s) => String(s.uses ?? "").startsWith("pulumi/actions@"));
        if (pulumiAt < 0) continue;
        for (const ref of ["refs/heads/main", "refs/tags/v1.2.3", "refs/pull/7/merge"]) {
            for (const runnerLabel of ["", "idp-prod-vpc"]) {
                const github = { ref, repository: "acme/idp-eks", event: { pull_request: { number: 7, head: { repo: { full_name: "acme/idp-eks" } } } } };
                for (const ctx of jobRuns(job, github, { AWS_ROLE_ARN: "arn:aws:iam::111122223333:role/deploy", PROD_RUNNER_LABEL: runnerLabel })) {
                    const stack = String(evaluateTemplate(steps[pulumiAt].with?.["stack-name"], ctx));
                    assert.ok(knownStacks().includes(stack), `${name}/${jobName}: stack-name evaluates to ${stack}`);
                    const stopped = steps.slice(0, pulumiAt).some((s) => condition(s.if, ctx) && /\bexit 1\b/.test(String(s.run ?? "")));
                    const runner = String(evaluateTemplate(job["runs-on"], ctx));
                    if (!stopped && !reachableFromGitHubHosted(stack) && GITHUB_HOSTED.test(runner)) {
                        out.push({ workflow: name, job: jobName, scenario: `ref ${ref}, PROD_RUNNER_LABEL '${runnerLabel}', matrix ${JSON.stringify(ctx.matrix)}`, stack, runner });
                    }
                }
            }
        }
    }
    return out;
}

describe("workflows: runners that can reach each stack's API endpoint", () => {
    it("the stacks differ: dev's endpoint is open to GitHub-hosted runners, prod's is not", () => {
        assert.equal(reachableFromGitHubHosted("dev"), true);
        assert.equal(reachableFromGitHubHosted("prod"), false);
    });

    for (const name of ["deploy.yml", "pull-request.yml"]) {
        it(`${name}: never runs pulumi against a stack from a runner its endpoint refuses (self-hosted PROD_RUNNER_LABEL, or a clear failure before pulumi)`, () => {
            assert.deepEqual(unreachableRuns(name, workflow(name)), []);
        });
    }

    it("prod runs on the PROD_RUNNER_LABEL runner when the variable is set", () => {
        const deploy = workflow("deploy.yml").jobs.deploy;
        const ctx: Contexts = { github: { ref: "refs/tags/v2.0.0" }, vars: { PROD_RUNNER_LABEL: "idp-prod-vpc" }, matrix: {}, env: {} };
        assert.equal(evaluateTemplate(deploy["runs-on"], ctx), "idp-prod-vpc");
        const preview = workflow("pull-request.yml").jobs.preview;
        assert.equal(evaluateTemplate(preview["runs-on"], { ...ctx, matrix: { stack: "prod" } }), "idp-prod-vpc");
        assert.equal(evaluateTemplate(preview["runs-on"], { ...ctx, matrix: { stack: "dev" } }), "ubuntu-latest");
    });

    it("catches the contradiction: a prod deployment on ubuntu-latest is reported", () => {
        const wf = workflow("deploy.yml");
        wf.jobs.deploy["runs-on"] = "ubuntu-latest";
        wf.jobs.deploy.steps = wf.jobs.deploy.steps.filter((s: { run?: string }) => !/exit 1/.test(s.run ?? ""));
        const found = unreachableRuns("deploy.yml", wf);
        assert.ok(found.length > 0 && found.every((v) => v.stack === "prod"), JSON.stringify(found));
    });
});
