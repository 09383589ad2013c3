import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseYaml } from "@redocly/openapi-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { compareDocuments } from "../../scripts/lib/upstream/compare.js";
import { ROOT, runNode, VENDOR_SPEC, VENDOR_SPEC_NEWEST } from "../helpers/project.js";
import { runUpstreamInProcess as runInProcess } from "../helpers/upstream-cli.js";

const SCRIPT = join(ROOT, "scripts/upstream.js");

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "authlete-upstream-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

if (!existsSync(VENDOR_SPEC_NEWEST) || !existsSync(VENDOR_SPEC)) {
  console.warn(`skipping upstream tests against Authlete's spec: ${VENDOR_SPEC_NEWEST} or ${VENDOR_SPEC} is absent`);
}

describe.skipIf(!existsSync(VENDOR_SPEC_NEWEST) || !existsSync(VENDOR_SPEC))(
  "npm run upstream against Authlete's published spec",
  () => {
    it("exits 0 on the newest published spec and lists the declared deviations in upstream.json and upstream.md", async () => {
      const reports = join(dir, "shipped");
      const result = await runNode([SCRIPT, "--spec", VENDOR_SPEC_NEWEST, "--reports", reports], ROOT);
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(
        /✓ authlete-token: 0 undeclared, 0 stale, \d+ declared difference\(s\) \(\d+ declaration\(s\)\)/,
      );
      expect(result.stdout).toContain(
        'declared: #/components/schemas/TokenCreateResponse/properties/grantType: enum-changed, upstream "no enum" (1 finding(s))',
      );
      const report = JSON.parse(await readFile(join(reports, "authlete-token/upstream.json"), "utf8"));
      expect(report.passed).toBe(true);
      expect(report.findings.every((f: { declared: boolean }) => f.declared)).toBe(true);
      // The newest content types `TokenRequest.properties` as an array, as the API takes it.
      expect(report.findings.map((f: { field: string }) => f.field)).not.toContain("TokenRequest.properties");
      expect(report.findings).toContainEqual(
        expect.objectContaining({
          kind: "enum-changed",
          field: "TokenCreateResponse.grantType",
          operations: ["POST /api/{serviceId}/auth/token/create response 200"],
          upstream: expect.objectContaining({
            pointer: "#/components/schemas/token_create_response/properties/grantType",
            source: expect.stringMatching(/authlete-api-3\.0\.16-2026-04-19\.yaml:\d+:\d+$/),
          }),
          ours: expect.objectContaining({
            pointer: "#/components/schemas/TokenCreateResponse/properties/grantType",
            source: expect.stringMatching(/^openapi\/components\/schemas\/TokenCreateResponse\.yaml:\d+:\d+$/),
          }),
          declared: true,
        }),
      );
      const markdown = await readFile(join(reports, "authlete-token/upstream.md"), "utf8");
      expect(markdown).toContain("declared difference(s)</summary>");
      expect(markdown).toContain("| `TokenCreateResponse.grantType` | enum-changed | `no enum` |");
    });

    it("reports the March publication's string-typed TokenRequest.properties as the one undeclared difference", async () => {
      const reports = join(dir, "march");
      const result = await runNode([SCRIPT, "--spec", VENDOR_SPEC, "--reports", reports], ROOT);
      expect(result.code).toBe(1);
      const report = JSON.parse(await readFile(join(reports, "authlete-token/upstream.json"), "utf8"));
      expect(report).toMatchObject({ passed: false, counts: { undeclared: 1, stale: 0 } });
      expect(report.findings.filter((f: { declared: boolean }) => !f.declared)).toEqual([
        expect.objectContaining({
          kind: "type-changed",
          field: "TokenRequest.properties",
          upstream: expect.objectContaining({ value: "string" }),
          ours: expect.objectContaining({ value: "array" }),
        }),
      ]);
    });

    it("names every undeclared difference of a modified copy, and a declaration that went stale", async () => {
      const spec = parseYaml(await readFile(VENDOR_SPEC_NEWEST, "utf8")) as Parameters<typeof compareDocuments>[0];
      const schemas = spec.components.schemas;
      schemas.token_request.properties.brandNewField = { type: "string" }; // added
      delete schemas.token_issue_request.properties.jwtAtClaims; // removed
      delete schemas.native_sso_request.properties.idTokenAudType; // removed, in a follow-up call
      schemas.token_response.properties.sessionId.type = "integer"; // retyped
      schemas.token_response.properties.action.enum.push("REDIRECT"); // enum value added
      schemas.token_fail_request.required = ["ticket"]; // `reason` no longer required
      schemas.authorization_details_element.properties.actions.items.type = "integer"; // deep, behind two $refs
      schemas.token_create_response.properties.grantType = { $ref: "#/components/schemas/grant_type" }; // now an enum
      const copy = join(dir, "modified.json");
      await writeFile(copy, JSON.stringify(spec));

      const result = await runNode([SCRIPT, "--spec", copy, "--reports", join(dir, "modified")], ROOT);
      expect(result.code).toBe(1);
      const lines = result.stderr.split("\n");
      const line = (text: string) => lines.find((l) => l.includes(text));
      expect(line("TokenRequest.brandNewField: property added")).toBeDefined();
      expect(line("TokenIssueRequest.jwtAtClaims: property removed")).toBeDefined();
      expect(line("NativeSsoRequest.idTokenAudType: property removed")).toBeDefined();
      // Each line says where to look in our files.
      expect(line("TokenResponse.sessionId: type changed (upstream integer, ours string)")).toMatch(
        /; ours at openapi\/components\/schemas\/TokenResponse\.yaml:\d+:\d+$/,
      );
      expect(line('TokenResponse.action: enum value added (upstream "REDIRECT", ours absent)')).toBeDefined();
      expect(line("TokenFailRequest.reason: required changed (upstream optional, ours required)")).toBeDefined();
      expect(line("TokenResponse.authorizationDetails.elements[].actions[]: type changed")).toBeDefined();
      expect(line("stale deviation at #/components/schemas/TokenCreateResponse/properties/grantType")).toBeDefined();
      const report = JSON.parse(await readFile(join(dir, "modified", "authlete-token/upstream.json"), "utf8"));
      expect(report).toMatchObject({ passed: false, counts: { undeclared: 7, stale: 1 } });
      const markdown = await readFile(join(dir, "modified", "authlete-token/upstream.md"), "utf8");
      expect(markdown).toMatch(
        /\| `TokenResponse\.sessionId` \| type-changed \| `integer` \| `string` \| \[`openapi\/components\/schemas\/TokenResponse\.yaml:\d+:\d+`\]\([^)]*\) \|/,
      );
      expect(result.stderr).not.toMatch(/^\s+at /m);
    });

    it("prints a vendor's field names as text: no workflow command, no escape sequence, one line each", async () => {
      const spec = parseYaml(await readFile(VENDOR_SPEC_NEWEST, "utf8")) as Parameters<typeof compareDocuments>[0];
      const hostile = "x\n::error file=openapi.yaml::Injected\u001b[1A\u001b[2K\rmatches";
      spec.components.schemas.token_request.properties[hostile] = { type: "string" };
      const copy = join(dir, "hostile.json");
      await writeFile(copy, JSON.stringify(spec));
      const result = await runInProcess(["--spec", copy, "--reports", join(dir, "hostile")]);
      expect(result.code).toBe(1);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for them is the point
      expect(result.stderr).not.toMatch(/[\u001b\r]/);
      expect(result.stderr).not.toMatch(/^\s*::/m);
      const line = result.stderr.split("\n").find((l) => l.includes("TokenRequest.x"));
      expect(line).toContain(
        "TokenRequest.x\\n::error file=openapi.yaml::Injected\\x1b[1A\\x1b[2K\\rmatches: property added",
      );
    });

    it("refuses a vendor spec over the size cap with the generator's one-line message", async () => {
      const result = await runInProcess(["--spec", VENDOR_SPEC_NEWEST, "--reports", dir, "--max-spec-size", "200KB"]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^✗ .*authlete-api-3\.0\.16-2026-04-19\.yaml is too large: .* over the 200 KB limit/,
      );
      expect(result.stderr.split("\n")).toHaveLength(1);
    });
  },
);

describe("npm run upstream on bad input", () => {
  it("answers usage errors with exit 2", async () => {
    expect((await runInProcess([])).code).toBe(2);
    const unknown = await runInProcess(["--spec", "x.yaml", "--nope"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^upstream: Unknown option '--nope'/);
  });

  it("names a missing file, a Swagger 2.0 document and a remote $ref in one line each", async () => {
    const missing = await runInProcess(["--spec", join(dir, "nope.yaml"), "--reports", dir]);
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringMatching(/^✗ no such file: .*nope\.yaml$/) });

    const swagger = join(dir, "swagger.yaml");
    await writeFile(swagger, 'swagger: "2.0"\ninfo:\n  title: old\n  version: "1"\npaths: {}\n');
    const old = await runInProcess(["--spec", swagger, "--reports", dir]);
    expect(old).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^✗ .*swagger\.yaml:1:1: Swagger 2\.0 is not supported/),
    });

    const remote = join(dir, "remote.yaml");
    await writeFile(
      remote,
      'openapi: 3.0.3\ninfo:\n  title: r\n  version: "1"\npaths: {}\ncomponents:\n  schemas:\n    A:\n      $ref: "https://example.invalid/a.yaml"\n',
    );
    const refused = await runInProcess(["--spec", remote, "--reports", dir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^✗ remote \$ref https:\/\/example\.invalid\/a\.yaml not fetched/);
    expect(refused.stderr.split("\n")).toHaveLength(1);
  });

  it("reports broken YAML at its line and column, without a stack trace", async () => {
    const broken = join(dir, "broken.yaml");
    await writeFile(broken, 'openapi: 3.1.0\ninfo:\n  title: "unterminated\n  version: 1\npaths: {}\n');
    const result = await runNode([SCRIPT, "--spec", broken, "--reports", dir], ROOT);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/^✗ .*broken\.yaml:\d+:\d+: /);
  });
});
