import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runCommand } from "../helpers/project.js";
import { recordOutcome } from "../helpers/reliability.js";
import { type SmokeReport, smoke } from "./runtimes-smoke.js";

// Deno and Bun, as `.ci/install-runtimes` installs them from the npm registry (platform packages
// that carry the binary, no postinstall download); DENO_BIN / BUN_BIN point elsewhere.
const RUNTIMES = {
  deno: process.env.DENO_BIN ?? join(ROOT, ".runtimes/deno/node_modules/@deno/linux-x64-glibc/deno"),
  bun: process.env.BUN_BIN ?? join(ROOT, ".runtimes/bun/node_modules/@oven/bun-linux-x64/bin/bun"),
};
// `.ci/run` sets REQUIRE_RUNTIMES=deno,bun: there a missing binary is a failure, not a skip.
const REQUIRED = new Set((process.env.REQUIRE_RUNTIMES ?? "").split(",").filter(Boolean));
const SMOKE = join(ROOT, "test/project/runtimes-smoke.ts");

function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  return runCommand(command, args, {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1", ...options.env },
  });
}

function record(report: SmokeReport, expected: number): void {
  const passed = report.checks.filter((c) => c.ok).length;
  const failed = report.checks.filter((c) => !c.ok).map((c) => c.name);
  recordOutcome({
    category: "Runtimes",
    name: `${report.runtime} ${report.version.replace(/^v/, "")}`,
    tried: report.checks.length,
    passed,
    // A check that did not run (a crash part-way) is lost as much as one that failed.
    lost: Math.max(expected, report.checks.length) - passed,
    note:
      failed.length > 0
        ? `failed: ${failed.join("; ")}`
        : report.runtime === "node"
          ? "client + token endpoint over loopback, in-process"
          : "src/ run unmodified: client + token endpoint over loopback, served by the runtime's own server",
  });
}

function parseReport(stdout: string): SmokeReport {
  const line = stdout.trim().split("\n").at(-1) ?? "";
  return JSON.parse(line) as SmokeReport;
}

const EXPECTED_CHECKS = 7;

describe("runtimes", () => {
  it("the library works on this Node: client and token endpoint over loopback", async () => {
    const report = await smoke();
    record(report, EXPECTED_CHECKS);
    expect(report.runtime).toBe("node");
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.checks).toHaveLength(EXPECTED_CHECKS);
  });

  // `.ci/run` runs `npm test` and this check once per Node it installed, with that Node first on
  // PATH and EXPECT_NODE_VERSION set: every child (tests spawn process.execPath, `npm`, and scripts whose
  // shebang is `#!/usr/bin/env node`, such as Prism) must be that same Node.
  it.runIf(process.env.EXPECT_NODE_VERSION)("runs on the Node the CI asked for, children included", async () => {
    const expected = process.env.EXPECT_NODE_VERSION;
    expect(process.version).toBe(expected);
    const child = await run("node", ["-p", "process.version"]);
    expect(child.stdout.trim()).toBe(expected);
    // `npm version` prints the versions npm itself runs with (outside a package, to print only those).
    const npm = await run("npm", ["version", "--json"], { cwd: tmpdir() });
    expect(JSON.parse(npm.stdout).node, npm.stderr).toBe(expected?.replace(/^v/, ""));
  });

  for (const [runtime, bin] of Object.entries(RUNTIMES)) {
    const present = existsSync(bin);
    if (!present && !REQUIRED.has(runtime)) {
      it.skip(`${runtime}: skipped, no binary at ${bin} (bash .ci/install-runtimes installs it)`, () => {});
      continue;
    }
    it(`${runtime} runs src/ unmodified: client and token endpoint over loopback`, async () => {
      if (!present) {
        recordOutcome({
          category: "Runtimes",
          name: runtime,
          tried: 1,
          passed: 0,
          lost: 1,
          note: `no binary at ${bin}`,
        });
      }
      expect(present, `${runtime} is required here (REQUIRE_RUNTIMES) but there is no binary at ${bin}`).toBe(true);
      // Deno resolves the `.js` specifiers of TypeScript's NodeNext style to `.ts` files only
      // with --sloppy-imports; Bun does it by default.
      const args =
        runtime === "deno" ? ["run", "--no-prompt", "--sloppy-imports", "--allow-net=127.0.0.1", SMOKE] : [SMOKE];
      const result = await run(bin, args);
      let report: SmokeReport;
      try {
        report = parseReport(result.stdout);
      } catch {
        report = { runtime, version: "?", checks: [] };
      }
      if (report.version === "?") {
        const version = await run(bin, ["--version"]);
        report.version = /\d+\.\d+\.\d+/.exec(version.stdout)?.[0] ?? "?";
      }
      record(report, EXPECTED_CHECKS);
      expect(report.runtime, `exit ${result.code}\n${result.stdout}\n${result.stderr}`).toBe(runtime);
      expect(report.checks.filter((c) => !c.ok)).toEqual([]);
      expect(report.checks).toHaveLength(EXPECTED_CHECKS);
      expect(result.code, result.stderr).toBe(0);
    });
  }

  // The package as published (dist/, built by test/helpers/global-setup.ts) needs no flag on Deno.
  it.runIf(existsSync(RUNTIMES.deno))("deno imports the built dist/ without --sloppy-imports", async () => {
    const result = await run(RUNTIMES.deno, [
      "eval",
      'const m = await import("./dist/src/index.js"); console.log(typeof m.createTokenClient, typeof m.createTokenEndpoint);',
    ]);
    expect(result.stdout.trim(), result.stderr).toBe("function function");
  });
});
