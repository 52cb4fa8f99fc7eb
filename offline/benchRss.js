// Loaded into every process of a benchmarked command (NODE_OPTIONS=--require): appends the
// process's peak resident memory in KiB to $IDP_EKS_BENCH_RSS_FILE, so the benchmark can report the
// peak of a command whose work happens in a child of npm. Plain JS: it runs before any loader.
"use strict";
const file = process.env.IDP_EKS_BENCH_RSS_FILE;
if (file) process.on("exit", () => require("fs").appendFileSync(file, `${process.resourceUsage().maxRSS}\n`));
