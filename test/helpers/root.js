// @ts-check
// Plain JavaScript, so that the test tools `node` runs directly (test/tools/) share it with the tests.
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
