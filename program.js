// The program `pulumi preview` and `up` run (Pulumi.yaml: main program.js, typescript false):
// index.ts through the project's cached transpile-only loader, the same path `npm run synth` takes.
// Pulumi's default for TypeScript would load ts-node and the compiler and type-check the whole
// program on every run; type errors fail `npm test` and CI instead, and editors still show them.
require("./tools/tsLoader.js");
module.exports = require("./index.ts");
