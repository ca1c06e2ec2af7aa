// The Node.js policy runner (@pulumi/pulumi/cmd/run-policy-pack) require()s this package's main
// file after registering its own vendored ts-node, which cannot load ES module TypeScript that
// imports "./x.js" for x.ts. tsx can: register it first, then load the pack.
require("tsx/cjs/api").register();
require("./index.ts");
