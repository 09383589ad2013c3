import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ROOT } from "../helpers/project.js";
import { CORPORA, corpusModules, installCorpus } from "./corpus.js";

const pkg = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
};

describe("the corpus (test/corpus/, installed on demand)", () => {
  const saved = process.env.CORPUS_CACHE;
  const dirs: string[] = [];
  afterEach(async () => {
    if (saved === undefined) delete process.env.CORPUS_CACHE;
    else process.env.CORPUS_CACHE = saved;
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  it("is not in the project's dependencies, and each corpus's lockfile pins what its package.json names", async () => {
    const project = { ...pkg.dependencies, ...pkg.devDependencies };
    for (const name of CORPORA) {
      const manifest = JSON.parse(await readFile(join(ROOT, "test/corpus", name, "package.json"), "utf8"));
      const lock = JSON.parse(await readFile(join(ROOT, "test/corpus", name, "package-lock.json"), "utf8"));
      const wanted: Record<string, string> = manifest.dependencies;
      expect(Object.keys(wanted).length, name).toBeGreaterThan(0);
      for (const [dep, version] of Object.entries(wanted)) {
        expect(project[dep], `${dep} is in the project's package.json too`).toBeUndefined();
        expect(version, `${dep}: an exact version`).toMatch(/^\d+\.\d+\.\d+(-[\w.]+)?$/);
        expect(lock.packages[`node_modules/${dep}`]?.version, `${name}'s lockfile: ${dep}`).toBe(version);
      }
      expect(lock.packages[""].dependencies).toEqual(wanted);
    }
  });

  it("lives outside node_modules, in a folder named after the lockfile's hash", async () => {
    const lock = await readFile(join(ROOT, "test/corpus/specs/package-lock.json"));
    const hash = createHash("sha256").update(lock).digest("hex").slice(0, 16);
    delete process.env.CORPUS_CACHE;
    expect(corpusModules("specs")).toBe(join(ROOT, ".corpus", `specs-${hash}`, "node_modules"));
    process.env.CORPUS_CACHE = "/elsewhere";
    expect(corpusModules("bench")).toMatch(/^\/elsewhere\/bench-[0-9a-f]{16}\/node_modules$/);
  });

  it("reuses a finished install without running npm, and ignores a folder an interrupted install left", async () => {
    const cache = await mkdtemp(join(tmpdir(), "corpus-cache-"));
    dirs.push(cache);
    process.env.CORPUS_CACHE = cache;
    const modules = corpusModules("bench");
    const home = join(modules, "..");
    await mkdir(modules, { recursive: true });
    await writeFile(join(home, ".installed"), "earlier\n");
    // No npm on PATH: installing would fail, so returning proves the finished install was reused.
    const path = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      expect(await installCorpus("bench")).toBe(modules);
      // Without the marker (an install cut off before its rename), it installs again: npm is missing here.
      await rm(join(home, ".installed"));
      await expect(installCorpus("bench")).rejects.toThrow(/corpus bench: npm ci failed/);
    } finally {
      process.env.PATH = path;
    }
  });
});
