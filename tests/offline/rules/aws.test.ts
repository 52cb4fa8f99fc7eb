import * as assert from "node:assert/strict";
import { resourceView } from "./fixtures";
import { accessEntryViolations, arnViolations, creatorPrincipal, elbDnsTarget, policyPartitionViolations, pulumiEksChildNames, resourceViolations, route53Violations } from "../../../offline/rules/aws";

const res = resourceView;
const region = "us-east-1";

describe("offline rules: AWS", () => {
    it("refuses a subnet in another region's zone, and an ACM certificate whose first domain name is over 64 characters", () => {
        assert.deepEqual(resourceViolations(res("aws:ec2/subnet:Subnet", "s", { availabilityZone: "us-east-1a" }), region), []);
        assert.deepEqual(resourceViolations(res("aws:ec2/subnet:Subnet", "s", { availabilityZone: "us-east-1-bos-1a" }), region), [], "a Local Zone of the region");
        const [zone] = resourceViolations(res("aws:ec2/subnet:Subnet", "s", { availabilityZone: "eu-west-1a" }), region);
        assert.match(zone.rule, /not a zone of the stack's region us-east-1/);
        assert.match(zone.source, /CreateSubnet/);
        const host = `${"a".repeat(48)}.example.com`; // 60
        assert.deepEqual(resourceViolations(res("aws:acm/certificate:Certificate", "c", { domainName: `${host}.abc` }), region), [], "64 fits");
        const [cert] = resourceViolations(res("aws:acm/certificate:Certificate", "c", { domainName: `${host}.abcd` }), region);
        assert.match(cert.rule, /65 characters/);
        assert.match(cert.source, /RequestCertificate/);
    });


    describe("names", () => {
        it("counts Pulumi's auto-name suffix (a hyphen and 7 characters) against IAM's 64-character role limit", () => {
            // IAM CreateRole RoleName: 1-64 characters. 56 + 8 = 64 fits; 57 + 8 does not.
            assert.deepEqual(resourceViolations(res("aws:iam/role:Role", "r".repeat(56), {}), region), []);
            const [v] = resourceViolations(res("aws:iam/role:Role", "r".repeat(57), {}), region);
            assert.equal(v.property, "name (auto-named)");
            assert.match(v.value, /auto-named/);
            assert.match(v.rule, /at most 64 characters; this one is 65/);
            assert.match(v.source, /CreateRole/);
        });

        it("refuses explicit names beyond each type's limit and character set", () => {
            const cases: [string, Record<string, unknown>, RegExp][] = [
                ["aws:iam/policy:Policy", { name: "p".repeat(129) }, /at most 128/],
                ["aws:iam/instanceProfile:InstanceProfile", { name: "i".repeat(129) }, /at most 128/],
                ["aws:lb/targetGroup:TargetGroup", { name: "t".repeat(33) }, /at most 32/],
                ["aws:lb/loadBalancer:LoadBalancer", { name: "internal-lb" }, /must not begin with internal-/],
                ["aws:kms/alias:Alias", { name: "idp-secrets" }, /alias\/ followed by/],
                ["aws:kms/alias:Alias", { name: "alias/aws/ebs" }, /reserved for AWS managed keys/],
                ["aws:ec2/securityGroup:SecurityGroup", { name: "sg-mine" }, /must not begin with sg-/],
                ["eks:index:Cluster", { name: "-bad" }, /starting alphanumeric/],
                ["aws:eks/nodeGroup:NodeGroup", { nodeGroupName: "n".repeat(64) }, /at most 63/],
                ["aws:cloudwatch/logGroup:LogGroup", { name: "/aws/eks/has space/cluster" }, /may contain only/],
                ["aws:iam/role:Role", { namePrefix: "r".repeat(39) }, /at most 64 characters; this one is 65/],
            ];
            for (const [type, inputs, rule] of cases) {
                const violations = resourceViolations(res(type, "x", inputs), region);
                assert.ok(violations.some((v) => rule.test(v.rule)), `${type} ${JSON.stringify(inputs)}: ${JSON.stringify(violations)}`);
            }
        });

        it("checks the children @pulumi/eks 4.3 derives from the component name (<name>-eksRole-role)", () => {
            assert.deepEqual(pulumiEksChildNames("c", { skipDefaultNodeGroup: true, skipDefaultSecurityGroups: true }).map((c) => c.name), ["c-eksRole-role"]);
            const name = "a".repeat(36) + "-cluster"; // 44 + "-eksRole-role" (13) + 8 = 65
            const v = resourceViolations(res("eks:index:Cluster", name, { name: "a", skipDefaultNodeGroup: true, skipDefaultSecurityGroups: true }), region);
            assert.equal(v.length, 1);
            assert.match(v[0].property, /child aws:iam\/role:Role of @pulumi\/eks 4.3/);
            assert.match(v[0].rule, /IAM role name may be at most 64 characters; this one is 65/);
        });
    });

    describe("tags", () => {
        it("refuses more than 50 tags, long keys and values, and the reserved aws: prefix", () => {
            const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"]));
            const rules = (tags: Record<string, string>) => resourceViolations(res("aws:ec2/vpc:Vpc", "v", { tags }), region).map((v) => v.rule);
            assert.ok(rules(many).some((r) => /at most 50 tags/.test(r)));
            assert.ok(rules({ ["k".repeat(129)]: "v" }).some((r) => /1-128 characters/.test(r)));
            assert.ok(rules({ k: "v".repeat(257) }).some((r) => /at most 256/.test(r)));
            assert.ok(rules({ "aws:owner": "me" }).some((r) => /reserved for AWS/.test(r)));
            assert.deepEqual(rules({ "kubernetes.io/cluster/idp-dev": "shared", Name: "idp dev" }), []);
        });
    });

    describe("ARNs", () => {
        it("parses every ARN in the inputs, in the stack's partition", () => {
            const v = arnViolations(res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "a", { policyArn: "arn:aws-cn:iam::aws:policy/X" }), region);
            assert.match(v[0].rule, /partition aws-cn, but the stack's region us-east-1 is in aws/);
            assert.match(arnViolations(res("aws:x/y:Y", "a", { roleArn: "arn:aws:iam::1234:role/r" }), region)[0].rule, /12-digit account/);
        });

        it("requires the EKS secrets KMS key and a load balancer's ACM certificate in the stack's region", () => {
            const kms = arnViolations(res("eks:index:Cluster", "c", { encryptionConfigKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000000" }), region);
            assert.match(kms[0].rule, /is in eu-west-1, not the stack's region us-east-1/);
            assert.match(kms[0].source, /EKS User Guide/);
            const ingress = res("kubernetes:networking.k8s.io/v1:Ingress", "i", { metadata: { annotations: { "alb.ingress.kubernetes.io/certificate-arn": "arn:aws:acm:us-west-2:111122223333:certificate/00000000-0000-0000-0000-000000000000" } } });
            assert.match(resourceViolations(ingress, region)[0].rule, /not the stack's region us-east-1/);
        });
    });

    // IAM refuses a policy naming another partition's resource (CreatePolicy: MalformedPolicyDocument,
    // Partition "aws" is not valid for resource "arn:aws:ec2:*:*:volume/*", as reported from China and
    // GovCloud accounts, e.g. eksctl-io/eksctl#4329, terraform-aws-modules/terraform-aws-iam#224) or
    // principal ("Invalid principal in policy"): an account lives in one partition (IAM User Guide, ARNs).
    describe("partition of the ARNs in IAM policy documents", () => {
        const doc = (statement: Record<string, unknown>) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "ec2:*", ...statement }] });

        it("refuses a standard-partition resource ARN in a GovCloud or China policy, naming the statement", () => {
            for (const [stackRegion, partition] of [["us-gov-west-1", "aws-us-gov"], ["cn-north-1", "aws-cn"]]) {
                const policy = res("aws:iam/policy:Policy", "p", { policy: doc({ Resource: ["*", "arn:aws:ec2:*:*:security-group/*"] }) });
                const [v, ...rest] = resourceViolations(policy, stackRegion);
                assert.deepEqual(rest, []);
                assert.equal(v.property, "policy Statement[0].Resource[1]");
                assert.equal(v.value, '"arn:aws:ec2:*:*:security-group/*"');
                assert.match(v.rule, new RegExp(`names partition aws, but the stack's region ${stackRegion} is in ${partition}`));
                assert.match(v.source, /MalformedPolicyDocument/);
                assert.deepEqual(resourceViolations(res("aws:iam/policy:Policy", "p", { policy: doc({ Resource: `arn:${partition}:ec2:*:*:security-group/*` }) }), stackRegion), []);
            }
        });

        it("reads trust policies, inline policies, NotResource, principals and ARN conditions of any AWS resource", () => {
            const stackRegion = "cn-north-1";
            const cases: [string, Record<string, unknown>, string][] = [
                ["aws:iam/role:Role", { assumeRolePolicy: doc({ Principal: { Federated: "arn:aws:iam::000000000000:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/X" } }) }, "assumeRolePolicy Statement[0].Principal.Federated"],
                ["aws:iam/role:Role", { assumeRolePolicy: doc({ Principal: { AWS: ["arn:aws-cn:iam::111122223333:root", "arn:aws:iam::111122223333:root"] } }) }, "assumeRolePolicy Statement[0].Principal.AWS[1]"],
                ["aws:iam/role:Role", { inlinePolicies: [{ name: "i", policy: doc({ NotResource: "arn:aws:s3:::b" }) }] }, "inlinePolicies[0].policy Statement[0].NotResource"],
                ["aws:iam/rolePolicy:RolePolicy", { policy: doc({ Resource: "*", Condition: { ArnEquals: { "ec2:Vpc": "arn:aws:ec2:cn-north-1:111122223333:vpc/vpc-1" } } }) }, "policy Statement[0].Condition.ArnEquals.ec2:Vpc"],
                ["aws:kms/key:Key", { policy: doc({ Resource: "*", Principal: { AWS: "arn:aws:iam::111122223333:root" } }) }, "policy Statement[0].Principal.AWS"],
            ];
            for (const [type, inputs, property] of cases) {
                assert.deepEqual(policyPartitionViolations(res(type, "x", inputs), stackRegion).map((v) => v.property), [property], `${type} ${JSON.stringify(inputs)}`);
            }
        });

        it("leaves alone what names no one partition: wildcards, policy variables, service principals, plain text", () => {
            const inputs = { policy: doc({ Resource: ["*", "arn:*:s3:::b", "arn:${aws:partition}:s3:::b"], Principal: { Service: "pods.eks.amazonaws.com" } }), description: "{ not json Statement" };
            assert.deepEqual(policyPartitionViolations(res("aws:iam/policy:Policy", "p", inputs), "us-gov-west-1"), []);
        });
    });

    describe("Route53", () => {
        const record = (name: string, inputs: Record<string, unknown>) => res("aws:route53/record:Record", name, { zoneId: "Z1", ...inputs });
        const apex = () => "example.com";

        it("refuses a CNAME at the zone apex", () => {
            const v = route53Violations([record("r", { name: "example.com", type: "CNAME", records: ["x"] })], apex);
            assert.match(v[0].rule, /CNAME cannot be at the zone apex example.com/);
            assert.match(v[0].source, /RFC 1034/);
        });

        it("refuses a CNAME beside another record of the same name", () => {
            const v = route53Violations([record("a", { name: "auth.example.com", type: "CNAME", records: ["x"] }), record("b", { name: "auth.example.com.", type: "TXT", records: ["y"] })], apex);
            assert.match(v[0].rule, /cannot share its name with another record \(TXT/);
        });

        it("requires an alias to carry its load balancer's canonical hosted zone", () => {
            assert.deepEqual(elbDnsTarget("k8s-x-123.us-east-1.elb.amazonaws.com"), { kind: "alb", region: "us-east-1" });
            assert.deepEqual(elbDnsTarget("k8s-x-123.elb.us-east-1.amazonaws.com"), { kind: "nlb", region: "us-east-1" });
            const alias = (zoneId: string) => record("a", { name: "example.com", type: "A", aliases: [{ name: "k8s-x-123.elb.us-east-1.amazonaws.com", zoneId, evaluateTargetHealth: true }] });
            assert.deepEqual(route53Violations([alias("Z26RNL4JYFTOTI")], apex), []);
            assert.match(route53Violations([alias("Z35SXDOTRQ7X7K")], apex)[0].rule, /canonical hosted zone Z26RNL4JYFTOTI/);
        });
    });

    describe("EKS access entries", () => {
        const caller = "arn:aws:iam::000000000000:user/mock";
        const cluster = (entries: Record<string, string>) =>
            res("eks:index:Cluster", "c", { name: "c", authenticationMode: "API", accessEntries: Object.fromEntries(Object.entries(entries).map(([k, arn]) => [k, { principalArn: arn }])) });

        it("refuses an entry for the deployer, whom @pulumi/eks already grants admin", () => {
            const v = accessEntryViolations([cluster({ me: caller })], caller);
            assert.match(v[0].rule, /already has an access entry for this principal \(the deploying identity's implicit entry/);
            assert.match(v[0].source, /409|ResourceInUseException/);
        });

        it("refuses two entries for one principal, and reads an assumed-role caller as its role", () => {
            assert.equal(accessEntryViolations([cluster({ a: "arn:aws:iam::111122223333:role/x", b: "arn:aws:iam::111122223333:role/x" })], caller).length, 1);
            assert.equal(creatorPrincipal("arn:aws:sts::111122223333:assumed-role/deployer/session"), "arn:aws:iam::111122223333:role/deployer");
            assert.equal(accessEntryViolations([cluster({ a: "arn:aws:iam::111122223333:role/deployer" })], "arn:aws:sts::111122223333:assumed-role/deployer/ci").length, 1);
        });
    });

    it("refuses add-on names EKS does not offer", () => {
        const v = resourceViolations(res("aws:eks/addon:Addon", "a", { addonName: "ebs-csi-driver" }), region);
        assert.match(v[0].rule, /not an add-on EKS offers/);
    });
});
