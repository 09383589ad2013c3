#!/usr/bin/env node
// @ts-check
// `npm run generate`: lint every API of redocly.yaml, bundle it and compile it to TypeScript, and
// write the lint reports (JSON, Markdown, SARIF, JUnit) from that same lint. `--help` for options.
import module from "node:module";

// Node's compile cache (on disk, keyed by each file's contents) spares later runs the compiling of
// the dependencies; it must be on before they load, hence the dynamic import. Node 22.0 lacks it
// (and @types/node 20 does not declare it).
/** @type {{ enableCompileCache?: () => unknown }} */ (module).enableCompileCache?.();
const { run } = await import("./lib/cli/main.js");
run("generate");
