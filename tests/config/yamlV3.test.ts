import * as assert from "node:assert/strict";
import { configString, goFormatFloatG, resolve, roundTrip } from "../../config/yamlV3";

/** What the program receives for an unquoted scalar: yaml.v3 read, write, read, then config.Value's text. */
const received = (plain: string) => configString(roundTrip(resolve("", plain)));

describe("offline rules: the CLI's yaml.v3 round trip of a scalar", () => {
    it("turns numbers into their Go text: 3.0 -> 3, 1.30 -> 1.3, 1e6 -> 1000000 (resolve.go, encode.go floatv, encoding/json)", () => {
        assert.equal(received("3.0"), "3");
        assert.equal(received("1.30"), "1.3");
        assert.equal(received("1.34"), "1.34");
        assert.equal(received("1e6"), "1000000");
        assert.equal(received(".5"), "0.5");
        assert.equal(received("+5"), "5");
    });

    it("reads booleans and nulls by resolve.go's table only: True -> true, yes and on stay text, ~ is empty", () => {
        assert.equal(received("True"), "true");
        assert.equal(received("FALSE"), "false");
        assert.equal(received("yes"), "yes");
        assert.equal(received("on"), "on");
        assert.equal(received("~"), "");
    });

    it("reads integers as strconv.ParseInt with base 0 after dropping underscores: 0x1F, 0o17, 0755 (octal), 1_000", () => {
        assert.equal(received("0x1F"), "31");
        assert.equal(received("0o17"), "15");
        assert.equal(received("0755"), "493");
        assert.equal(received("08"), "8", "not octal, so a float, written back as 8");
        assert.equal(received("1_000"), "1000");
        assert.equal(received("-0b101"), "-5");
        assert.equal(received("12345678901234567890"), "12345678901234567890", "above int64 but within uint64: exact");
    });

    it("keeps text that is no number as written, and refuses what cannot be JSON (.inf)", () => {
        assert.equal(received("1.2.3"), "1.2.3");
        assert.equal(received("1e400"), "1e400", "out of float64 range: ParseFloat fails, so a string");
        assert.throws(() => received(".inf"), /unsupported value: \+Inf/);
    });

    it("formats floats as strconv.FormatFloat(f, 'g', -1, 64) between the reads", () => {
        assert.equal(goFormatFloatG(1234567), "1.234567e+06");
        assert.equal(goFormatFloatG(100000), "100000");
        assert.equal(goFormatFloatG(0.00001), "1e-05");
    });

    it("checks explicit tags as resolve.go does: !!str keeps text, !!int of a float fails", () => {
        assert.deepEqual(resolve("!!str", "1.30"), { kind: "string", value: "1.30" });
        assert.throws(() => resolve("!!int", "3.5"), /cannot decode !!float `3.5` as a !!int/);
        assert.deepEqual(resolve("!!float", "3"), { kind: "float", value: 3 });
    });
});
