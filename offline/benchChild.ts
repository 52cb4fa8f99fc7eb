// One measured run for the benchmark (offline/bench.ts), in its own process so wall time and peak
// memory are those of a fresh `node`. Prints one JSON line: {"maxRssKb": N, "resources": N}.

/**
 * Loads exactly the SDK modules and submodules the program touches, as `require` loads them (the
 * whole SDK, eagerly): the floor of any program that loads the SDK as it comes. With
 * tools/deferSdk.js preloaded it is the floor of the offline commands, which defer three parts.
 */
export function loadSdkFloor(): void {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const aws = require("@pulumi/aws");
    void [aws.ec2.Vpc, aws.eks.NodeGroup, aws.iam.Role, aws.kms.Key, aws.getPartitionOutput];
    void require("@pulumi/eks").Cluster;
    const k8s = require("@pulumi/kubernetes");
    void [k8s.Provider, k8s.helm.v3.Release, k8s.core.v1.Namespace, k8s.apps.v1.Deployment, k8s.apiextensions.CustomResource];
    void [k8s.networking.v1.Ingress, k8s.policy.v1.PodDisruptionBudget, k8s.autoscaling.v2.HorizontalPodAutoscaler, k8s.storage.v1.StorageClass];
    void [aws.acm.Certificate, aws.route53.Record, aws.vpc.SecurityGroupIngressRule, require("@pulumi/random").RandomPassword];
    void require("@pulumi/pulumi").runtime.setMocks;
    /* eslint-enable @typescript-eslint/no-require-imports */
}

async function run(mode: string, arg: string): Promise<number> {
    if (mode === "floor") {
        loadSdkFloor();
        return 0;
    }
    if (mode === "apps") {
        const { evaluate } = await import("./mockCloud");
        const { appsProgram } = await import("./benchWorkload");
        return (await evaluate({ stack: "dev", program: appsProgram(Number(arg)) })).resources.length;
    }
    throw new Error(`unknown bench mode ${mode}`);
}

if (require.main === module) {
    run(process.argv[2], process.argv[3]).then((resources) => {
        console.log(JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS, resources }));
    });
}
