import * as assert from "node:assert/strict";
import * as v from "valibot";
import { image } from "../../config/rules";

const digest = `sha256:${"0123456789abcdef".repeat(4)}`;
const ok = (s: string) => v.safeParse(image, s).success;

describe("config: rules", () => {
    // distribution/reference, reference.go: `reference := name [ ":" tag ] [ "@" digest ]`.
    describe("image", () => {
        it("accepts a tag, a digest, or a tag pinned by its digest (name:tag@sha256:<digest>)", () => {
            assert.ok(ok("postgres:17.6"));
            assert.ok(ok(`postgres@${digest}`));
            assert.ok(ok(`postgres:17.6@${digest}`));
            assert.ok(ok(`111122223333.dkr.ecr.us-east-1.amazonaws.com/idp-server:1.0.0@${digest}`));
            assert.ok(ok(`registry.example.com:5000/team/redis:7.4.6@${digest}`));
        });

        it("refuses a bare name, the floating latest tag, a short digest and a digest before the tag", () => {
            assert.ok(!ok("postgres"));
            assert.ok(!ok("registry.example.com:5000/postgres"));
            assert.ok(!ok("postgres:latest"));
            assert.ok(!ok("postgres:17.6@sha256:abc"));
            assert.ok(!ok(`postgres@${digest}:17.6`));
        });
    });
});
