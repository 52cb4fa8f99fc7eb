/** How an add-on's pods get their AWS identity. */
export enum AwsIdentityMode {
    /** EKS Pod Identity: an association from the service account to the role; no OIDC trust needed. */
    PodIdentity = "podIdentity",
    /** IAM Roles for Service Accounts: the role trusts the cluster's OIDC provider for one service account. */
    Irsa = "irsa",
}

/** Whether a load balancer is reachable from the internet or only inside the VPC (the LBC's scheme values). */
export enum LoadBalancerScheme {
    InternetFacing = "internet-facing",
    Internal = "internal",
}

/** How cert-manager proves control of a domain to Let's Encrypt. */
export enum AcmeSolver {
    /** HTTP-01 through the nginx IngressClass. */
    Http01 = "http01",
    /** DNS-01 through Route53, with rights on one hosted zone only. */
    Dns01 = "dns01",
}
