// What a signal handler releases when the signal lands inside the lock's own file operations.
// The operations are held at a chosen point (their effect on disk done, their callback not yet
// run), which is where a real signal can land on a loaded machine.
import { existsSync } from "node:fs";
import * as fs from "node:fs/promises";
import { mkdtemp, rm } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { acquire, releaseLocksSync } from "../../scripts/lib/run/lock.js";

vi.mock("node:fs/promises", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:fs/promises")>();
  return { ...actual, link: vi.fn(actual.link), rm: vi.fn(actual.rm) };
});
const actual = await vi.importActual<typeof import("node:fs/promises")>("node:fs/promises");
const never = () => new Promise<never>(() => {});

const dirs: string[] = [];
afterEach(async () => {
  vi.mocked(fs.link).mockImplementation(actual.link);
  vi.mocked(fs.rm).mockImplementation(actual.rm);
  releaseLocksSync();
  for (const dir of dirs.splice(0)) await actual.rm(dir, { recursive: true, force: true });
});

async function lockFile() {
  const dir = await mkdtemp(join(tmpdir(), "lock-"));
  dirs.push(dir);
  return join(dir, "cache", "config.lock");
}

describe("releaseLocksSync", () => {
  it("removes a lock whose link is done but whose callback has not run yet", async () => {
    const path = await lockFile();
    let linked = () => {};
    const done = new Promise<void>((resolve) => {
      linked = resolve;
    });
    vi.mocked(fs.link).mockImplementationOnce(async (from, to) => {
      await actual.link(from, to);
      linked();
      return never();
    });
    void acquire(path);
    await done;
    expect(existsSync(path)).toBe(true);
    releaseLocksSync();
    expect(existsSync(path)).toBe(false);
  });

  it("removes a lock whose release has started but not removed it yet", async () => {
    const path = await lockFile();
    const release = await acquire(path);
    let removing = () => {};
    const started = new Promise<void>((resolve) => {
      removing = resolve;
    });
    vi.mocked(fs.rm).mockImplementation(async (target, options) => {
      if (target !== path) return actual.rm(target, options);
      removing();
      return never();
    });
    void release();
    await started;
    releaseLocksSync();
    expect(existsSync(path)).toBe(false);
  });

  it("leaves another process's lock alone while waiting for it", async () => {
    const path = await lockFile();
    await fs.mkdir(join(path, ".."), { recursive: true });
    // A live holder: this test's parent process, on this host.
    await fs.writeFile(path, `${JSON.stringify({ pid: process.ppid, host: hostname(), nonce: "x" })}\n`);
    void acquire(path);
    await new Promise((resolve) => setTimeout(resolve, 100));
    releaseLocksSync();
    expect(existsSync(path)).toBe(true);
    await rm(path);
  });
});
