import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

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
    include: ["test/**/*.test.ts", "examples/**/*.test.ts"],
    globalSetup: ["test/helpers/global-setup.ts"],
    // In every test file: looks for the suite's secrets in everything it prints, logs, answers over
    // HTTP or exposes, and fails the file on a find (test/helpers/secret-scan.ts).
    setupFiles: ["test/helpers/secret-scan.ts"],
    // Type-level tests (expectTypeOf, @ts-expect-error) are checked by tsc as part of `npm run typecheck`.
    typecheck: { enabled: true, include: ["test/**/*.test-d.ts"], tsconfig: "./tsconfig.json" },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: several tests spawn whole generator processes or a Prism server.
    maxWorkers: 2,
  },
});
