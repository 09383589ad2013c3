// The change report: `generate --diff` rates a spec change against its base with `redocly diff`.
import { existsSync } from "node:fs";
import { cp, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { edit, makeProject, removeProject, runScript } from "../helpers/lint-project.js";
import { runCommand } from "../helpers/project.js";

interface DiffJson {
  status: string;
  base: string | null;
  bump: string | null;
  blocking: boolean;
  allowedBy: string | null;
  verdict: string;
  summary: { major: number; minor: number; patch: number };
  redocly: { changes: { impact: string; verdicts: { ruleId: string; message: string }[] }[] } | null;
}

describe("change report (generate --diff)", () => {
  let project: string;
  const schemas = () => join(project, "openapi", "components", "schemas");
  const readDiff = async (): Promise<DiffJson> =>
    JSON.parse(await readFile(join(project, "reports", "authlete-token", "diff.json"), "utf8"));
  const readDiffMd = () => readFile(join(project, "reports", "authlete-token", "diff.md"), "utf8");
  const diff = (...args: string[]) => runScript("generate.js", ["--diff", ...args], project);

  const removeResponseProperty = () =>
    edit(
      join(schemas(), "TokenResponse.yaml"),
      (s) => s.slice(0, s.indexOf("  sessionId:")) + s.slice(s.indexOf("  deviceSecret:")),
    );
  const requireClientId = () =>
    edit(join(schemas(), "TokenRequest.yaml"), (s) =>
      s.replace("required:\n  - parameters\n", "required:\n  - parameters\n  - clientId\n"),
    );

  beforeAll(async () => {
    project = await makeProject([{ name: "authlete-token", dir: "openapi" }], { git: true });
  });
  afterEach(async () => {
    await runCommand("git", ["checkout", "--", "openapi"], { cwd: project }); // back to the committed spec
  });
  afterAll(() => removeProject(project));

  it("an unchanged spec: verdict none, exit 0", async () => {
    const result = await diff();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("✓ authlete-token: diff against HEAD: none (no changes)");
    expect(await readDiff()).toMatchObject({ status: "compared", base: "HEAD", bump: "none", blocking: false });
    expect((await readDiffMd()).trim()).toBe("### ✓ authlete-token: diff against HEAD: none (no changes)");
  });

  it("removing a response property is major and exits 1", async () => {
    await removeResponseProperty();
    const result = await diff();
    expect(result.code, result.stdout).toBe(1);
    expect(result.stderr).toContain("✗ authlete-token: diff against HEAD: major");
    const report = await readDiff();
    expect(report).toMatchObject({ bump: "major", blocking: true, allowedBy: null });
    expect(report.redocly?.changes[0]?.verdicts[0]).toMatchObject({ ruleId: "property-removed" });
    // The lint passed: the exit code is the diff's doing.
    const lint = JSON.parse(await readFile(join(project, "reports", "authlete-token", "lint.json"), "utf8"));
    expect(lint.passed).toBe(true);
    const md = await readDiffMd();
    expect(md).toContain("| Impact | Change | Where | Details |");
    expect(md).toMatch(
      /\| 🔴 major \| removed .*sessionId.* \| `HEAD:openapi\/components\/schemas\/TokenResponse\.yaml:\d+` \| Property `sessionId` was removed\./,
    );
  });

  it("making a request property required is major and exits 1", async () => {
    await requireClientId();
    const result = await diff();
    expect(result.code, result.stdout).toBe(1);
    const report = await readDiff();
    expect(report.bump).toBe("major");
    expect(report.redocly?.changes[0]?.verdicts[0]).toMatchObject({ ruleId: "required-properties-added" });
    expect(await readDiffMd()).toContain("`openapi/components/schemas/TokenRequest.yaml:");
  });

  it("adding an optional property is minor or patch and exits 0", async () => {
    await edit(
      join(schemas(), "TokenRequest.yaml"),
      (s) => `${s}  tenantHint:\n    type: string\n    description: A hint.\n`,
    );
    const result = await diff();
    expect(result.code, result.stderr).toBe(0);
    const report = await readDiff();
    expect(["minor", "patch"]).toContain(report.bump);
    expect(report.blocking).toBe(false);
    expect(result.stdout).toMatch(/✓ authlete-token: diff against HEAD: (minor|patch)/);
  });

  it("--allow-breaking lets a major change pass (exit 0) and says so", async () => {
    await removeResponseProperty();
    const result = await diff("--allow-breaking");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("major (1 major, 0 minor, 0 patch), allowed by --allow-breaking");
    expect(await readDiff()).toMatchObject({ bump: "major", blocking: false, allowedBy: "--allow-breaking" });
  });

  it("a major change passes when info.version's major was bumped", async () => {
    await requireClientId();
    await edit(join(project, "openapi", "openapi.yaml"), (s) => s.replace("version: 3.0.16", "version: 4.0.0"));
    const result = await diff();
    expect(result.code, result.stderr).toBe(0);
    expect((await readDiff()).allowedBy).toBe("info.version 3.0.16 → 4.0.0");
  });

  it("--base REF compares with that commit; --base-file with a spec on disk", async () => {
    await cp(join(project, "openapi"), join(project, "..", `${project.split("/").pop()}-base`), { recursive: true });
    await requireClientId();
    await runCommand(
      "git",
      ["-c", "user.email=t@example.org", "-c", "user.name=t", "commit", "-qam", "require clientId"],
      { cwd: project },
    );
    try {
      const head = await diff();
      expect(head.code, head.stderr).toBe(0); // the working tree is HEAD
      const previous = await diff("--base", "HEAD~1");
      expect(previous.code).toBe(1);
      expect(await readDiff()).toMatchObject({ base: "HEAD~1", bump: "major" });
      const file = await runScript(
        "generate.js",
        ["--base-file", join("..", `${project.split("/").pop()}-base`, "openapi.yaml")],
        project,
      );
      expect(file.code).toBe(1);
      expect((await readDiff()).bump).toBe("major");
    } finally {
      await runCommand("git", ["reset", "-q", "--hard", "HEAD~1"], { cwd: project });
      await removeProject(join(project, "..", `${project.split("/").pop()}-base`));
    }
  });

  it("an unknown --base is a usage error (exit 2)", async () => {
    const result = await diff("--base", "no-such-ref");
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--base no-such-ref: git knows no such commit");
  });

  it("no base (not a git repository) is not an error: it is said and skipped", async () => {
    const plain = await makeProject([{ name: "authlete-token", dir: "openapi" }]);
    try {
      const result = await runScript("generate.js", ["--diff"], plain);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain("– authlete-token: no diff: no base (not a git repository); skipped");
      expect(existsSync(join(plain, "reports", "authlete-token", "diff.json"))).toBe(false);
    } finally {
      await removeProject(plain);
    }
  });
});
