// The test tiers of vitest.config.ts: every test file runs in exactly one, `npm test` is the fast
// one, and `npm run test:all` and `.ci/run` run every slow one.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import config, { SLOW_TIERS } from "../../vitest.config.js";
import { ROOT } from "../helpers/project.js";

interface Project {
  test: { name: string; include?: string[]; exclude?: string[] };
}

const projects = (config.test?.projects ?? []) as Project[];
const pkg = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };

/** Every test file of the repository (what the default include of vitest would find). */
async function testFiles(): Promise<string[]> {
  const found: string[] = [];
  for (const top of ["test", "examples"]) {
    for (const entry of await readdir(join(ROOT, top), { recursive: true })) {
      const file = `${top}/${String(entry)}`;
      if (/\.test\.ts$/.test(file) && !file.includes("node_modules")) found.push(file);
    }
  }
  return found.sort();
}

/** The tier names whose project selects `file` (vitest's own glob matching). */
function tiersOf(file: string): string[] {
  return projects
    .filter(({ test }) => {
      const hit = (globs: string[] = []) => globs.some((glob) => matches(glob, file));
      return hit(test.include) && !hit(test.exclude);
    })
    .map(({ test }) => test.name);
}

/** Glob match with `**` (any folders) and `*` (within one name), as the config's globs use. */
function matches(glob: string, file: string): boolean {
  const pattern = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*\*\//g, "%ANY%")
    .replace(/\*/g, "[^/]*")
    .replace(/%ANY%/g, "(?:.*/)?");
  return new RegExp(`^${pattern}$`).test(file);
}

describe("test tiers", () => {
  it("put every test file in exactly one tier", async () => {
    const files = await testFiles();
    expect(files.length).toBeGreaterThan(30);
    const wrong = files.map((file) => [file, tiersOf(file)] as const).filter(([, tiers]) => tiers.length !== 1);
    expect(wrong).toEqual([]);
  });

  it("send a new *.reliability.test.ts, *.e2e.test.ts or *.browser.test.ts to its tier by its name, anything else to fast", () => {
    expect(tiersOf("test/client/new-kind.reliability.test.ts")).toEqual(["reliability"]);
    expect(tiersOf("test/endpoint/new-flow.e2e.test.ts")).toEqual(["e2e"]);
    expect(tiersOf("test/endpoint/new-page.browser.test.ts")).toEqual(["browser"]);
    expect(tiersOf("test/client/new-feature.test.ts")).toEqual(["fast"]);
  });

  it("keep the slow files out of npm test, which runs the fast tier after typecheck, lint and the drift check", () => {
    expect(pkg.scripts.test).toBe(
      "npm run typecheck && npm run lint && npm run generate -- --check && vitest run --project fast",
    );
    for (const file of [
      "test/generator/parity.test.ts",
      "test/reports/browser.test.ts",
      "test/project/package.test.ts",
      "test/project/runtimes.test.ts",
      "test/project/bench.test.ts",
      "test/generator/concurrency.reliability.test.ts",
    ]) {
      expect(tiersOf(file), file).not.toContain("fast");
    }
  });

  it("give every slow tier a script, run by test:all and by .ci/run", async () => {
    const ci = await readFile(join(ROOT, ".ci/run"), "utf8");
    for (const tier of Object.keys(SLOW_TIERS)) {
      const script = `test:${tier}`;
      expect(pkg.scripts[script], script).toBeDefined();
      if (tier !== "reliability") expect(pkg.scripts[script]).toContain(`--project ${tier}`);
      expect(pkg.scripts["test:all"]).toContain(`npm run ${script}`);
      expect(ci).toMatch(new RegExp(`slow_tier ${tier} npm run ${script}\\b`));
    }
    expect(pkg.scripts["test:all"]).toMatch(/^npm test && /);
    expect(ci).toMatch(/for v in 22 24 26; do fast_tier "\$v"; done/);
  });

  it("build dist/ only for the tiers that use it", () => {
    const withSetup = projects.filter((p) => ((p.test as { globalSetup?: string[] }).globalSetup ?? []).length > 0);
    expect(withSetup.map((p) => p.test.name).sort()).toEqual(["e2e", "runtimes"]);
    expect((config.test as { globalSetup?: unknown }).globalSetup).toBeUndefined();
  });
});
