import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * The slow tiers: test files that sleep, loop for minutes, download, drive a browser or another
 * runtime, or need the built `dist/`. Each is a vitest project run by a script of its own
 * (CONTRIBUTING.md, "Test tiers"); every other test file is in the `fast` project, which is what
 * `npm test` runs. A new `*.reliability.test.ts`, `*.e2e.test.ts` or `*.browser.test.ts` lands in
 * its tier by its name.
 */
export const SLOW_TIERS = {
  /** `npm run test:reliability` (through test/tools/reliability-report.js). */
  reliability: ["test/**/*.reliability.test.ts"],
  /** `npm run test:e2e`: whole processes, the packed package, a Prism server; builds `dist/` first. */
  e2e: [
    "test/**/*.e2e.test.ts",
    "examples/**/*.e2e.test.ts",
    "test/project/package.test.ts",
    "test/testing/bundle.test.ts",
    "test/client/contract.test.ts",
  ],
  /** `npm run test:pipeline`: the generator on big inputs and git history (each file a minute or more). */
  pipeline: [
    "test/generator/deps-cache.test.ts",
    "test/reports/diff.test.ts",
    "test/upstream/cli.test.ts",
    "test/upstream/cli-matching.test.ts",
  ],
  /** `npm run test:parity`: 40 real specs and GitHub's 13 MB description (the `specs` corpus). */
  parity: ["test/generator/parity.test.ts"],
  /** `npm run test:browser`: pages in a real Chromium. */
  browser: ["test/**/*.browser.test.ts", "test/reports/browser.test.ts"],
  /** `npm run test:runtimes`: Deno, Bun and the built package on them; builds `dist/` first. */
  runtimes: ["test/project/runtimes.test.ts"],
  /** `npm run test:bench`: `npm run bench -- --quick` end to end (the `bench` corpus). */
  bench: ["test/project/bench.test.ts"],
} as const;

const ALL_TESTS = ["test/**/*.test.ts", "examples/**/*.test.ts"];
/** Builds `dist/` once before the project's first test file (test/helpers/global-setup.ts). */
const NEEDS_DIST = new Set<keyof typeof SLOW_TIERS>(["e2e", "runtimes"]);

export default defineConfig({
  resolve: {
    // The examples import the package by name, as users do; here that name is the source.
    alias: [
      { find: /^authlete-token$/, replacement: fileURLToPath(new URL("./src/index.ts", import.meta.url)) },
      {
        find: /^authlete-token\/testing$/,
        replacement: fileURLToPath(new URL("./src/testing/index.ts", import.meta.url)),
      },
    ],
  },
  test: {
    // In every test file: looks for the suite's secrets in everything it prints, logs, answers over
    // HTTP or exposes, and fails the file on a find (test/helpers/secret-scan.ts).
    setupFiles: ["test/helpers/secret-scan.ts"],
    // A test that spawns the generator takes seconds on an idle machine but can take a minute on a
    // shared 2-core one under load: the timeout catches hangs, not slowness.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores: several tests spawn whole generator processes or a Prism server.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: "fast",
          include: ALL_TESTS,
          exclude: ["**/node_modules/**", ...Object.values(SLOW_TIERS).flat()],
          // Type-level tests (expectTypeOf, @ts-expect-error) are checked by tsc as part of `npm run typecheck`.
          typecheck: {
            enabled: true,
            include: ["test/**/*.test-d.ts"],
            tsconfig: "./tsconfig.json",
            // TypeScript 7's native compiler, as `npm run typecheck` uses: the same diagnostics, about 4× faster.
            checker: "node_modules/typescript-7/bin/tsc",
          },
        },
      },
      ...Object.entries(SLOW_TIERS).map(([name, include]) => ({
        extends: true as const,
        test: {
          name,
          include: [...include],
          globalSetup: NEEDS_DIST.has(name as keyof typeof SLOW_TIERS) ? ["test/helpers/global-setup.ts"] : [],
        },
      })),
    ],
  },
});
