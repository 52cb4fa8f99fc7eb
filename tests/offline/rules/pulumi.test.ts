import * as assert from "node:assert/strict";
import { readViolation } from "../../../offline/rules/pulumi";
import { readStackFile, rewrites, stackText } from "../../../config/stackYaml";
import { ResourceView } from "../../../offline/rules/types";

describe("offline rules: Pulumi CLI and engine", () => {
    it("reads a stack file as the CLI does: plain scalars through yaml.v3, quoted ones as written, lists as JSON", () => {
        const values = readStackFile("config:\n  p:kubernetesVersion: 1.30\n  p:quoted: '1.30'\n  p:replicas: 3.0\n  p:flag: True\n  p:list:\n    - 1.30\n    - text\n  p:secret:\n    secure: v1:abc\n");
        assert.equal(stackText(values["p:kubernetesVersion"]), "1.3");
        assert.equal(stackText(values["p:quoted"]), "1.30");
        assert.equal(stackText(values["p:replicas"]), "3");
        assert.equal(stackText(values["p:flag"]), "true");
        assert.equal(stackText(values["p:list"]), '[1.3,"text"]');
        assert.deepEqual(values["p:secret"], { kind: "secure", ciphertext: "v1:abc" });
        assert.deepEqual(rewrites("p:list", values["p:list"]), { "p:list[0]": { written: "1.30", received: "1.3" } });
    });

    const res = (type: string, name: string, inputs: Record<string, unknown>): ResourceView => ({ urn: `urn:${type}::${name}`, type, name, custom: true, inputs });

    it("refuses a .get of an object a Helm release of the same run creates, or in a namespace it creates", () => {
        const release = res("kubernetes:helm.sh/v3:Release", "nginx", { name: "ingress-nginx", chart: "ingress-nginx", namespace: "ingress-nginx" });
        const read = { type: "kubernetes:core/v1:Service", name: "svc", id: "ingress-nginx/ingress-nginx-controller" };
        const v = readViolation(read, [release]);
        assert.match(v!.rule, /which Helm release urn:kubernetes:helm.sh\/v3:Release::nginx of this run creates/);
        assert.match(v!.source, /pulumi\/pulumi#16395/);
        const ns = res("kubernetes:core/v1:Namespace", "ns", { metadata: { name: "ingress-nginx" } });
        assert.match(readViolation(read, [ns])!.rule, /namespace ingress-nginx, which this run creates/);
        assert.equal(readViolation({ ...read, id: "kube-system/kube-dns" }, [release, ns]), undefined, "reading what exists before the run is fine");
    });

    it("refuses a .get of a resource this run creates", () => {
        const vpc = res("aws:ec2/vpc:Vpc", "main", {});
        assert.match(readViolation({ type: "aws:ec2/vpc:Vpc", name: "again", id: "mock-id-main" }, [vpc])!.rule, /which this run creates/);
    });
});
