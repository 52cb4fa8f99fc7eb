import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterIdentityArgs, ServiceAccountIdentity } from "../awsIdentity";
import { AcmeSolver, AwsIdentityMode } from "../types";
import { IssuerName, acmeSolvers, clusterIssuer, route53Policy } from "./issuers";
import { withPreviousType } from "../../aliases";
import { AddonNetworkFacts, CERT_MANAGER_POD_SECURITY, certManagerPolicies, podSecurityLabels } from "../../networkPolicy/addons";

export * from "./issuers";

/** cert-manager's recommended chart source (charts.jetstack.io is the legacy repository, same versions). */
export const CERT_MANAGER_CHART = "oci://quay.io/jetstack/charts/cert-manager";
export const DEFAULT_CERT_MANAGER_VERSION = "v1.21.1";
export const CERT_MANAGER_NAMESPACE = "cert-manager";
export const CERT_MANAGER_SERVICE_ACCOUNT = "cert-manager";

export interface CertManagerArgs extends ClusterIdentityArgs {
    provider: k8s.Provider;
    region: pulumi.Input<string>;
    chartVersion?: string;
    /** ACME account e-mail for Let's Encrypt. */
    acmeEmail: string;
    solver: AcmeSolver;
    /** DNS-01: the Route53 hosted zone cert-manager may change (and nothing else). */
    hostedZoneId?: string;
    /** HTTP-01: the IngressClass that serves challenges. */
    http01IngressClass?: string;
    identity?: AwsIdentityMode;
    tags?: Record<string, string>;
    /** Default-deny NetworkPolicies for the namespace plus what cert-manager needs (the cluster must enforce them). */
    networkPolicies?: AddonNetworkFacts;
}

/** Chart values: CRDs installed and kept on uninstall, HA controller and webhook. Pure. */
export function certManagerValues(serviceAccount: { create: boolean; name: string }) {
    return {
        crds: { enabled: true, keep: true },
        replicaCount: 2,
        podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
        webhook: { replicaCount: 2, podDisruptionBudget: { enabled: true, maxUnavailable: 1 } },
        cainjector: { replicaCount: 2, podDisruptionBudget: { enabled: true, maxUnavailable: 1 } },
        serviceAccount,
    };
}

/** cert-manager with Let's Encrypt staging and production ClusterIssuers. */
export class CertManager extends pulumi.ComponentResource {
    /** cert-manager objects (Certificates, Issuers) must depend on this. */
    public readonly release: k8s.helm.v3.Release;
    /** Names of the ClusterIssuers Certificates can use. */
    public readonly clusterIssuerNames: pulumi.Output<string[]>;
    private readonly issuers: Record<string, pulumi.Resource>;

    constructor(name: string, args: CertManagerArgs, opts?: pulumi.ComponentResourceOptions) {
        super("idp-eks:index:CertManager", name, {}, withPreviousType("idp-eks:addons:CertManager", opts));
        const version = args.chartVersion ?? DEFAULT_CERT_MANAGER_VERSION;
        const k8sOpts = { parent: this, provider: args.provider };

        const namespace = new k8s.core.v1.Namespace(name, { metadata: { name: CERT_MANAGER_NAMESPACE, labels: podSecurityLabels(CERT_MANAGER_POD_SECURITY) } }, k8sOpts);

        // DNS-01 needs AWS rights on the zone; HTTP-01 needs no AWS identity at all.
        let identity: ServiceAccountIdentity | undefined;
        if (args.solver === AcmeSolver.Dns01) {
            if (!args.hostedZoneId) throw new Error(`${name}: DNS-01 needs hostedZoneId`);
            const partition = aws.getPartitionOutput({}, { parent: this }).partition;
            identity = new ServiceAccountIdentity(`${name}-route53`, {
                cluster: args,
                mode: args.identity ?? AwsIdentityMode.PodIdentity,
                namespace: namespace.metadata.name,
                serviceAccountName: CERT_MANAGER_SERVICE_ACCOUNT,
                policyDocument: partition.apply((p) => route53Policy(p, args.hostedZoneId!)),
                description: `cert-manager DNS-01 in Route53 zone ${args.hostedZoneId}`,
                provider: args.provider,
                tags: args.tags,
            }, { parent: this });
        }

        // In place before the chart's pods and hook Jobs start, so the install runs under them.
        const policies = args.networkPolicies
            ? certManagerPolicies({ ...args.networkPolicies, namespace: CERT_MANAGER_NAMESPACE, podIdentity: !!identity && (args.identity ?? AwsIdentityMode.PodIdentity) === AwsIdentityMode.PodIdentity })
                .map((p) => new k8s.networking.v1.NetworkPolicy(`${name}-netpol-${p.metadata.name}`, p, { ...k8sOpts, dependsOn: [namespace] }))
            : [];

        this.release = new k8s.helm.v3.Release(name, {
            name: "cert-manager",
            // An OCI chart is named by its full URL, with no repository options.
            chart: CERT_MANAGER_CHART,
            version,
            namespace: namespace.metadata.name,
            values: certManagerValues({ create: !identity, name: CERT_MANAGER_SERVICE_ACCOUNT }),
            timeout: 600,
        }, { ...k8sOpts, dependsOn: [...(identity?.ready ?? []), ...policies] });

        const solvers = pulumi.output(args.region).apply((region) =>
            acmeSolvers({ solver: args.solver, hostedZoneId: args.hostedZoneId, region, http01IngressClass: args.http01IngressClass }));
        const issuer = (issuerName: IssuerName) => {
            const { apiVersion, kind, metadata } = clusterIssuer(issuerName, args.acmeEmail, []);
            return new k8s.apiextensions.CustomResource(`${name}-${issuerName}`, {
                apiVersion,
                kind,
                metadata,
                spec: solvers.apply((s) => clusterIssuer(issuerName, args.acmeEmail, s).spec),
            }, { ...k8sOpts, dependsOn: [this.release] }); // the CRDs and the webhook must exist first
        };
        const issuers = { "letsencrypt-staging": issuer("letsencrypt-staging"), "letsencrypt-prod": issuer("letsencrypt-prod") };
        this.issuers = issuers;
        this.clusterIssuerNames = pulumi.all(Object.values(issuers).map((i) => i.metadata.name));
        this.registerOutputs({ clusterIssuerNames: this.clusterIssuerNames });
    }

    /** The ClusterIssuers by name: a Certificate depends on the one it names, not only on the chart. */
    public clusterIssuers(): Record<string, pulumi.Resource> {
        return { ...this.issuers };
    }
}
