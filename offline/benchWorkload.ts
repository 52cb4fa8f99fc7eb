// The benchmark's scaling workload: the dev platform carrying N application instances, each a
// namespace, a Deployment and a Service on the platform's cluster, so the figures show how
// evaluation cost grows with the Kubernetes objects a platform carries.
import * as k8s from "@pulumi/kubernetes";
import { IdpPlatform } from "../components/platform";
import { loadConfig, platformArgs } from "../config";

export function appsProgram(instances: number): () => void {
    return () => {
        const config = loadConfig();
        const platform = new IdpPlatform(config.clusterName, platformArgs(config));
        const provider = platform.cluster.provider;
        for (let i = 0; i < instances; i++) {
            const name = `app-${i}`;
            const labels = { app: name };
            const ns = new k8s.core.v1.Namespace(name, { metadata: { name } }, { provider });
            new k8s.apps.v1.Deployment(name, {
                metadata: { namespace: ns.metadata.name, name },
                spec: { replicas: 2, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name, image: "public.ecr.aws/nginx/nginx:1.27", ports: [{ containerPort: 8080 }] }] } } },
            }, { provider });
            new k8s.core.v1.Service(name, { metadata: { namespace: ns.metadata.name, name }, spec: { selector: labels, ports: [{ port: 80, targetPort: 8080 }] } }, { provider });
        }
    };
}
