// @ts-check
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { mkdir, open, readdir, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { WriteAbortedError } from "../errors.js";
import { isRunning } from "../process.js";

/**
 * The temporary files this process is writing right now (path → the write's promise), so an
 * interrupted run can remove them (`abortWrites`) instead of leaving them behind.
 * @type {Map<string, Promise<void>>}
 */
const inFlight = new Map();
let aborted = false;

/** The name of a temporary file: `.<name>.<pid>.<8 hex digits>.tmp`, next to its target. */
const TEMP_NAME = /^\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/;

/** A temporary file older than this is removed even when its pid is alive (the pid was reused). */
const ABANDONED_MS = 10 * 60_000;

/**
 * What a write returns once the process is stopping: a promise that never settles, so the
 * pipeline halts where it is (no error printed for a write that was deliberately not made)
 * while the signal handler cleans up and exits.
 */
const halted = () => /** @type {Promise<never>} */ (new Promise(() => {}));

/**
 * Writes `content` to `file` so that readers only ever see the old bytes or the new bytes:
 * the data goes to a temporary file in the same directory (same file system), is flushed to
 * disk (fsync, well under a millisecond for these files), then one `rename` replaces the target.
 * A process killed at any point leaves the target whole: at worst a temporary file stays
 * behind, which the next run removes (`removeStaleTempFiles`).
 * @param {string} file
 * @param {string | Uint8Array} content
 * @param {{ durable?: boolean }} [options] `durable: false` skips the fsync: for a cache whose
 *   reader checks a checksum, so a file torn by a power cut is only a miss
 * @returns {Promise<void>}
 */
export async function writeFileAtomic(file, content, { durable = true } = {}) {
  if (aborted) return halted();
  const dir = dirname(file);
  await mkdir(dir, { recursive: true });
  if (aborted) return halted();
  const temp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const job = (async () => {
    try {
      const handle = await open(temp, "wx");
      try {
        await handle.writeFile(content);
        if (durable) await handle.sync();
      } finally {
        await handle.close();
      }
      if (aborted) throw new WriteAbortedError(`not writing ${file}: interrupted`);
      await rename(temp, file);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  })();
  inFlight.set(temp, job);
  try {
    await job;
  } catch (error) {
    if (error instanceof WriteAbortedError) return halted();
    throw error;
  } finally {
    inFlight.delete(temp);
  }
}

/**
 * For a signal handler, just before the process exits: no write starts or completes from now
 * on (their promises stay pending), the ones under way get up to `timeoutMs` to finish or give
 * up, then whatever temporary file is still there is removed. Each target is left with either
 * its old or its new bytes.
 * @param {number} timeoutMs
 */
export async function abortWrites(timeoutMs) {
  aborted = true;
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  await Promise.race([
    Promise.allSettled([...inFlight.values()]),
    new Promise((done) => {
      timer = setTimeout(done, timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  removeTempFilesSync();
}

/** Removes this process's temporary files at once (synchronous: safe in an exit path). */
export function removeTempFilesSync() {
  for (const temp of inFlight.keys()) rmSync(temp, { force: true });
}

/**
 * Removes the temporary files that runs killed before they could clean up (SIGKILL, a crash,
 * a power cut) left in `dirs`: those whose pid is no longer running, or that are older than any
 * write takes. A live process's temporary file is never touched.
 * @param {Iterable<string>} dirs
 * @returns {Promise<string[]>} the files removed
 */
export async function removeStaleTempFiles(dirs) {
  /** @type {string[]} */
  const removed = [];
  for (const dir of new Set(dirs)) {
    let names;
    try {
      names = await readdir(dir);
    } catch {
      continue; // not there yet
    }
    for (const name of names) {
      const match = TEMP_NAME.exec(name);
      if (!match) continue;
      const path = join(dir, name);
      if (inFlight.has(path)) continue;
      const pid = Number(match[1]);
      if (pid !== process.pid && isRunning(pid)) {
        const info = await stat(path).catch(() => undefined);
        if (!info || Date.now() - info.mtimeMs < ABANDONED_MS) continue;
      }
      await rm(path, { force: true });
      removed.push(path);
    }
  }
  return removed;
}
