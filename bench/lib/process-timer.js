// @ts-check
// Whole-process timing, side by side: a baseline command and one or more candidates run in turn
// in every iteration (the order alternates so neither always goes first), after warm-up runs
// that are not recorded. Each command may be several processes in sequence (the baseline "two
// CLIs"): its wall time is their sum and its peak RSS the largest of them. Wall time is taken
// around each process here; peak RSS and CPU time come from `/usr/bin/time` when it exists.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pairRatios, summariseRatios } from "./stats.js";

const TIME = "/usr/bin/time";
export const HAS_TIME = existsSync(TIME);

/**
 * @typedef {object} Step one process
 * @property {string} cmd
 * @property {string[]} args
 * @property {string} [cwd]
 * @property {NodeJS.ProcessEnv} [env]
 * @property {number[]} [okCodes] exit codes that count as success (default: only 0)
 */

/**
 * @typedef {object} Command what one side of a comparison runs
 * @property {string} name
 * @property {Step[]} steps run in sequence; each must exit 0
 * @property {() => Promise<void>} [before] untimed, before each run (e.g. clearing a cache)
 */

/**
 * @typedef {object} Sample
 * @property {number} wallMs
 * @property {number} cpuMs user + system, NaN without /usr/bin/time
 * @property {number} rssKb peak resident set of the largest process, NaN without /usr/bin/time
 */

/**
 * @typedef {object} Series
 * @property {string} name
 * @property {number[]} wallMs
 * @property {number[]} cpuMs
 * @property {number[]} rssKb
 */

/**
 * @typedef {object} Comparison
 * @property {Series} baseline
 * @property {Array<Series & { ratio: { wall: ReturnType<typeof summariseRatios>, cpu: ReturnType<typeof summariseRatios>, rss: ReturnType<typeof summariseRatios> } }>} candidates
 * @property {number} runs
 */

/**
 * Runs one process, returning its wall time and, with /usr/bin/time, its CPU time and peak RSS.
 * @param {Step} step
 * @param {string} scratch a directory for /usr/bin/time's report
 * @returns {Promise<Sample>}
 */
export async function runStep(step, scratch) {
  const report = join(scratch, `time-${process.pid}-${Math.random().toString(36).slice(2)}.txt`);
  const [cmd, args] = HAS_TIME
    ? [TIME, ["-f", "%M %U %S", "-o", report, step.cmd, ...step.args]]
    : [step.cmd, step.args];
  const started = process.hrtime.bigint();
  const { code, output } = await new Promise((done, fail) => {
    const child = spawn(cmd, args, {
      cwd: step.cwd,
      env: step.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    /** @param {Buffer} chunk */
    const keep = (chunk) => {
      output = (output + chunk.toString()).slice(-4000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    child.on("error", fail);
    child.on("close", (/** @type {number | null} */ code) => done({ code, output }));
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (!(step.okCodes ?? [0]).includes(/** @type {number} */ (code))) {
    throw new Error(`${[step.cmd, ...step.args].join(" ")} exited with ${code}:\n${output.trim().slice(-1500)}`);
  }
  let cpuMs = Number.NaN;
  let rssKb = Number.NaN;
  if (HAS_TIME) {
    const lines = (await readFile(report, "utf8")).trim().split("\n");
    const [rss, user, sys] = (lines[lines.length - 1] ?? "").split(" ").map(Number);
    rssKb = rss ?? Number.NaN;
    cpuMs = ((user ?? Number.NaN) + (sys ?? Number.NaN)) * 1000;
    await rm(report, { force: true });
  }
  return { wallMs, cpuMs, rssKb };
}

/**
 * @param {Command} command
 * @param {string} scratch
 * @returns {Promise<Sample>}
 */
export async function runCommand(command, scratch) {
  let wallMs = 0;
  let cpuMs = 0;
  let rssKb = 0;
  await command.before?.();
  for (const step of command.steps) {
    const sample = await runStep(step, scratch);
    wallMs += sample.wallMs;
    cpuMs += sample.cpuMs;
    rssKb = Math.max(rssKb, sample.rssKb);
  }
  return { wallMs, cpuMs, rssKb: HAS_TIME ? rssKb : Number.NaN };
}

/**
 * Measures `baseline` and every candidate side by side, `runs` times each after `warmup`
 * unrecorded rounds, alternating the order each iteration; ratios are taken pair by pair (each
 * candidate's run against the baseline's run of the same iteration).
 * @param {{ baseline: Command, candidates: Command[], runs: number, warmup?: number, log?: (line: string) => void }} options
 * @returns {Promise<Comparison>}
 */
export async function compareCommands({ baseline, candidates, runs, warmup = 1, log = () => {} }) {
  const scratch = await mkdtemp(join(tmpdir(), "bench-time-"));
  try {
    const all = [baseline, ...candidates];
    /** @type {Series[]} */
    const series = all.map((c) => ({ name: c.name, wallMs: [], cpuMs: [], rssKb: [] }));
    for (let i = 0; i < warmup; i++) for (const command of all) await runCommand(command, scratch);
    for (let i = 0; i < runs; i++) {
      const order = all.map((_, index) => index);
      if (i % 2 === 1) order.reverse();
      for (const index of order) {
        const sample = await runCommand(/** @type {Command} */ (all[index]), scratch);
        const s = /** @type {Series} */ (series[index]);
        s.wallMs.push(sample.wallMs);
        s.cpuMs.push(sample.cpuMs);
        s.rssKb.push(sample.rssKb);
      }
      log(`    run ${i + 1}/${runs}: ${series.map((s) => `${s.name} ${s.wallMs.at(-1)?.toFixed(0)} ms`).join(", ")}`);
    }
    const base = /** @type {Series} */ (series[0]);
    return {
      runs,
      baseline: base,
      candidates: series.slice(1).map((s) => ({
        ...s,
        ratio: {
          wall: summariseRatios(pairRatios(s.wallMs, base.wallMs)),
          cpu: summariseRatios(pairRatios(s.cpuMs, base.cpuMs)),
          rss: summariseRatios(pairRatios(s.rssKb, base.rssKb)),
        },
      })),
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
