// The one registry of project config keys: their kind (as declared in Pulumi.yaml), meaning, rule
// and default. Pulumi.yaml and the README table are checked against it by tests.
import { z } from "zod";
import { NatGatewayMode, VpcMode } from "../components/network/types";
import { CapacityType, ControlPlaneLogType, NodeAmiType } from "../components/cluster/types";
import { AcmeSolver, AwsIdentityMode, LoadBalancerScheme } from "../components/addons/types";
import { DEFAULT_CONTROLLER_VERSION } from "../components/addons/loadBalancerController/iamPolicy";
import { DEFAULT_CERT_MANAGER_VERSION } from "../components/addons/certManager";
import { DEFAULT_INGRESS_NGINX_VERSION } from "../components/addons/ingressNginx";
import * as rule from "./rules";

/** The Pulumi project name; config keys are namespaced by it (`idp-eks:vpcCidr`). */
export const PROJECT = "idp-eks";

/** How a key's value is written in Pulumi.<stack>.yaml (the types Pulumi.yaml can declare). */
export type KeyKind = "string" | "integer" | "boolean" | "array";

export interface KeySpec<S extends z.ZodType = z.ZodType> {
    readonly kind: KeyKind;
    readonly description: string;
    readonly schema: S;
}

function key<S extends z.ZodType>(kind: KeyKind, description: string, schema: S): KeySpec<S> {
    return { kind, description, schema };
}

const int = (min: number, max: number) =>
    z.number().int("is not a whole number").min(min, `is below ${min}`).max(max, `is above ${max}`);

export const configKeys = {
    // --- naming
    clusterName: key("string", "EKS cluster name; also prefixes AWS resource names. Default: idp-<stack>.", rule.clusterName.optional()),

    // --- network
    vpcMode: key("string", "`create` a VPC, or use an `existing` one given by the existing* keys.", z.enum(VpcMode).default(VpcMode.Create)),
    vpcCidr: key("string", "CIDR of the VPC (created, or the existing VPC's). Prefix /16 to /20.", rule.cidr.default("10.0.0.0/16")),
    availabilityZones: key("array", "Zones to spread subnets and nodes over (2 to 6, in aws:region). Required when vpcMode is create.", rule.uniqueList(rule.availabilityZone).optional()),
    natGatewayMode: key("string", "`single` shared NAT gateway, or `perAz` (one per zone, survives a zone outage).", z.enum(NatGatewayMode).default(NatGatewayMode.PerAz)),
    existingVpcId: key("string", "vpcMode existing: id of the VPC.", rule.vpcId.optional()),
    existingPublicSubnetIds: key("array", "vpcMode existing: public subnet ids (load balancers), one per zone.", rule.uniqueList(rule.subnetId).optional()),
    existingPrivateSubnetIds: key("array", "vpcMode existing: private subnet ids (nodes, pods), one per zone.", rule.uniqueList(rule.subnetId).optional()),
    existingPublicSubnetCidrs: key("array", "vpcMode existing: CIDRs of existingPublicSubnetIds, same order (NetworkPolicies need them).", rule.uniqueList(rule.cidr).optional()),
    existingPrivateSubnetCidrs: key("array", "vpcMode existing: CIDRs of existingPrivateSubnetIds, same order.", rule.uniqueList(rule.cidr).optional()),

    // --- cluster
    kubernetesVersion: key("string", "EKS Kubernetes minor version.", rule.kubernetesVersion.default("1.34")),
    endpointPrivateAccess: key("boolean", "Serve the API endpoint inside the VPC.", z.boolean().default(true)),
    endpointPublicAccess: key("boolean", "Serve the API endpoint on the internet (limited to publicAccessCidrs).", z.boolean().default(false)),
    publicAccessCidrs: key("array", "CIDRs allowed to reach the public API endpoint. Required when endpointPublicAccess is true; nothing is opened implicitly.", rule.uniqueList(rule.cidr).optional()),
    controlPlaneLogTypes: key("array", "Control plane logs sent to CloudWatch: api, audit, authenticator, controllerManager, scheduler.", rule.uniqueList(z.enum(ControlPlaneLogType)).default([ControlPlaneLogType.Api, ControlPlaneLogType.Audit, ControlPlaneLogType.Authenticator])),
    secretsEncryption: key("boolean", "Envelope-encrypt Kubernetes Secrets with KMS (a key is created unless secretsKmsKeyArn is set).", z.boolean().default(true)),
    secretsKmsKeyArn: key("string", "Existing KMS key for secrets encryption instead of a created one.", rule.kmsKeyArn.optional()),
    deletionProtection: key("boolean", "EKS deletion protection, and Pulumi `protect` on the cluster and its KMS key.", z.boolean().default(true)),
    adminPrincipalArns: key("array", "IAM roles/users given cluster-admin through EKS access entries (the deployer is admin already).", rule.uniqueList(rule.iamPrincipalArn).default([])),

    // --- managed node group
    nodeInstanceTypes: key("array", "Instance types of the managed node group (several help SPOT capacity).", rule.uniqueList(rule.instanceType).min(1, "is empty (expected at least one instance type)").default(["m6i.large"])),
    nodeCapacityType: key("string", "ON_DEMAND or SPOT.", z.enum(CapacityType).default(CapacityType.OnDemand)),
    nodeAmiType: key("string", "AL2023_x86_64_STANDARD or AL2023_ARM_64_STANDARD (match the instance types).", z.enum(NodeAmiType).default(NodeAmiType.Al2023X86)),
    nodeMinSize: key("integer", "Smallest node count.", int(0, 1000).default(2)),
    nodeDesiredSize: key("integer", "Node count at creation (later changes by an autoscaler are not reverted).", int(0, 1000).default(2)),
    nodeMaxSize: key("integer", "Largest node count.", int(1, 1000).default(4)),
    nodeDiskSizeGiB: key("integer", "Encrypted gp3 root volume size per node.", int(20, 16384).default(50)),
    nodeLabels: key("array", "Kubernetes labels on every node, as key=value.", rule.uniqueList(rule.nodeLabel).default([])),
    nodeTaints: key("array", "Taints on every node, as key=value:Effect.", rule.uniqueList(rule.nodeTaint).default([])),

    // --- cluster add-ons
    addonIdentity: key("string", "How add-ons get AWS rights: `podIdentity` (EKS Pod Identity) or `irsa` (OIDC trust).", z.enum(AwsIdentityMode).default(AwsIdentityMode.PodIdentity)),
    loadBalancerController: key("boolean", "Install the AWS Load Balancer Controller (needed by ALB Ingresses, NLB Services and ingress-nginx).", z.boolean().default(true)),
    loadBalancerControllerVersion: key("string", "aws-load-balancer-controller chart version (== controller version); its upstream IAM policy must be kept in the project.", rule.chartVersion(false).default(DEFAULT_CONTROLLER_VERSION)),
    certManager: key("boolean", "Install cert-manager with Let's Encrypt ClusterIssuers letsencrypt-staging and letsencrypt-prod.", z.boolean().default(true)),
    certManagerVersion: key("string", "cert-manager chart version.", rule.chartVersion(true).default(DEFAULT_CERT_MANAGER_VERSION)),
    acmeSolver: key("string", "`http01` (through the nginx IngressClass; needs ingressNginx) or `dns01` (Route53; needs route53HostedZoneId).", z.enum(AcmeSolver).default(AcmeSolver.Http01)),
    route53HostedZoneId: key("string", "Route53 hosted zone of idpHost's domain; cert-manager DNS-01 may change records in this zone only.", rule.hostedZoneId.optional()),
    ingressNginx: key("boolean", "Install ingress-nginx (retired upstream; final release) behind an NLB.", z.boolean().default(false)),
    ingressNginxVersion: key("string", "ingress-nginx chart version.", rule.chartVersion(false).default(DEFAULT_INGRESS_NGINX_VERSION)),
    ingressNginxScheme: key("string", "Scheme of ingress-nginx's NLB: `internet-facing` or `internal`.", z.enum(LoadBalancerScheme).default(LoadBalancerScheme.InternetFacing)),

    // --- the IdP's public identity (used by the ingress and certificate layers)
    idpHost: key("string", "Public DNS name of the IdP, e.g. auth.example.com.", rule.hostname),
    acmeEmail: key("string", "Contact e-mail for Let's Encrypt (ACME) registration.", rule.email),
} satisfies Record<string, KeySpec>;

export type ConfigKey = keyof typeof configKeys;

export type ConfigShape = { [K in ConfigKey]: (typeof configKeys)[K]["schema"] };

/** The validated values, keyed like the config (defaults applied). */
export type ConfigValues = z.output<z.ZodObject<ConfigShape>>;
