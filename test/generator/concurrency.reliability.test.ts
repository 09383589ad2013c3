// Two `generate` runs at once on the same tree. Every file is replaced atomically, and runs of
// one config hold a lock (scripts/lib/run/lock.js) for their whole read-lint-write-record sequence,
// so the outputs, the lint reports and the manifest always come from one run and describe the
// spec as it is once both are done. A lock left by a killed run is broken at once; one whose
// owner lives is waited for.

import { mkdir, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { lockPath } from "../../scripts/lib/run/lock.js";
import {
  deadPid,
  debris,
  manifestDisagreements,
  seededRandom,
  sleep,
  startGenerate,
  useGeneratorRuns,
  writeOutputs,
} from "../helpers/generator-runs.js";
import { type RunResult, runGenerate } from "../helpers/project.js";
import { type RoundBudget, recordOutcome, roundsNote, runRounds } from "../helpers/reliability.js";

const ROUNDS_PER_KIND = 7;
/** Up to 21 rounds (the kinds in turn), none started after 150 s, at least two of each kind. */
const BUDGET: RoundBudget = { rounds: 3 * ROUNDS_PER_KIND, ms: 150_000, min: 6 };
const SEED = 0xc0c0_2026;
const CATEGORY = "Pipeline: concurrency";

const runs = useGeneratorRuns();
const project = () => runs.project("b");

/** Everything that must hold once both runs of a round are done; returns what does not. */
async function consistency(dir: string, expected: "a" | "b"): Promise<string[]> {
  const problems: string[] = [];
  for (const [file, version] of await runs.versions(dir)) {
    if (version !== expected)
      problems.push(`${file} is ${version === "other" ? "torn or missing" : `version ${version}`}`);
  }
  problems.push(...(await manifestDisagreements(dir)));
  const left = await debris(dir);
  if (left.length > 0) problems.push(`left behind: ${left.join(", ")}`);
  return problems;
}

/** A failing run's own words, short. */
function said(run: RunResult): string {
  return `exit ${run.code}: ${(run.stderr || run.stdout).trim().split("\n").slice(-3).join(" | ")}`;
}

describe("two generate runs at once on the same tree", () => {
  it(`end with one run's complete outputs, reports and manifest (up to ${BUDGET.rounds} rounds)`, async () => {
    const { dir, setSpec } = await project();
    const random = seededRandom(SEED);
    const kinds = ["generate + generate", "generate + generate --check", "spec saved between the two starts"] as const;
    const results = new Map(kinds.map((k) => [k, { tried: 0, passed: 0, lost: 0, failures: [] as string[] }]));
    let waited = 0;
    const made = await runRounds(BUDGET, async (round) => {
      const kind = kinds[round % kinds.length] as (typeof kinds)[number];
      const tally = results.get(kind);
      if (!tally) throw new Error(kind);
      tally.tried++;
      const problems: string[] = [];
      // Start from outputs that are out of date, so both runs have something to write.
      await setSpec(kind === "spec saved between the two starts" ? "a" : "b");
      await writeOutputs(dir, kind === "spec saved between the two starts" ? runs.refs.b : runs.refs.a);
      const gap = random() * 200;
      const first = startGenerate(["--force"], dir);
      let second: ReturnType<typeof startGenerate>;
      if (kind === "spec saved between the two starts") {
        // The first run may read either version; the second surely reads b. Whatever the order,
        // the tree must end as b everywhere (a run that read a must not have the last word).
        await sleep(gap);
        await setSpec("b");
        second = startGenerate(["--force"], dir);
      } else {
        await sleep(gap / 4);
        second = startGenerate(kind === "generate + generate" ? ["--force"] : ["--check"], dir);
      }
      const [x, y] = await Promise.all([first.exited, second.exited]);
      const one = { code: x.code, stdout: first.stdout(), stderr: first.stderr() };
      const two = { code: y.code, stdout: second.stdout(), stderr: second.stderr() };
      if (`${one.stderr}${two.stderr}`.includes("waiting for another generate")) waited++;
      if (one.code !== 0) problems.push(`first ${said(one)}`);
      if (kind === "generate + generate --check") {
        // --check ran before or after the write: "out of date" (1) or "up to date" (0), nothing else.
        const verdictOk =
          (two.code === 0 && two.stdout.includes("up to date")) ||
          (two.code === 1 && two.stderr.includes("generated files are out of date"));
        if (!verdictOk) problems.push(`--check ${said(two)}`);
      } else if (two.code !== 0) problems.push(`second ${said(two)}`);
      const inconsistent = await consistency(dir, "b");
      problems.push(...inconsistent);
      tally.lost += inconsistent.length;
      if (problems.length === 0) tally.passed++;
      else tally.failures.push(`round ${round} (${kind}, gap ${gap.toFixed(0)} ms): ${problems.join("; ")}`);
    });
    console.log(`concurrency: ${roundsNote(made, BUDGET)}`);
    for (const [kind, tally] of results) {
      recordOutcome({
        category: CATEGORY,
        name: kind,
        tried: tally.tried,
        passed: tally.passed,
        lost: tally.lost,
        note: `seed ${SEED}; lost = outputs, reports or manifest entries not from the last run, torn, or debris left; ${roundsNote(made, BUDGET)}, ${waited} of them had a run wait for the lock`,
      });
    }
    expect([...results.values()].flatMap((t) => t.failures)).toEqual([]);
    // The lock must actually have been contended, or the rounds ran one after the other by chance.
    expect(waited).toBeGreaterThan(0);
  }, 300_000);

  it("a spec saved while a run is writing is never recorded as up to date", async () => {
    // The run read version a; the save lands after its output is written. The manifest it may
    // still record must not pair b's input hashes with a's outputs: the next --check has to see
    // the drift, whether it takes the no-op path or the full one.
    const { dir, setSpec } = await project();
    const budget: RoundBudget = { rounds: 3, ms: 60_000 };
    const failures: string[] = [];
    const made = await runRounds(budget, async (i) => {
      await setSpec("a");
      await writeOutputs(dir, runs.refs.b);
      const run = startGenerate(["--force"], dir);
      await run.waitFor("✓ authlete-token: generated/authlete-token.ts");
      await setSpec("b");
      const exit = await run.exited;
      const check = await runGenerate(["--check"], dir);
      const problems: string[] = [];
      if (exit.code !== 0) problems.push(`the run exited ${exit.code}`);
      if (check.code !== 1 || !check.stderr.includes("out of date")) problems.push(`--check said ${said(check)}`);
      const disagreements = await manifestDisagreements(dir);
      if (!disagreements.some((d) => d === "no manifest" || d.includes("disagrees"))) {
        problems.push("the manifest agrees with a tree whose outputs are not from its spec");
      }
      const left = await debris(dir);
      if (left.length > 0) problems.push(`left behind: ${left.join(", ")}`);
      if (problems.length > 0) failures.push(`try ${i}: ${problems.join("; ")}`);
    });
    recordOutcome({
      category: CATEGORY,
      name: "spec saved while a run writes its outputs",
      tried: made.made,
      passed: made.made - failures.length,
      lost: failures.length,
      note: `lost = a manifest that let --check call stale outputs up to date; ${roundsNote(made, budget)}`,
    });
    expect(failures).toEqual([]);
  }, 120_000);
});

describe("a run paused halfway through its writes while another runs", () => {
  it("never leaves one run's generated file next to the other's reports", async () => {
    // The interleaving atomic renames alone cannot prevent: run A (spec a) stops (SIGSTOP: a
    // laptop lid, a stalled disk) just after writing its generated file; the spec is saved as b
    // and run B starts. Without the lock, B writes everything and A then wakes up and writes its
    // reports (and nothing records b's manifest any more): a mixed tree. With it, B waits for A.
    const { dir, setSpec } = await project();
    const budget: RoundBudget = { rounds: 2, ms: 45_000 };
    const failures: string[] = [];
    let lost = 0;
    const made = await runRounds(budget, async (i) => {
      await setSpec("a");
      await writeOutputs(dir, runs.refs.b);
      const first = startGenerate(["--force"], dir);
      if (!(await first.waitFor("✓ authlete-token: generated/authlete-token.ts"))) {
        failures.push(`try ${i}: the first run never wrote (${first.stderr()})`);
        return;
      }
      first.child.kill("SIGSTOP");
      await setSpec("b");
      const second = startGenerate(["--force"], dir);
      // Long enough for a whole run of B when nothing holds it back.
      await sleep(Math.max(3_000, runs.refs.durationMs * 2));
      first.child.kill("SIGCONT");
      const [x, y] = await Promise.all([first.exited, second.exited]);
      const problems: string[] = [];
      if (x.code !== 0 || y.code !== 0) problems.push(`exit codes ${x.code} and ${y.code}: ${second.stderr()}`);
      const inconsistent = await consistency(dir, "b");
      lost += inconsistent.length;
      problems.push(...inconsistent);
      if (problems.length > 0) failures.push(`try ${i}: ${problems.join("; ")}`);
    });
    recordOutcome({
      category: CATEGORY,
      name: "a run paused mid-write (SIGSTOP) while a second run on a newer spec starts",
      tried: made.made,
      passed: made.made - failures.length,
      lost,
      note: `lost = outputs, reports or manifest entries not from the last run once both ended; ${roundsNote(made, budget)}`,
    });
    expect(failures).toEqual([]);
  }, 120_000);
});

describe("the lock of a run that is gone", () => {
  it("is broken at once when its pid is dead, after a minute without heartbeat, and waited for otherwise", async () => {
    const { dir } = await project();
    const lock = lockPath(resolve(dir, "redocly.yaml"));
    await mkdir(dirname(lock), { recursive: true });
    const holder = (pid: number) => `${JSON.stringify({ pid, host: hostname(), nonce: "test" })}\n`;
    const failures: string[] = [];

    // 1. Left by a run killed with SIGKILL: its pid is gone.
    await writeFile(lock, holder(await deadPid()));
    let started = performance.now();
    const dead = await runGenerate(["--force"], dir);
    const deadMs = performance.now() - started;
    if (dead.code !== 0) failures.push(`dead pid: ${said(dead)}`);
    if (dead.stderr.includes("waiting for another generate")) failures.push("dead pid: waited for it");

    // 2. A live pid (this test's) whose heartbeat stopped two minutes ago: a reused pid, another host.
    await writeFile(lock, holder(process.pid));
    const old = new Date(Date.now() - 120_000);
    await utimes(lock, old, old);
    const stale = await runGenerate(["--force"], dir);
    if (stale.code !== 0) failures.push(`old lock: ${said(stale)}`);

    // 3. A live, fresh lock: the run waits until it goes away, then runs.
    await writeFile(lock, holder(process.pid));
    started = performance.now();
    const waiting = startGenerate(["--force"], dir);
    await sleep(1_500);
    const stillWaiting = waiting.isRunning();
    await rm(lock, { force: true });
    const exit = await waiting.exited;
    const waitedMs = performance.now() - started;
    if (!stillWaiting) failures.push(`fresh lock: did not wait (exit ${exit.code}: ${waiting.stderr()})`);
    if (exit.code !== 0) failures.push(`fresh lock: exit ${exit.code}: ${waiting.stderr()}`);
    if (!waiting.stderr().includes("waiting for another generate")) failures.push("fresh lock: no waiting message");

    // 4. Ctrl-C while waiting for a live lock: exits 130 at once, leaves the other run's lock alone.
    const foreign = holder(process.pid);
    await writeFile(lock, foreign);
    const interrupted = startGenerate(["--force"], dir);
    await sleep(1_000);
    const sent = performance.now();
    interrupted.child.kill("SIGINT");
    const stopped = await Promise.race([interrupted.exited, sleep(10_000).then(() => undefined)]);
    if (!stopped) await interrupted.stop("SIGKILL");
    else if (stopped.code !== 130 || stopped.at - sent > 3_000) {
      failures.push(`Ctrl-C while waiting: exit ${stopped.code} after ${(stopped.at - sent).toFixed(0)} ms`);
    }
    const untouched = await readFile(lock, "utf8").catch(() => "gone");
    if (untouched !== foreign) failures.push("Ctrl-C while waiting: the other run's lock was touched");
    await rm(lock, { force: true });

    const problems = await consistency(dir, "b");
    failures.push(...problems);
    recordOutcome({
      category: CATEGORY,
      name: "lock left by a dead pid, an old lock, a live lock, Ctrl-C while waiting",
      tried: 4,
      passed: 4 - Math.min(4, failures.length),
      lost: problems.length,
      note: `dead-pid lock broken at once (run took ${deadMs.toFixed(0)} ms); a live lock waited for (${waitedMs.toFixed(0)} ms, released after 1500)`,
    });
    expect(failures).toEqual([]);
  }, 120_000);
});
