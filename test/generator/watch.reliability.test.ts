// `generate --watch` under stress: a burst of 100 saves (some of them editor-style write-and-rename
// saves), a spec file deleted and created again, a bad spec and its fix, then Ctrl-C. The
// watcher must stay alive, settle on the last save, keep the last good output through errors,
// and leave nothing behind.
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  debris,
  readOutputs,
  seededRandom,
  sleep,
  startGenerate,
  tempFiles,
  useGeneratorRuns,
} from "../helpers/generator-runs.js";
import { recordOutcome } from "../helpers/reliability.js";

const SAVES = 100;
const SEED = 0x3a7c_2026;
const CATEGORY = "Pipeline: watch";
const WATCHING = "… watching";

// Whatever happens, no watcher outlives the tests: the runs' afterAll kills it.
const runs = useGeneratorRuns();
let project: Awaited<ReturnType<typeof runs.project>>;
let watcher: ReturnType<typeof startGenerate>;

beforeAll(async () => {
  project = await runs.project("a");
  watcher = startGenerate(["--watch"], project.dir);
  if (!(await watcher.waitFor(WATCHING, 60_000))) throw new Error(`watch did not start:\n${watcher.stderr()}`);
});

/** Which version the generated file is (lint reports are rewritten by a failing pass too). */
async function generatedVersion(): Promise<string> {
  return (await runs.versions(project.dir)).get("generated/authlete-token.ts") ?? "missing";
}

const passes = () => watcher.stdout().split(WATCHING).length - 1;

/** Which version every output is now: "a", "b", or "mixed" / "other". */
async function state(): Promise<string> {
  const versions = new Set((await runs.versions(project.dir)).values());
  return versions.size === 1 ? ([...versions][0] ?? "none") : "mixed";
}

/** How many passes have started: each prints a line ending in "generating" first. */
const started = () => watcher.stdout().match(/generating\n/g)?.length ?? 0;

/**
 * Waits until a pass that started after `mark` (a `started()` count taken just before the save)
 * has finished, no pass runs (every pass that started printed its "watching" line) nor starts
 * for half a second (no save event still waiting out the debounce), and every output is
 * `version`: the watcher settled on that save.
 */
async function settlesOn(version: "a" | "b", mark: number, { timeoutMs = 30_000 } = {}): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline && watcher.isRunning()) {
    await sleep(100);
    const now = started();
    if (now > mark && passes() >= now && (await state()) === version) {
      await sleep(500);
      if (started() === now && (await state()) === version) return true;
    }
  }
  return false;
}

/** Waits for `count` more passes than `from` to have finished. */
async function passesAfter(from: number, count = 1, timeoutMs = 30_000): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (passes() < from + count) {
    if (!watcher.isRunning() || performance.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

describe("generate --watch", () => {
  it(`survives a burst of ${SAVES} saves and settles on the last one`, async () => {
    const random = seededRandom(SEED);
    const before = passes();
    const file = project.operationFile;
    let renames = 0;
    let mark = started();
    for (let i = 0; i < SAVES; i++) {
      const text = project.specs[i % 2 === 0 ? "a" : "b"];
      mark = started();
      if (i % 10 === 9) {
        // An editor's "safe save": write a sibling file, rename it over the spec file.
        const sibling = `${file}.save~`;
        await writeFile(sibling, text);
        await rename(sibling, file);
        renames++;
      } else {
        await writeFile(file, text);
      }
      // Mostly a few milliseconds apart, now and then long enough for a pass to start mid-burst.
      await sleep(random() < 0.85 ? random() * 10 : 150 + random() * 250);
    }
    const settled = await settlesOn("b", mark); // the 100th save (i = 99) wrote version b
    const alive = watcher.isRunning();
    const during = passes() - before;
    const leftovers = await tempFiles(project.dir);
    recordOutcome({
      category: CATEGORY,
      name: `burst of ${SAVES} saves (two versions alternating)`,
      tried: 1,
      passed: settled && alive && leftovers.length === 0 ? 1 : 0,
      lost: settled ? 0 : 1,
      note: `seed ${SEED}; ${renames} saves by write-and-rename; ${during} passes ran; lost = outputs not settled on the last save`,
    });
    expect(alive).toBe(true);
    expect(settled).toBe(true);
    expect(leftovers).toEqual([]);
  }, 180_000);

  it("recovers when a spec file is deleted and created again", async () => {
    const file = project.operationFile;
    const root = join(project.dir, "openapi/openapi.yaml");
    const failures: string[] = [];

    // A file reached through a $ref: deleting it breaks the spec, the output stays.
    let mark = passes();
    let errorsFrom = watcher.stderr().length;
    await rm(file);
    if (!(await passesAfter(mark))) failures.push("no pass after deleting a $ref'd file");
    if (!watcher.stderr().slice(errorsFrom).includes("api_{serviceId}_auth_token.yaml")) {
      failures.push("deleting a $ref'd file: no error naming it");
    }
    if ((await generatedVersion()) !== "b") failures.push("deleting a $ref'd file changed the outputs");
    const recreated = started();
    await writeFile(file, project.specs.a);
    if (!(await settlesOn("a", recreated)))
      failures.push("the $ref'd file created again (version a) was not regenerated");

    // The root file itself.
    const rootText = await readFile(root, "utf8");
    mark = passes();
    errorsFrom = watcher.stderr().length;
    await rm(root);
    if (!(await passesAfter(mark))) failures.push("no pass after deleting the root file");
    if (!watcher.stderr().slice(errorsFrom).includes("openapi.yaml")) failures.push("deleting the root: no error");
    if ((await generatedVersion()) !== "a") failures.push("deleting the root file changed the outputs");
    mark = passes();
    const outFrom = watcher.stdout().length;
    await writeFile(root, rootText);
    if (!(await passesAfter(mark))) failures.push("no pass after creating the root file again");
    else if (!watcher.stdout().slice(outFrom).includes("✓ authlete-token: generated/authlete-token.ts")) {
      failures.push(`the pass after creating the root again failed: ${watcher.stderr().slice(errorsFrom)}`);
    }
    const alive = watcher.isRunning();
    recordOutcome({
      category: CATEGORY,
      name: "spec file deleted and created again ($ref'd file, root file)",
      tried: 2,
      passed: 2 - Math.min(2, failures.length),
      lost: failures.filter((f) => f.includes("changed the outputs") || f.includes("not regenerated")).length,
      note: "an error while the file is gone, the last good output kept, a regeneration when it is back",
    });
    expect(alive).toBe(true);
    expect(failures).toEqual([]);
  }, 180_000);

  it("reports a bad spec, keeps the last good output, and regenerates on the fix", async () => {
    const file = project.operationFile;
    const failures: string[] = [];
    const good = await readOutputs(project.dir);
    const mark = passes();
    const errorsFrom = watcher.stderr().length;
    const broken = project.specs.a.replace("type: string", "type: strin");
    if (broken === project.specs.a) throw new Error("no `type: string` to break");
    await writeFile(file, broken);
    if (!(await passesAfter(mark))) failures.push("no pass after the bad save");
    if (!/auth_token\.yaml:\d+:\d+ error/.test(watcher.stderr().slice(errorsFrom))) {
      failures.push("the bad spec's error was not reported with file:line:col");
    }
    const kept = await readOutputs(project.dir);
    const generatedKept = kept
      .get("generated/authlete-token.ts")
      ?.equals(good.get("generated/authlete-token.ts") ?? Buffer.alloc(0));
    if (!generatedKept) failures.push("the bad spec changed the generated file");
    if (!watcher.isRunning()) failures.push("the watcher died on a bad spec");
    const fixed = started();
    await writeFile(file, project.specs.b);
    if (!(await settlesOn("b", fixed))) failures.push("the fix was not regenerated");
    recordOutcome({
      category: CATEGORY,
      name: "bad spec, then its fix",
      tried: 1,
      passed: failures.length === 0 ? 1 : 0,
      lost: generatedKept ? 0 : 1,
      note: "lost = the generated file changed by the bad spec",
    });
    expect(failures).toEqual([]);
  }, 120_000);

  it("stops on Ctrl-C promptly with 130, leaving no temporary file or lock", async () => {
    const sent = performance.now();
    watcher.child.kill("SIGINT");
    const exit = await Promise.race([watcher.exited, sleep(10_000).then(() => undefined)]);
    const ms = exit ? exit.at - sent : Number.POSITIVE_INFINITY;
    const left = await debris(project.dir);
    recordOutcome({
      category: CATEGORY,
      name: "Ctrl-C while watching",
      tried: 1,
      passed: exit?.code === 130 && ms < 3_000 && left.length === 0 ? 1 : 0,
      lost: left.length,
      note: `exited ${exit?.code} after ${ms.toFixed(0)} ms; lost = files left behind`,
    });
    expect(exit?.code).toBe(130);
    expect(ms).toBeLessThan(3_000);
    expect(left).toEqual([]);
  });
});
