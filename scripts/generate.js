#!/usr/bin/env node
// @ts-check
// `npm run generate`: lint every API of redocly.yaml, bundle it and compile it to TypeScript, and
// write the lint reports (JSON, Markdown, SARIF, JUnit) from that same lint. `--help` for options.
import { run } from "./lib/cli/main.js";

run("generate");
