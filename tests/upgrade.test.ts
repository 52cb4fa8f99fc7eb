import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { shippedStack } from "./harness";

// Regenerate deliberately (and review the diff) with: UPDATE_URN_SNAPSHOT=1 npm test
const SNAPSHOT = (stack: string) => path.join(__dirname, "data/urns", `${stack}.txt`);

describe("upgrade safety", () => {
    for (const stack of ["dev", "prod"]) {
        it(`${stack}: every URN matches the committed snapshot, so an upgrade never replaces resources by accident`, async () => {
            const { resources } = await shippedStack(stack);
            const urns = resources.map((r) => r.urn).join("\n") + "\n";
            // The engine adopts a resource whose old URN one of the new resources names as an alias.
            const aliased = new Set(resources.flatMap((r) => r.aliasUrns ?? []));
            if (process.env.UPDATE_URN_SNAPSHOT) fs.writeFileSync(SNAPSHOT(stack), urns);
            const expected = fs.readFileSync(SNAPSHOT(stack), "utf8");
            const added = urns.split("\n").filter((u) => u && !expected.includes(`${u}\n`));
            const removed = expected.split("\n").filter((u) => u && !urns.includes(`${u}\n`) && !aliased.has(u));
            assert.deepEqual({ added, removed }, { added: [], removed: [] }, "URNs changed: give renamed or moved resources an alias (see components/aliases.ts) or update the snapshot on purpose");
        });
    }

    it("components renamed to the idp-eks:index tokens alias their previous tokens, so existing stacks keep their state", async () => {
        const { resources } = await shippedStack("prod");
        const aliased = Object.fromEntries(resources.filter((r) => r.type.startsWith("idp-eks:index:") && r.aliasTypes.length > 0).map((r) => [r.type, r.aliasTypes]));
        assert.deepEqual(aliased, {
            "idp-eks:index:CertManager": ["idp-eks:addons:CertManager"],
            "idp-eks:index:Cluster": ["idp-eks:cluster:Cluster"],
            "idp-eks:index:IdpApplication": ["idp-eks:idp:IdpApplication"],
            "idp-eks:index:LoadBalancerController": ["idp-eks:addons:LoadBalancerController"],
            "idp-eks:index:Network": ["idp-eks:network:Network"],
            "idp-eks:index:ServiceAccountIdentity": ["idp-eks:addons:ServiceAccountIdentity"],
        });
    });
});
