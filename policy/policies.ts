// The platform's invariants as CrossGuard policies, so `pulumi preview --policy-pack policy`
// enforces them for every user. Kept apart from the PolicyPack (which starts a server) so tests can
// call each validation on recorded resources.
import type { PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";

type Props = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export const TLS13_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";
const SVC = "service.beta.kubernetes.io/aws-load-balancer-";
const ALB = "alb.ingress.kubernetes.io/";
const SERVICE = "kubernetes:core/v1:Service";
const INGRESS = "kubernetes:networking.k8s.io/v1:Ingress";
const RELEASE = "kubernetes:helm.sh/v3:Release";
const LB_CONFIGURATION = "kubernetes:gateway.k8s.aws/v1:LoadBalancerConfiguration";
const WORKLOADS = ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet", "kubernetes:apps/v1:DaemonSet"];
const NAMESPACE = "kubernetes:core/v1:Namespace";
const SYSTEM_NAMESPACES = new Set(["kube-system", "kube-public", "kube-node-lease"]);
const PSS_LEVELS = ["baseline", "restricted"];

const annotations = (p: Props): Record<string, string> => p.metadata?.annotations ?? {};
const isAlbIngress = (a: { type: string; props: Props }) => a.type === INGRESS && a.props.spec?.ingressClassName === "alb";

/** A LoadBalancer Service spec with its annotations, wherever it is declared (Service, or a chart's values). */
function loadBalancerServices(a: { type: string; props: Props }): { where: string; spec: Props; annotations: Record<string, string> }[] {
    if (a.type === SERVICE && a.props.spec?.type === "LoadBalancer") return [{ where: `Service ${a.props.metadata?.name}`, spec: a.props.spec, annotations: annotations(a.props) }];
    const service = a.type === RELEASE ? a.props.values?.controller?.service : undefined;
    if (service?.type === "LoadBalancer") return [{ where: `Helm release ${a.props.chart} controller Service`, spec: service, annotations: service.annotations ?? {} }];
    return [];
}

export const resourcePolicies: ResourceValidationPolicy[] = [
    {
        name: "pod-security-admission-labels",
        description: "Every namespace the stack creates enforces a Pod Security Standard (baseline or restricted), and audits and warns at it.",
        enforcementLevel: "mandatory",
        validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
            if (args.type !== NAMESPACE || SYSTEM_NAMESPACES.has(args.props.metadata?.name)) return;
            const labels: Record<string, string> = args.props.metadata?.labels ?? {};
            for (const mode of ["enforce", "audit", "warn"]) {
                const level = labels[`pod-security.kubernetes.io/${mode}`];
                if (!PSS_LEVELS.includes(level)) report(`namespace ${args.props.metadata?.name} has no pod-security.kubernetes.io/${mode} label of baseline or restricted (got ${JSON.stringify(level ?? null)})`);
            }
        },
    },
    {
        name: "load-balancer-tls13",
        description: "NLB TLS listeners and ALB HTTPS listeners (Ingress or Gateway LoadBalancerConfiguration) use the TLS 1.3 security policy.",
        enforcementLevel: "mandatory",
        validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
            for (const s of loadBalancerServices(args)) {
                if (s.annotations[`${SVC}ssl-cert`] && s.annotations[`${SVC}ssl-negotiation-policy`] !== TLS13_POLICY) report(`${s.where} terminates TLS without ${SVC}ssl-negotiation-policy: ${TLS13_POLICY}`);
            }
            if (isAlbIngress(args) && annotations(args.props)[`${ALB}certificate-arn`] && annotations(args.props)[`${ALB}ssl-policy`] !== TLS13_POLICY) {
                report(`ALB Ingress ${args.props.metadata?.name} has HTTPS without ${ALB}ssl-policy: ${TLS13_POLICY}`);
            }
            if (args.type === LB_CONFIGURATION) {
                for (const l of (args.props.spec?.listenerConfigurations ?? []) as Props[]) {
                    if (/^(HTTPS|TLS):/.test(l.protocolPort ?? "") && l.sslPolicy !== TLS13_POLICY) report(`LoadBalancerConfiguration ${args.props.metadata?.name} listener ${l.protocolPort} has no sslPolicy: ${TLS13_POLICY}`);
                }
            }
        },
    },
    {
        // ingress-nginx was retired upstream: best-effort maintenance ended in March 2026 and 4.15.1
        // (controller 1.15.1) is the final release, with no security fixes to come.
        name: "ingress-nginx-retired",
        description: "ingress-nginx is retired (March 2026; no security fixes): expose services through the load balancer controller's Gateway API (idpIngress: gateway) instead.",
        enforcementLevel: "advisory",
        validateResource: (args, report) => {
            if (args.type === RELEASE && args.props.chart === "ingress-nginx") {
                report(`Helm release ${args.props.name ?? "ingress-nginx"} installs ingress-nginx, retired in March 2026 with no further security fixes; move to the ALB Gateway (idpIngress: gateway, ingressNginx: false; see the README's migration section)`);
            }
        },
    },
    {
        name: "load-balancer-controller-explicit-scheme",
        description: "Load balancers are made by the AWS Load Balancer Controller (loadBalancerClass service.k8s.aws/nlb, ingressClassName alb) with an explicit scheme.",
        enforcementLevel: "mandatory",
        validateResource: (args, report) => {
            for (const s of loadBalancerServices(args)) {
                if (s.spec.loadBalancerClass !== "service.k8s.aws/nlb") report(`${s.where} is not handed to the load balancer controller (spec.loadBalancerClass: service.k8s.aws/nlb); the legacy controller would make it`);
                if (s.annotations[`${SVC}type`] === "nlb") report(`${s.where} uses ${SVC}type: nlb, which selects the legacy in-tree controller`);
                if (!s.annotations[`${SVC}scheme`]) report(`${s.where} has no ${SVC}scheme (the controller's default is internal)`);
            }
            if (isAlbIngress(args) && !annotations(args.props)[`${ALB}scheme`]) report(`ALB Ingress ${args.props.metadata?.name} has no ${ALB}scheme (the default is internal)`);
        },
    },
    {
        name: "no-ingress-class-annotation",
        description: "Ingresses name their class in spec.ingressClassName, not the deprecated kubernetes.io/ingress.class annotation.",
        enforcementLevel: "mandatory",
        validateResource: (args, report) => {
            if (args.type === INGRESS && annotations(args.props)["kubernetes.io/ingress.class"] !== undefined) report(`Ingress ${args.props.metadata?.name} uses the deprecated kubernetes.io/ingress.class annotation`);
        },
    },
    {
        name: "hardened-containers",
        description: "Containers run as non-root with a read-only root filesystem, no privilege escalation and resource limits.",
        enforcementLevel: "mandatory",
        validateResource: (args, report) => {
            if (!WORKLOADS.includes(args.type)) return;
            const pod: Props = args.props.spec?.template?.spec ?? {};
            for (const c of (pod.containers ?? []) as Props[]) {
                const sc: Props = c.securityContext ?? {};
                const where = `${args.props.metadata?.name}/${c.name}`;
                if (!(sc.runAsNonRoot ?? pod.securityContext?.runAsNonRoot)) report(`${where} may run as root (set runAsNonRoot)`);
                if (sc.readOnlyRootFilesystem !== true) report(`${where} has a writable root filesystem`);
                if (sc.allowPrivilegeEscalation !== false) report(`${where} allows privilege escalation`);
                if (!c.resources?.limits?.memory || !c.resources?.limits?.cpu) report(`${where} has no CPU and memory limits`);
            }
        },
    },
    {
        name: "no-plaintext-secrets-in-env",
        description: "Secret-looking environment variables come from Secrets, not literal values in the Deployment.",
        enforcementLevel: "mandatory",
        validateResource: (args, report) => {
            if (!WORKLOADS.includes(args.type)) return;
            for (const c of (args.props.spec?.template?.spec?.containers ?? []) as Props[]) {
                for (const e of (c.env ?? []) as Props[]) {
                    if (/PASSWORD|SECRET|TOKEN|PRIVATE_?KEY|CREDENTIAL/i.test(e.name) && e.value !== undefined) report(`${args.props.metadata?.name}/${c.name} sets ${e.name} as a literal value; use valueFrom.secretKeyRef`);
                }
            }
        },
    },
    {
        name: "prod-cluster-hardening",
        description: "Production clusters: private endpoint, control plane logs, KMS secrets encryption, deletion protection. Enabled per stack with the policy config `production: true`.",
        enforcementLevel: "mandatory",
        configSchema: { properties: { production: { type: "boolean", default: false } } },
        validateResource: (args, report) => {
            if (!args.getConfig<{ production?: boolean }>().production) return;
            const p = args.props;
            // The eks.Cluster component's inputs, or the aws.eks.Cluster it makes.
            const view = args.type === "eks:index:Cluster"
                ? { privateEndpoint: p.endpointPrivateAccess, logs: p.enabledClusterLogTypes, encrypted: !!p.encryptionConfigKeyArn, deletionProtection: p.deletionProtection }
                : args.type === "aws:eks/cluster:Cluster"
                    ? { privateEndpoint: p.vpcConfig?.endpointPrivateAccess, logs: p.enabledClusterLogTypes, encrypted: (p.encryptionConfig?.resources ?? []).includes("secrets"), deletionProtection: p.deletionProtection }
                    : undefined;
            if (!view) return;
            if (view.privateEndpoint !== true) report("the cluster's private API endpoint is off");
            const logs = new Set<string>(view.logs ?? []);
            for (const t of ["api", "audit", "authenticator"]) if (!logs.has(t)) report(`control plane log ${t} is off`);
            if (!view.encrypted) report("Kubernetes Secrets are not envelope-encrypted with KMS");
            if (view.deletionProtection !== true) report("deletion protection is off");
        },
    },
];

const isNetworkPolicy = (r: PolicyResource) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy";

/** Whether the stack's EKS cluster has deletion protection (eks.Cluster component or aws.eks.Cluster); undefined without a cluster. */
function clusterProtected(resources: PolicyResource[]): boolean | undefined {
    const cluster = resources.find((r) => r.type === "eks:index:Cluster" || r.type === "aws:eks/cluster:Cluster");
    return cluster ? cluster.props.deletionProtection === true : undefined;
}

export const stackPolicies: StackValidationPolicy[] = [
    {
        name: "volume-retention-follows-protection",
        description: "Volumes are retained exactly when the cluster is protected: StorageClass reclaimPolicy and StatefulSet PVC retention (whenDeleted) are Retain with deletion protection and Delete without.",
        enforcementLevel: "mandatory",
        validateStack: (args, report) => {
            const protectedCluster = clusterProtected(args.resources);
            if (protectedCluster === undefined) return;
            const expected = protectedCluster ? "Retain" : "Delete";
            const why = protectedCluster ? "the cluster is protected, so its data must survive a delete" : "the cluster is not protected, so a destroy would orphan the volumes";
            for (const r of args.resources) {
                // A provisioned volume takes its class's reclaimPolicy (default Delete); a StatefulSet's claims
                // stay after it unless whenDeleted is Delete (default Retain). Kubernetes docs: Storage Classes; StatefulSets.
                if (r.type === "kubernetes:storage.k8s.io/v1:StorageClass" && (r.props.reclaimPolicy ?? "Delete") !== expected) {
                    report(`StorageClass ${r.props.metadata?.name} has reclaimPolicy ${r.props.reclaimPolicy ?? "Delete"}, expected ${expected}: ${why}`);
                }
                if (r.type === "kubernetes:apps/v1:StatefulSet" && (r.props.spec?.volumeClaimTemplates ?? []).length > 0) {
                    const whenDeleted = r.props.spec?.persistentVolumeClaimRetentionPolicy?.whenDeleted ?? "Retain";
                    if (whenDeleted !== expected) report(`StatefulSet ${r.props.metadata?.name} keeps whenDeleted ${whenDeleted}, expected ${expected}: ${why}`);
                }
            }
        },
    },
    {
        name: "network-policy-enforcement",
        description: "Where NetworkPolicies exist, the VPC CNI network policy agent enforces them.",
        enforcementLevel: "mandatory",
        validateStack: (args: StackValidationArgs, report: ReportViolation) => {
            if (!args.resources.some(isNetworkPolicy)) return;
            const cni = args.resources.find((r) => r.type === "aws:eks/addon:Addon" && r.props.addonName === "vpc-cni");
            let enabled = false;
            try {
                enabled = JSON.parse(cni?.props.configurationValues ?? "{}").enableNetworkPolicy === "true";
            } catch {
                enabled = false;
            }
            if (!enabled) report("NetworkPolicies are declared but the vpc-cni add-on does not set enableNetworkPolicy: \"true\"; EKS would ignore them");
        },
    },
    {
        name: "default-deny-per-app-namespace",
        description: "Every namespace with workloads (its own, or a Helm release's) and every namespace the stack creates has a default-deny policy for ingress and egress.",
        enforcementLevel: "mandatory",
        validateStack: (args, report) => {
            // A Helm release's pods are not resources of the stack, so its namespace counts by the release.
            const namespaces = [
                ...args.resources.filter((r) => WORKLOADS.includes(r.type)).map((r) => r.props.metadata?.namespace ?? "default"),
                ...args.resources.filter((r) => r.type === RELEASE).map((r) => r.props.namespace ?? "default"),
                ...args.resources.filter((r) => r.type === NAMESPACE).map((r) => r.props.metadata?.name),
            ];
            const appNamespaces = new Set(namespaces.filter((n): n is string => typeof n === "string" && !SYSTEM_NAMESPACES.has(n)));
            for (const ns of appNamespaces) {
                const denies = args.resources.some((r) => isNetworkPolicy(r) && r.props.metadata?.namespace === ns
                    && Object.keys(r.props.spec?.podSelector?.matchLabels ?? {}).length === 0 && !r.props.spec?.podSelector?.matchExpressions?.length
                    && ["Ingress", "Egress"].every((t) => (r.props.spec?.policyTypes ?? []).includes(t))
                    && !(r.props.spec?.ingress ?? []).length && !(r.props.spec?.egress ?? []).length);
                if (!denies) report(`namespace ${ns} runs workloads without a default-deny NetworkPolicy for ingress and egress`);
            }
        },
    },
];
