// The policy pack's entry (package.json main), as program.js is the program's: index.ts through the
// project's cached transpile-only loader. The policy runtime (@pulumi/pulumi cmd/run-policy-pack)
// always registers ts-node with typeCheck: true and has no option to turn it off, so a .ts main
// was type-checked, with @pulumi/policy's and the SDK's declarations, on every preview and up that
// runs the pack (about 1.7 s and 340 MB here, against 0.4 s and 150 MB this way). The loader takes
// the pack's .ts files before ts-node sees them; type errors fail `npm test` (tsconfig.json
// includes policy/) and CI instead.
require("../tools/tsLoader.js");
module.exports = require("./index.ts");
