// .github/workflows/api.yml: valid for GitHub Actions (checked by action-validator) and publishing
// every report docs/reports.md describes.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runCommand } from "../helpers/project.js";

const require = createRequire(import.meta.url);
const WORKFLOW = join(ROOT, ".github", "workflows", "api.yml");
const validate = (file: string) =>
  runCommand(process.execPath, [require.resolve("@action-validator/cli/cli.mjs"), file], { cwd: ROOT });

/** Each of `steps` is in `text`, in this order. */
function expectInOrder(text: string, steps: string[]) {
  let at = -1;
  for (const step of steps) {
    const index = text.indexOf(step);
    expect(index, step).toBeGreaterThan(at);
    at = index;
  }
}

describe("CI workflow .github/workflows/api.yml", () => {
  it("passes action-validator (GitHub's workflow schema)", async () => {
    const result = await validate(WORKFLOW);
    expect(result.code, `${result.stdout}${result.stderr}`).toBe(0);
  });

  it("action-validator does reject a broken workflow", async () => {
    const dir = await mkdtemp(join(tmpdir(), "workflow-"));
    try {
      const broken = join(dir, "broken.yml");
      await writeFile(broken, "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps: 5\n");
      expect((await validate(broken)).code).not.toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("runs the tests on every push and pull request, whatever they change", async () => {
    const text = await readFile(WORKFLOW, "utf8");
    expect(text).toMatch(/^on:\n {2}push:\n {2}pull_request:\n/m);
    expect(text).not.toContain("paths:");
    expect(text).not.toContain("branches:");
  });

  it("runs the tests once and the drift check once (inside npm test)", async () => {
    const text = await readFile(WORKFLOW, "utf8");
    expect(text.match(/run: npm test\b/g)).toHaveLength(1);
    expect(text).not.toMatch(/run: npm run generate/);
    const pkg = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8"));
    expect(pkg.scripts.test).toContain("npm run generate -- --check");
  });

  it("publishes every report", async () => {
    const text = await readFile(WORKFLOW, "utf8");
    const steps = [
      "run: npm ci",
      "run: npm test",
      'npm run report -- --base "$base"',
      "uses: actions/upload-artifact@",
      '>> "$GITHUB_STEP_SUMMARY"',
      "run: npx redocly lint --format github-actions",
      "uses: github/codeql-action/upload-sarif@",
    ];
    expectInOrder(text, steps);
    expect(text).toContain("github.event.pull_request.base.sha");
    expect(text).toContain("reports/*/lint.md reports/*/diff.md");
    expect(text).toContain("security-events: write");
    expect(text).toContain("fetch-depth: 0");
  });
});

describe("CI workflow .github/workflows/upstream.yml", () => {
  const UPSTREAM = join(ROOT, ".github", "workflows", "upstream.yml");

  it("passes action-validator (GitHub's workflow schema)", async () => {
    const result = await validate(UPSTREAM);
    expect(result.code, `${result.stdout}${result.stderr}`).toBe(0);
  });

  it("runs on demand with a spec input and appends upstream.md to the job summary", async () => {
    const text = await readFile(UPSTREAM, "utf8");
    expect(text).toContain("workflow_dispatch:");
    expect(text).toMatch(/inputs:\n\s+spec:/);
    // The input reaches the shell through the environment only.
    const uses = text.split("\n").filter((line) => line.includes("inputs."));
    expect(uses).toHaveLength(1);
    expect(uses[0]).toMatch(/^\s+SPEC: \$\{\{ inputs\.spec \}\}$/);
    const steps = [
      "run: npm ci",
      'run: npm run upstream -- --spec "$SPEC_FILE"',
      "reports/*/upstream.md",
      '>> "$GITHUB_STEP_SUMMARY"',
    ];
    expectInOrder(text, steps);
  });
});
