import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeWorkspace } from "../../bench/lib/pipeline-rows.js";
import { copyProject, ROOT, runNode } from "../helpers/project.js";

// generate loads openapi-core, openapi-typescript and TypeScript from a bundle with a V8 code cache
// (scripts/lib/build/deps.js), or with plain imports when the cache is off, missing, stale, corrupt or
// unwritable. These tests prove the output never depends on which, and that a bad cache heals.
// Each test has its own cache folder (AUTHLETE_TOKEN_CACHE), never the project's.

const cleanups: Array<() => Promise<void>> = [];
let scratch = "";
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "deps-cache-"));
  cleanups.push(() => rm(scratch, { recursive: true, force: true }));
});
afterAll(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** `generate --force` (past the no-op fast path) with the cache at `cache` ("off": none). */
async function generate(cwd: string, cache: string, config = "redocly.yaml") {
  const env = { ...process.env, AUTHLETE_TOKEN_CACHE: cache };
  const result = await runNode([join(ROOT, "scripts/generate.js"), "--config", config, "--force"], cwd, env);
  expect(result.code, result.stderr).toBe(0);
  return result;
}

/** The header line of a cache file: which key, how long and which checksums its two parts have. */
async function cacheHeader(cache: string) {
  const bytes = await readFile(join(cache, "deps.bin"));
  return JSON.parse(bytes.subarray(0, bytes.indexOf(10)).toString("utf8")) as { key: string; cacheLength: number };
}

/**
 * Runs generate with the cache off, then three times with a new cache (building the bundle,
 * loading it and storing its code cache, loading from the code cache): each run's output.
 */
async function outputsOfEveryPath(cwd: string, output: string, config?: string) {
  const cache = await mkdtemp(join(scratch, "cache-"));
  const outputs: Record<string, string> = {};
  await generate(cwd, "off", config);
  outputs.plain = await readFile(output, "utf8");
  await rm(output);
  await generate(cwd, cache, config);
  outputs["plain while building"] = await readFile(output, "utf8");
  expect((await cacheHeader(cache)).cacheLength).toBe(0); // the bundle, no code cache yet
  await generate(cwd, cache, config);
  outputs.bundle = await readFile(output, "utf8");
  expect((await cacheHeader(cache)).cacheLength).toBeGreaterThan(0); // its code cache stored
  const stored = await readFile(join(cache, "deps.bin"));
  await generate(cwd, cache, config);
  outputs["code cache"] = await readFile(output, "utf8");
  // Accepted by V8, so not written again.
  expect((await readFile(join(cache, "deps.bin"))).equals(stored)).toBe(true);
  return { outputs, cache };
}

describe("the dependency cache of generate", () => {
  it("writes the same bytes from plain imports, the bundle and its code cache on the project's spec", {
    timeout: 300_000,
  }, async () => {
    const copy = await copyProject();
    cleanups.push(copy.cleanup);
    const output = join(copy.dir, "generated/authlete-token.ts");
    const committed = await readFile(output, "utf8");
    const { outputs } = await outputsOfEveryPath(copy.dir, output);
    for (const [path, text] of Object.entries(outputs)) expect(text, path).toBe(committed);
  });

  it("writes the same bytes from plain imports, the bundle and its code cache on a 150-operation spec", {
    timeout: 300_000,
  }, async () => {
    const ws = await makeWorkspace(ROOT, {
      name: "deps-cache",
      synthetic: { operations: 150, layout: "single" },
      rules: "project",
    });
    cleanups.push(ws.cleanup);
    const { outputs } = await outputsOfEveryPath(ws.dir, ws.output, ws.config);
    expect(outputs.plain?.length ?? 0).toBeGreaterThan(100_000);
    for (const [path, text] of Object.entries(outputs)) expect(text, path).toBe(outputs.plain);
  });

  it("rebuilds a corrupt or stale cache and gives the same output meanwhile", { timeout: 300_000 }, async () => {
    const copy = await copyProject();
    cleanups.push(copy.cleanup);
    const output = join(copy.dir, "generated/authlete-token.ts");
    const committed = await readFile(output, "utf8");
    const cache = await mkdtemp(join(scratch, "cache-"));
    await generate(copy.dir, cache); // builds the bundle
    const good = await readFile(join(cache, "deps.bin"));
    const { key } = await cacheHeader(cache);

    const flipped = Buffer.from(good);
    const middle = Math.floor(flipped.length / 2);
    flipped[middle] = (flipped[middle] ?? 0) ^ 0xff;
    const corruptions = {
      "a flipped byte": flipped,
      "a truncated file": good.subarray(0, Math.floor(good.length / 3)),
      "another key (a dependency or Node changed)": Buffer.concat([
        Buffer.from(good.subarray(0, good.indexOf(10)).toString("utf8").replace(key, "0".repeat(64))),
        good.subarray(good.indexOf(10)),
      ]),
    };
    for (const [what, bytes] of Object.entries(corruptions)) {
      await writeFile(join(cache, "deps.bin"), bytes);
      const result = await generate(copy.dir, cache);
      expect(result.stderr, what).not.toContain("note:");
      expect(await readFile(output, "utf8"), what).toBe(committed);
      // Rebuilt: whole again, with the current key.
      expect((await readFile(join(cache, "deps.bin"))).equals(good), what).toBe(true);
    }
  });

  it("still works, with a note, when the cache folder cannot be written", { timeout: 120_000 }, async () => {
    const copy = await copyProject();
    cleanups.push(copy.cleanup);
    const output = join(copy.dir, "generated/authlete-token.ts");
    const committed = await readFile(output, "utf8");
    // A folder under a regular file: unwritable even for root, which the tests run as.
    const blocker = join(scratch, "a-file");
    await writeFile(blocker, "");
    const result = await generate(copy.dir, join(blocker, "cache"));
    expect(result.stderr).toMatch(/^note: the dependency cache .+ could not be written \(ENOTDIR\)/m);
    expect(result.stderr.match(/note:/g)).toHaveLength(1);
    expect(await readFile(output, "utf8")).toBe(committed);
  });
});
