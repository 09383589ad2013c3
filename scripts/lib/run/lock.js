// @ts-check
// One `generate` at a time per config. Every file is already replaced atomically
// (atomic-write.js), so two runs at once never tear a file, and two runs of the same spec write
// the same bytes. What renames alone cannot stop is interleaving across files: a run paused
// halfway through its writes (SIGSTOP, a laptop lid, a stalled disk) while a second run on a newer
// spec writes everything would wake up and put its older reports next to the newer generated
// file. The lock makes each run's read-lint-write-record sequence whole, so generated/, reports/
// and the manifest always come from one run, and the run that starts last sees the spec as it
// is. A second run waits for the first (test/generator/concurrency.reliability.test.ts shows both).
//
// The lock is a file created atomically (a hard link of a written temporary file) next to the
// manifest, holding the owner's pid, host and a nonce. It is broken when its owner is gone: a pid
// no longer running on this host (the usual case, a run killed with SIGKILL: the next run goes
// on at once), or no heartbeat (the owner touches the file every few seconds) for STALE_MS
// (another host, a reused pid, a process stopped that long). proper-lockfile was considered: it
// knows staleness only by age (at least a few seconds, 10 by default), so every run after a
// killed one would wait that long; the pid check makes recovery immediate. Breaking goes
// through a second exclusive file so that two waiters cannot both break the same stale lock and
// one of them remove the other's new lock.
import { randomBytes } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { link, mkdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { basename, dirname, join } from "node:path";
import { isRunning } from "../process.js";
import { CACHE_DIR, configKey } from "./manifest.js";

/** The lock of one config's runs, next to its manifest. */
export function lockPath(/** @type {string} */ configAbsolute) {
  return join(CACHE_DIR, `${configKey(configAbsolute)}.lock`);
}

/** A lock whose heartbeat stopped this long ago is broken even if its pid seems alive. */
export const STALE_MS = 60_000;
const HEARTBEAT_MS = 5_000;
/** Breaking a lock takes microseconds: a break marker older than this was left by a killed run. */
const BREAK_STALE_MS = 5_000;

/** The locks this process holds (path → its content), released synchronously on a signal. */
/** @type {Map<string, string>} */
const held = new Map();
/** The temporary files of locks being acquired (a signal may come while a run waits). */
/** @type {Set<string>} */
const acquiring = new Set();

/**
 * Runs `fn` while holding the lock at `path`, waiting for another holder to finish first.
 * If the lock cannot be created at all (a read-only cache), `fn` runs without it: atomic
 * writes still keep every file whole.
 * @template T
 * @param {string} path
 * @param {() => Promise<T>} fn
 * @returns {Promise<T>}
 */
export async function withLock(path, fn) {
  const release = await acquire(path);
  try {
    return await fn();
  } finally {
    await release();
  }
}

/**
 * @param {string} path
 * @returns {Promise<() => Promise<void>>} releases the lock
 */
export async function acquire(path) {
  const content = `${JSON.stringify({ pid: process.pid, host: hostname(), nonce: randomBytes(8).toString("hex") })}\n`;
  try {
    await mkdir(dirname(path), { recursive: true });
  } catch (error) {
    return withoutLock(error);
  }
  // The lock appears whole or not at all: written to a temporary file, then hard-linked to its
  // name (link fails with EEXIST when the lock exists). A run killed in between leaves only the
  // temporary file, which the next run's sweep removes.
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  acquiring.add(temp);
  try {
    await writeFile(temp, content, { flag: "wx" });
  } catch (error) {
    acquiring.delete(temp);
    return withoutLock(error);
  }
  let announced = false;
  try {
    for (;;) {
      // Counted as held before the link: a signal may land after the link is done but before its
      // callback runs. Releasing checks the content, whose nonce is ours alone, and removes the
      // temporary file first, so a link still in flight then fails instead of creating the lock.
      held.set(path, content);
      try {
        await link(temp, path);
        break;
      } catch (error) {
        held.delete(path);
        const code = /** @type {NodeJS.ErrnoException} */ (error).code;
        if (code !== "EEXIST") return withoutLock(error);
      }
      const holder = await readHolder(path);
      if (holder === undefined) continue; // released in between
      if (isStale(holder)) {
        await breakLock(path, holder.raw);
        continue;
      }
      if (!announced) {
        announced = true;
        const who = holder.pid ? ` (pid ${holder.pid})` : "";
        console.error(`… waiting for another generate${who} working on the same config to finish`);
      }
      await sleep(40 + Math.random() * 60);
    }
  } finally {
    await rm(temp, { force: true });
    acquiring.delete(temp);
  }
  const heartbeat = setInterval(() => {
    const now = new Date();
    utimes(path, now, now).catch(() => {});
  }, HEARTBEAT_MS);
  heartbeat.unref();
  return async () => {
    clearInterval(heartbeat);
    // Only our own lock: one broken as stale (a process stopped for minutes) may be another run's now.
    if ((await readFile(path, "utf8").catch(() => undefined)) === content) await rm(path, { force: true });
    // Held until removed: a signal during the removal must still release it.
    held.delete(path);
  };
}

/**
 * Removes the lock at `path` if its owner is gone (for runs that do not take the lock, such as
 * the no-op fast path, so that a killed run's lock does not stay around). A live lock, or one
 * this process holds, is left alone.
 * @param {string} path
 */
export async function removeStaleLock(path) {
  if (held.has(path)) return;
  const holder = await readHolder(path);
  if (holder && isStale(holder)) await breakLock(path, holder.raw);
}

/** For a signal handler: releases every lock this process holds, synchronously. */
export function releaseLocksSync() {
  // Temporary files first: a link from one of them that has not happened yet can no longer happen.
  for (const temp of acquiring) rmSync(temp, { force: true });
  acquiring.clear();
  for (const [path, content] of held) {
    try {
      if (readFileSync(path, "utf8") === content) rmSync(path, { force: true });
    } catch {
      // already gone
    }
  }
  held.clear();
}

/**
 * @typedef {object} Holder
 * @property {string} raw the lock file's content
 * @property {number | undefined} pid
 * @property {string | undefined} host
 * @property {number} ageMs since the last heartbeat
 */

/**
 * @param {string} path
 * @returns {Promise<Holder | undefined>} undefined when there is no lock (any more)
 */
async function readHolder(path) {
  let raw;
  let info;
  try {
    [raw, info] = await Promise.all([readFile(path, "utf8"), stat(path)]);
  } catch {
    return undefined;
  }
  /** @type {{ pid?: unknown, host?: unknown }} */
  let parsed = {};
  try {
    parsed = JSON.parse(raw);
  } catch {
    // Empty or cut short: its owner was killed between creating and writing it, or is writing it now.
  }
  return {
    raw,
    pid: typeof parsed.pid === "number" ? parsed.pid : undefined,
    host: typeof parsed.host === "string" ? parsed.host : undefined,
    ageMs: Date.now() - info.mtimeMs,
  };
}

/** @param {Holder} holder */
function isStale(holder) {
  if (holder.ageMs > STALE_MS) return true;
  if (holder.pid === undefined || holder.host !== hostname()) return false;
  // Our own pid on a lock we do not hold: left by an earlier process that had the same pid.
  return holder.pid === process.pid || !isRunning(holder.pid);
}

/**
 * Removes a stale lock, unless it changed since it was judged stale.
 * @param {string} path
 * @param {string} seen the stale lock's content
 */
async function breakLock(path, seen) {
  const marker = `${path}.break`;
  try {
    await writeFile(marker, String(process.pid), { flag: "wx" });
  } catch {
    // Someone else is breaking it; a marker left by a killed breaker is removed once it is old.
    const info = await stat(marker).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > BREAK_STALE_MS) await rm(marker, { force: true });
    await sleep(20);
    return;
  }
  try {
    const now = await readHolder(path);
    if (now && now.raw === seen && isStale(now)) await rm(path, { force: true });
  } finally {
    await rm(marker, { force: true });
  }
}

/** @param {unknown} error */
function withoutLock(error) {
  const reason = error instanceof Error ? error.message : String(error);
  console.error(`… could not lock (${reason}); going on without a lock`);
  return async () => {};
}

/** @param {number} ms */
function sleep(ms) {
  return new Promise((done) => setTimeout(done, ms));
}
