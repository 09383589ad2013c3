#!/usr/bin/env node
// @ts-check
// `npm run report`: everything `npm run generate` does, plus api.html (redocly build-docs),
// stats.json (redocly stats), the change report against a base (redocly diff) and reports/index.html.
import { run } from "./lib/cli/main.js";

run("report");
