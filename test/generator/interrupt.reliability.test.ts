// `generate` killed at random points (SIGKILL) and interrupted (SIGINT, SIGTERM): every output is
// always the old or the new file, never torn or missing; the next run finishes the job and leaves
// no temporary file, lock or stale manifest behind.
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { lockPath } from "../../scripts/lib/run/lock.js";
import { CACHE_DIR, manifestPath } from "../../scripts/lib/run/manifest.js";
import { removeStaleTempFiles } from "../../scripts/lib/write/atomic-write.js";
import {
  cacheLeftovers,
  deadPid,
  debris,
  manifestDisagreements,
  OUTPUTS,
  seededRandom,
  sleep,
  startGenerate,
  tempFiles,
  useGeneratorRuns,
  writeOutputs,
} from "../helpers/generator-runs.js";
import { ROOT, runGenerate } from "../helpers/project.js";
import { type RoundBudget, recordOutcome, roundsNote, runRounds } from "../helpers/reliability.js";

const KILLS = 50;
/** Up to KILLS kills; none started after 240 s, but at least 20 (10 a lane: both kinds, two recoveries each). */
const KILL_BUDGET: RoundBudget = { rounds: KILLS, ms: 240_000, min: 20 };
/** A normal run (which must complete the outputs and leave no debris) after every this many kills of a copy. */
const RECOVERY_EVERY = 5;
const SEED = 0x5eed_2026;
const CATEGORY = "Pipeline: interruption";
/** The line `generate` prints right after it replaced the generated file, before the reports and the manifest. */
const WROTE_OUTPUT = "✓ authlete-token: generated/authlete-token.ts";

const runs = useGeneratorRuns();

/** A copy whose spec is version b while its outputs on disk are version a's. */
async function staleProject() {
  const project = await runs.project("b");
  await writeOutputs(project.dir, runs.refs.a);
  return project;
}

function median(values: number[]): string {
  const sorted = [...values].sort((x, y) => x - y);
  return (sorted[Math.floor(sorted.length / 2)] ?? 0).toFixed(0);
}

describe("generate killed with SIGKILL at random points", () => {
  it(`keeps every output whole (old or new) across up to ${KILLS} kills, and the next runs recover and complete it`, async () => {
    const random = seededRandom(SEED);
    // Half the kills at a point spread over a whole run (a seeded fraction of 1.2 × the time a run
    // takes to replace the generated file here and now: from before the imports finish to after
    // the run ended); the other half just after the generated file was replaced, a few
    // milliseconds into the writing of the reports and the manifest.
    // (Kinds alternate in pairs, so that each of the two lanes below gets both.)
    const plan = Array.from({ length: KILLS }, (_, i) =>
      Math.floor(i / 2) % 2 === 0
        ? { kind: "timed" as const, fraction: random() * 1.2, extraMs: 0 }
        : { kind: "writing" as const, fraction: 0, extraMs: random() * 15 },
    );
    const stats = { beforeWrite: 0, afterWrite: 0, timedAfterWrite: 0, finished: 0, debrisAfterKill: 0, nextRuns: 0 };
    const failures: string[] = [];
    let lost = 0;
    let passed = 0;
    const nextRunMs: number[] = [];
    const deadline = performance.now() + KILL_BUDGET.ms;
    let made = 0;

    // Two copies, kills taken alternately by each, run side by side: half the wall time. Each
    // kill's successor is the next killed run, which must recover from it (break the dead lock
    // at once, never wait on it; sweep the temporary files it gets to); every RECOVERY_EVERY
    // kills, and after the last, a normal run must complete the work and leave nothing behind.
    const worker = async (lane: number) => {
      const project = await staleProject();
      let sinceRecovery = 0;
      // How long a run takes to write the generated file under the current load, updated by
      // every "writing" kill (the reference run ran alone).
      let writesAtMs = runs.refs.durationMs;
      for (let i = lane, mine = 1; i < plan.length; i += 2, mine++) {
        const step = plan[i];
        if (!step) continue;
        made++;
        // Out of time: this kill is the lane's last (it still gets its recovery run).
        const last = i + 2 >= plan.length || (mine >= (KILL_BUDGET.min ?? 0) / 2 && performance.now() >= deadline);
        await writeOutputs(project.dir, runs.refs.a);
        const spawned = performance.now();
        const run = startGenerate(["--force"], project.dir);
        if (step.kind === "writing" && (await run.waitFor(WROTE_OUTPUT))) writesAtMs = performance.now() - spawned;
        const delayMs = step.fraction * writesAtMs + step.extraMs;
        await sleep(delayMs);
        const exit = await run.stop("SIGKILL");
        if (exit.signal !== "SIGKILL") stats.finished++;

        const problems: string[] = [];
        if (run.stderr().includes("waiting for another generate")) {
          problems.push("waited for the lock of an earlier, killed run");
        }
        const seen = await runs.versions(project.dir);
        for (const [file, version] of seen) {
          if (version === "other") {
            problems.push(`${file} torn or missing`);
            lost++;
          }
        }
        if (seen.get(OUTPUTS[0]) === "b") {
          stats.afterWrite++;
          if (step.kind === "timed") stats.timedAfterWrite++;
        } else stats.beforeWrite++;
        if ((await debris(project.dir)).length > 0) stats.debrisAfterKill++;

        sinceRecovery++;
        if (sinceRecovery === RECOVERY_EVERY || last) {
          sinceRecovery = 0;
          stats.nextRuns++;
          const started = performance.now();
          const next = await runGenerate([], project.dir);
          nextRunMs.push(performance.now() - started);
          if (next.code !== 0) problems.push(`the next run exited ${next.code}: ${next.stderr}`);
          if (next.stderr.includes("waiting for another generate"))
            problems.push("the next run waited for a dead lock");
          const after = await runs.versions(project.dir);
          const notNew = [...after].filter(([, version]) => version !== "b").map(([file]) => file);
          if (notNew.length > 0) {
            problems.push(`not the new version after the next run: ${notNew.join(", ")}`);
            lost += notNew.length;
          }
          const left = await debris(project.dir);
          if (left.length > 0) problems.push(`left behind: ${left.join(", ")}`);
          problems.push(...(await manifestDisagreements(project.dir)));
        }
        if (problems.length === 0) passed++;
        else failures.push(`kill ${i} (${step.kind}, ${delayMs.toFixed(0)} ms): ${problems.join("; ")}`);
        if (last) break;
      }
    };
    await Promise.all([worker(0), worker(1)]);
    const kills = { made, planned: KILLS, outOfTime: made < KILLS };
    console.log(`interrupt: ${roundsNote(kills, KILL_BUDGET)}`);

    recordOutcome({
      category: CATEGORY,
      name: "SIGKILL at random points while generating",
      tried: made,
      passed,
      lost,
      note:
        `seed ${SEED}; ${roundsNote(kills, KILL_BUDGET)}; ${stats.beforeWrite} kills before the generated file was replaced, ${stats.afterWrite} after ` +
        `(${stats.timedAfterWrite} of them timed ones; ${stats.finished} runs had already finished); ${stats.debrisAfterKill} times debris (temporary files, a lock) ` +
        `was there after a kill; ${stats.nextRuns} normal runs after a kill completed the outputs and removed all of it ` +
        `(median ${median(nextRunMs)} ms; reference run ${runs.refs.durationMs.toFixed(0)} ms); ` +
        "lost = outputs torn or missing after a kill, or not the new version after a normal run",
    });
    expect(failures).toEqual([]);
    expect(lost).toBe(0);
    // The plan must actually have hit both sides of the write, or the test proved little.
    expect(stats.beforeWrite).toBeGreaterThan(0);
    expect(stats.afterWrite - stats.finished).toBeGreaterThan(0);
  }, 600_000);
});

/** Polls `dir` until process `pid`'s temporary file of writeFileAtomic is in it, or `deadline` passes. */
async function tempFileAppears(dir: string, pid: number | undefined, deadline: number): Promise<void> {
  while (performance.now() < deadline) {
    if ((await readdir(dir)).some((name) => name.includes(`.${pid}.`) && name.endsWith(".tmp"))) return;
    await sleep(0.5);
  }
}

describe("writeFileAtomic killed in the middle of a large write", () => {
  // The pipeline's own files are small: a kill rarely lands inside one write. Here the write is
  // 16 MB (plus its fsync), so most kills do, and a writer that wrote in place would be caught.
  it("leaves the target with all of its old or all of its new bytes", async () => {
    const dir = await mkdtemp(join(tmpdir(), "atomic-kill-"));
    runs.removeAfterAll(() => rm(dir, { recursive: true, force: true }));
    const target = join(dir, "big.bin");
    const size = 16 * 1024 * 1024;
    const versions = { a: Buffer.alloc(size, "a"), b: Buffer.alloc(size, "b") };
    await writeFile(target, versions.a);
    const writer = `
      import { writeFileAtomic } from ${JSON.stringify(pathToFileURL(join(ROOT, "scripts/lib/write/atomic-write.js")).href)};
      const [file, fill, size] = process.argv.slice(1);
      const data = Buffer.alloc(Number(size), fill);
      process.stdout.write("go\\n");
      await writeFileAtomic(file, data);
      process.stdout.write("done\\n");`;
    const spawnWriter = (fill: string) =>
      spawn(process.execPath, ["--input-type=module", "-e", writer, target, fill, String(size)]);
    const started = (child: ReturnType<typeof spawnWriter>) =>
      new Promise<number>((done) => {
        child.stdout.on("data", (chunk: Buffer) => {
          if (chunk.includes("go")) done(performance.now());
        });
        child.once("exit", () => done(performance.now()));
      });

    // How long one write takes here, to spread the kills over it.
    const timing = spawnWriter("a");
    const go = await started(timing);
    await new Promise((done) => timing.once("exit", done));
    const writeMs = Math.max(5, performance.now() - go);

    const random = seededRandom(SEED + 1);
    const budget: RoundBudget = { rounds: 12, ms: 60_000, min: 4 };
    const seen = { a: 0, b: 0, torn: 0 };
    const made = await runRounds(budget, async (i) => {
      const child = spawnWriter("b");
      const exited = new Promise((done) => child.once("exit", done));
      await started(child);
      // Two kills in three land the moment the temporary file appears (inside the write, however
      // loaded the machine is); the third at a random point of a write's duration.
      if (i % 3 === 2) await sleep(random() * writeMs);
      else await tempFileAppears(dir, child.pid, performance.now() + 10_000);
      child.kill("SIGKILL");
      await exited;
      const bytes = await readFile(target);
      if (bytes.equals(versions.a)) seen.a++;
      else if (bytes.equals(versions.b)) seen.b++;
      else seen.torn++;
      await writeFile(target, versions.a);
    });
    const tries = made.made;
    const removed = await removeStaleTempFiles([dir]);
    const left = (await readdir(dir)).filter((name) => name !== "big.bin");
    recordOutcome({
      category: CATEGORY,
      name: "SIGKILL inside a 16 MB writeFileAtomic",
      tried: tries,
      passed: seen.a + seen.b,
      lost: seen.torn,
      note: `${roundsNote(made, budget)}; one write takes ${writeMs.toFixed(0)} ms here; ${seen.a} kills left the old bytes, ${seen.b} the new; ${removed.length} temporary files of the killed writers removed by the sweep`,
    });
    expect(seen.torn).toBe(0);
    expect(left).toEqual([]);
    // Most kills landed inside the write (it left a temporary file), or the test proved little.
    expect(removed.length).toBeGreaterThan(tries / 2);
  }, 120_000);
});

describe("generate interrupted with SIGINT or SIGTERM", () => {
  it("exits promptly with 130 / 143, removes its temporary files and lock, and keeps outputs whole", async () => {
    const cases = [
      { signal: "SIGINT", code: 130, when: "linting" },
      { signal: "SIGINT", code: 130, when: "writing" },
      { signal: "SIGTERM", code: 143, when: "linting" },
      { signal: "SIGTERM", code: 143, when: "writing" },
    ] as const;
    const project = await staleProject();
    const failures: string[] = [];
    let lost = 0;
    const timings: number[] = [];
    for (const { signal, code, when } of cases) {
      await writeOutputs(project.dir, runs.refs.a);
      const run = startGenerate(["--force"], project.dir);
      if (when === "writing") await run.waitFor(WROTE_OUTPUT);
      else await sleep(runs.refs.durationMs * 0.5);
      const sent = performance.now();
      run.child.kill(signal);
      const timeout = sleep(10_000).then(() => undefined);
      const exit = await Promise.race([run.exited, timeout]);
      const problems: string[] = [];
      if (exit === undefined) {
        problems.push("still running 10 s after the signal");
        await run.stop("SIGKILL");
      } else {
        const ms = exit.at - sent;
        timings.push(ms);
        if (ms > 3_000) problems.push(`took ${ms.toFixed(0)} ms to exit`);
        // A run that had already finished exits 0 before the signal lands, or is ended by it in
        // Node's own teardown (after its handlers are gone; a shell reports that as 128 + n too).
        if (exit.code !== code && exit.code !== 0 && exit.signal !== signal) {
          problems.push(`exit code ${exit.code} (${exit.signal})`);
        }
      }
      const seen = await runs.versions(project.dir);
      for (const [file, version] of seen) if (version === "other") problems.push(`${file} torn or missing`);
      lost += [...seen.values()].filter((v) => v === "other").length;
      const left = await debris(project.dir);
      if (left.length > 0) problems.push(`left behind: ${left.join(", ")}`);
      const next = await runGenerate([], project.dir);
      if (next.code !== 0) problems.push(`the next run exited ${next.code}`);
      if ([...(await runs.versions(project.dir)).values()].some((v) => v !== "b")) {
        problems.push("not the new version after the next run");
      }
      if (problems.length > 0) failures.push(`${signal} while ${when}: ${problems.join("; ")}`);
    }
    recordOutcome({
      category: CATEGORY,
      name: "SIGINT / SIGTERM while linting and while writing",
      tried: cases.length,
      passed: cases.length - failures.length,
      lost,
      note: `exit after the signal in ${timings.map((t) => t.toFixed(0)).join(", ")} ms; no temporary file or lock left`,
    });
    expect(failures).toEqual([]);
    // Eight generator runs: a minute idle, four on a loaded 2-core machine.
  }, 300_000);
});

describe("temporary files of a killed run", () => {
  it("are removed by the next run when their pid is dead, and kept while it is alive", async () => {
    const project = await staleProject();
    const dead = await deadPid();
    const config = resolve(project.dir, "redocly.yaml");
    const manifestName = manifestPath(config).slice(CACHE_DIR.length + 1);
    const place = (dir: string, name: string, pid: number) => join(dir, `.${name}.${pid}.0badf00d.tmp`);
    const stale = [
      place(join(project.dir, "generated"), "authlete-token.ts", dead),
      place(join(project.dir, "reports/authlete-token"), "lint.json", dead),
      place(CACHE_DIR, manifestName, dead),
    ];
    // The test runner itself is alive: its (pretend) in-flight file must survive.
    const live = place(join(project.dir, "generated"), "authlete-token.ts", process.pid);
    await mkdir(join(project.dir, "reports/authlete-token"), { recursive: true });
    for (const file of [...stale, live]) await writeFile(file, "partial");

    const next = await runGenerate([], project.dir);
    const left = await tempFiles(project.dir);
    const leftInCache = await cacheLeftovers(project.dir);

    // Again, now that the manifest says everything is up to date: the no-op path sweeps too.
    // And the lock of a killed run: a no-op run takes no lock, but must not leave that one around.
    const again = place(join(project.dir, "reports/authlete-token"), "lint.md", dead);
    await writeFile(again, "partial");
    await writeFile(lockPath(config), `${JSON.stringify({ pid: dead, host: hostname(), nonce: "killed" })}\n`);
    const noOp = await runGenerate([], project.dir);
    const leftAfterNoOp = await tempFiles(project.dir);
    const leftInCacheAfterNoOp = await cacheLeftovers(project.dir);

    const notRemoved = [
      ...[...stale, again].filter(
        (f) => left.includes(f) || leftAfterNoOp.includes(f) || leftInCache.some((n) => f.endsWith(n)),
      ),
      ...leftInCacheAfterNoOp,
    ];
    const liveRemoved = left.includes(live) && leftAfterNoOp.includes(live) ? 0 : 1;
    recordOutcome({
      category: CATEGORY,
      name: "temporary files of a dead pid removed by the next run",
      tried: 2,
      passed: (next.code === 0 ? 1 : 0) + (noOp.code === 0 ? 1 : 0) - (notRemoved.length > 0 || liveRemoved ? 1 : 0),
      lost: notRemoved.length + liveRemoved,
      note: "a full run, then a no-op run: files of a dead pid (generated/, reports/, manifest cache) and its lock removed, one of a live pid kept; lost = stale files left + live files removed",
    });
    expect(next.code).toBe(0);
    expect(left).toEqual([live]);
    expect(leftInCache).toEqual([]);
    expect(noOp.code).toBe(0);
    expect(noOp.stdout).toContain("(unchanged)");
    expect(leftAfterNoOp).toEqual([live]);
    expect(leftInCacheAfterNoOp).toEqual([]);
  });
});
