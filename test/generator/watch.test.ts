import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { watch } from "../../scripts/lib/cli/watch.js";
import { copyProject, ROOT } from "../helpers/project.js";

const OUTPUT = "generated/authlete-token.ts";
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  // Last in, first out: stop the watcher before its directory is removed.
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Starts `generate --watch` and lets the test wait for text to appear in its output. */
function startWatch(cwd: string) {
  const child = spawn(process.execPath, [join(ROOT, "scripts/generate.js"), "--watch"], { cwd });
  let output = "";
  child.stdout.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr.on("data", (chunk) => {
    output += chunk;
  });
  const waitFor = async (text: string | RegExp, from: number) => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const tail = output.slice(from);
      if (typeof text === "string" ? tail.includes(text) : text.test(tail)) return output.length;
      if (child.exitCode !== null) throw new Error(`watch exited (${child.exitCode}):\n${output}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${text}:\n${output}`);
      await new Promise((done) => setTimeout(done, 50));
    }
  };
  cleanups.push(async () => {
    if (child.exitCode === null) {
      const exited = new Promise((done) => child.once("exit", done));
      child.kill("SIGINT");
      await exited;
    }
  });
  return { child, waitFor, output: () => output };
}

describe("npm run generate -- --watch", () => {
  it("regenerates on a spec edit, survives a broken spec keeping the last good output, and recovers", async () => {
    const copy = await copyProject();
    cleanups.push(copy.cleanup);
    const schema = join(copy.dir, "openapi/components/schemas/Result.yaml");
    const original = await readFile(schema, "utf8");
    const watch = startWatch(copy.dir);
    let mark = await watch.waitFor("watching", 0);

    await writeFile(schema, original.replace("A short human-readable explanation", "An explanation"));
    mark = await watch.waitFor("watching", mark);
    const edited = await readFile(join(copy.dir, OUTPUT), "utf8");
    expect(edited).toContain("An explanation");

    await writeFile(schema, original.replace("type: string", "type: strin"));
    mark = await watch.waitFor("watching", mark);
    expect(watch.output()).toMatch(/Result\.yaml:\d+:\d+ error struct/);
    expect(await readFile(join(copy.dir, OUTPUT), "utf8")).toBe(edited);
    expect(watch.child.exitCode).toBeNull();

    await writeFile(schema, original);
    await watch.waitFor("watching", mark);
    expect(await readFile(join(copy.dir, OUTPUT), "utf8")).toBe(await readFile(join(ROOT, OUTPUT), "utf8"));
  });

  it("sees a save made the moment it says watching, in a directory the spec only just pulled in", async () => {
    const dir = await mkdtemp(join(tmpdir(), "watch-ready-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const config = join(dir, "redocly.yaml");
    const part = join(dir, "parts", "schema.yaml");
    await writeFile(config, "apis: {}\n");
    await mkdir(join(dir, "parts"));
    await writeFile(part, "type: string\n");

    const stop = new AbortController();
    cleanups.push(async () => stop.abort());
    let runs = 0;
    let saved = false;
    cleanups.push(async () => {
      vi.restoreAllMocks();
    });
    const secondPass = new Promise<void>((done) => {
      vi.spyOn(console, "log").mockImplementation((line: string) => {
        // Saved synchronously as the line is printed: no time for a watcher still being set up.
        if (line.startsWith("… watching") && !saved) {
          saved = true;
          writeFileSync(part, "type: integer\n");
        }
        if (line.startsWith("… change detected")) done();
      });
    });
    const watching = watch(
      config,
      async () => {
        runs++;
        return { code: 0, files: new Set([part]) };
      },
      { debounceMs: 10, signal: stop.signal },
    );
    const timeout = new Promise<string>((done) => setTimeout(() => done("no pass after the save"), 10_000).unref());
    expect(await Promise.race([secondPass.then(() => "passed"), timeout])).toBe("passed");
    stop.abort();
    await watching;
    expect(runs).toBe(2);
  });
});
