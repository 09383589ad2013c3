// Shared by the reliability tests of the generator: project copies with two spec versions whose
// outputs differ in every file, a spawned `generate` that can be watched and killed, and the
// checks for debris (temporary files, locks) and for the manifest.
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { lockPath } from "../../scripts/lib/run/lock.js";
import { CACHE_DIR, manifestPath } from "../../scripts/lib/run/manifest.js";
import { copyProject, ROOT, runGenerate, startProcess } from "./project.js";

/** Every file a run of `generate` writes in the project (the manifest is checked separately). */
export const OUTPUTS = [
  "generated/authlete-token.ts",
  "reports/authlete-token/lint.json",
  "reports/authlete-token/lint.md",
  "reports/authlete-token/lint.sarif",
  "reports/authlete-token/lint.junit.xml",
] as const;

const OPERATION = "openapi/paths/api_{serviceId}_auth_token.yaml";

/** Bytes of every output, by relative path; undefined when missing. */
export type Outputs = Map<string, Buffer | undefined>;

/**
 * A copy of the project where `operation-description` is a warning instead of an error, so that
 * version "b" of the spec (the token operation without its description) still generates, and
 * differs from version "a" (the spec as committed) in every output: the TypeScript loses a JSDoc
 * block and the lint reports gain a warning.
 */
export async function prepareProject(version: "a" | "b" = "a") {
  const copy = await copyProject();
  const config = join(copy.dir, "redocly.yaml");
  const text = await readFile(config, "utf8");
  const relaxed = text.replace(/^ {2}operation-description: error$/m, "  operation-description: warn");
  if (relaxed === text) throw new Error("redocly.yaml no longer has `operation-description: error`");
  await writeFile(config, relaxed);
  const original = await readFile(join(copy.dir, OPERATION), "utf8");
  const changed = original.replace(/^ {2}description: \|\n(?: {4}.*\n|\n)*?(?= {2}parameters:)/m, "");
  if (changed === original) throw new Error(`${OPERATION} no longer has a multi-line description`);
  const specs = { a: original, b: changed };
  const setSpec = (v: "a" | "b") => writeFile(join(copy.dir, OPERATION), specs[v]);
  if (version === "b") await setSpec("b");
  return { dir: copy.dir, cleanup: copy.cleanup, setSpec, specs, operationFile: join(copy.dir, OPERATION) };
}

export async function readOutputs(dir: string): Promise<Outputs> {
  const entries = await Promise.all(
    OUTPUTS.map(async (file) => [file, await readFile(join(dir, file)).catch(() => undefined)] as const),
  );
  return new Map(entries);
}

/** Puts `outputs` on disk as they are (a plain write: this is the test's setup, not the tool). */
export async function writeOutputs(dir: string, outputs: Outputs): Promise<void> {
  for (const [file, bytes] of outputs) {
    if (bytes === undefined) await rm(join(dir, file), { force: true });
    else {
      await mkdir(dirname(join(dir, file)), { recursive: true });
      await writeFile(join(dir, file), bytes);
    }
  }
}

/**
 * Generates version a and b of the spec in a fresh copy, returning both sets of outputs and how
 * long one full run took. Fails unless every output differs between the two (else a torn or
 * stale file could pass for the right one).
 */
export async function referenceOutputs() {
  const ref = await prepareProject("a");
  try {
    const a = await runGenerate(["--force"], ref.dir);
    if (a.code !== 0) throw new Error(`reference run (a) failed:\n${a.stderr}`);
    const outputsA = await readOutputs(ref.dir);
    await ref.setSpec("b");
    const started = performance.now();
    const b = await runGenerate(["--force"], ref.dir);
    const durationMs = performance.now() - started;
    if (b.code !== 0) throw new Error(`reference run (b) failed:\n${b.stderr}`);
    const outputsB = await readOutputs(ref.dir);
    for (const file of OUTPUTS) {
      const x = outputsA.get(file);
      const y = outputsB.get(file);
      if (!x || !y || x.equals(y)) throw new Error(`${file} does not differ between the two spec versions`);
    }
    return { a: outputsA, b: outputsB, durationMs };
  } finally {
    await ref.cleanup();
  }
}

/** For each output: "a", "b", or "other" (torn, missing, anything else). */
export function classify(outputs: Outputs, refs: { a: Outputs; b: Outputs }): Map<string, "a" | "b" | "other"> {
  const result = new Map<string, "a" | "b" | "other">();
  for (const [file, bytes] of outputs) {
    if (bytes && refs.a.get(file)?.equals(bytes)) result.set(file, "a");
    else if (bytes && refs.b.get(file)?.equals(bytes)) result.set(file, "b");
    else result.set(file, "other");
  }
  return result;
}

/** The outputs of both spec versions, and how long one full run took (see `referenceOutputs`). */
export type References = Awaited<ReturnType<typeof referenceOutputs>>;

/**
 * The setup of a reliability test file of the generator. Before its tests: the reference outputs
 * of both spec versions. After them: whatever run a failed test left going (or stopped) killed,
 * and every project copy or directory the file made removed, newest first.
 */
export function useGeneratorRuns() {
  let references: References | undefined;
  const cleanups: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    references = await referenceOutputs();
  });
  afterAll(async () => {
    await killLeftovers();
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const runs = {
    /** The reference outputs (set once beforeAll has run). */
    get refs(): References {
      if (!references) throw new Error("the reference outputs are made in beforeAll");
      return references;
    },
    /** A project copy (see `prepareProject`), removed after the file's tests. */
    async project(version: "a" | "b") {
      const copy = await prepareProject(version);
      cleanups.push(copy.cleanup);
      return copy;
    },
    /** Something else to remove after the file's tests (a temporary directory). */
    removeAfterAll(cleanup: () => Promise<void>) {
      cleanups.push(cleanup);
    },
    /** Which version each output in `dir` is now: "a", "b" or "other" (torn, missing). */
    async versions(dir: string) {
      return classify(await readOutputs(dir), runs.refs);
    },
  };
  return runs;
}

/** Temporary files anywhere in the project copy (atomic-write's `.<name>.<pid>.<hex>.tmp`, or any `.tmp`). */
export async function tempFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith(".tmp")).map((e) => join(e.parentPath, e.name));
}

/**
 * What this copy's runs may leave in the shared manifest cache besides the manifest itself: the
 * lock, its temporary file, a break marker, a temporary manifest.
 */
export async function cacheLeftovers(dir: string): Promise<string[]> {
  const config = resolve(dir, "redocly.yaml");
  const manifest = basename(manifestPath(config));
  const lock = basename(lockPath(config));
  const names = await readdir(CACHE_DIR).catch(() => [] as string[]);
  return names.filter((name) => name !== manifest && (name.includes(manifest) || name.includes(lock)));
}

/** Debris a run may leave: temporary files in the copy, a lock or a temporary file in the cache. */
export async function debris(dir: string): Promise<string[]> {
  return [...(await tempFiles(dir)), ...(await cacheLeftovers(dir))];
}

export function sha256(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * Whether the manifest of the copy describes what is on disk: every output, report and input
 * hash it records matches the file. Returns the disagreements (empty when it agrees); a missing
 * manifest is one.
 */
export async function manifestDisagreements(dir: string): Promise<string[]> {
  const path = manifestPath(resolve(dir, "redocly.yaml"));
  let manifest: {
    apis: Array<{ output: string; outputHash: string; inputs: Record<string, string> }>;
    reports: { files: Record<string, string> } | null;
  };
  try {
    manifest = JSON.parse(await readFile(path, "utf8"));
  } catch {
    return ["no manifest"];
  }
  const expected: Array<[string, string]> = [];
  for (const api of manifest.apis) expected.push([api.output, api.outputHash], ...Object.entries(api.inputs));
  if (manifest.reports) expected.push(...Object.entries(manifest.reports.files));
  const problems: string[] = [];
  for (const [file, hash] of expected) {
    const actual = await readFile(file).then(sha256, () => "missing");
    if (actual !== hash) problems.push(`manifest disagrees with ${file}`);
  }
  return problems;
}

export async function removeManifest(dir: string): Promise<void> {
  await rm(manifestPath(resolve(dir, "redocly.yaml")), { force: true });
}

/** A pid that is certainly not running: a process that has just exited. */
export async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", "0"]);
  await new Promise((done) => child.once("exit", done));
  if (child.pid === undefined) throw new Error("no pid");
  return child.pid;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** performance.now() when it exited */
  at: number;
}

/** Every process `startGenerate` started that has not exited yet. */
const live = new Set<ChildProcess>();

/**
 * For afterAll: kills whatever a failed test left running (continued first, in case it was
 * stopped), and waits until it is gone.
 */
export async function killLeftovers(): Promise<void> {
  await Promise.all(
    [...live].map(async (child) => {
      const gone = new Promise((done) => child.once("exit", done));
      child.kill("SIGCONT");
      child.kill("SIGKILL");
      await gone;
    }),
  );
}

/** A spawned `node scripts/generate.js` whose output can be waited for and which can be killed. */
export function startGenerate(args: string[], cwd: string) {
  const { child, stdout, stderr } = startProcess(process.execPath, [join(ROOT, "scripts/generate.js"), ...args], {
    cwd,
  });
  live.add(child);
  child.once("exit", () => live.delete(child));
  const exited = new Promise<Exit>((done) => {
    child.once("exit", (code, signal) => done({ code, signal, at: performance.now() }));
  });
  let running = true;
  void exited.then(() => {
    running = false;
  });
  /** Resolves true as soon as `text` appears in stdout; false if the process exits or `timeoutMs` passes first. */
  const waitFor = (text: string, timeoutMs = 30_000) =>
    new Promise<boolean>((done) => {
      if (stdout().includes(text)) return done(true);
      const finish = (found: boolean) => {
        clearTimeout(timer);
        child.stdout.off("data", onData);
        child.off("exit", onExit);
        done(found);
      };
      // Registered after startProcess's listener that collects the output, so the chunk is already there.
      const onData = () => {
        if (stdout().includes(text)) finish(true);
      };
      const onExit = () => finish(stdout().includes(text));
      const timer = setTimeout(() => finish(false), timeoutMs);
      child.stdout.on("data", onData);
      child.once("exit", onExit);
    });
  return {
    child,
    exited,
    waitFor,
    isRunning: () => running,
    stdout,
    stderr,
    /** Kills it if it still runs; resolves once it is gone. */
    stop: async (signal: NodeJS.Signals = "SIGKILL") => {
      if (running) child.kill(signal);
      return exited;
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/** A small seeded PRNG (mulberry32): the same seed gives the same kill points on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
