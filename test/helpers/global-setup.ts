import { execFile } from "node:child_process";
import { rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { promisify } from "node:util";
import { ROOT } from "./project.js";

/** Set once `dist/` is built in this vitest process, so a second project needing it reuses it. */
const BUILT = "AUTHLETE_TOKEN_DIST_BUILT";

/**
 * Builds `dist/` once before the test files of the tiers that use the compiled package (the
 * example server, the packed tarball, Deno importing it): vitest.config.ts names them. Building it
 * from several test files at once would race; the fast tier never waits for it.
 */
export default async function setup(): Promise<void> {
  if (process.env[BUILT] === String(process.pid)) return;
  await rm(join(ROOT, "dist"), { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  await promisify(execFile)(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: ROOT });
  process.env[BUILT] = String(process.pid);
}
