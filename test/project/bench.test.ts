import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT, runNode } from "../helpers/project.js";

// Benchmarks are never timed tests: this only proves `npm run bench -- --quick` runs end to end
// and writes a results table with every row. No assertion looks at a figure.
describe("npm run bench -- --quick", () => {
  let dir = "";
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("exits 0 and writes a table with each row", { timeout: 240_000 }, async () => {
    dir = await mkdtemp(join(tmpdir(), "bench-test-"));
    const out = join(dir, "RESULTS.md");
    const result = await runNode([join(ROOT, "bench/run.js"), "--quick", "--out", out], ROOT);
    expect(result.stderr).not.toMatch(/Error|exited with/);
    expect(result.code).toBe(0);
    const text = await readFile(out, "utf8");
    expect(text).toContain("# Benchmark results");
    expect(text).toMatch(/Machine: .+ RAM, .+ Node v\d+/);
    for (const row of ["1", "1b", "2", "3a", "3b", "4a", "4b", "4c", "4d", "5a", "5b", "6", "7a", "7b", "8"]) {
      expect(text).toMatch(new RegExp(`^\\| ${row} \\| .+ \\| (✅ met|❌ not met|—) \\|$`, "m"));
    }
    expect(text).toContain("Diagnostics");
  });
});
