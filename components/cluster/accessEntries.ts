// Pure rules for the cluster's access entries (no Pulumi resources; unit-tested directly).

/**
 * The key of a principal's access entry: derived from its ARN alone, so adding, removing or
 * reordering adminPrincipalArns never moves another principal's entry. `arn:aws:iam::111122223333:
 * role/ops/admins` -> `111122223333/role/ops/admins`: the partition prefix is dropped and the one
 * `:` after the account becomes `/` (a `:` pair would read as a URN delimiter). Injective: the
 * account is always 12 digits and IAM names and paths cannot contain `:`.
 */
export function principalKey(arn: string): string {
    const m = /^arn:aws(?:-[a-z]+)*:iam::(\d{12}):((?:role|user)\/.+)$/.exec(arn);
    if (!m) throw new Error(`not an IAM role or user ARN: ${arn}`);
    return `${m[1]}/${m[2]}`;
}

/**
 * IAM treats role and user names case-insensitively ("names are not distinguished by case",
 * IAM User Guide, IAM identifiers), so two ARNs differing in case are one principal to EKS.
 */
export const samePrincipal = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * The principals that get an explicit access entry: every admin except the cluster's creator.
 * pulumi-eks 4.3 creates the cluster with `bootstrapClusterCreatorAdminPermissions: true`
 * (nodejs/eks/cluster/cluster.ts), so EKS already made an entry for the creator's IAM principal
 * and a second one fails with 409 ResourceInUseException (pulumi/pulumi-eks#2373).
 */
export function explicitAdminPrincipals(admins: readonly string[], creatorPrincipalArn: string): string[] {
    return admins.filter((arn) => !samePrincipal(arn, creatorPrincipalArn));
}
