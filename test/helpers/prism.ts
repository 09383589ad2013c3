import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundle, loadConfig, stringifyYaml } from "@redocly/openapi-core";
import { ROOT } from "./project.js";

/** Bundles the project's spec into one document (what Prism and other tools consume). */
export async function bundleSpec(root = join(ROOT, "openapi/openapi.yaml")): Promise<Record<string, unknown>> {
  const config = await loadConfig({ configPath: join(ROOT, "redocly.yaml") });
  const result = await bundle({ ref: root, config, dereference: false });
  return result.bundle.parsed as Record<string, unknown>;
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => done(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/**
 * Starts `prism mock` on a free loopback port for the bundled spec, with request validation on
 * (Prism's default), and resolves once it listens.
 */
export async function startPrism(): Promise<{ url: string; spec: Record<string, unknown>; stop: () => Promise<void> }> {
  const spec = await bundleSpec();
  const dir = await mkdtemp(join(tmpdir(), "prism-"));
  const file = join(dir, "openapi.yaml");
  await writeFile(file, stringifyYaml(spec));
  const port = await freePort();
  const child: ChildProcess = spawn(
    join(ROOT, "node_modules/.bin/prism"),
    ["mock", "--host", "127.0.0.1", "--port", String(port), "--errors", file],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`Prism did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk;
      if (output.includes("Prism is listening")) {
        clearTimeout(timer);
        done();
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.on("exit", (code) => {
      clearTimeout(timer);
      fail(new Error(`Prism exited with ${code}:\n${output}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    spec,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((done) => child.once("exit", done));
        child.kill("SIGTERM");
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
