// @ts-check
// lint.junit.xml: for CI test tabs. The XML is built (and escaped) by fast-xml-builder, small to
// load on every `npm run generate`, where a JUnit library would bring lodash with it.
import XMLBuilder from "fast-xml-builder";

/** @typedef {import("./model.js").LintReport} LintReport */

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  textNodeName: "#text",
  format: true,
  suppressEmptyNode: true,
  processEntities: true,
});

/**
 * One test suite per API. Each lint error is a failed test case (class name: the file, name: the
 * location and rule); each warning a passing one that carries its message on `system-out`, as
 * warnings do not fail the lint. A clean spec is one passing case, so the tab is never empty; an
 * API that failed without a lint problem (e.g. an unreadable spec) is one case in error.
 * @param {LintReport} report
 * @returns {string}
 */
export function renderLintJunit(report) {
  /** @type {Record<string, unknown>[]} */
  const cases = [];
  let failures = 0;
  let errors = 0;
  for (const f of report.findings) {
    const where = f.file || report.root;
    const details = `${where}:${f.line}:${f.column} ${f.pointer}${f.docsUrl ? `\n${f.docsUrl}` : ""}`;
    /** @type {Record<string, unknown>} */
    const test = {
      "@classname": clean(where),
      "@name": clean(`${where}:${f.line}:${f.column} ${f.ruleId}`),
      "@file": clean(where),
    };
    if (f.severity === "error") {
      failures++;
      test.failure = { "@message": clean(f.message), "@type": clean(f.ruleId), "#text": clean(details) };
    } else {
      test["system-out"] = clean(`warning ${f.ruleId}: ${f.message}\n${details}`);
    }
    cases.push(test);
  }
  if (report.findings.length === 0) {
    /** @type {Record<string, unknown>} */
    const test = {
      "@classname": clean(report.root),
      "@name": clean(`${report.api}: lint`),
      "@file": clean(report.root),
    };
    if (report.failure) {
      errors++;
      test.error = { "@message": clean(report.failure), "@type": "failure" };
    }
    cases.push(test);
  }
  const counts = { "@tests": cases.length, "@failures": failures, "@errors": errors, "@skipped": 0 };
  const xml = builder.build({
    "?xml": { "@version": "1.0", "@encoding": "UTF-8" },
    testsuites: {
      "@name": clean(`Redocly lint: ${report.api}`),
      ...counts,
      testsuite: { "@name": clean(`${report.api} lint (${report.root})`), ...counts, testcase: cases },
    },
  });
  return xml.endsWith("\n") ? xml : `${xml}\n`;
}

/** What XML 1.0 cannot hold at all, even escaped: control characters, U+FFFE/U+FFFF, lone surrogates. */
const NOT_XML = new RegExp(
  [
    "[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\uFFFE\\uFFFF]",
    "[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])",
    "(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]",
  ].join("|"),
  "g",
);

/**
 * Drops what XML 1.0 cannot hold.
 * @param {string} text
 */
export function clean(text) {
  return text.replace(NOT_XML, "");
}
