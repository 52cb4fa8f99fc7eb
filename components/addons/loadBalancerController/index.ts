import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterIdentityArgs, ServiceAccountIdentity } from "../awsIdentity";
import { AwsIdentityMode } from "../types";
import { DEFAULT_CONTROLLER_VERSION, controllerPolicy } from "./iamPolicy";
import { withPreviousType } from "../../aliases";
import { ManifestObject, albGatewayClass, gatewayCrdObjects } from "../gatewayApi";

export * from "./iamPolicy";

/** The GatewayClass this controller's ALB Gateways use, created with the Gateway API CRDs. */
export const ALB_GATEWAY_CLASS = "alb";

export const LBC_CHART_REPO = "https://aws.github.io/eks-charts";
export const LBC_SERVICE_ACCOUNT = "aws-load-balancer-controller";

export interface LoadBalancerControllerArgs extends ClusterIdentityArgs {
    /** Kubernetes provider of the target cluster. */
    provider: k8s.Provider;
    region: pulumi.Input<string>;
    vpcId: pulumi.Input<string>;
    /** Chart version (== controller version from 3.0.0); default 3.5.0. */
    chartVersion?: string;
    identity?: AwsIdentityMode;
    /**
     * Apply the Gateway API (standard channel) and the controller's gateway.k8s.aws CRDs before the
     * controller, switch its ALB Gateway API support on explicitly, and create the `alb` GatewayClass.
     */
    gatewayApi?: boolean;
    tags?: Record<string, string>;
}

/**
 * Label that puts an Ingress under the controller's validating webhook (vingress.elbv2.k8s.aws).
 * Give it to ALB Ingresses (class alb); every other Ingress is left alone.
 */
export const ALB_INGRESS_VALIDATION_LABELS: Readonly<Record<string, string>> = { "idp-eks.io/alb-ingress": "true" };

/**
 * Namespace label for the controller's pod readiness gates (LBC docs, "Pod readiness gate"): its
 * webhook injects them at pod creation, so the label must be on the namespace before the first pod.
 */
export const READINESS_GATE_INJECTION: Readonly<Record<string, string>> = { "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" };

/**
 * The Ingress validating webhook of chart 3.5.0 (templates/webhook.yaml, vingress.elbv2.k8s.aws):
 * failurePolicy from `webhookConfig.ingressValdationFailurePolicy` (spelt so upstream; the correct
 * spelling is silently ignored), objectSelector/namespaceSelector from
 * `webhookConfig.ingressValidationObjectSelector`/`ingressValidationNamespaceSelector`, which are
 * rendered only when set. Unscoped it matches every Ingress CREATE/UPDATE and fails closed, so
 * while the controller is down NGINX Ingresses and cert-manager's HTTP-01 solver Ingresses fail too.
 * No selector can pick Ingresses by class, so it is scoped by a label on ALB Ingresses, and stays
 * fail-closed for them (they cannot work without the controller anyway).
 */
export function ingressWebhookValues() {
    return {
        ingressValdationFailurePolicy: "Fail",
        ingressValidationObjectSelector: { matchLabels: { ...ALB_INGRESS_VALIDATION_LABELS } },
    };
}

/** Chart values: no dependency on instance metadata, no Service mutator webhook, HA. Pure. */
export function controllerValues(clusterName: string, region: string, vpcId: string, gatewayApi = false) {
    return {
        clusterName,
        region,
        vpcId,
        replicaCount: 2,
        podDisruptionBudget: { maxUnavailable: 1 },
        serviceAccount: { create: false, name: LBC_SERVICE_ACCOUNT },
        // The mutator intercepts every Service CREATE with failurePolicy Fail, so Services created
        // while the controller is down fail; Services here set loadBalancerClass explicitly instead.
        enableServiceMutatorWebhook: false,
        createIngressClassResource: true,
        ingressClass: "alb",
        ingressClassConfig: { default: false },
        // Set explicitly, so a chart upgrade that changes the default (on from v3.2.0 once the CRDs
        // exist) cannot switch ALB Gateways on or off behind the program's back.
        controllerConfig: { featureGates: { ALBGatewayAPI: gatewayApi } },
        webhookConfig: ingressWebhookValues(),
    };
}

/** The typed resource for a kind found in the CRD bundles; anything else is a bundle the program does not know. */
function applyManifestObject(name: string, obj: ManifestObject, opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
    // Server-side apply (the provider's default) with force: a chart that installed its own copy of
    // the gateway.k8s.aws CRDs from crds/ hands their fields over instead of failing on a conflict.
    const forced = { ...obj, metadata: { ...obj.metadata, annotations: { ...obj.metadata.annotations, "pulumi.com/patchForce": "true" } } };
    switch (obj.kind) {
        case "CustomResourceDefinition":
            return new k8s.apiextensions.v1.CustomResourceDefinition(name, forced as unknown as k8s.apiextensions.v1.CustomResourceDefinitionArgs, opts);
        case "ValidatingAdmissionPolicy":
            return new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(name, forced as unknown as k8s.admissionregistration.v1.ValidatingAdmissionPolicyArgs, opts);
        case "ValidatingAdmissionPolicyBinding":
            return new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(name, forced as unknown as k8s.admissionregistration.v1.ValidatingAdmissionPolicyBindingArgs, opts);
        default:
            throw new Error(`${name}: no resource type for ${obj.apiVersion} ${obj.kind} in the Gateway API CRD bundles`);
    }
}

/** The AWS Load Balancer Controller: IAM role and identity, service account, and the Helm release. */
export class LoadBalancerController extends pulumi.ComponentResource {
    /** Everything reconciled by this controller (LoadBalancer Services, alb Ingresses) should depend on this. */
    public readonly release: k8s.helm.v3.Release;
    public readonly roleArn: pulumi.Output<string>;
    public readonly ingressClassName: pulumi.Output<string>;
    /** The ALB GatewayClass (with gatewayApi): Gateways of this controller depend on it. */
    public readonly gatewayClass?: pulumi.Resource;
    public readonly gatewayClassName?: pulumi.Output<string>;

    constructor(name: string, args: LoadBalancerControllerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("idp-eks:index:LoadBalancerController", name, {}, withPreviousType("idp-eks:addons:LoadBalancerController", opts));
        const version = args.chartVersion ?? DEFAULT_CONTROLLER_VERSION;
        const partition = aws.getPartitionOutput({}, { parent: this }).partition;
        const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
        const policy = pulumi.all([partition, args.region, account, args.vpcId]).apply(([p, region, acct, vpc]) =>
            JSON.stringify(controllerPolicy(version, `arn:${p}:ec2:${region}:${acct}:vpc/${vpc}`)));

        const identity = new ServiceAccountIdentity(`${name}-identity`, {
            cluster: args,
            mode: args.identity ?? AwsIdentityMode.PodIdentity,
            namespace: "kube-system",
            serviceAccountName: LBC_SERVICE_ACCOUNT,
            policyDocument: policy,
            description: `AWS Load Balancer Controller ${version} in EKS cluster`,
            provider: args.provider,
            tags: args.tags,
        }, { parent: this });

        // CRDs first: the controller enables ALB Gateways only when every required kind exists at
        // start-up. Kept on delete: removing a CRD deletes every object of its kind cluster-wide.
        const crds = args.gatewayApi
            ? gatewayCrdObjects(version).map((obj) => applyManifestObject(`${name}-crd-${obj.metadata.name}`, obj, { parent: this, provider: args.provider, retainOnDelete: true }))
            : [];

        this.release = new k8s.helm.v3.Release(name, {
            name: "aws-load-balancer-controller",
            chart: "aws-load-balancer-controller",
            version,
            repositoryOpts: { repo: LBC_CHART_REPO },
            namespace: "kube-system",
            values: pulumi.all([args.clusterName, args.region, args.vpcId]).apply(([c, r, v]) => controllerValues(c, r, v, !!args.gatewayApi)),
            timeout: 600,
        }, { parent: this, provider: args.provider, dependsOn: [...identity.ready, ...crds] });

        if (args.gatewayApi) {
            this.gatewayClass = new k8s.apiextensions.CustomResource(`${name}-gatewayclass`, albGatewayClass(ALB_GATEWAY_CLASS), { parent: this, provider: args.provider, dependsOn: [this.release] });
            this.gatewayClassName = pulumi.output(ALB_GATEWAY_CLASS);
        }

        this.roleArn = identity.role.arn;
        this.ingressClassName = pulumi.output("alb");
        this.registerOutputs({ roleArn: this.roleArn, ingressClassName: this.ingressClassName });
    }
}
