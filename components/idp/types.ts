/** How the IdP is exposed at layer 7. */
export enum IngressKind {
    None = "none",
    /** ingress-nginx, TLS from cert-manager or a user-supplied certificate. */
    Nginx = "nginx",
    /** An ALB made by the AWS Load Balancer Controller, TLS from ACM. */
    Alb = "alb",
    /** An ALB made through the Gateway API (Gateway and HTTPRoutes) by the AWS Load Balancer Controller, TLS from ACM. */
    Gateway = "gateway",
}

/** Where PostgreSQL and Redis run. */
export enum DatabaseMode {
    /** StatefulSets in the IdP namespace (dev): headless Services, encrypted gp3 volumes kept on delete. */
    InCluster = "inCluster",
    /** Managed services (RDS / ElastiCache) reached through ExternalName Services (prod). */
    External = "external",
}

/**
 * What happens to a datastore's EBS volume when its claim or StatefulSet is deleted: kept
 * (`Retain`, protected stacks) or deleted with it (`Delete`, so a destroyed dev stack leaves no
 * volumes behind). Both the StorageClass reclaimPolicy and the StatefulSet's PVC retention follow it.
 */
export enum VolumeRetention {
    Retain = "Retain",
    Delete = "Delete",
}
