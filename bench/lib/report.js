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
 * @property {string[]} [rows] the checks it details (default: every check of its row number)
 */

/**
 * What would close each target when it is not met: read off the profiles of the code as it is
 * now (see the profile tables, which are fresh on every run); revise when the code changes.
 * @type {Record<string, string>}
 */
const ANALYSIS = {
  1: "`generate` loads its tools the plain way, through Node's loaders, with Node's compile cache (turned on by the entry script) sparing the compiling on later runs: openapi-core 2 for the config, lint and bundle, openapi-typescript with TypeScript and its own openapi-core 1. Running the packages' top-level code at import (type trees, config schemas, TypeScript's tables) is most of a run on the fragment, more than the two CLIs pay since each loads only half of it. Then lint and bundle, and openapi-typescript's `openapiTS()`, which parses, lints (with the rule-less config the generator passes) and bundles the already bundled document again before its transform: measured in one process on the fragment, its lint and bundle took longer than the transform itself. What would close it without working around the libraries: an openapi-typescript whose Node API takes a bundled document without re-validating it, or one that uses the openapi-core the project already loads. The dependency bundle with a V8 code cache that met the old 0.55× target is gone: it copied openapi-typescript's internals and lost on the first run (1.37×).",
  "1b": "A first run after `npm ci` compiles every dependency from source (the compile cache is empty) and writes the cache as it exits; the two CLIs pay the compiling too, on each of their runs, since neither turns the cache on.",
  2: "At this size the spec work dominates and runs on one core: Redocly's lint with the project's recommended-strict rules (most of it ajv compiling and running the schema of every example, `no-invalid-media-type-examples`, `no-invalid-schema-examples`), then the bundle through the lint's resolver (no second read or parse) and openapi-typescript. What would close it: running the lint and the types side by side again (two threads, which doubles the parsed spec in memory) below a size threshold, or splitting the lint itself across cores, which Redocly's API does not offer per rule.",
  3: "A no-op run reads the manifest of the last successful run and hashes every input and output without loading Redocly or TypeScript; what remains is Node's start-up and reading/hashing the files.",
  4: "Lint, bundle and types run one after the other in one thread: the bundle reuses the lint's resolver (its cache holds every parsed file), and the lint problems' positions (a YAML AST of the whole file) are worked out after the types. openapi-typescript's documented `openapiTS()` then parses, lints (rule-less config) and bundles the bundled document again with its own openapi-core 1, before its transform and TypeScript's printer: that second pass is the cost of calling it through its public API, accepted rather than rebuilding its internals. The CLIs do the same lint and transform plus a second parse and two starts, which is what `generate` saves on a large spec. On this shared machine wall times swing by ±50 % from run to run; compare the CPU figures too.",
  5: "The client is plain openapi-fetch used as documented: one `createClient` with client headers and one middleware, the platform's `Request`, openapi-fetch's own serializers, `parseAs: \"stream\"`. What it adds to each call is one per-call middleware (an error answer becomes its error there, read under the cap), the per-call time limit (one `AbortController` and a cleared timer, not `AbortSignal.timeout()`), the capped, strictly decoded (fatal UTF-8) body read, and the check of `resultMessage` for echoed credentials. Middleware also makes openapi-fetch draw a request id and freeze an options object per call. What would close it: dropping a guarantee (the time limit over the whole answer, the size cap, redaction), which is not on offer.",
  6: "Same code as row 5 without the network: the wrapper's fixed per-call work (see row 5) weighs far more than in a real call, which is why row 5 is the judged figure.",
  7: "openapi-fetch's `createClient` is one module that does not tree-shake (the plain openapi-fetch row); the project's own code adds the client with its option checks, the per-call time limit and error mapping, the error classes with the network-failure classification that decides `requestNotSent`, the redaction of echoed credentials in every encoding, the capped and strictly decoded body reader, and the `Retry-After` parser every error answer uses. Retries are not in it (a program that does not import them does not bundle them). What would close it: dropping guarantees (redaction, strict reading, error classification). Cold import: the package entry also re-exports the token-endpoint toolkit, whose modules load with it.",
};

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
    const rowNumber = /^Row (\d+)/.exec(section.title)?.[1];
    const rows = section.rows ?? checks.filter((c) => c.row.replace(/[a-z]$/, "") === rowNumber).map((c) => c.row);
    const unmet = checks.some((c) => c.met === false && rows.includes(c.row));
    if (section.profile) {
      const p = section.profile;
      out.push(
        "",
        `Where the time goes (${section.profileOf ?? "the candidate"} under \`node --cpu-prof\`, ${p.totalMs.toFixed(0)} ms sampled in ${p.profiles} profile(s), self time; ${p.loadingMs.toFixed(0)} ms (${((100 * p.loadingMs) / Math.max(1, p.totalMs)).toFixed(0)} %) of it in Node's module loaders and CJS lexer):`,
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
    const analysis = ANALYSIS[rows[0] ?? ""] ?? (rowNumber ? ANALYSIS[rowNumber] : undefined);
    if (unmet && analysis) out.push("", `**Not met: what would close it.** ${analysis}`);
  }
  return `${out.filter((line, i, all) => !(line === "" && all[i - 1] === "")).join("\n")}\n`;
}
