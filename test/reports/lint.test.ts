// The four lint reports `npm run generate` writes: present, well-formed, and true to a broken spec.
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import AjvDraft04 from "ajv-draft-04";
import ajvFormats from "ajv-formats";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatFinding } from "../../scripts/lib/lint/findings.js";
import { renderLintJunit } from "../../scripts/lib/reports/lint-junit.js";
import { renderLintMarkdown } from "../../scripts/lib/reports/lint-markdown.js";
import { renderLintSarif } from "../../scripts/lib/reports/lint-sarif.js";
import type { LintReport } from "../../scripts/lib/reports/model.js";
import { lineOf, makeProject, PATHS_FILE, removeProject, runScript } from "../helpers/lint-project.js";
import { ROOT, type RunResult } from "../helpers/project.js";

// The official SARIF 2.1.0 schema, shared next to the repository (not copied into it).
const SARIF_SCHEMA = join(ROOT, "..", "shared", "schemas", "sarif-schema-2.1.0.json");
const haveSchema = existsSync(SARIF_SCHEMA);
if (!haveSchema) console.warn(`SARIF schema validation skipped: ${SARIF_SCHEMA} is absent`);

async function sarifValidator() {
  const schema = JSON.parse(await readFile(SARIF_SCHEMA, "utf8"));
  // CommonJS packages typed as ES modules: `.default` is the export both for tsc and at run time.
  const ajv = new AjvDraft04.default({ allErrors: true, strict: false });
  ajvFormats.default(ajv);
  return ajv.compile(schema);
}

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  isArray: (name) => name === "testcase",
});

interface LintJson {
  api: string;
  passed: boolean;
  counts: { error: number; warn: number };
  problems: {
    ruleId: string;
    severity: string;
    message: string;
    file: string;
    line: number;
    column: number;
    pointer: string;
    docsUrl: string | null;
  }[];
}

describe("lint reports of `npm run generate`", () => {
  let project: string;
  let result: RunResult;
  const reports = () => join(project, "proj", "reports");
  const read = (api: string, file: string) => readFile(join(reports(), api, file), "utf8");

  beforeAll(async () => {
    project = await makeProject([
      { name: "authlete-token", dir: "proj/openapi" },
      { name: "broken", dir: "proj/broken", broken: true },
    ]);
    // The config sits in proj/ (the repository root); the command runs from its parent, so the
    // reports must be relative to the config's directory, not to where the command ran.
    await rename(join(project, "redocly.yaml"), join(project, "proj", "redocly.yaml"));
    const config = await readFile(join(project, "proj", "redocly.yaml"), "utf8");
    await writeFile(join(project, "proj", "redocly.yaml"), config.replaceAll("root: proj/", "root: "));
    await mkdir(join(project, "proj", "generated"), { recursive: true });
    await writeFile(join(project, "proj", "generated", "broken.ts"), "// the last good output\n");
    result = await runScript("generate.js", ["--config", "proj/redocly.yaml"], project);
  });
  afterAll(() => removeProject(project));

  it("fails (exit 1) on the broken API, writes the clean one and leaves the broken one's output alone", async () => {
    expect(result.code, result.stderr).toBe(1);
    expect(existsSync(join(project, "proj", "generated", "authlete-token.ts"))).toBe(true);
    expect(await readFile(join(project, "proj", "generated", "broken.ts"), "utf8")).toBe("// the last good output\n");
    expect(result.stdout).toContain("lint reports");
  });

  it("writes the four reports of every API, and no temporary file", async () => {
    for (const api of ["authlete-token", "broken"]) {
      expect((await readdir(join(reports(), api))).sort()).toEqual(
        ["lint.json", "lint.junit.xml", "lint.md", "lint.sarif"].sort(),
      );
    }
  });

  it("lint.json lists each problem with rule, file, line, column, pointer and docs link", async () => {
    const broken: LintJson = JSON.parse(await read("broken", "lint.json"));
    expect(broken.passed).toBe(false);
    expect(broken.counts).toEqual({ error: 2, warn: 0 });
    const serverLine = await lineOf(join(project, "proj", "broken", "openapi.yaml"), "https://example.com");
    const operationLine = await lineOf(join(project, "proj", "broken", PATHS_FILE), "post:");
    expect(broken.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          ruleId: "no-server-example.com",
          severity: "error",
          file: "broken/openapi.yaml",
          line: serverLine,
          pointer: "#/servers/0/url",
          docsUrl: "https://redocly.com/docs/cli/rules/oas/no-server-example-com",
        }),
        expect.objectContaining({
          ruleId: "operation-operationId",
          severity: "error",
          file: `broken/${PATHS_FILE}`,
          line: operationLine,
          docsUrl: "https://redocly.com/docs/cli/rules/oas/operation-operationId",
        }),
      ]),
    );
    for (const p of broken.problems) {
      expect(p.column).toBeGreaterThan(0);
      expect(p.message.length).toBeGreaterThan(0);
    }
    const clean: LintJson = JSON.parse(await read("authlete-token", "lint.json"));
    expect(clean).toMatchObject({ api: "authlete-token", passed: true, counts: { error: 0, warn: 0 }, problems: [] });
  });

  it("lint.md has a verdict, the counts and a table of file:line, rule, message; a clean spec is one line", async () => {
    const md = await read("broken", "lint.md");
    const lines = md.trim().split("\n");
    expect(lines[0]).toBe("### ✗ broken: lint failed: 2 errors, 0 warnings");
    expect(md).toContain("**2** error(s) · **0** warning(s)");
    expect(md).toContain("| Severity | Location | Rule | Message |");
    const serverLine = await lineOf(join(project, "proj", "broken", "openapi.yaml"), "https://example.com");
    expect(md).toMatch(
      new RegExp(
        `\\| \`broken/openapi\\.yaml:${serverLine}\` \\| \\[\`no-server-example\\.com\`\\]\\(https://[^)]+\\) \\| Server`,
      ),
    );
    expect(md).toContain(`broken/${PATHS_FILE}:`);
    expect((await read("authlete-token", "lint.md")).trim()).toBe("### ✓ authlete-token: lint passed, no problems");
  });

  it.skipIf(!haveSchema)(
    "lint.sarif is valid SARIF 2.1.0 (official schema) with rules, help URIs and repo-relative locations",
    async () => {
      const validate = await sarifValidator();
      for (const api of ["broken", "authlete-token"]) {
        const sarif = JSON.parse(await read(api, "lint.sarif"));
        expect(validate(sarif), JSON.stringify(validate.errors, null, 2)).toBe(true);
        expect(sarif.version).toBe("2.1.0");
      }
      const sarif = JSON.parse(await read("broken", "lint.sarif"));
      const run = sarif.runs[0];
      expect(run.tool.driver.rules.map((r: { id: string }) => r.id).sort()).toEqual([
        "no-server-example.com",
        "operation-operationId",
      ]);
      for (const rule of run.tool.driver.rules)
        expect(rule.helpUri).toBe(`https://redocly.com/docs/cli/rules/oas/${rule.id.replaceAll(".", "-")}`);
      const serverLine = await lineOf(join(project, "proj", "broken", "openapi.yaml"), "https://example.com");
      const server = run.results.find((r: { ruleId: string }) => r.ruleId === "no-server-example.com");
      expect(server.level).toBe("error");
      expect(server.locations[0].physicalLocation.artifactLocation).toMatchObject({
        uri: "broken/openapi.yaml",
        uriBaseId: "%SRCROOT%",
      });
      expect(server.locations[0].physicalLocation.region.startLine).toBe(serverLine);
      const operation = run.results.find((r: { ruleId: string }) => r.ruleId === "operation-operationId");
      // `{` and `}` are not allowed in a URI reference: the path is percent-encoded.
      expect(operation.locations[0].physicalLocation.artifactLocation.uri).toBe(
        "broken/paths/api_%7BserviceId%7D_auth_token.yaml",
      );
      expect(run.results[0].ruleIndex).toBeTypeOf("number");
    },
  );

  it("lint.junit.xml parses: one failed case per error, one passing case for a clean spec", async () => {
    const broken = xml.parse(await read("broken", "lint.junit.xml"));
    const suite = broken.testsuites.testsuite;
    expect(suite["@failures"]).toBe("2");
    expect(suite["@tests"]).toBe("2");
    const names = suite.testcase.map((c: { "@name": string }) => c["@name"]);
    const serverLine = await lineOf(join(project, "proj", "broken", "openapi.yaml"), "https://example.com");
    expect(names).toContain(`broken/openapi.yaml:${serverLine}:10 no-server-example.com`);
    const failure = suite.testcase.find((c: { "@name": string }) =>
      c["@name"].includes("operation-operationId"),
    ).failure;
    expect(failure["@type"]).toBe("operation-operationId");
    const clean = xml.parse(await read("authlete-token", "lint.junit.xml")).testsuites.testsuite;
    expect(clean).toMatchObject({ "@tests": "1", "@failures": "0" });
  });

  it("--check writes no report unless --reports DIR names one", async () => {
    const dir = await makeProject([{ name: "authlete-token", dir: "openapi" }]);
    try {
      expect((await runScript("generate.js", [], dir)).code).toBe(0);
      await rm(join(dir, "reports"), { recursive: true });
      const check = await runScript("generate.js", ["--check"], dir);
      expect(check.code, check.stderr).toBe(0);
      expect(existsSync(join(dir, "reports"))).toBe(false);
      const moved = await runScript("generate.js", ["--check", "--reports", "out/lint"], dir);
      expect(moved.code, moved.stderr).toBe(0);
      expect(existsSync(join(dir, "out", "lint", "authlete-token", "lint.sarif"))).toBe(true);
      expect(existsSync(join(dir, "reports"))).toBe(false);
    } finally {
      await removeProject(dir);
    }
  });
});

describe("lint report renderers", () => {
  const report: LintReport = {
    api: "demo",
    dir: "demo",
    root: "openapi/openapi.yaml",
    passed: true,
    failure: undefined,
    counts: { error: 0, warn: 1 },
    verdict: "✓ demo: lint passed with 0 errors, 1 warning",
    findings: [
      {
        ruleId: "my-plugin/odd <rule>",
        severity: "warn",
        message: 'Use "a|b" & <c>\non two lines',
        file: "openapi/x & y.yaml",
        line: 3,
        column: 5,
        pointer: "#/info",
        docsUrl: undefined,
      },
    ],
  };

  it("maps a warning to SARIF `warning` and stays schema-valid without a docs link", async () => {
    const sarif = JSON.parse(renderLintSarif(report));
    expect(sarif.runs[0].results[0].level).toBe("warning");
    expect(sarif.runs[0].tool.driver.rules[0].helpUri).toBeUndefined();
    if (haveSchema) {
      const validate = await sarifValidator();
      expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
      // The validator does reject what the schema forbids: an unencoded `{` in a location's URI.
      sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri = "paths/{id}.yaml";
      expect(validate(sarif)).toBe(false);
    }
  });

  it("escapes XML, drops characters XML cannot hold, and keeps warnings as passing JUnit cases", () => {
    const text = renderLintJunit({
      ...report,
      findings: report.findings.map((f) => ({ ...f, message: `${f.message}\u0001` })),
    });
    expect(XMLValidator.validate(text)).toBe(true);
    expect(text).not.toContain("\u0001");
    const parsed = xml.parse(text).testsuites.testsuite;
    expect(parsed["@failures"]).toBe("0");
    expect(parsed.testcase[0]["@name"]).toBe("openapi/x & y.yaml:3:5 my-plugin/odd <rule>");
    expect(parsed.testcase[0]["system-out"]).toContain('Use "a|b" & <c>');
  });

  it("lint.md: a lone CR, a backtick or HTML in spec text adds no heading, row, link or HTML", () => {
    const hostile: LintReport = {
      ...report,
      findings: [
        {
          ...report.findings[0],
          ruleId: "plugin/rule`<b>x</b>`",
          message: "Bad value\r### ✓ demo: lint passed, no problems\r[details](https://evil.example) <!--",
          file: "openapi/a`b\r# x.yaml",
          docsUrl: "https://example.com/rule) [x](https://evil.example",
        } as LintReport["findings"][number],
      ],
    };
    const md = renderLintMarkdown(hostile);
    expect(md).not.toContain("\r");
    const lines = md.trimEnd().split("\n");
    // The heading, a blank line, the counts, a blank line, the table's two header lines, one row.
    expect(lines).toHaveLength(7);
    expect(lines.filter((line) => line.startsWith("#"))).toHaveLength(1);
    const row = lines[6] ?? "";
    expect(row.startsWith("| 🟡 warning | ")).toBe(true);
    // Four cells: no pipe in the row is left unescaped but the five that delimit them.
    expect(row.replace(/\\\|/g, "").match(/\|/g)).toHaveLength(5);
    // Outside its code spans (where HTML is not rendered) the row has no tag and no link of the spec's.
    const prose = row.replace(/(`+)[^`][\s\S]*?(?<!`)\1(?!`)/g, "");
    expect(prose).not.toMatch(/<|(?<!\\)\]\(https:\/\/evil/);
    expect(row).toContain("[`` plugin/rule`<b>x</b>` ``]");
    expect(row).toContain("(https://example.com/rule%29%20[x]%28https://evil.example)");
  });

  it("generate's console line for a finding is one line a terminal or CI log will not obey", () => {
    const line = formatFinding({
      ...report.findings[0],
      message: "Bad\n::error file=openapi.yaml::Injected\u001b[1A\u001b[2K",
    } as LintReport["findings"][number]);
    expect(line.split("\n")).toHaveLength(1);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for them is the point
    expect(line).not.toMatch(/[\u0000-\u001f]/);
    expect(line).toContain("Bad\\n::error file=openapi.yaml::Injected\\x1b[1A\\x1b[2K");
  });

  it("keeps Markdown table cells on one line with pipes and tags escaped", () => {
    const md = renderLintMarkdown(report);
    const row = md.split("\n").find((l) => l.startsWith("| 🟡 warning"));
    expect(row).toBe(
      '| 🟡 warning | `openapi/x & y.yaml:3` | `my-plugin/odd <rule>` | Use "a\\|b" & &lt;c&gt; on two lines |',
    );
  });
});
