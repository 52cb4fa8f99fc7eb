import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { load as parseYaml } from "js-yaml";
import { ComponentProvider, getPulumiComponents } from "@pulumi/pulumi/provider/experimental";
import * as components from "../components";
import { PROJECT_ROOT } from "../offline/mockCloud";

describe("package: schema for other languages", () => {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    let schema: any;
    before(async function () {
        this.timeout(120000);
        const provider = new ComponentProvider({ name: "idp-eks", dirname: PROJECT_ROOT, components: getPulumiComponents(components) });
        schema = JSON.parse(await provider.getSchema());
    });

    it("PulumiPlugin.yaml declares the nodejs runtime", () => {
        assert.deepEqual(parseYaml(fs.readFileSync(path.join(PROJECT_ROOT, "PulumiPlugin.yaml"), "utf8")), { runtime: "nodejs" });
    });

    it("infers every public component", () => {
        assert.deepEqual(Object.keys(schema.resources).sort(), [
            "idp-eks:index:CertManager", "idp-eks:index:Cluster", "idp-eks:index:IdpApplication", "idp-eks:index:IdpPlatform",
            "idp-eks:index:IngressNginx", "idp-eks:index:LoadBalancerController", "idp-eks:index:Network", "idp-eks:index:ServiceAccountIdentity",
        ]);
        for (const r of Object.values(schema.resources) as { isComponent: boolean }[]) assert.equal(r.isComponent, true);
    });

    it("carries the components' inputs, with enums as enum types", () => {
        const network = schema.resources["idp-eks:index:Network"];
        assert.deepEqual(Object.keys(network.inputProperties).sort(), ["availabilityZones", "clusterName", "existing", "mode", "natGatewayMode", "subnetLayout", "tags", "vpcCidr"]);
        assert.equal(network.inputProperties.subnetLayout.$ref, "#/types/idp-eks:index:SubnetLayout");
        assert.equal(network.inputProperties.mode.$ref, "#/types/idp-eks:index:VpcMode");
        assert.deepEqual(schema.types["idp-eks:index:VpcMode"].enum.map((e: { value: string }) => e.value), ["create", "existing"]);
        const platform = schema.resources["idp-eks:index:IdpPlatform"];
        assert.deepEqual(Object.keys(platform.inputProperties).sort(), ["addons", "cluster", "idp", "network", "region", "tags"]);
        assert.ok(schema.types["idp-eks:index:IdpSettings"].properties.networkPolicies);
    });

    it("carries the outputs other projects need", () => {
        const platform = schema.resources["idp-eks:index:IdpPlatform"].properties;
        for (const o of ["vpcId", "clusterName", "kubeconfig", "oidcProviderArn", "publicUrls", "serviceFqdns", "kubernetesProvider"]) assert.ok(platform[o], `IdpPlatform output ${o}`);
        const cluster = schema.resources["idp-eks:index:Cluster"].properties;
        for (const o of ["clusterName", "kubeconfig", "oidcProviderArn", "oidcProviderUrl", "clusterSecurityGroupId", "networkPolicyEnforced"]) assert.ok(cluster[o], `Cluster output ${o}`);
    });
});
