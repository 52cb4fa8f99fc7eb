import * as pulumi from "@pulumi/pulumi";

/**
 * Component options carrying an alias from a type token the component had before, so stacks that
 * were deployed with the old token keep their state (no delete-and-recreate) after the rename.
 * Type tokens moved to `idp-eks:index:<Name>`, the form multi-language component providers require.
 */
export function withPreviousType(previousType: string, opts: pulumi.ComponentResourceOptions | undefined): pulumi.ComponentResourceOptions {
    return { ...opts, aliases: [{ type: previousType }, ...(opts?.aliases ?? [])] };
}
