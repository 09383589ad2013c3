import { execFile } from "node:child_process";
import { rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { promisify } from "node:util";
import { ROOT } from "./project.js";

/**
 * Builds `dist/` once before any test file runs: the example server and the packed tarball both
 * use the compiled package, and building it from several test files at once would race.
 */
export default async function setup(): Promise<void> {
  await rm(join(ROOT, "dist"), { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  await promisify(execFile)(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: ROOT });
}
