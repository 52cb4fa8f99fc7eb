import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { dump } from "js-yaml";
import { runNetpolCli } from "../../cli/netpol";

const DATA = path.join(__dirname, "../data/connectivity");

async function run(...argv: string[]) {
    let stdout = "";
    let stderr = "";
    const code = await runNetpolCli(argv, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } });
    return { code, stdout, stderr, lastLine: stdout.trimEnd().split("\n").pop() };
}

describe("cli: netpol verify", () => {
    it("passes the shared examples: exit 0 and a final `N passed, M failed` line", async () => {
        const r = await run("verify", path.join(DATA, "shared-examples.json"));
        assert.equal(r.code, 0, r.stdout + r.stderr);
        assert.equal(r.lastLine, "94 passed, 0 failed");
    });

    it("prints each failing probe with expected, actual and the explanation, and exits 1", async () => {
        const doc = JSON.parse(fs.readFileSync(path.join(DATA, "shared-examples.json"), "utf8"));
        doc.cases[0].probes[0].allowed = !doc.cases[0].probes[0].allowed;
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "netpol-")), "wrong.json");
        fs.writeFileSync(file, JSON.stringify(doc));
        const r = await run("verify", file);
        assert.equal(r.code, 1);
        assert.equal(r.lastLine, "93 passed, 1 failed");
        assert.ok(r.stdout.includes(`: case "${doc.cases[0].name}": probes[0] `), r.stdout);
        assert.match(r.stdout, /expected (allowed|denied), got (allowed|denied)/);
        assert.match(r.stdout, /egress: .*; ingress: /);
    });

    it("accepts YAML of the same shape", async () => {
        const doc = JSON.parse(fs.readFileSync(path.join(DATA, "shared-examples.json"), "utf8"));
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "netpol-")), "examples.yaml");
        fs.writeFileSync(file, dump(doc));
        assert.equal((await run("verify", file)).lastLine, "94 passed, 0 failed");
    });

    const invalid: [string, RegExp][] = [
        ["unknown-pod", /case "unknown-pod": probes\[0\]\.to: "a\/nope" names no pod/],
        ["bad-cidr", /case "bad-cidr": policies\[0\]\.spec\.ingress\[0\]\.from\[0\]\.ipBlock\.cidr: "10\.0\.0\.0\/33"/],
        ["except-outside", /case "except-outside": policies\[0\]\.spec\.ingress\[0\]\.from\[0\]\.ipBlock\.except\[0\]: 10\.1\.0\.0\/24 is not strictly inside/],
        ["endport-below-port", /case "endport-below-port": policies\[0\]\.spec\.ingress\[0\]\.ports\[0\]\.endPort: 8000 is below port 9000/],
        ["bad-protocol", /case "bad-protocol": probes\[0\]\.protocol/],
        ["bad-operator", /case "bad-operator": policies\[0\]\.spec\.ingress\[0\]\.from\[0\]\.podSelector\.matchExpressions\[0\]\.operator/],
    ];
    for (const [name, message] of invalid) {
        it(`rejects ${name} with exit 2, naming the case and field`, async () => {
            const r = await run("verify", path.join(DATA, "invalid", `${name}.json`));
            assert.equal(r.code, 2);
            assert.match(r.stderr, message);
        });
    }

    it("notes a probe end written as a pod's IP (outside the cluster by the contract) on stderr, and still judges it", async () => {
        const doc = JSON.parse(fs.readFileSync(path.join(DATA, "shared-examples.json"), "utf8"));
        const c = doc.cases[0];
        c.probes = [{ ...c.probes[0], from: { ip: c.pods[0].ip } }];
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "netpol-")), "ip.json");
        fs.writeFileSync(file, JSON.stringify({ cases: [c] }));
        const r = await run("verify", file);
        assert.match(r.stderr, new RegExp(`note: probes\\[0\\]\\.from\\.ip: ${c.pods[0].ip.replace(/\./g, "\\.")} is pod ${c.pods[0].namespace}/${c.pods[0].name}'s address`));
        assert.match(r.lastLine!, /^\d+ passed, \d+ failed$/);
    });

    it("exits 2 on bad usage and unreadable files", async () => {
        assert.equal((await run()).code, 2);
        assert.equal((await run("verify")).code, 2);
        const missing = await run("verify", "no-such-file.json");
        assert.equal(missing.code, 2);
        assert.match(missing.stderr, /no-such-file\.json/);
    });
});
