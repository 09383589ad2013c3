// Loaded with `node --import` by test/generator/bad-specs.reliability.test.ts: writes the process's peak
// resident set size (kilobytes, every thread included) to $MAX_RSS_FILE when it exits.
import { writeFileSync } from "node:fs";
import { isMainThread } from "node:worker_threads";

const file = process.env.MAX_RSS_FILE;
if (isMainThread && file) process.on("exit", () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
