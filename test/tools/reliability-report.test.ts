import { describe, expect, it } from "vitest";
import {
  addTestCounts,
  aggregate,
  buildReport,
  findProblems,
  parseOutcomes,
  renderReport,
  testCounts,
} from "./reliability-outcomes.js";
import { countRun, summarize } from "./test-summary.js";

const LOG = [
  '{"category":"Client: faults","name":"connection reset","tried":50,"passed":50,"lost":0,"note":"each fault 50 times"}',
  '{"category":"Pipeline: bad specs","name":"dangling $ref","tried":3,"passed":3,"lost":0}',
  '{"category":"Client: faults","name":"connection reset","tried":50,"passed":49,"lost":1,"note":"second run"}',
  "",
  '{"category":"Client: faults","name":"a | pipe\\nand newline","tried":1,"passed":1,"lost":0,"note":"each fault 50 times"}',
  '{"category":"Zeta: new kind","name":"b","tried":2,"passed":2,"lost":0}',
  '{"category":"Alpha: new kind","name":"a","tried":0,"passed":0,"lost":0}',
  "not json",
  '{"category":"Secrets","name":"x","tried":1,"passed":2,"lost":0}',
  '{"category":"Secrets","name":"y","tried":-1,"passed":0,"lost":0}',
].join("\n");

const EXPECTED = ["Pipeline: bad specs", "Client: faults", "Runtimes"];

describe("reliability report", () => {
  const { outcomes, malformed } = parseOutcomes(LOG);
  const categories = aggregate(outcomes, EXPECTED);

  it("keeps bad lines as problems instead of dropping them", () => {
    expect(outcomes).toHaveLength(6);
    expect(malformed).toEqual([
      "line 8: not JSON: not json",
      'line 9: passed + lost is more than tried: {"category":"Secrets","name":"x","tried":1,"passed":2,"lost":0}',
      'line 10: tried is not a non-negative integer: {"category":"Secrets","name":"y","tried":-1,"passed":0,"lost":0}',
    ]);
  });

  it("groups by category, expected ones first (empty too), then unknown ones by name; merges rows of one name", () => {
    expect(categories.map((c) => [c.name, c.tried, c.passed, c.lost])).toEqual([
      ["Pipeline: bad specs", 3, 3, 0],
      ["Client: faults", 101, 100, 1],
      ["Runtimes", 0, 0, 0],
      ["Alpha: new kind", 0, 0, 0],
      ["Zeta: new kind", 2, 2, 0],
    ]);
    const faults = categories[1];
    expect(faults?.rows.map((r) => r.name)).toEqual(["a | pipe\nand newline", "connection reset"]);
    expect(faults?.rows[1]).toEqual({
      name: "connection reset",
      tried: 100,
      passed: 99,
      lost: 1,
      notes: ["each fault 50 times", "second run"],
    });
  });

  it("fails on a failed test, anything lost, an empty category and a malformed line", () => {
    const tests = { passed: 10, failed: 1, skipped: 0, failures: ["x > y"] };
    expect(findProblems({ categories, tests, malformed: malformed.slice(0, 1) })).toEqual([
      "1 test(s) failed",
      "malformed outcome, line 8: not JSON: not json",
      "Client: faults / connection reset: 1 lost",
      "Runtimes: nothing tried",
      "Alpha: new kind: nothing tried",
    ]);
    const clean = aggregate(
      outcomes.filter((o) => o.lost === 0 && o.tried > 0),
      ["Client: faults"],
    );
    expect(findProblems({ categories: clean, tests: { ...tests, failed: 0 }, malformed: [] })).toEqual([]);
    expect(findProblems({ categories: clean, tests: undefined, malformed: [] })).toEqual([
      "vitest wrote no report (it crashed, or did not start)",
    ]);
  });

  it("reads vitest's JSON report, counting a file that failed to load", () => {
    const counts = testCounts({
      numPassedTests: 3,
      numFailedTests: 1,
      numFailedTestSuites: 1,
      numPendingTests: 1,
      numTodoTests: 0,
      testResults: [
        {
          name: "/repo/test/generator/b.reliability.test.ts",
          status: "failed",
          message: "SyntaxError: x\n  at y",
          assertionResults: [],
        },
        {
          name: "/repo/test/client/a.reliability.test.ts",
          status: "passed",
          assertionResults: [
            { status: "passed", fullName: "a ok" },
            { status: "failed", fullName: "a > fails" },
          ],
        },
      ],
    });
    expect(counts).toEqual({
      passed: 3,
      failed: 2,
      skipped: 1,
      failures: [
        "test/client/a.reliability.test.ts: a > fails",
        "test/generator/b.reliability.test.ts: SyntaxError: x",
      ],
    });
    expect(testCounts(undefined)).toBeUndefined();
    expect(addTestCounts([counts, { passed: 2, failed: 0, skipped: 0, failures: [] }])).toMatchObject({
      passed: 5,
      failed: 2,
      skipped: 1,
    });
    expect(addTestCounts([counts, undefined])).toBeUndefined();
  });

  it("renders the same bytes for the same input, with escaped cells, a summary and a table per category", () => {
    const tests = { passed: 10, failed: 0, skipped: 0, failures: [] };
    const problems = findProblems({ categories, tests, malformed: [] });
    const input = { categories, tests, problems, environment: ["Node v20"], command: "npm run x", testFiles: ["t.ts"] };
    const markdown = renderReport(input);
    expect(renderReport(structuredClone(input))).toBe(markdown);
    expect(markdown).toContain("**Result: FAIL**");
    expect(markdown).toContain("| [Client: faults](#client-faults) | 2 | 101 | 100 | 1 | LOST |");
    expect(markdown).toContain("| Runtimes | 0 | 0 | 0 | 0 | nothing tried |");
    expect(markdown).toContain("| a \\| pipe and newline | 1 | 1 | 0 | each fault 50 times |");
    expect(markdown).toContain("| connection reset | 100 | 99 | 1 | each fault 50 times; second run |");
    expect(markdown).toContain("| **total** | 5 | 106 | 105 | 1 | FAIL |");
    expect(markdown).toContain("- Client: faults / connection reset: 1 lost");
    expect(markdown).not.toMatch(/\d{4}-\d{2}-\d{2}|\d+ ?ms\b/);
    expect(markdown.endsWith("\n")).toBe(true);
  });

  it("builds the categories, the verdict and the report in one call from the log and vitest's reports", () => {
    const input = { environment: ["Node v20"], command: "npm run x", testFiles: ["t.ts"], expected: EXPECTED };
    const report = { numPassedTests: 10, numFailedTests: 0, testResults: [] };
    const built = buildReport({ ...input, log: LOG, reports: [report] });
    const tests = { passed: 10, failed: 0, skipped: 0, failures: [] };
    const problems = findProblems({ categories, tests, malformed });
    expect(built.categories).toEqual(categories);
    expect(built.problems).toEqual(problems);
    expect(built.markdown).toBe(renderReport({ ...input, categories, tests, problems }));
    // A run whose vitest report is missing (it crashed) fails, whatever the others say.
    expect(buildReport({ ...input, log: LOG, reports: [report, undefined] }).problems).toContain(
      "vitest wrote no report (it crashed, or did not start)",
    );
  });
});

describe("test summary", () => {
  it("sums several runs into the last line and counts a non-zero exit or a missing report as a failure", () => {
    const runs = [
      countRun("node20", { numPassedTests: 5, numFailedTests: 0, numPendingTests: 1 }),
      countRun("node22", { numPassedTests: 5, numFailedTests: 0 }, 2),
      countRun("node24", undefined, 1, "no test report at r.json"),
    ];
    expect(summarize(runs)).toEqual({
      lines: [
        "node20 — 5 passed, 0 failed, 1 skipped",
        "node22 — 5 passed, 1 failed (exited 2 with no failed test in its report)",
        "node24 — 0 passed, 1 failed (no test report at r.json)",
        "10 passed, 2 failed, 1 skipped",
      ],
      ok: false,
    });
    expect(summarize([countRun("vitest", { numPassedTests: 3, numFailedTests: 0 })])).toEqual({
      lines: ["3 passed, 0 failed"],
      ok: true,
    });
    expect(summarize([countRun("vitest", { numPassedTests: 0, numFailedTests: 0 })]).ok).toBe(false);
  });
});
