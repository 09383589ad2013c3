// @ts-check
// What keeps `generate` runs from stepping on each other and from leaving debris: one run at a
// time per config (lock.js, which says why a lock and not only atomic renames), and the
// temporary files of killed runs removed by the next one.
import { readdir } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { removeStaleTempFiles } from "../write/atomic-write.js";
import { lockPath, removeStaleLock, withLock } from "./lock.js";
import { CACHE_DIR } from "./manifest.js";

/**
 * Runs `fn` (one full pass: read the specs, lint, write, record the manifest) while no other
 * `generate` of the same config runs; waits for one that does.
 * @template T
 * @param {string} configPath
 * @param {() => Promise<T>} fn
 * @returns {Promise<T>}
 */
export function exclusive(configPath, fn) {
  return withLock(lockPath(resolve(configPath)), fn);
}

/**
 * Removes what killed runs (their pid is gone) left where this run writes: temporary files next
 * to each output, in the reports directory and its per-API directories, and in the manifest
 * cache, and the config's lock when its owner is gone (a run holding it is never touched).
 * @param {string} configPath
 * @param {string[]} outputs
 * @param {string | undefined} reportsDir
 */
export async function sweepDebris(configPath, outputs, reportsDir) {
  await removeStaleLock(lockPath(resolve(configPath)));
  const dirs = [...outputs.map((output) => dirname(output)), CACHE_DIR];
  if (reportsDir) {
    dirs.push(reportsDir);
    const entries = await readdir(reportsDir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) if (entry.isDirectory()) dirs.push(join(reportsDir, entry.name));
  }
  await removeStaleTempFiles(dirs);
}
