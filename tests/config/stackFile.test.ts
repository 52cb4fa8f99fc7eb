import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stackFileRewrites } from "../../config/stackFile";

describe("config: what the stack file said", () => {
    it("finds the scalars YAML changed in Pulumi.<stack>.yaml beside the program, keyed as the config errors name them", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stackfile-"));
        fs.writeFileSync(path.join(dir, "Pulumi.s.yaml"), "config:\n  idp-eks:kubernetesVersion: 1.30\n  nodeInstanceTypes:\n    - m6i.large\n  idp-eks:idpReplicas: '3.0'\n  idp-eks:idpDnsSearches:\n    - 1.10\n");
        assert.deepEqual(stackFileRewrites("s", "idp-eks", dir), {
            "idp-eks:kubernetesVersion": { written: "1.30", received: "1.3" },
            "idp-eks:idpDnsSearches[0]": { written: "1.10", received: "1.1" },
        });
        assert.deepEqual(stackFileRewrites("missing", "idp-eks", dir), {}, "no stack file beside the program: nothing to add");
    });
});
