// GovCloud (us-gov-*) and China (cn-*) stacks: the mocked cloud answers as AWS does in those
// partitions, and the program builds what those partitions accept.
import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { attemptEvaluation } from "../../offline/mockCloud";
import { PolicyDocument, UPSTREAM_POLICIES } from "../../components/addons/loadBalancerController";
import { CloudRuleError, formatViolation } from "../../offline/rules";
import { PARTITION_CASES, evaluateStack, only, stackConfig } from "../harness";

// AWS's own answers per region: the partition (IAM User Guide, "Identify AWS resources with ARNs":
// aws, aws-cn for the China Regions, aws-us-gov for GovCloud) and its DNS suffix (AWS SDK partition
// table, aws-sdk-js-v3 packages/util-endpoints/src/lib/aws/partitions.json).
const REGIONS = [
    { region: "us-east-1", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" },
    { region: "us-gov-west-1", partition: "aws-us-gov", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" },
    { region: "cn-north-1", partition: "aws-cn", dnsSuffix: "amazonaws.com.cn", reverseDnsPrefix: "cn.com.amazonaws" },
];

describe("mocked cloud: answers in the region's partition", () => {
    for (const r of REGIONS) {
        it(`${r.region}: getPartition says ${r.partition} (${r.dnsSuffix}); created resources and the caller get ${r.partition} ARNs`, async () => {
            const attempt = await attemptEvaluation({
                stack: "dev",
                config: stackConfig("dev", { "aws:region": r.region }),
                program: () => {
                    const p = aws.getPartitionOutput();
                    const role = new aws.iam.Role("r", { assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: "sts:AssumeRole" }] }) });
                    const key = new aws.kms.Key("k", {});
                    const cert = new aws.acm.Certificate("c", { domainName: "auth.example.com", validationMethod: "DNS" });
                    return {
                        partition: p.partition, dnsSuffix: p.dnsSuffix, reverseDnsPrefix: p.reverseDnsPrefix,
                        endpoint: aws.getRegionOutput().endpoint,
                        caller: aws.getCallerIdentityOutput().arn,
                        role: role.arn, key: key.arn, cert: cert.arn,
                    };
                },
            });
            assert.equal(attempt.error, undefined, String(attempt.error));
            const o = attempt.outputs as Record<string, string>;
            assert.deepEqual([o.partition, o.dnsSuffix, o.reverseDnsPrefix], [r.partition, r.dnsSuffix, r.reverseDnsPrefix]);
            assert.equal(o.endpoint, `ec2.${r.region}.${r.dnsSuffix}`);
            for (const k of ["caller", "role", "key", "cert"]) assert.ok(o[k].startsWith(`arn:${r.partition}:`), `${k}: ${o[k]}`);
        });
    }
});

describe("prod in GovCloud and in China", () => {
    for (const c of PARTITION_CASES) {
        for (const identity of ["podIdentity", "irsa"]) {
            it(`${c.name} (${c.region}), addonIdentity ${identity}: evaluates with every AWS, Kubernetes and Pulumi rule passing`, async () => {
                const attempt = await attemptEvaluation({ stack: "prod", config: stackConfig("prod", { ...c.overrides, "idp-eks:addonIdentity": identity }) });
                const detail = attempt.error instanceof CloudRuleError ? attempt.error.violations.map(formatViolation).join("\n") : String(attempt.error);
                assert.equal(attempt.error, undefined, detail);
            });
        }

        it(`${c.name}: IRSA trusts the cluster's OIDC provider in ${c.partition} (issuer on ${c.dnsSuffix})`, async () => {
            const { resources } = await evaluateStack("prod", { ...c.overrides, "idp-eks:addonIdentity": "irsa" });
            const trust = JSON.parse(only(resources, "aws:iam/role:Role", "-lbc-identity").inputs.assumeRolePolicy as string);
            const issuer = `oidc.eks.${c.region}.${c.dnsSuffix}/id/MOCKIDPPROD`;
            assert.equal(trust.Statement[0].Principal.Federated, `arn:${c.partition}:iam::000000000000:oidc-provider/${issuer}`);
        });

        it(`${c.name}: the load balancer controller's policy is upstream's ${c.partition} file (docs/deploy/installation.md at v3.5.0), scoped to the VPC`, async () => {
            const { resources } = await evaluateStack("prod", c.overrides);
            const policy = JSON.parse(only(resources, "aws:iam/policy:Policy", "-lbc-identity").inputs.policy as string) as PolicyDocument;
            const upstream = UPSTREAM_POLICIES["3.5.0"][c.partition];
            const vpcArn = `arn:${c.partition}:ec2:${c.region}:000000000000:vpc/mock-id-idp-prod-network-vpc`;
            assert.deepEqual(policy.Statement.map((s, i) => (i === 3 ? { ...s, Condition: undefined } : s)), upstream.Statement.map((s, i) => (i === 3 ? { ...s, Condition: undefined } : s)));
            assert.deepEqual(policy.Statement[3].Condition, { ArnEquals: { "ec2:Vpc": vpcArn } });
        });

        // eksctl's partition table (pkg/apis/eksctl.io/v1alpha5/partitions.go: EC2 is ec2.amazonaws.com.cn
        // in aws-cn, ec2.amazonaws.com elsewhere) and EKS CreateNodegroup in China, which refused node
        // roles without it ("Following required service principals [ec2.amazonaws.com.cn] were not found
        // in the trust relationships of nodeRole": bottlerocket-update-operator#316, cdk-eks-blueprints#558).
        it(`${c.name}: the node role trusts EC2 as EKS managed node groups in ${c.partition} require`, async () => {
            const { resources } = await evaluateStack("prod", c.overrides);
            const trust = JSON.parse(only(resources, "aws:iam/role:Role", "-cluster-node").inputs.assumeRolePolicy as string);
            const services = [trust.Statement[0].Principal.Service].flat();
            assert.ok(services.includes(c.partition === "aws-cn" ? "ec2.amazonaws.com.cn" : "ec2.amazonaws.com"), JSON.stringify(services));
            // Pod Identity and IRSA keep their global names in every partition (eksctl: pods.eks.amazonaws.com, audience sts.amazonaws.com).
            const lbc = JSON.parse(only(resources, "aws:iam/role:Role", "-lbc-identity").inputs.assumeRolePolicy as string);
            assert.deepEqual(lbc.Statement[0].Principal, { Service: "pods.eks.amazonaws.com" });
        });

        it(`${c.name}: load balancer host names and the DNS alias are on ${c.dnsSuffix}`, async () => {
            const { outputs, resources } = await evaluateStack("prod", c.overrides);
            assert.ok(String(outputs.loadBalancerHostname).endsWith(`.elb.${c.dnsSuffix}`), String(outputs.loadBalancerHostname));
            const alias = (only(resources, "aws:route53/record:Record", "-host").inputs.aliases as { name: string }[])[0];
            assert.ok(alias.name.endsWith(`.${c.region}.elb.${c.dnsSuffix}`), alias.name);
        });
    }
});
