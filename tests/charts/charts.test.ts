// The Helm releases as Helm installs them: the pinned charts (tests/data/charts, upstream's bytes)
// rendered by a real Helm 4.1.4 with the values the evaluated program passes, once per chart and
// stack, then held to the project's rules. Without this, the charts' objects are invisible to the
// offline checks: a misspelt values key, a NetworkPolicy that selects no chart pod, a port the
// policies do not open or a pod the namespace's Pod Security level refuses would surface only at
// `pulumi up` (or, for the policies, as a silently broken install).
import * as assert from "node:assert/strict";
import { kubernetesServiceAddress } from "../../components/networkPolicy/addons";
import { NetworkPolicy, Pod } from "../../components/networkPolicy/evaluator";
import { ClusterModel, stackModel } from "../../offline/clusterModel";
import { Evaluation } from "../../offline/mockCloud";
import { Version } from "../../offline/rules/podSecurity";
import { shippedStack } from "../harness";
import { CHART_SOURCES, HELM_VERSION, HelmError, K8sObject, helmVersion, render, vendoredChartProblems } from "./helm";
import {
    ReleaseUnderTest, RenderedPod, Sources, chartPathProblems, clusterVersionOf, inNamespace, modelEquivalenceProblems, objectRuleProblems,
    podSecurityProblems, releasesOf, renderedPods, selectingPolicies, serviceAccountProblems, valuesKeyProblems,
} from "./checks";

const list = (problems: string[]) => `\n  - ${problems.join("\n  - ")}`;

/**
 * Which of the project's policies each chart pod is meant to be selected by (README, "Add-on
 * namespaces"), by the pod's app.kubernetes.io/component. Every pod of the namespace is also
 * under default-deny, allow-dns and allow-api-server.
 */
const NAMESPACE_WIDE = ["default-deny", "allow-dns", "allow-api-server"];
const INTENDED: Record<string, Record<string, string[]>> = {
    "cert-manager": {
        controller: ["allow-controller-egress", "allow-monitoring-to-metrics"],
        webhook: ["allow-control-plane-to-webhook", "allow-monitoring-to-metrics"],
        cainjector: ["allow-monitoring-to-metrics"],
        // The metrics policy selects the release's instance label, so the hook Job too (it has no metrics port: nothing opens).
        startupapicheck: ["allow-monitoring-to-metrics"],
    },
    "ingress-nginx": {
        controller: ["allow-load-balancer-to-controller", "allow-control-plane-to-webhook", "allow-monitoring-to-metrics", "allow-controller-to-upstreams"],
        "admission-webhook": [],
    },
};

/** What each stack installs: the tests would pass vacuously if a release went missing. */
const EXPECTED_CHARTS: Record<string, string[]> = {
    dev: ["aws-load-balancer-controller", "cert-manager", "ingress-nginx"],
    prod: ["aws-load-balancer-controller", "cert-manager"],
};

interface Rendered extends ReleaseUnderTest {
    objects: K8sObject[];
    pods: RenderedPod[];
}

function sourcesOf(evaluation: Evaluation, model: ClusterModel): Sources {
    const ext = model.externals;
    const pod = (pred: (p: Pod) => boolean) => model.pods.find(pred)! as Pod;
    return {
        controlPlane: ext["control plane"],
        loadBalancer: (scheme) => (scheme === "internet-facing" ? ext["public LB subnet"] : ext["intra LB subnet"] ?? ext["private LB subnet"]),
        internetClient: ext["internet client"],
        monitoringPod: pod((p) => p.namespace === "monitoring"),
        dnsPod: pod((p) => p.labels["k8s-app"] === "kube-dns"),
        apiServer: kubernetesServiceAddress(evaluation.outputs.vpcCidr as string).replace(/\/32$/, ""),
    };
}

const minor = (v: string): Version => v.split(".").map(Number) as unknown as Version;

describe("charts: Helm binary and the kept chart sources", () => {
    it(`runs Helm ${HELM_VERSION} from the pinned devDependency`, () => {
        assert.equal(helmVersion(), HELM_VERSION);
    });

    // tests/data/charts/sources.json: upstream repository, tag, commit and sha256 of every kept file.
    it("every kept chart file is upstream's, byte for byte, at the recorded commit", () => {
        for (const [chart, src] of Object.entries(CHART_SOURCES)) {
            assert.match(src.commit, /^[0-9a-f]{40}$/, chart);
            assert.match(src.source, /^https:\/\/github\.com\//, chart);
            assert.deepEqual(vendoredChartProblems(chart), [], chart);
        }
    });
});

for (const stack of Object.keys(EXPECTED_CHARTS)) {
    describe(`charts: the ${stack} stack's Helm releases, rendered with the program's values`, () => {
        let evaluation: Evaluation;
        let model: ClusterModel;
        let releases: Rendered[];
        let policies: NetworkPolicy[];
        let version: Version;

        before(async () => {
            evaluation = await shippedStack(stack);
            model = stackModel(evaluation);
            policies = model.policies as unknown as NetworkPolicy[];
            version = minor(clusterVersionOf(evaluation));
            releases = await Promise.all(releasesOf(evaluation).map(async (r) => {
                let objects: K8sObject[];
                try {
                    objects = inNamespace(await render(r), r.namespace);
                } catch (e) {
                    // (a) is its own test below; keep the others running on what did render.
                    if (!(e instanceof HelmError)) throw e;
                    objects = [];
                }
                return { ...r, objects, pods: renderedPods(objects) };
            }));
        });

        const pods = () => releases.flatMap((r) => r.pods);

        // (a) helm template runs the chart's templates and validates the values against
        // values.schema.json where the chart ships one (cert-manager does), as helm install does.
        it("(a) each release renders with exactly its values (helm template, values.schema.json applied)", async () => {
            assert.deepEqual(releases.map((r) => r.chart).sort(), EXPECTED_CHARTS[stack]);
            for (const r of releases) {
                await render(r); // rejects with Helm's message
                assert.ok(r.pods.length > 0, `${r.chart} renders no workload`);
            }
        });

        // (b) Helm drops values keys no template reads without a word.
        it("(b) every values key the program sets is declared by the chart or read by its templates", async () => {
            const problems = (await Promise.all(releases.map((r) => valuesKeyProblems(r)))).flat();
            assert.deepEqual(problems, [], list(problems));
        });

        // (c) The policies are written against chart pod labels (components/networkPolicy/addons.ts).
        it("(c) each chart pod in a locked-down namespace is selected by exactly the policies meant for it", () => {
            const problems: string[] = [];
            let checked = 0;
            for (const p of pods().filter((x) => INTENDED[x.namespace])) {
                const component = p.labels["app.kubernetes.io/component"];
                const intended = INTENDED[p.namespace][component];
                if (!intended) {
                    problems.push(`${p.namespace} ${p.workload}: component ${JSON.stringify(component)} has no intended policies in this test (a pod the README does not describe)`);
                    continue;
                }
                checked++;
                const expected = [...NAMESPACE_WIDE, ...intended].sort();
                const actual = selectingPolicies(policies, p);
                if (JSON.stringify(actual) !== JSON.stringify(expected)) problems.push(`${p.namespace} ${p.workload} (labels ${JSON.stringify(p.labels)}): selected by ${actual.join(", ") || "nothing"}; meant: ${expected.join(", ")}`);
            }
            assert.ok(checked >= (stack === "dev" ? 7 : 4), `only ${checked} pods checked`);
            assert.deepEqual(problems, [], list(problems));
        });

        // (c) The reachability matrix (tests/data/reachability/) models the add-on pods by hand.
        it("(c) the reachability model's add-on pods are the charts' pods: each probe gets the same verdict with the rendered labels", () => {
            const problems = modelEquivalenceProblems(model, pods());
            assert.deepEqual(problems, [], list(problems));
        });

        // (c) The ports come from the rendered Services, webhooks and container ports, not from the project's constants.
        it("(c) the paths the charts declare are open: webhooks from the control plane, the NLB, metrics, DNS and the API server", () => {
            const src = sourcesOf(evaluation, model);
            const problems = releases.flatMap((r) => chartPathProblems(model, r.objects, r.pods, src));
            assert.deepEqual(problems, [], list(problems));
        });

        // (d) kubernetes/pod-security-admission, as ported in offline/rules/podSecurity.ts.
        it("(d) every chart pod (hook Jobs included) passes its namespace's enforced Pod Security level", () => {
            const problems = podSecurityProblems(evaluation.resources, pods(), version);
            assert.deepEqual(problems, [], list(problems));
            // Not vacuous: the add-on namespaces the program creates enforce restricted.
            for (const ns of releases.map((r) => r.namespace).filter((n) => n !== "kube-system")) {
                const labels = (evaluation.resources.find((r) => r.type === "kubernetes:core/v1:Namespace" && (r.inputs as K8sObject).metadata.name === ns)?.inputs as K8sObject | undefined)?.metadata.labels;
                assert.equal(labels?.["pod-security.kubernetes.io/enforce"], "restricted", ns);
            }
        });

        // (e) apimachinery names and labels, pod and Service validation, one object per kind/namespace/name.
        it("(e) the rendered objects pass the Kubernetes rules, alone and together with the program's objects", () => {
            const problems = releases.flatMap((r) => objectRuleProblems(evaluation.resources, r.release, r.objects, version));
            assert.deepEqual(problems, [], list(problems));
        });

        // ServiceAccount admission (pods need their account) and the identities the program binds.
        it("(e) chart pods run as ServiceAccounts that exist, and each Pod Identity association names one of them", () => {
            const problems = releases.flatMap((r) => serviceAccountProblems(evaluation.resources, r.namespace, r.objects, r.pods));
            assert.deepEqual(problems, [], list(problems));
        });
    });
}

// Each check run against a broken input, so a check that could never fail is caught.
describe("charts: the checks fail when the rule is broken", () => {
    let dev: Evaluation;
    let prod: Evaluation;
    let byChart: (e: Evaluation, chart: string) => ReleaseUnderTest;
    before(async () => {
        [dev, prod] = await Promise.all([shippedStack("dev"), shippedStack("prod")]);
        byChart = (e, chart) => releasesOf(e).find((r) => r.chart === chart)!;
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const edit = (r: ReleaseUnderTest, f: (v: any) => void): ReleaseUnderTest => {
        const values = structuredClone(r.values);
        f(values);
        return { ...r, values };
    };

    it("(a) a key cert-manager's values.schema.json does not allow fails the render", async () => {
        const bad = edit(byChart(dev, "cert-manager"), (v) => { v.webhook.replicaCont = 2; });
        await assert.rejects(render(bad), (e: Error) => e instanceof HelmError && /values don't meet the specifications of the schema|additional properties|replicaCont/i.test(e.message));
    });

    it("(b) the load balancer controller's correctly spelt ingressValidationFailurePolicy (the chart reads ingressValdation…) is reported", async () => {
        const bad = edit(byChart(dev, "aws-load-balancer-controller"), (v) => { v.webhookConfig.ingressValidationFailurePolicy = "Ignore"; });
        const problems = await valuesKeyProblems(bad);
        assert.equal(problems.length, 1, list(problems));
        assert.match(problems[0], /"webhookConfig\.ingressValidationFailurePolicy" is not in the chart's values\.yaml and no template reads it/);
        // while a free-form map accepts new keys: an extra Service annotation is read by the template.
        const ok = edit(byChart(dev, "ingress-nginx"), (v) => { v.controller.service.annotations["example.com/extra"] = "x"; });
        assert.deepEqual(await valuesKeyProblems(ok), []);
    });

    it("(c) chart pod labels the policies do not expect (ingress-nginx nameOverride) break both the selection and the matrix equivalence", async () => {
        const nginx = byChart(dev, "ingress-nginx");
        const bad = edit(nginx, (v) => { v.nameOverride = "nginx"; });
        const pods = renderedPods(inNamespace(await render(bad), nginx.namespace));
        const controller = pods.find((p) => p.workload.startsWith("Deployment/"))!;
        const model = stackModel(dev);
        assert.deepEqual(selectingPolicies(model.policies as unknown as NetworkPolicy[], controller), NAMESPACE_WIDE.slice().sort());
        const problems = modelEquivalenceProblems(model, pods);
        assert.ok(problems.some((p) => /models ingress-nginx\/ingress-nginx-controller-0 .* but no rendered pod of the chart carries them/.test(p)), list(problems));
        assert.ok(problems.some((p) => /Deployment\/ingress-nginx-controller .* has no pod in the reachability model/.test(p)), list(problems));
    });

    it("(c) a webhook port the policies do not open is reported (cert-manager webhook.securePort 10260)", async () => {
        const cm = edit(byChart(dev, "cert-manager"), (v) => { v.webhook.securePort = 10260; });
        const objects = inNamespace(await render(cm), cm.namespace);
        const model = stackModel(dev);
        const problems = chartPathProblems(model, objects, renderedPods(objects), sourcesOf(dev, model));
        assert.ok(problems.some((p) => /calling webhook webhook\.cert-manager\.io -> cert-manager Deployment\/cert-manager-webhook port 10260\/TCP: denied/.test(p)), list(problems));
    });

    it("(d) a chart pod that allows privilege escalation is refused in a restricted namespace", async () => {
        const nginx = edit(byChart(dev, "ingress-nginx"), (v) => { v.controller.image = { allowPrivilegeEscalation: true }; });
        const pods = renderedPods(inNamespace(await render(nginx), nginx.namespace));
        const problems = podSecurityProblems(dev.resources, pods);
        assert.ok(problems.some((p) => /Deployment\/ingress-nginx-controller: namespace ingress-nginx enforces restricted: .*allowPrivilegeEscalation != false/.test(p)), list(problems));
    });

    it("(e) a chart ServiceAccount the program also creates is reported (prod cert-manager with serviceAccount.create)", async () => {
        const cm = edit(byChart(prod, "cert-manager"), (v) => { v.serviceAccount.create = true; });
        const problems = objectRuleProblems(prod.resources, cm.release, inNamespace(await render(cm), cm.namespace));
        assert.ok(problems.some((p) => /ServiceAccount cert-manager\/cert-manager.*already exists/.test(p)), list(problems));
    });

    it("(e) a controller running as another account than the one its Pod Identity names is reported (prod cert-manager serviceAccount.name)", async () => {
        const cm = edit(byChart(prod, "cert-manager"), (v) => { v.serviceAccount.name = "cert-manager-controller"; });
        const objects = inNamespace(await render(cm), cm.namespace);
        const problems = serviceAccountProblems(prod.resources, cm.namespace, objects, renderedPods(objects));
        assert.ok(problems.some((p) => /runs as ServiceAccount cert-manager-controller, which neither the chart nor the program creates/.test(p)), list(problems));
        assert.ok(problems.some((p) => /Pod Identity association .* gives AWS rights to cert-manager\/cert-manager, which no pod of the chart runs as/.test(p)), list(problems));
    });
});
