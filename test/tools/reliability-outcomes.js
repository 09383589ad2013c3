// @ts-check
// The pure part of `npm run test:reliability`: outcome lines (JSON lines written by the tests'
// recordOutcome()) and vitest's counts in, the verdict and test/RELIABILITY.md's text out.

/**
 * @typedef {{ category: string, name: string, tried: number, passed: number, lost: number, note?: string }} Outcome
 * @typedef {{ name: string, tried: number, passed: number, lost: number, notes: string[] }} Row
 * @typedef {{ name: string, rows: Row[], tried: number, passed: number, lost: number }} Category
 * @typedef {{ passed: number, failed: number, skipped: number, failures: string[] }} TestCounts
 */

/**
 * The categories the reliability tests are expected to fill, in the report's order. One with no
 * outcome at all is a failure (its tests were removed, or skipped, or stopped recording);
 * categories not listed here are reported too, after these, in name order.
 */
export const EXPECTED_CATEGORIES = [
  "Pipeline: bad specs",
  "Pipeline: interruption",
  "Pipeline: concurrency",
  "Pipeline: watch",
  "Client: faults",
  "Client: retries",
  "Secrets",
  "Token endpoint: load",
  "Token endpoint: fuzz",
  "Runtimes",
];

/** @param {unknown} value */
const isCount = (value) => typeof value === "number" && Number.isInteger(value) && value >= 0;

/**
 * Parses the JSON lines of a RELIABILITY_LOG. A line that is not a valid outcome is kept in
 * `malformed` (with its line number): the report counts it as a problem instead of dropping it.
 * @param {string} text
 * @returns {{ outcomes: Outcome[], malformed: string[] }}
 */
export function parseOutcomes(text) {
  /** @type {Outcome[]} */
  const outcomes = [];
  /** @type {string[]} */
  const malformed = [];
  text.split("\n").forEach((line, index) => {
    if (line.trim() === "") return;
    /** @type {any} */
    let value;
    try {
      value = JSON.parse(line);
    } catch {
      malformed.push(`line ${index + 1}: not JSON: ${line.slice(0, 120)}`);
      return;
    }
    const problem = outcomeProblem(value);
    if (problem) {
      malformed.push(`line ${index + 1}: ${problem}: ${line.slice(0, 120)}`);
      return;
    }
    /** @type {Outcome} */
    const outcome = {
      category: value.category,
      name: value.name,
      tried: value.tried,
      passed: value.passed,
      lost: value.lost,
    };
    if (typeof value.note === "string" && value.note !== "") outcome.note = value.note;
    outcomes.push(outcome);
  });
  return { outcomes, malformed };
}

/**
 * @param {any} value
 * @returns {string | undefined} what is wrong with it as an outcome
 */
function outcomeProblem(value) {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "not an object";
  if (typeof value.category !== "string" || value.category.trim() === "") return "no category";
  if (typeof value.name !== "string" || value.name.trim() === "") return "no name";
  for (const key of ["tried", "passed", "lost"]) {
    if (!isCount(value[key])) return `${key} is not a non-negative integer`;
  }
  if (value.passed + value.lost > value.tried) return "passed + lost is more than tried";
  if (value.note !== undefined && typeof value.note !== "string") return "note is not a string";
  return undefined;
}

/** @param {string} a @param {string} b */
const byCodePoint = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Groups outcomes by category, merging rows of the same name (a test recording a case in
 * several steps, or the same case recorded by several files: counts add up, distinct notes are
 * kept in first-seen order). Expected categories come first in their order, with an empty one
 * for each that recorded nothing; then any other category, by name. Rows are sorted by name.
 * @param {Outcome[]} outcomes
 * @param {string[]} [expected]
 * @returns {Category[]}
 */
export function aggregate(outcomes, expected = EXPECTED_CATEGORIES) {
  /** @type {Map<string, Map<string, Row>>} */
  const byCategory = new Map();
  for (const name of expected) byCategory.set(name, new Map());
  for (const outcome of outcomes) {
    const category = outcome.category.trim();
    let rows = byCategory.get(category);
    if (!rows) {
      rows = new Map();
      byCategory.set(category, rows);
    }
    const key = outcome.name.trim();
    const row = rows.get(key) ?? { name: key, tried: 0, passed: 0, lost: 0, notes: [] };
    row.tried += outcome.tried;
    row.passed += outcome.passed;
    row.lost += outcome.lost;
    if (outcome.note && !row.notes.includes(outcome.note)) row.notes.push(outcome.note);
    rows.set(key, row);
  }
  const known = new Set(expected);
  const names = [...expected, ...[...byCategory.keys()].filter((n) => !known.has(n)).sort(byCodePoint)];
  return names.map((name) => {
    const rows = [...(byCategory.get(name)?.values() ?? [])].sort((a, b) => byCodePoint(a.name, b.name));
    return {
      name,
      rows,
      tried: rows.reduce((sum, r) => sum + r.tried, 0),
      passed: rows.reduce((sum, r) => sum + r.passed, 0),
      lost: rows.reduce((sum, r) => sum + r.lost, 0),
    };
  });
}

/**
 * Everything that makes the run a failure, one sentence each, in a stable order.
 * @param {{ categories: Category[], tests: TestCounts | undefined, malformed: string[] }} input
 * @returns {string[]}
 */
export function findProblems({ categories, tests, malformed }) {
  const problems = [];
  if (!tests) problems.push("vitest wrote no report (it crashed, or did not start)");
  else {
    if (tests.failed > 0) problems.push(`${tests.failed} test(s) failed`);
    if (tests.passed === 0) problems.push("no test passed");
  }
  for (const line of malformed) problems.push(`malformed outcome, ${line}`);
  for (const category of categories) {
    if (category.tried === 0) problems.push(`${category.name}: nothing tried`);
    for (const row of category.rows) {
      if (row.lost > 0) problems.push(`${category.name} / ${row.name}: ${row.lost} lost`);
    }
  }
  return problems;
}

/**
 * vitest's JSON report reduced to what the report shows. `undefined` in, `undefined` out.
 * @param {any} report
 * @returns {TestCounts | undefined}
 */
export function testCounts(report) {
  if (!report || typeof report !== "object") return undefined;
  /** @type {string[]} */
  const failures = [];
  for (const file of Array.isArray(report.testResults) ? report.testResults : []) {
    const assertions = Array.isArray(file.assertionResults) ? file.assertionResults : [];
    for (const test of assertions) {
      if (test.status === "failed")
        failures.push(`${relativeName(String(file.name ?? ""))}: ${test.fullName ?? test.title}`);
    }
    // A file that failed to load (or a failing hook) has no failed assertion of its own.
    if (file.status === "failed" && !assertions.some((/** @type {any} */ t) => t.status === "failed")) {
      failures.push(`${relativeName(String(file.name ?? ""))}: ${firstLine(String(file.message ?? "failed"))}`);
    }
  }
  const failedTests = Number(report.numFailedTests ?? 0);
  return {
    passed: Number(report.numPassedTests ?? 0),
    failed: Math.max(failedTests > 0 ? failedTests : Number(report.numFailedTestSuites ?? 0), failures.length),
    skipped: Number(report.numPendingTests ?? 0) + Number(report.numTodoTests ?? 0),
    failures: failures.sort(byCodePoint),
  };
}

/**
 * Adds up the counts of several vitest runs.
 * @param {(TestCounts | undefined)[]} runs
 * @returns {TestCounts | undefined} undefined when any run has no report
 */
export function addTestCounts(runs) {
  if (runs.length === 0 || runs.some((r) => r === undefined)) return undefined;
  const all = /** @type {TestCounts[]} */ (runs);
  return {
    passed: all.reduce((s, r) => s + r.passed, 0),
    failed: all.reduce((s, r) => s + r.failed, 0),
    skipped: all.reduce((s, r) => s + r.skipped, 0),
    failures: all.flatMap((r) => r.failures).sort(byCodePoint),
  };
}

/**
 * The whole verdict of a run, as `npm run test:reliability` makes it: the outcome log and vitest's
 * JSON reports (parsed; `undefined` for one that is missing or unreadable) in; the categories,
 * the problems and the text of test/RELIABILITY.md out.
 * @param {{ log: string, reports: unknown[], environment: string[], command: string, testFiles: string[], expected?: string[] }} input
 * @returns {{ categories: Category[], problems: string[], markdown: string }}
 */
export function buildReport({ log, reports, environment, command, testFiles, expected = EXPECTED_CATEGORIES }) {
  const { outcomes, malformed } = parseOutcomes(log);
  const categories = aggregate(outcomes, expected);
  const tests = addTestCounts(reports.map((report) => testCounts(report)));
  const problems = findProblems({ categories, tests, malformed });
  const markdown = renderReport({ categories, tests, problems, environment, command, testFiles });
  return { categories, problems, markdown };
}

/** @param {string} path */
function relativeName(path) {
  const at = path.lastIndexOf("/test/");
  return at >= 0 ? path.slice(at + 1) : path;
}

/** @param {string} text */
function firstLine(text) {
  return text.split("\n").find((l) => l.trim() !== "") ?? "";
}

/**
 * A markdown table cell: one line, pipes escaped.
 * @param {string | number} value
 */
function cell(value) {
  return String(value)
    .replace(/\s*\n\s*/g, " ")
    .replace(/\|/g, "\\|");
}

/** @param {(string | number)[]} cells */
const tableRow = (cells) => `| ${cells.map(cell).join(" | ")} |`;

/** @param {string} name */
function anchor(name) {
  return `#${name
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, "")
    .replace(/ /g, "-")}`;
}

/**
 * The whole of test/RELIABILITY.md. Deterministic: the same outcomes, counts and environment
 * lines give the same bytes (no date, no duration).
 * @param {{ categories: Category[], tests: TestCounts | undefined, problems: string[], environment: string[], command: string, testFiles: string[] }} input
 * @returns {string}
 */
export function renderReport({ categories, tests, problems, environment, command, testFiles }) {
  const out = [];
  const verdict = problems.length === 0 ? "PASS" : "FAIL";
  out.push("# Reliability report", "");
  out.push(
    `<!-- Generated by \`${command}\` (test/tools/reliability-report.js). Do not edit by hand: run it again. -->`,
    "",
    "Each reliability test tries many cases of one kind — a broken spec, a process killed mid-write, a",
    "fault injected into the network, a thousand concurrent requests — and records, through",
    "`recordOutcome()` (`test/helpers/reliability.ts`), how many it **tried**, how many **passed**",
    "(kept every promise) and how many were **lost**: the cases where something the project promises",
    "was broken — a torn, stale or changed output, a leaked secret, a request never answered, a hang,",
    "an unhandled rejection, a wrong result on a runtime. **Lost must be 0 everywhere.** Tried − passed −",
    "lost, when not 0, counts cases that failed safely (an error that was expected and reported).",
    "",
    "A test that loops bounds its work by rounds and by time: it never starts a round once its time",
    "budget is spent (past a minimum that still proves the point), so a loaded machine tries fewer",
    "cases instead of timing out. Its note says how many rounds it made, and of how many planned.",
    "",
    "The run fails (exit 1) when a test fails, any row loses anything, or a category tried nothing.",
    "",
  );
  out.push(`**Result: ${verdict}**`, "");
  for (const line of environment) out.push(`- ${line}`);
  out.push(
    `- tests: ${tests ? `${tests.passed} passed, ${tests.failed} failed${tests.skipped ? `, ${tests.skipped} skipped` : ""}` : "no vitest report"}`,
    `- test files: ${testFiles.length === 0 ? "none found" : testFiles.map((f) => `\`${f}\``).join(", ")}`,
    "",
  );
  if (problems.length > 0) {
    out.push("## Problems", "");
    for (const problem of problems) out.push(`- ${cell(problem)}`);
    out.push("");
  }
  if (tests && tests.failures.length > 0) {
    out.push("## Failed tests", "");
    for (const failure of tests.failures) out.push(`- ${cell(failure)}`);
    out.push("");
  }
  out.push("## Summary", "");
  out.push(tableRow(["category", "cases", "tried", "passed", "lost", "status"]), "|---|--:|--:|--:|--:|---|");
  const total = { cases: 0, tried: 0, passed: 0, lost: 0 };
  for (const c of categories) {
    const status = c.tried === 0 ? "nothing tried" : c.lost > 0 ? "LOST" : "ok";
    const name = c.rows.length > 0 ? `[${c.name}](${anchor(c.name)})` : c.name;
    out.push(tableRow([name, c.rows.length, c.tried, c.passed, c.lost, status]));
    total.cases += c.rows.length;
    total.tried += c.tried;
    total.passed += c.passed;
    total.lost += c.lost;
  }
  out.push(tableRow(["**total**", total.cases, total.tried, total.passed, total.lost, verdict]), "");
  for (const c of categories) {
    if (c.rows.length === 0) continue;
    out.push(`## ${c.name}`, "");
    out.push(tableRow(["case", "tried", "passed", "lost", "note"]), "|---|--:|--:|--:|---|");
    for (const row of c.rows) out.push(tableRow([row.name, row.tried, row.passed, row.lost, row.notes.join("; ")]));
    out.push(tableRow(["**total**", c.tried, c.passed, c.lost, ""]), "");
  }
  return `${out.join("\n").trimEnd()}\n`;
}
