import * as assert from "node:assert/strict";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { GATEWAY_API_BUNDLE, ManifestObject, bundleObjects, crdDirectory, lbcGatewayBundle } from "../../../components/addons/gatewayApi";
import { Evaluation } from "../../../offline/mockCloud";
import { evaluateStack, dependsOn, ofType, only, shippedStack } from "../../harness";

type Crd = ManifestObject & { spec: { group: string; names: { kind: string }; versions: { name: string; storage: boolean; served: boolean }[] } };
const crdsOf = (objects: ManifestObject[]) => objects.filter((o) => o.kind === "CustomResourceDefinition") as Crd[];
const kindsOf = (objects: ManifestObject[]) => crdsOf(objects).map((c) => `${c.spec.group}/${c.spec.names.kind}`);

describe("addons: Gateway API CRDs kept as data (issue 16.2)", () => {
    // The files are upstream's, byte for byte: kubernetes-sigs/gateway-api v1.6.0 config/crd/standard
    // (listed in config/crd/kustomization.yaml) and aws-load-balancer-controller v3.5.0
    // helm/aws-load-balancer-controller/crds/gateway-crds.yaml, which is identical to eks-charts'
    // chart 3.5.0 crds/gateway-crds.yaml. The checksums were taken from those tags (sources.json).
    it("every kept file matches the sha256 recorded with its upstream source, tag and commit", () => {
        for (const bundle of [GATEWAY_API_BUNDLE, lbcGatewayBundle("3.5.0")]) {
            assert.match(bundle.commit, /^[0-9a-f]{40}$/);
            assert.match(bundle.source, /^https:\/\/github\.com\//);
            const dir = path.join(crdDirectory(), bundle.directory);
            assert.deepEqual(fs.readdirSync(dir).sort(), bundle.files.map((f) => f.name).sort(), `${dir} holds files not recorded in sources.json`);
            for (const f of bundle.files) assert.equal(createHash("sha256").update(fs.readFileSync(path.join(dir, f.name))).digest("hex"), f.sha256, f.name);
        }
    });

    it("the Gateway API files are the v1.6.0 standard channel: every object carries that bundle version and channel", () => {
        const objects = bundleObjects(GATEWAY_API_BUNDLE);
        assert.ok(objects.length >= 11);
        for (const o of objects) {
            assert.equal(o.metadata.annotations?.["gateway.networking.k8s.io/bundle-version"], "v1.6.0", o.metadata.name);
            assert.equal(o.metadata.annotations?.["gateway.networking.k8s.io/channel"], "standard", o.metadata.name);
        }
    });

    // pkg/gateway/crddetect/gateway_feature_flags.go (v3.5.0): the controller disables ALBGatewayAPI
    // unless Gateway, GatewayClass, HTTPRoute, GRPCRoute (gateway.networking.k8s.io/v1) and its three
    // gateway.k8s.aws/v1 kinds are served.
    it("define every kind the controller requires before it enables ALB Gateways, served as v1", () => {
        const objects = [...bundleObjects(GATEWAY_API_BUNDLE), ...bundleObjects(lbcGatewayBundle("3.5.0"))];
        const servedV1 = new Set(crdsOf(objects).filter((c) => c.spec.versions.some((v) => v.name === "v1" && v.served)).map((c) => `${c.spec.group}/${c.spec.names.kind}`));
        for (const k of ["Gateway", "GatewayClass", "HTTPRoute", "GRPCRoute"]) assert.ok(servedV1.has(`gateway.networking.k8s.io/${k}`), k);
        for (const k of ["TargetGroupConfiguration", "LoadBalancerConfiguration", "ListenerRuleConfiguration"]) assert.ok(servedV1.has(`gateway.k8s.aws/${k}`), k);
    });

    it("v1 is the storage version of the controller's gateway.k8s.aws kinds in 3.5.0 (v1beta1 deprecated)", () => {
        for (const crd of crdsOf(bundleObjects(lbcGatewayBundle("3.5.0")))) {
            assert.deepEqual(crd.spec.versions.filter((v) => v.storage).map((v) => v.name), ["v1"], crd.metadata.name);
        }
    });

    it("refuses a file that differs from the recorded checksum, and a controller version with no CRDs kept", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "crds-"));
        fs.cpSync(path.join(crdDirectory(), GATEWAY_API_BUNDLE.directory), path.join(dir, GATEWAY_API_BUNDLE.directory), { recursive: true });
        fs.appendFileSync(path.join(dir, GATEWAY_API_BUNDLE.directory, GATEWAY_API_BUNDLE.files[0].name), "# edited\n");
        assert.throws(() => bundleObjects(GATEWAY_API_BUNDLE, dir), /does not match its recorded sha256/);
        assert.throws(() => lbcGatewayBundle("9.9.9"), /no gateway\.k8s\.aws CRDs are kept for aws-load-balancer-controller 9\.9\.9/);
    });
});

describe("addons: Gateway API CRDs applied by the program (issue 16.2)", () => {
    let gw: Evaluation;
    before(async () => {
        gw = await evaluateStack("prod", { "idp-eks:idpIngress": "gateway" });
    });

    it("applies every CRD of both bundles (server-side apply, forced over a chart-installed copy) and keeps them on delete", () => {
        const applied = ofType(gw.resources, "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition");
        const expected = kindsOf([...bundleObjects(GATEWAY_API_BUNDLE), ...bundleObjects(lbcGatewayBundle("3.5.0"))]).sort();
        assert.deepEqual(applied.map((r) => { const c = r.inputs as unknown as Crd; return `${c.spec.group}/${c.spec.names.kind}`; }).sort(), expected);
        for (const r of applied) {
            assert.equal(r.retainOnDelete, true, `${r.name}: deleting a CRD deletes every object of its kind in the cluster`);
            assert.equal((r.inputs as unknown as Crd).metadata.annotations?.["pulumi.com/patchForce"], "true");
        }
        assert.equal(ofType(gw.resources, "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy").length, 1, "the standard channel's safe-upgrades policy");
    });

    it("applies them before the controller (it enables ALB Gateways only when they exist at start-up) and sets ALBGatewayAPI explicitly", () => {
        const release = only(gw.resources, "kubernetes:helm.sh/v3:Release", "-lbc");
        for (const crd of ofType(gw.resources, "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition")) assert.ok(release.dependencies.includes(crd.urn), crd.name);
        assert.deepEqual((release.inputs.values as { controllerConfig: unknown }).controllerConfig, { featureGates: { ALBGatewayAPI: true } });
    });

    it("creates the alb GatewayClass for the controller's ALB implementation after the CRDs", () => {
        const cls = only(gw.resources, "kubernetes:gateway.networking.k8s.io/v1:GatewayClass");
        assert.equal((cls.inputs as { spec: { controllerName: string } }).spec.controllerName, "gateway.k8s.aws/alb");
        const gatewaysCrd = ofType(gw.resources, "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition").find((r) => r.name.endsWith("-crd-gatewayclasses.gateway.networking.k8s.io"))!;
        assert.ok(dependsOn(gw.resources, cls, gatewaysCrd));
    });

    it("gatewayApi alone installs the CRDs and the GatewayClass without changing the IdP's exposure; shipped stacks install none", async () => {
        const { resources } = await evaluateStack("prod", { "idp-eks:gatewayApi": true });
        assert.ok(ofType(resources, "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition").length >= 13);
        assert.equal(ofType(resources, "kubernetes:gateway.networking.k8s.io/v1:Gateway").length, 0);
        for (const stack of ["dev", "prod"]) {
            const shipped = await shippedStack(stack);
            assert.equal(ofType(shipped.resources, "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition").length, 0);
            assert.deepEqual((only(shipped.resources, "kubernetes:helm.sh/v3:Release", "-lbc").inputs.values as { controllerConfig: unknown }).controllerConfig, { featureGates: { ALBGatewayAPI: false } });
        }
    });
});
