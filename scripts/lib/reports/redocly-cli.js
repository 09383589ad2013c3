// @ts-check
// Runs the installed Redocly CLI (`build-docs`, `stats`, `diff` have no library API in openapi-core).
import { execFile } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/**
 * @typedef {object} CliResult
 * @property {number} code the exit code
 * @property {string} stdout
 * @property {string} stderr
 */

/**
 * Runs `redocly <args>` with Node (no shell, no npx). Telemetry and update checks are off: they
 * would phone home from every CI job and stall where the network is closed. A Node version
 * banner Redocly may print on stderr is not a failure; only the exit code counts.
 * @param {string[]} args
 * @param {{ cwd: string }} options
 * @returns {Promise<CliResult>}
 */
export function runRedocly(args, { cwd }) {
  const bin = require.resolve("@redocly/cli/bin/cli.js");
  return new Promise((done) => {
    execFile(
      process.execPath,
      [bin, ...args],
      {
        cwd,
        maxBuffer: 64 * 1024 * 1024,
        env: {
          ...process.env,
          REDOCLY_TELEMETRY: "off",
          REDOCLY_SUPPRESS_UPDATE_NOTICE: "true",
          REDOCLY_SUPPRESS_NOTIFICATIONS: "true",
          NO_COLOR: "1",
          FORCE_COLOR: "0",
        },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        done({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/**
 * The last meaningful lines of Redocly's stderr, without its boxed deprecation banner.
 * @param {string} stderr
 */
export function redoclyErrorText(stderr) {
  const lines = stderr
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !/^[╔╚║═]/.test(l));
  return lines.slice(-5).join(" ") || "no output";
}
