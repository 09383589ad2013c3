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
  1: "`generate` loads openapi-core 2, openapi-typescript, its openapi-core 1 and TypeScript from one esbuild bundle with a V8 code cache (`scripts/lib/build/deps.js`): Node's module loaders and the compiling of 15 MB of JavaScript are gone from the profile. What remains of the start is running the packages' top-level code, which no code cache skips: each openapi-core builds its type trees and config schemas at import, TypeScript its tables (measured ~0.8 s on a loaded machine, ~0.3 s idle). Then lint, bundle and types run one after the other (~0.1 s each on the fragment). What would close it: a V8 start-up snapshot of the loaded packages (`node --build-snapshot`, run under `--snapshot-blob` in a re-executed process), or an openapi-typescript that does not bring a second openapi-core.",
  "1b": "A first run loads the dependencies the plain way (Node's loaders, the CJS lexer over TypeScript's 9 MB file) while esbuild bundles them in its own process on the other core, then writes the 15 MB bundle; the run after it stores the V8 code cache. What would close it: bundling in the background after the run, which would leave a process behind the command.",
  2: "At this size the spec work dominates and runs on one core: Redocly's lint with the project's recommended-strict rules (most of it ajv compiling and running the schema of every example, `no-invalid-media-type-examples`, `no-invalid-schema-examples`), then the bundle through the lint's resolver (no second read or parse) and openapi-typescript. What would close it: running the lint and the types side by side again (two threads, which doubles the parsed spec in memory) below a size threshold, or splitting the lint itself across cores, which Redocly's API does not offer per rule.",
  3: "A no-op run reads the manifest of the last successful run and hashes every input and output without loading Redocly or TypeScript; what remains is Node's start-up and reading/hashing the files.",
  4: "Lint, bundle and types run one after the other in one thread on one parse of the spec: the bundle reuses the lint's resolver (its cache holds every parsed file), the bundled document goes straight to openapi-typescript's transform (its `openapiTS()` would lint and bundle it again with its own openapi-core 1, ~15 % of the CPU of a large spec), and the lint problems' positions (a YAML AST of the whole file) are worked out after the types. Where the time goes on the 1000-operation spec (`node --cpu-prof`, the project's rules): Redocly's lint ~57 %, three quarters of it ajv compiling a validator for each example's schema (`no-invalid-media-type-examples`, `no-invalid-schema-examples`) — the same share as in `redocly lint`'s own profile, so the lint is not slower in this process than in Redocly's bundled CLI; openapi-typescript's transform and TypeScript's printer ~11 %; the bundle (a second resolve and walk of the document) ~8 %; garbage collection ~8 %; the YAML parse ~5 %; starting the bundled dependencies ~5 %; the spec guard's checks (UTF-8, size, alias expansion) under 0.5 %, and hashing the bundled document under 0.5 %. GitHub's spec (Redocly's `minimal` rules) has the same shape: the lint ~47 % (example validation, mostly ajv compiling, ~72 % of it), the transform and printer ~19 %, garbage collection ~11 %, the bundle ~9 %, the lint problems' positions ~5 %, the JSON parse ~4 %. The CLIs do the same lint and transform and in addition a second parse, openapi-typescript's own lint and bundle and two starts: that is all `generate` saves, so on one core its CPU stays at ~0.8× theirs (0.80× on 1000 operations, 0.78× on GitHub's spec, medians of five alternating pairs of user+system CPU time, the wall-time medians 0.95× and 0.72× on a machine at load 4–11), and its wall-time ratio follows. The 0.70× target needs the lint and the types on two cores at once, which needs a second parsed copy of the spec (a worker cannot share the main thread's objects): measured earlier at 0.82× time but 2.04× peak memory, over the 1.5× memory target, so the halves run one after the other at these sizes. A larger V8 young generation (`--max-semi-space-size=32`) cut ~4 % of the CPU but raised the 1000-operation peak RSS to ~1.53×, so it is not used. On this shared machine wall times swing by ±50 % from run to run; compare the CPU figures too.",
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
