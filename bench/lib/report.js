// @ts-check
// Writes bench/RESULTS.md: the targets table, the machine, then one section per row.
import { cpus, loadavg, totalmem } from "node:os";
import { formatRatio } from "./stats.js";

/**
 * One measured figure against its target.
 * @typedef {object} Check
 * @property {string} row e.g. "1", "3a"
 * @property {string} what
 * @property {string} baseline the baseline's figure, formatted
 * @property {string} candidate the measured figure, formatted
 * @property {number} ratio median of the pair ratios (NaN when the row has none)
 * @property {[number, number]} [spread] smallest and largest pair ratio
 * @property {string} target
 * @property {boolean | undefined} met undefined when the row only reports
 */

/**
 * Details of a row.
 * @typedef {object} Section
 * @property {string} title
 * @property {string[]} lines Markdown
 * @property {import("./cpu-profile.js").ProfileSummary} [profile] where the time goes, for a target not met
 * @property {string} [profileOf] what was profiled
 */

export function machine() {
  const cpu = cpus();
  return {
    cpu: `${cpu[0]?.model ?? "unknown"} × ${cpu.length}`,
    ram: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    load: loadavg()
      .map((l) => l.toFixed(2))
      .join(", "),
  };
}

/**
 * @param {{ checks: Check[], sections: Section[], quick: boolean, startedAt: Date, finishedAt: Date, loadBefore: string, command: string, notes: string[] }} data
 */
export function renderResults({ checks, sections, quick, startedAt, finishedAt, loadBefore, command, notes }) {
  const m = machine();
  const out = [
    "# Benchmark results",
    "",
    `Written by \`${command}\` on ${startedAt.toISOString().slice(0, 10)} (${startedAt.toISOString()} → ${finishedAt.toISOString()}).`,
    quick
      ? "\n**Quick mode** (`--quick`): one run per side on small inputs. These figures only prove the harness runs; they are not results.\n"
      : "",
    `Machine: ${m.cpu}, ${m.ram} RAM, ${m.platform}, Node ${m.node}. Load average (1, 5, 15 min) before the run: ${loadBefore}; after it (its own processes included): ${m.load}.`,
    "",
    "Method: every row runs its baseline and candidates side by side in one run, alternating the order each iteration, after unrecorded warm-up runs; figures are medians, ratios are medians of the ratios taken pair by pair (the spread is the smallest and largest pair ratio). Pipeline rows time whole processes (peak RSS and CPU time from `/usr/bin/time`); client rows measure CPU time in the client process (`process.cpuUsage()`) and medians of per-call samples (tinybench). Synthetic specs are generated into a temporary directory from a fixed seed (`bench/lib/synthetic-spec.js`).",
    "",
    "| row | what | baseline | measured | ratio (spread) | target | met |",
    "|---|---|---:|---:|---:|---|:---:|",
  ];
  for (const c of checks) {
    const spread = c.spread ? ` (${c.spread[0].toFixed(2)}–${c.spread[1].toFixed(2)})` : "";
    const met = c.met === undefined ? "—" : c.met ? "✅ met" : "❌ not met";
    out.push(
      `| ${c.row} | ${c.what} | ${c.baseline} | ${c.candidate} | ${formatRatio(c.ratio)}${spread} | ${c.target} | ${met} |`,
    );
  }
  if (notes.length > 0) out.push("", "Notes:", "", ...notes.map((n) => `- ${n}`));
  for (const section of sections) {
    out.push("", `## ${section.title}`, "", ...section.lines);
    if (section.profile) {
      const p = section.profile;
      out.push(
        "",
        `Where the time goes (${section.profileOf ?? "the candidate"} under \`node --cpu-prof\`, ${p.totalMs.toFixed(0)} ms sampled in ${p.profiles} profile(s), self time):`,
        "",
        "| owner | self time | share |",
        "|---|---:|---:|",
        ...p.byPackage.map((e) => `| ${e.name} | ${e.ms.toFixed(0)} ms | ${(e.share * 100).toFixed(0)} % |`),
        "",
        "Hottest functions:",
        "",
        "| function | self time | share |",
        "|---|---:|---:|",
        ...p.topFunctions.map(
          (e) => `| \`${e.name.replace(/\|/g, "\\|")}\` | ${e.ms.toFixed(1)} ms | ${(e.share * 100).toFixed(0)} % |`,
        ),
      );
    }
  }
  return `${out.filter((line, i, all) => !(line === "" && all[i - 1] === "")).join("\n")}\n`;
}
