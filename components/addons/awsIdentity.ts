import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AwsIdentityMode } from "./types";
import { withPreviousType } from "../aliases";

/** The cluster facts an add-on needs to give its pods an AWS identity. */
export interface ClusterIdentityArgs {
    clusterName: pulumi.Input<string>;
    /** For IRSA: the cluster's OIDC provider ARN and issuer URL without scheme. */
    oidcProviderArn?: pulumi.Input<string>;
    oidcProviderUrl?: pulumi.Input<string>;
}

/** Trust policy of a role assumed through EKS Pod Identity. Pure. */
export function podIdentityTrustPolicy(): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "pods.eks.amazonaws.com" }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
    });
}

/** Trust policy of a role assumed through IRSA by exactly one service account. Pure. */
export function irsaTrustPolicy(oidcProviderArn: string, oidcProviderUrl: string, namespace: string, serviceAccount: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [{
            Effect: "Allow",
            Principal: { Federated: oidcProviderArn },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
                StringEquals: {
                    [`${oidcProviderUrl}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
                    [`${oidcProviderUrl}:aud`]: "sts.amazonaws.com",
                },
            },
        }],
    });
}

export interface ServiceAccountIdentityArgs {
    cluster: ClusterIdentityArgs;
    mode: AwsIdentityMode;
    namespace: pulumi.Input<string>;
    serviceAccountName: string;
    /** The IAM policy document (JSON) the pods get. */
    policyDocument: pulumi.Input<string>;
    description: string;
    provider: k8s.Provider;
    tags?: Record<string, string>;
}

/**
 * An IAM role with one policy, the Kubernetes service account that uses it, and the link between
 * them: a Pod Identity association, or an IRSA trust plus the role-arn annotation.
 */
export class ServiceAccountIdentity extends pulumi.ComponentResource {
    public readonly role: aws.iam.Role;
    public readonly serviceAccount: k8s.core.v1.ServiceAccount;
    /** What pods must wait for before they start, so they never run without credentials. */
    public readonly ready: pulumi.Resource[];

    constructor(name: string, args: ServiceAccountIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
        super("idp-eks:index:ServiceAccountIdentity", name, {}, withPreviousType("idp-eks:addons:ServiceAccountIdentity", opts));
        const parent = { parent: this };
        const { cluster, mode } = args;
        if (mode === AwsIdentityMode.Irsa && !(cluster.oidcProviderArn && cluster.oidcProviderUrl)) {
            throw new Error(`${name}: IRSA needs the cluster's oidcProviderArn and oidcProviderUrl`);
        }
        const trust = mode === AwsIdentityMode.PodIdentity
            ? pulumi.output(podIdentityTrustPolicy())
            : pulumi.all([cluster.oidcProviderArn!, cluster.oidcProviderUrl!, args.namespace]).apply(([arn, url, ns]) => irsaTrustPolicy(arn, url, ns, args.serviceAccountName));
        this.role = new aws.iam.Role(name, { description: args.description, assumeRolePolicy: trust, tags: args.tags }, parent);
        const policy = new aws.iam.Policy(name, { description: args.description, policy: args.policyDocument, tags: args.tags }, parent);
        const attachment = new aws.iam.RolePolicyAttachment(name, { role: this.role.name, policyArn: policy.arn }, parent);

        this.serviceAccount = new k8s.core.v1.ServiceAccount(name, {
            metadata: {
                name: args.serviceAccountName,
                namespace: args.namespace,
                annotations: mode === AwsIdentityMode.Irsa ? { "eks.amazonaws.com/role-arn": this.role.arn } : {},
            },
        }, { parent: this, provider: args.provider });

        const ready: pulumi.Resource[] = [attachment, this.serviceAccount];
        if (mode === AwsIdentityMode.PodIdentity) {
            ready.push(new aws.eks.PodIdentityAssociation(name, {
                clusterName: cluster.clusterName,
                namespace: args.namespace,
                serviceAccount: args.serviceAccountName,
                roleArn: this.role.arn,
                tags: args.tags,
            }, parent));
        }
        this.ready = ready;
        this.registerOutputs({ roleArn: this.role.arn });
    }
}
