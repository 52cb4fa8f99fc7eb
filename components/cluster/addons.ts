// Versions of the EKS managed add-ons: pinned per Kubernetes version where eks-versions.json keeps
// one, otherwise EKS's default version for the cluster's Kubernetes version, looked up at deploy
// time. Either way the version follows kubernetesVersion, so one config change upgrades them.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EksAddon, pinnedAddonVersion } from "./versions";

export function managedAddonVersion(addon: EksAddon, kubernetesVersion: string, opts: pulumi.InvokeOutputOptions): pulumi.Input<string> {
    return pinnedAddonVersion(addon, kubernetesVersion)
        ?? aws.eks.getAddonVersionOutput({ addonName: addon, kubernetesVersion, mostRecent: false }, opts).version;
}
