#!/usr/bin/env node
// @ts-check
// `npm run upstream -- --spec FILE`: how far our OpenAPI fragment is from the vendor's published
// spec, operation by operation; every difference must be declared (docs/upstream.md). `--help` for options.
import module from "node:module";

// Node's compile cache (on disk, keyed by each file's contents) spares later runs the compiling of
// the dependencies; it must be on before they load, hence the dynamic import. Node 22.0 lacks it
// (and @types/node 20 does not declare it).
/** @type {{ enableCompileCache?: () => unknown }} */ (module).enableCompileCache?.();
const { run } = await import("./lib/cli/upstream.js");
run();
