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

/**
 * What would close each target when it is not met: read off the profiles of the code as it was
 * when the harness was written (see the profile tables, which are fresh on every run).
 * @type {Record<string, string>}
 */
const ANALYSIS = {
  1: "The two CLIs and `generate` do the same work with the same libraries (parse, resolve, lint with the same rules, bundle, openapi-typescript); `generate` only saves one Node start-up and one load of Redocly. On the fragment about half of the CPU time is loading code, not work on the spec: Node's CJS loader compiling Redocly/ajv/TypeScript (`wrapSafe`), the CJS export lexer scanning `typescript`'s 9 MB file because it is reached through ESM `import`, and module-format detection. What would close it: load less and load it once: reach `typescript`/`openapi-typescript` through `createRequire` (no lexer, no format detection), a compile cache for the big CJS files (`module.enableCompileCache()` where Node ≥ 22.1 provides it), and lint concurrently with bundle + type generation in a worker thread (neither needs the other's result; a lint error just discards the types).",
  2: "At vendor size the spec work dominates: Redocly's lint walk and ajv compiling and running the schemas of the examples, then openapi-typescript building and printing a TypeScript AST, with module loading still ~25 %. The same libraries do the same work in both columns, so 0.65× needs the two halves to overlap on the two cores (lint in one thread, bundle + types in another) on top of the loading savings of row 1.",
  3: "A no-op run does the whole pipeline again (lint, bundle, generate, compare), so it costs what row 1 costs; importing `@redocly/openapi-core` alone takes ~0.3–0.4 s and `openapi-typescript` (with `typescript`) ~0.65 s here, each more than the whole 3× budget (~180 ms). What would close it: a manifest written next to each output (hashes of the config, of every spec file `bundle` reported, of the tool versions and of the output itself); when every hash matches, `generate` and `generate --check` exit before importing Redocly or openapi-typescript, reading and hashing only those files.",
  4: "Time: as in row 2, the same libraries doing the same work, growing linearly with the spec (see the growth table), so it needs the same overlap of lint and generation. Memory: the baseline is the larger of two separate processes, each freeing everything when it exits, while `generate` holds the parsed spec in the shared resolver, the lint results, the bundled document and openapi-typescript's TypeScript AST in one heap. What would close it: drop the lint walk's state and the resolver's documents before generating the types (only the bundled document is needed), or run the phases where their heaps do not add up.",
  5: "Per call, the client adds what openapi-fetch does on top of `fetch`: a `Request` object built and then re-read by undici, the auth middleware setting headers on it, and a fresh `AbortSignal.timeout()` per call for the time limit (plus `AbortSignal.any()` when the caller passes a signal) (see the row 6 profile for the same code without the network). The client process is CPU-bound at 32 in flight (the server shares the two cores), so the extra CPU per call shows up as lost throughput too. What would close it: call `fetch(url, init)` directly on the hot path with headers built once at creation, and one `setTimeout` + `AbortController` per call (none when `timeoutMs` is 0 and no signal is given), keeping openapi-fetch for `client.raw` and for the types.",
  6: "With the network out of the way the ratio is larger because raw fetch's own cost is small: the profile shows undici building the `Request` (`_Request`, `extractBody`), `AbortSignal.timeout`/`any` (`createAbortSignal`, `makeTransferable`), openapi-fetch's `coreFetch` and the garbage they leave. The same fixes as row 5 close it: no `Request` object, headers prepared once, a cheaper per-call timer.",
  7: "openapi-fetch is about 60 % of the client's minified bytes and the project's own code (the client and its error classes) the rest, 10.8 KB minified in all. What would close it: a hot path that does not pull openapi-fetch's runtime in (its types are free), shorter error classes (shared constructor, codes as a table), or both.",
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
    const unmet = checks.some((c) => c.met === false && c.row.replace(/[a-z]$/, "") === rowNumber);
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
    const analysis = rowNumber ? ANALYSIS[rowNumber] : undefined;
    if (unmet && analysis) out.push("", `**Not met: what would close it.** ${analysis}`);
  }
  return `${out.filter((line, i, all) => !(line === "" && all[i - 1] === "")).join("\n")}\n`;
}
