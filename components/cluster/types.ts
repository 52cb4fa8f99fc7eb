/** EC2 purchasing option of a managed node group (the EKS API's own values). */
export enum CapacityType {
    OnDemand = "ON_DEMAND",
    Spot = "SPOT",
}

/** AMI families supported for managed nodes (both are EKS-optimized Amazon Linux 2023). */
export enum NodeAmiType {
    Al2023X86 = "AL2023_x86_64_STANDARD",
    Al2023Arm = "AL2023_ARM_64_STANDARD",
}

/** Kubernetes taint effects, as written in a `kubectl taint` spec. */
export enum TaintEffect {
    NoSchedule = "NoSchedule",
    PreferNoSchedule = "PreferNoSchedule",
    NoExecute = "NoExecute",
}

/** EKS control plane log streams sent to CloudWatch. */
export enum ControlPlaneLogType {
    Api = "api",
    Audit = "audit",
    Authenticator = "authenticator",
    ControllerManager = "controllerManager",
    Scheduler = "scheduler",
}

/**
 * What EKS does when the cluster's Kubernetes version leaves standard support (the cluster's
 * `upgradePolicy.supportType`): STANDARD upgrades the control plane; EXTENDED keeps the version,
 * billed at the extended-support rate, for up to 12 more months.
 */
export enum SupportType {
    Standard = "STANDARD",
    Extended = "EXTENDED",
}
