import * as assert from "node:assert/strict";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { PROJECT_ROOT, attemptEvaluation } from "../offline/mockCloud";

const CONSUMER = path.join(PROJECT_ROOT, "examples/consumer");
const run = (cmd: string, args: string[], cwd = PROJECT_ROOT) => spawnSync(cmd, args, { cwd, encoding: "utf8" });

describe("package: a consumer project imports it by name", () => {
    before(function () {
        this.timeout(180000);
        // What `npm install` in the example does with "idp-eks": "file:../..": link the package.
        const build = run(process.execPath, [path.join(PROJECT_ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"]);
        assert.equal(build.status, 0, build.stdout + build.stderr);
        const link = path.join(CONSUMER, "node_modules/idp-eks");
        fs.mkdirSync(path.dirname(link), { recursive: true });
        if (!fs.existsSync(link)) fs.symlinkSync(path.relative(path.dirname(link), PROJECT_ROOT), link, "dir");
    });

    /** The example's program: a fresh require each time, since the program runs as the module loads. */
    const runExample = () => {
        const file = path.join(CONSUMER, "index.ts");
        delete require.cache[require.resolve(file)];
        return require(file); // eslint-disable-line @typescript-eslint/no-require-imports
    };

    it("type-checks against the published declarations", () => {
        const result = run(process.execPath, [path.join(PROJECT_ROOT, "node_modules/typescript/bin/tsc"), "-p", path.join(CONSUMER, "tsconfig.json")]);
        assert.equal(result.status, 0, result.stdout + result.stderr);
    });

    it("runs under mocks and builds the network, cluster, add-ons and IdP with NetworkPolicies", async () => {
        const attempt = await attemptEvaluation({
            stack: "dev",
            config: { project: "idp-eks-consumer", values: { "aws:region": "eu-west-1" }, secretKeys: [] },
            program: runExample,
        });
        assert.equal(attempt.error, undefined, String(attempt.error));
        const types = new Set(attempt.resources.map((r) => r.type));
        for (const t of ["idp-eks:index:Network", "idp-eks:index:Cluster", "idp-eks:index:LoadBalancerController", "idp-eks:index:CertManager", "idp-eks:index:IdpApplication", "kubernetes:networking.k8s.io/v1:NetworkPolicy"]) {
            assert.ok(types.has(t), `missing ${t}`);
        }
        assert.deepEqual(attempt.outputs.url, ["https://login.example.com"]);
    });

    it("is refused with aws:region left at another region than its eu-west-1 zones (as EC2 refuses the subnets): the README's steps set it", async () => {
        const attempt = await attemptEvaluation({
            stack: "dev",
            config: { project: "idp-eks-consumer", values: { "aws:region": "us-east-1" }, secretKeys: [] },
            program: runExample,
        });
        assert.match(String(attempt.error), /availabilityZone.*eu-west-1a.*not a zone of the stack's region us-east-1/s);
        assert.match(fs.readFileSync(path.join(PROJECT_ROOT, "README.md"), "utf8"), /pulumi config set aws:region eu-west-1/);
    });
});

describe("package: npm pack", () => {
    it("ships the compiled components with declarations and data, and no tests, fixtures or program", function () {
        this.timeout(180000);
        const result = run("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"]);
        assert.equal(result.status, 0, result.stderr);
        const files: string[] = JSON.parse(result.stdout)[0].files.map((f: { path: string }) => f.path);
        for (const f of ["package.json", "README.md", "dist/components/index.js", "dist/components/index.d.ts", "dist/components/platform/index.d.ts", "dist/components/addons/loadBalancerController/iam-policy-v3.5.0.json",
            "dist/components/addons/loadBalancerController/iam-policy-v3.5.0-us-gov.json", "dist/components/addons/loadBalancerController/iam-policy-v3.5.0-cn.json",
            // Read at run time from beside dist/ (see crdDirectory): the pinned Gateway API CRDs.
            "components/addons/gatewayApi/crds/gateway-api-v1.6.0/gateway.networking.k8s.io_httproutes.yaml", "components/addons/gatewayApi/crds/aws-load-balancer-controller-v3.5.0/gateway-crds.yaml"]) {
            assert.ok(files.includes(f), `${f} is not packed`);
        }
        for (const f of files) assert.doesNotMatch(f, /(^|\/)(tests?|examples|offline|policy|\.github)\/|\.test\.|Pulumi\..*yaml$/, `${f} should not be packed`);
        const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8"));
        assert.deepEqual(Object.keys(pkg.peerDependencies).sort(), ["@pulumi/aws", "@pulumi/eks", "@pulumi/kubernetes", "@pulumi/pulumi", "@pulumi/random"]);
        assert.equal(pkg.exports["."].types, "./dist/components/index.d.ts");
    });
});

describe("package: the toolchain", () => {
    const lock = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { version?: string }> };
    const copies = (name: string) => Object.keys(lock.packages).filter((p) => p === `node_modules/${name}` || p.endsWith(`/node_modules/${name}`));

    it("installs exactly one copy of @pulumi/pulumi (a nested copy breaks mocks and resource identity)", () => {
        assert.deepEqual(copies("@pulumi/pulumi"), ["node_modules/@pulumi/pulumi"]);
    });

    it("pins TypeScript to 5.9 (7.x has no classic compiler API for ts-node and Pulumi)", () => {
        const manifest = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as { devDependencies: Record<string, string> };
        assert.equal(manifest.devDependencies.typescript, "~5.9.3");
        assert.match(lock.packages["node_modules/typescript"].version ?? "", /^5\.9\./);
    });
});
