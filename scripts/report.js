#!/usr/bin/env node
// @ts-check
// `npm run report`: everything `npm run generate` does, plus api.html (redocly build-docs),
// stats.json (redocly stats), the change report against a base (redocly diff) and reports/index.html.
import module from "node:module";

// Node's compile cache (on disk, keyed by each file's contents) spares later runs the compiling of
// the dependencies; it must be on before they load, hence the dynamic import. Node 22.0 lacks it
// (and @types/node 20 does not declare it).
/** @type {{ enableCompileCache?: () => unknown }} */ (module).enableCompileCache?.();
const { run } = await import("./lib/cli/main.js");
run("report");
