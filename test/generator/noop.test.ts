import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { copyProject, runGenerate } from "../helpers/project.js";

// A successful run records a manifest; the next run stops early when it still matches. These
// tests prove every kind of change is still caught once a manifest exists.
const OUTPUT = "generated/authlete-token.ts";
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function generatedProject() {
  const copy = await copyProject();
  cleanups.push(copy.cleanup);
  const first = await runGenerate([], copy.dir);
  expect(first.code, first.stderr).toBe(0);
  const again = await runGenerate(["--check"], copy.dir);
  expect(again.code, again.stderr).toBe(0);
  return copy.dir;
}

describe("the no-op fast path of generate", () => {
  it("still catches a hand edit of a generated file", async () => {
    const dir = await generatedProject();
    await writeFile(join(dir, OUTPUT), `${await readFile(join(dir, OUTPUT), "utf8")}// edited\n`);
    const result = await runGenerate(["--check"], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(OUTPUT);
    const fixed = await runGenerate([], dir);
    expect(fixed.code).toBe(0);
    expect(await readFile(join(dir, OUTPUT), "utf8")).not.toContain("// edited");
  });

  it("still catches an edit of a file the root only reaches through $ref", async () => {
    const dir = await generatedProject();
    const file = join(dir, "openapi/components/schemas/Property.yaml");
    await writeFile(file, (await readFile(file, "utf8")).replace("The property name.", "The name."));
    const result = await runGenerate(["--check"], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(OUTPUT);
  });

  it("still catches a lint error introduced after a clean run", async () => {
    const dir = await generatedProject();
    const file = join(dir, "openapi/openapi.yaml");
    await writeFile(
      file,
      (await readFile(file, "utf8")).replace("url: https://eu.authlete.com", "url: https://example.com"),
    );
    const result = await runGenerate([], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("no-server-example.com");
  });

  it("reruns when the config changes", async () => {
    const dir = await generatedProject();
    const config = join(dir, "redocly.yaml");
    await writeFile(config, (await readFile(config, "utf8")).replace("info-contact: error", "info-contact: off"));
    await writeFile(join(dir, OUTPUT), "stale");
    expect((await runGenerate(["--check"], dir)).code).toBe(1);
  });

  it("rewrites a deleted lint report", async () => {
    const dir = await generatedProject();
    const report = join(dir, "reports/authlete-token/lint.sarif");
    const before = await readFile(report, "utf8");
    await rm(report);
    expect((await runGenerate([], dir)).code).toBe(0);
    expect(await readFile(report, "utf8")).toBe(before);
  });

  it("runs in full with --force, writing the same bytes", async () => {
    const dir = await generatedProject();
    const before = await readFile(join(dir, OUTPUT), "utf8");
    const forced = await runGenerate(["--force"], dir);
    expect(forced.code, forced.stderr).toBe(0);
    expect(await readFile(join(dir, OUTPUT), "utf8")).toBe(before);
  });

  it("answers a no-op run the way a full run does", async () => {
    const dir = await generatedProject();
    const result = await runGenerate([], dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`✓ authlete-token: ${OUTPUT} (unchanged)`);
    expect(result.stdout).toContain("lint reports");
    const check = await runGenerate(["--check"], dir);
    expect(check.stdout).toContain("✓ 1 API(s) up to date");
  });
});
