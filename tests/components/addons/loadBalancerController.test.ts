import * as assert from "node:assert/strict";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { ALB_INGRESS_VALIDATION_LABELS, PolicyDocument, UPSTREAM_POLICIES, UPSTREAM_POLICY_FILES, controllerPolicy, controllerValues } from "../../../components/addons/loadBalancerController";
import { albIngress, nginxIngress } from "../../../components/idp/ingress";
import { Evaluation } from "../../../offline/mockCloud";
import { evaluateStack, shippedStack, ofType, only } from "../../harness";

// Upstream's policy files at tag v3.5.0 of kubernetes-sigs/aws-load-balancer-controller (commit
// 11eb202c97e4ae2ee45e0658c4cde9a4b59f33d4), one per partition as docs/deploy/installation.md there
// names them, kept byte for byte: path upstream, file here, sha256 (the standard file is also
// ../shared/reference/lbc-iam-policy-v3.5.0.json).
const UPSTREAM_V3_5_0 = [
    { partition: "aws", upstream: "docs/install/iam_policy.json", file: "iam-policy-v3.5.0.json", sha256: "16f232c9d9f79366fe949c4550ad517a202380058a9e48d45a4e215044a20a6a" },
    { partition: "aws-us-gov", upstream: "docs/install/iam_policy_us-gov.json", file: "iam-policy-v3.5.0-us-gov.json", sha256: "eff0caf0b8f205e63e09ee1ea37a90fba6a87a417ac40fc83da50b204a55f372" },
    { partition: "aws-cn", upstream: "docs/install/iam_policy_cn.json", file: "iam-policy-v3.5.0-cn.json", sha256: "b1ac7c188d27a2cdb3095c7efd8376cd21705fe75d6ce91715558a85987b25bc" },
];
const POLICY_DIR = path.join(__dirname, "../../../components/addons/loadBalancerController");

const actionsOf = (doc: PolicyDocument) => new Set(doc.Statement.flatMap((s) => (typeof s.Action === "string" ? [s.Action] : s.Action)));
const resourcesOf = (doc: PolicyDocument) => doc.Statement.flatMap((s) => (typeof s.Resource === "string" ? [s.Resource] : s.Resource));
/** A document's statements as text, with one partition's ARNs rewritten to the standard partition. */
const inStandardPartition = (doc: PolicyDocument, partition: string) => doc.Statement.map((s) => JSON.stringify(s).split(`"arn:${partition}:`).join('"arn:aws:'));

describe("addons: AWS Load Balancer Controller IAM policy", () => {
    for (const kept of UPSTREAM_V3_5_0) {
        it(`keeps upstream's v3.5.0 ${kept.upstream} byte for byte as ${kept.file} (16 statements, 80 distinct actions)`, () => {
            assert.equal(createHash("sha256").update(fs.readFileSync(path.join(POLICY_DIR, kept.file))).digest("hex"), kept.sha256);
            const upstream = UPSTREAM_POLICIES["3.5.0"][kept.partition];
            assert.equal(upstream.Statement.length, 16);
            assert.equal(actionsOf(upstream).size, 80);
            assert.equal(UPSTREAM_POLICY_FILES[kept.partition], kept.upstream);
        });
    }

    // What upstream changes per partition, and so what IAM needs: every resource ARN in the
    // partition of the account (IAM refuses another partition's: MalformedPolicyDocument).
    for (const partition of ["aws-us-gov", "aws-cn"]) {
        it(`upstream's ${partition} file is the standard one with its resource ARNs in ${partition} (two statements in another order, nothing else)`, () => {
            const standard = UPSTREAM_POLICIES["3.5.0"].aws;
            const other = UPSTREAM_POLICIES["3.5.0"][partition];
            assert.deepEqual([...inStandardPartition(other, partition)].sort(), [...inStandardPartition(standard, "aws")].sort());
            const arns = resourcesOf(other).filter((r) => r.startsWith("arn:"));
            assert.equal(arns.length, 13);
            for (const arn of arns) assert.ok(arn.startsWith(`arn:${partition}:`), arn);
            assert.ok(resourcesOf(standard).filter((r) => r.startsWith("arn:")).every((arn) => arn.startsWith("arn:aws:")));
        });
    }

    for (const partition of ["aws", "aws-us-gov", "aws-cn"]) {
        it(`${partition}: takes upstream's ${partition} policy and scopes only the unconditioned security-group ingress statement to the cluster's VPC`, () => {
            const vpcArn = `arn:${partition}:ec2:${partition === "aws-cn" ? "cn-north-1" : partition === "aws-us-gov" ? "us-gov-west-1" : "us-east-1"}:000000000000:vpc/vpc-1`;
            const scoped = controllerPolicy("3.5.0", vpcArn);
            const upstream = UPSTREAM_POLICIES["3.5.0"][partition];
            const changed = scoped.Statement.map((s, i) => [s, upstream.Statement[i]]).filter(([a, b]) => JSON.stringify(a) !== JSON.stringify(b));
            assert.equal(changed.length, 1);
            assert.deepEqual(changed[0][0], {
                Effect: "Allow",
                Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"],
                Resource: "*",
                Condition: { ArnEquals: { "ec2:Vpc": vpcArn } },
            });
        });
    }

    it("refuses a controller version whose upstream policy is not kept", () => {
        assert.throws(() => controllerPolicy("9.9.9", "arn"), /no upstream IAM policy is kept for aws-load-balancer-controller 9\.9\.9/);
    });

    it("refuses a partition whose upstream policy is not kept, rather than using another partition's", () => {
        assert.throws(() => controllerPolicy("3.5.0", "arn:aws-iso:ec2:us-iso-east-1:000000000000:vpc/vpc-1"), /no upstream IAM policy for partition aws-iso is kept for aws-load-balancer-controller 3\.5\.0 \(have aws, aws-cn, aws-us-gov\)/);
    });
});

describe("addons: AWS Load Balancer Controller Ingress validating webhook", () => {
    it("is scoped to labelled (ALB) Ingresses through the chart's real keys, misspelt failure-policy key included", () => {
        const hook = controllerValues("c", "r", "v").webhookConfig as Record<string, unknown>;
        assert.deepEqual(hook.ingressValidationObjectSelector, { matchLabels: ALB_INGRESS_VALIDATION_LABELS });
        assert.equal(hook.ingressValdationFailurePolicy, "Fail");
        // The correctly spelt key does nothing in chart 3.5.0; setting it would read as a setting that is not there.
        assert.equal(hook.ingressValidationFailurePolicy, undefined);
    });

    it("the IdP's ALB Ingress carries the label (so it is still validated) and its NGINX Ingress does not", () => {
        const alb = albIngress("idp-system", "auth.example.com", {});
        for (const [k, v] of Object.entries(ALB_INGRESS_VALIDATION_LABELS)) assert.equal((alb.metadata.labels as Record<string, string>)[k], v);
        const nginx = nginxIngress("idp-system", { host: "auth.example.com", proxyBodySize: "10m", proxyReadTimeoutSeconds: 60, extraRoutes: [] }) as { metadata: { labels?: Record<string, string> } };
        for (const k of Object.keys(ALB_INGRESS_VALIDATION_LABELS)) assert.equal(nginx.metadata.labels?.[k], undefined);
    });
});

describe("addons: AWS Load Balancer Controller per stack", () => {
    let dev: Evaluation;
    let prod: Evaluation;
    before(async () => {
        dev = await shippedStack("dev");
        prod = await shippedStack("prod");
    });

    for (const stack of ["dev", "prod"] as const) {
        it(`${stack}: installs the pinned chart in kube-system with clusterName, region, vpcId, no Service mutator, 2 replicas, a PDB and the alb IngressClass`, () => {
            const { resources } = stack === "dev" ? dev : prod;
            const release = only(resources, "kubernetes:helm.sh/v3:Release", "-lbc");
            assert.equal(release.inputs.chart, "aws-load-balancer-controller");
            assert.equal(release.inputs.version, "3.5.0");
            assert.deepEqual(release.inputs.repositoryOpts, { repo: "https://aws.github.io/eks-charts" });
            assert.equal(release.inputs.namespace, "kube-system");
            assert.deepEqual(release.inputs.values, {
                clusterName: `idp-${stack}`,
                region: "us-east-1",
                vpcId: `mock-id-idp-${stack}-network-vpc`,
                replicaCount: 2,
                podDisruptionBudget: { maxUnavailable: 1 },
                serviceAccount: { create: false, name: "aws-load-balancer-controller" },
                enableServiceMutatorWebhook: false,
                createIngressClassResource: true,
                ingressClass: "alb",
                ingressClassConfig: { default: false },
                controllerConfig: { featureGates: { ALBGatewayAPI: false } },
                webhookConfig: { ingressValdationFailurePolicy: "Fail", ingressValidationObjectSelector: { matchLabels: { "idp-eks.io/alb-ingress": "true" } } },
            });
        });

        it(`${stack}: the created IAM policy grants exactly upstream's actions and conditions, plus the VPC scoping`, () => {
            const { resources } = stack === "dev" ? dev : prod;
            const policy = JSON.parse(only(resources, "aws:iam/policy:Policy", "-lbc-identity").inputs.policy as string) as PolicyDocument;
            const upstream = UPSTREAM_POLICIES["3.5.0"].aws;
            assert.deepEqual(actionsOf(policy), actionsOf(upstream));
            assert.equal(policy.Statement.length, upstream.Statement.length);
            const vpcScope = { ArnEquals: { "ec2:Vpc": `arn:aws:ec2:us-east-1:000000000000:vpc/mock-id-idp-${stack}-network-vpc` } };
            // Statement 3 of v3.5.0 is the unconditioned AuthorizeSecurityGroupIngress/RevokeSecurityGroupIngress one.
            assert.deepEqual(upstream.Statement[3].Action, ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"]);
            policy.Statement.forEach((s, i) => {
                const expected = i === 3 ? vpcScope : upstream.Statement[i].Condition;
                assert.deepEqual(s.Condition, expected, `statement ${i}`);
                assert.deepEqual(s.Resource, upstream.Statement[i].Resource);
            });
        });
    }

    it("gets its AWS identity through EKS Pod Identity for kube-system/aws-load-balancer-controller by default", () => {
        const role = only(dev.resources, "aws:iam/role:Role", "-lbc-identity");
        assert.deepEqual(JSON.parse(role.inputs.assumeRolePolicy as string).Statement[0].Principal, { Service: "pods.eks.amazonaws.com" });
        const association = only(dev.resources, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "-lbc-identity");
        assert.deepEqual([association.inputs.clusterName, association.inputs.namespace, association.inputs.serviceAccount, association.inputs.roleArn],
            ["idp-dev", "kube-system", "aws-load-balancer-controller", `arn:aws:iam:us-east-1:000000000000:mock/${role.name}`]);
        const sa = only(dev.resources, "kubernetes:core/v1:ServiceAccount", "-lbc-identity");
        assert.deepEqual(sa.inputs.metadata, { name: "aws-load-balancer-controller", namespace: "kube-system", annotations: {} });
        const release = only(dev.resources, "kubernetes:helm.sh/v3:Release", "-lbc");
        for (const r of [association, sa]) assert.ok(release.dependencies.includes(r.urn), `release waits for ${r.type}`);
    });

    it("with addonIdentity irsa, trusts the cluster's OIDC provider for exactly that service account and annotates it", async () => {
        const { resources } = await evaluateStack("dev", { "idp-eks:addonIdentity": "irsa" });
        assert.equal(ofType(resources, "aws:eks/podIdentityAssociation:PodIdentityAssociation").length, 0);
        const role = only(resources, "aws:iam/role:Role", "-lbc-identity");
        const issuer = "oidc.eks.us-east-1.amazonaws.com/id/MOCKIDPDEV";
        assert.deepEqual(JSON.parse(role.inputs.assumeRolePolicy as string).Statement, [{
            Effect: "Allow",
            Principal: { Federated: `arn:aws:iam::000000000000:oidc-provider/${issuer}` },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: { StringEquals: { [`${issuer}:sub`]: "system:serviceaccount:kube-system:aws-load-balancer-controller", [`${issuer}:aud`]: "sts.amazonaws.com" } },
        }]);
        const sa = only(resources, "kubernetes:core/v1:ServiceAccount", "-lbc-identity");
        assert.deepEqual((sa.inputs.metadata as { annotations: object }).annotations, { "eks.amazonaws.com/role-arn": `arn:aws:iam:us-east-1:000000000000:mock/${role.name}` });
    });

    it("is not installed when switched off", async () => {
        const { resources } = await evaluateStack("prod", { "idp-eks:loadBalancerController": false, "idp-eks:idpNlb": false, "idp-eks:idpIngress": "none" });
        assert.equal(ofType(resources, "idp-eks:index:LoadBalancerController").length, 0);
    });
});
