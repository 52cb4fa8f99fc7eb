// Pure builders for cert-manager's Let's Encrypt ClusterIssuers.
import { AcmeSolver } from "../types";

export const LETSENCRYPT_SERVERS = {
    "letsencrypt-staging": "https://acme-staging-v02.api.letsencrypt.org/directory",
    "letsencrypt-prod": "https://acme-v02.api.letsencrypt.org/directory",
} as const;

export type IssuerName = keyof typeof LETSENCRYPT_SERVERS;

export interface SolverArgs {
    solver: AcmeSolver;
    /** HTTP-01: the IngressClass whose controller serves the challenge. */
    http01IngressClass?: string;
    /** DNS-01: the Route53 hosted zone and its region. */
    hostedZoneId?: string;
    region?: string;
}

export function acmeSolvers(args: SolverArgs): Record<string, unknown>[] {
    if (args.solver === AcmeSolver.Dns01) {
        if (!args.hostedZoneId || !args.region) throw new Error("DNS-01 needs hostedZoneId and region");
        // Credentials come from the pod's identity (Pod Identity or IRSA), never from a secret.
        return [{ dns01: { route53: { region: args.region, hostedZoneID: args.hostedZoneId } } }];
    }
    return [{ http01: { ingress: { ingressClassName: args.http01IngressClass ?? "nginx" } } }];
}

export function clusterIssuer(name: IssuerName, email: string, solvers: Record<string, unknown>[]) {
    return {
        apiVersion: "cert-manager.io/v1",
        kind: "ClusterIssuer",
        metadata: { name },
        spec: {
            acme: {
                server: LETSENCRYPT_SERVERS[name],
                email,
                privateKeySecretRef: { name: `${name}-account-key` },
                solvers,
            },
        },
    };
}

/** IAM policy for DNS-01: change records in one hosted zone only (upstream's documented minimum). */
export function route53Policy(partition: string, hostedZoneId: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            { Effect: "Allow", Action: "route53:GetChange", Resource: `arn:${partition}:route53:::change/*` },
            { Effect: "Allow", Action: ["route53:ChangeResourceRecordSets", "route53:ListResourceRecordSets"], Resource: `arn:${partition}:route53:::hostedzone/${hostedZoneId}` },
            { Effect: "Allow", Action: "route53:ListHostedZonesByName", Resource: "*" },
        ],
    });
}
