// The control plane log group, created before the cluster (pure values; unit-tested directly).

/**
 * The retention periods CloudWatch Logs accepts, in days (PutRetentionPolicy, `retentionInDays`:
 * "Valid values are: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827,
 * 2192, 2557, 2922, 3288, and 3653", CloudWatch Logs API Reference; the same list in @pulumi/aws
 * cloudwatch.LogGroup `retentionInDays`). Its `0` (never expire) is left out on purpose: logs that
 * never expire are what this log group exists to avoid.
 */
export const CLOUDWATCH_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/**
 * The log group EKS writes control plane logs to: `/aws/eks/<cluster-name>/cluster` (EKS User
 * Guide, "Send control plane logs to CloudWatch Logs"). EKS creates it, with no expiry and outside
 * Pulumi's state, unless it exists when logging is turned on.
 */
export const controlPlaneLogGroupName = (clusterName: string) => `/aws/eks/${clusterName}/cluster`;
