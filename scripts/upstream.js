#!/usr/bin/env node
// @ts-check
// `npm run upstream -- --spec FILE`: how far our OpenAPI fragment is from the vendor's published
// spec, operation by operation; every difference must be declared (docs/upstream.md). `--help` for options.
import { run } from "./lib/cli/upstream.js";

run();
