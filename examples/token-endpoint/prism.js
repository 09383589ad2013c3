// @ts-check
// The demo's embedded default: a Prism mock of this package's own OpenAPI spec, so the example
// runs without an Authlete account. Prism answers every call with the spec's first example.
// The tests start their Prism mocks with it too.
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * @typedef {object} PrismMock
 * @property {string} baseUrl where the mock listens, e.g. `http://127.0.0.1:4010`
 * @property {Record<string, unknown>} spec the bundled spec Prism serves
 * @property {() => Promise<void>} close stops Prism and removes the bundled spec
 */

/**
 * Bundles `openapi/openapi.yaml` into one file and starts `prism mock` on it, on 127.0.0.1 and a
 * free port. Resolves once Prism listens. With `errors`, every violation of the spec marked as
 * an error, in a request or in an answer, gets an error response (`prism mock --errors`).
 * @param {{ timeoutMs?: number, log?: (line: string) => void, errors?: boolean }} [options]
 * @returns {Promise<PrismMock>}
 */
export async function startPrismMock(options = {}) {
  const { timeoutMs = 30_000, log, errors = false } = options;
  const { bundle, loadConfig } = await import("@redocly/openapi-core");
  const config = await loadConfig({ configPath: join(ROOT, "redocly.yaml") });
  const bundled = await bundle({ ref: join(ROOT, "openapi/openapi.yaml"), config, dereference: false });
  const dir = await mkdtemp(join(tmpdir(), "authlete-token-prism-"));
  const specFile = join(dir, "openapi.json");
  await writeFile(specFile, JSON.stringify(bundled.bundle.parsed));

  const port = await freePort();
  const bin = createRequire(import.meta.url).resolve("@stoplight/prism-cli/dist/index.js");
  const args = [bin, "mock", "-h", "127.0.0.1", "-p", String(port), ...(errors ? ["--errors"] : []), specFile];
  const child = spawn(process.execPath, args, {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise((resolveExit) => child.once("exit", resolveExit));

  async function close() {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dir, { recursive: true, force: true });
  }

  try {
    await new Promise((resolveReady, rejectReady) => {
      let output = "";
      const timer = setTimeout(
        () => rejectReady(new Error(`Prism did not start within ${timeoutMs} ms:\n${output}`)),
        timeoutMs,
      );
      /** @param {Buffer} chunk */
      const onData = (chunk) => {
        const text = chunk.toString("utf8");
        output += text;
        for (const line of text.split("\n")) if (line.trim() !== "") log?.(line);
        if (output.includes("Prism is listening")) {
          clearTimeout(timer);
          resolveReady(undefined);
        }
      };
      child.stdout.on("data", onData);
      child.stderr.on("data", onData);
      child.once("exit", (code) => {
        clearTimeout(timer);
        rejectReady(new Error(`Prism exited with code ${code}:\n${output}`));
      });
    });
  } catch (error) {
    await close();
    throw error;
  }
  const spec = /** @type {Record<string, unknown>} */ (bundled.bundle.parsed);
  return { baseUrl: `http://127.0.0.1:${port}`, spec, close };
}

/** A TCP port nobody listens on right now. */
function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}
