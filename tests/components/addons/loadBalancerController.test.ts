import * as assert from "node:assert/strict";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { ALB_INGRESS_VALIDATION_LABELS, PolicyDocument, UPSTREAM_POLICIES, controllerPolicy, controllerValues } from "../../../components/addons/loadBalancerController";
import { albIngress, nginxIngress } from "../../../components/idp/ingress";
import { Evaluation } from "../../../offline/mockCloud";
import { evaluateStack, shippedStack, ofType, only } from "../../harness";

// sha256 of upstream's docs/install/iam_policy.json at v3.5.0 (../shared/reference/lbc-iam-policy-v3.5.0.json).
const UPSTREAM_V3_5_0_SHA256 = "16f232c9d9f79366fe949c4550ad517a202380058a9e48d45a4e215044a20a6a";
const POLICY_FILE = path.join(__dirname, "../../../components/addons/loadBalancerController/iam-policy-v3.5.0.json");

const actionsOf = (doc: PolicyDocument) => new Set(doc.Statement.flatMap((s) => (typeof s.Action === "string" ? [s.Action] : s.Action)));

describe("addons: AWS Load Balancer Controller IAM policy", () => {
    it("keeps upstream's v3.5.0 policy byte for byte (16 statements, 80 distinct actions)", () => {
        assert.equal(createHash("sha256").update(fs.readFileSync(POLICY_FILE)).digest("hex"), UPSTREAM_V3_5_0_SHA256);
        const upstream = UPSTREAM_POLICIES["3.5.0"];
        assert.equal(upstream.Statement.length, 16);
        assert.equal(actionsOf(upstream).size, 80);
    });

    it("scopes only the unconditioned security-group ingress statement to the cluster's VPC", () => {
        const vpcArn = "arn:aws:ec2:us-east-1:000000000000:vpc/vpc-1";
        const scoped = controllerPolicy("3.5.0", vpcArn);
        const upstream = UPSTREAM_POLICIES["3.5.0"];
        const changed = scoped.Statement.map((s, i) => [s, upstream.Statement[i]]).filter(([a, b]) => JSON.stringify(a) !== JSON.stringify(b));
        assert.equal(changed.length, 1);
        assert.deepEqual(changed[0][0], {
            Effect: "Allow",
            Action: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"],
            Resource: "*",
            Condition: { ArnEquals: { "ec2:Vpc": vpcArn } },
        });
    });

    it("refuses a controller version whose upstream policy is not kept", () => {
        assert.throws(() => controllerPolicy("9.9.9", "arn"), /no upstream IAM policy is kept for aws-load-balancer-controller 9\.9\.9/);
    });
});

// Chart 3.5.0 templates/webhook.yaml, webhook vingress.elbv2.k8s.aws:
//   failurePolicy:  {{ $.Values.webhookConfig.ingressValdationFailurePolicy }}      (misspelt upstream)
//   {{- if .Values.webhookConfig.ingressValidationObjectSelector }} objectSelector: ... matchLabels
// rules: networking.k8s.io/v1 ingresses CREATE, UPDATE. `helm template` of 3.5.0 with these values
// renders `objectSelector: {matchLabels: {idp-eks.io/alb-ingress: "true"}}`; without them no
// selector, i.e. every Ingress of the cluster, failing closed while the controller is down.
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
            const upstream = UPSTREAM_POLICIES["3.5.0"];
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
