import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT } from "../../offline/mockCloud";
import { Contexts, evaluateTemplate } from "./expressions";
import { Workflow, jobRuns, workflow } from "./workflowFiles";

const REPO = "acme/idp-eks";

/**
 * The `sub` claim of the OIDC token a job presents to AWS, with GitHub's default subject template
 * (GitHub docs, "OpenID Connect reference", example subject claims): a job in an environment gets
 * `repo:ORG/REPO:environment:NAME`; otherwise a pull_request run gets `repo:ORG/REPO:pull_request`
 * and a push `repo:ORG/REPO:ref:REF`. An IAM role's trust policy matches this claim, so it decides
 * which workflow runs can assume the role.
 */
function oidcSubject(job: Workflow, ctx: Contexts): string {
    const raw = typeof job.environment === "object" && job.environment !== null ? job.environment.name : job.environment;
    const environment = raw === undefined ? "" : String(evaluateTemplate(raw, ctx) ?? "");
    if (environment) return `repo:${REPO}:environment:${environment}`;
    const github = ctx.github as { event_name: string; ref: string };
    return github.event_name === "pull_request" ? `repo:${REPO}:pull_request` : `repo:${REPO}:ref:${github.ref}`;
}

interface CredentialedRun { workflow: string; job: string; trigger: string; stack: string; subject: string; branchCode: boolean }

const TRIGGERS: Record<string, { event_name: string; ref: string }[]> = {
    "pull-request.yml": [{ event_name: "pull_request", ref: "refs/pull/7/merge" }],
    "deploy.yml": [{ event_name: "push", ref: "refs/heads/main" }, { event_name: "push", ref: "refs/tags/v1.2.3" }],
};

/** Every run of a job that assumes an AWS role, with the stack it previews or deploys. */
function credentialedRuns(name: string, wf: Workflow): CredentialedRun[] {
    const out: CredentialedRun[] = [];
    for (const [jobName, job] of Object.entries<Workflow>(wf.jobs)) {
        const steps: Workflow[] = job.steps ?? [];
        if (!steps.some((s) => String(s.uses ?? "").startsWith("aws-actions/configure-aws-credentials@"))) continue;
        const pulumi = steps.find((s) => String(s.uses ?? "").startsWith("pulumi/actions@"));
        for (const trigger of TRIGGERS[name]) {
            const github = { ...trigger, repository: REPO, event: { pull_request: { number: 7, head: { repo: { full_name: REPO } } } } };
            for (const ctx of jobRuns(job, github, { AWS_ROLE_ARN: "arn:aws:iam::111122223333:role/deploy", PROD_RUNNER_LABEL: "idp-prod-vpc" })) {
                out.push({
                    workflow: name,
                    job: jobName,
                    trigger: `${trigger.event_name} ${trigger.ref}`,
                    stack: String(evaluateTemplate(pulumi?.with?.["stack-name"], ctx)),
                    subject: oidcSubject(job, ctx),
                    branchCode: trigger.event_name === "pull_request",
                });
            }
        }
    }
    return out;
}

const allRuns = (override: Record<string, Workflow> = {}) =>
    Object.keys(TRIGGERS).flatMap((name) => credentialedRuns(name, override[name] ?? workflow(name)));

/** Problems with who can assume which stack's role: each names the run. */
function subjectProblems(runs: CredentialedRun[]): string[] {
    const problems: string[] = [];
    const deploys = runs.filter((r) => !r.branchCode);
    for (const r of runs) {
        const where = `${r.workflow}/${r.job} (${r.trigger}, ${r.stack})`;
        if (!r.subject.startsWith(`repo:${REPO}:environment:`)) problems.push(`${where} assumes a role outside an environment (subject ${r.subject}): no reviewer can gate it, and a role that trusts it trusts every run with that subject`);
        if (r.branchCode && deploys.some((d) => d.subject === r.subject)) problems.push(`${where} runs a branch's code with a deployment's subject ${r.subject}`);
        const others = runs.filter((o) => o.stack !== r.stack && o.subject === r.subject);
        if (others.length) problems.push(`${where} shares subject ${r.subject} with stack ${others[0].stack}`);
    }
    return [...new Set(problems)];
}

describe("workflows: OIDC subjects (who can assume each stack's AWS role)", () => {
    it("every job that assumes a role does so from its own environment: a PR's preview never presents a deployment's subject, and no two stacks share one", () => {
        assert.deepEqual(subjectProblems(allRuns()), []);
    });

    it("catches a preview without an environment: its subject is the generic pull_request one, for both stacks", () => {
        const pr = workflow("pull-request.yml");
        delete pr.jobs.preview.environment;
        const problems = subjectProblems(allRuns({ "pull-request.yml": pr }));
        assert.ok(problems.some((p) => p.includes("repo:acme/idp-eks:pull_request") && p.includes("outside an environment")), problems.join("\n"));
        assert.ok(problems.some((p) => p.includes("shares subject repo:acme/idp-eks:pull_request")), problems.join("\n"));
    });

    it("catches a prod preview in the production environment: branch code with the deployment's subject", () => {
        const pr = workflow("pull-request.yml");
        pr.jobs.preview.environment = "${{ matrix.stack == 'prod' && 'production' || 'development-preview' }}";
        assert.ok(subjectProblems(allRuns({ "pull-request.yml": pr })).some((p) => p.includes("with a deployment's subject repo:acme/idp-eks:environment:production")));
    });

    it("the README's trust table lists exactly each stack's deploy and preview subjects", () => {
        const readme = fs.readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8");
        const rows = [...readme.matchAll(/^\s*\| (deploy|preview)[^|]*\| (\w+) \| `repo:OWNER\/REPO:([^`]+)` \|/gm)].map((m) => `${m[1]} ${m[2]} repo:${REPO}:${m[3]}`);
        const expected = allRuns().map((r) => `${r.branchCode ? "preview" : "deploy"} ${r.stack} ${r.subject}`);
        assert.deepEqual([...new Set(rows)].sort(), [...new Set(expected)].sort());
    });
});
