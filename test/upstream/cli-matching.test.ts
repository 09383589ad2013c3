import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseYaml } from "@redocly/openapi-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { compareDocuments } from "../../scripts/lib/upstream/compare.js";
import { VENDOR_SPEC } from "../helpers/project.js";
import { runUpstreamInProcess as runInProcess } from "../helpers/upstream-cli.js";

// `npm run upstream` end to end on what the issue of exactness is about: how operations are
// matched, declarations that could not be checked, links and shared schemas in the reports.

type Doc = Parameters<typeof compareDocuments>[0];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "authlete-upstream-matching-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function readReport(reports: string) {
  return JSON.parse(await readFile(join(reports, "authlete-token/upstream.json"), "utf8"));
}

describe.skipIf(!existsSync(VENDOR_SPEC))("npm run upstream against Authlete's spec and a 2.x-style copy", () => {
  it("compares the three operations of a 2.x-style description (no {serviceId}) as it does the 3.x one", async () => {
    const original = await runInProcess(["--spec", VENDOR_SPEC, "--reports", join(dir, "original")]);
    const spec = parseYaml(await readFile(VENDOR_SPEC, "utf8")) as Doc;
    spec.paths = Object.fromEntries(
      Object.entries(spec.paths).map(([path, item]) => [path.replace("/api/{serviceId}/", "/api/"), item]),
    );
    const copy = join(dir, "two-x.json");
    await writeFile(copy, JSON.stringify(spec));
    const twoX = await runInProcess(["--spec", copy, "--reports", join(dir, "two-x")]);
    expect(twoX.code).toBe(original.code);
    expect(twoX.stdout).toContain(
      "POST /api/{serviceId}/auth/token: matched POST /api/auth/token by Authlete's 2.x path form (no {serviceId})",
    );
    const before = await readReport(join(dir, "original"));
    const after = await readReport(join(dir, "two-x"));
    expect(before.operations.every((o: { matchedBy: string }) => o.matchedBy === "path")).toBe(true);
    expect(after.operations.length).toBe(before.operations.length);
    expect(after.operations).toContainEqual({
      operation: "POST /api/{serviceId}/auth/token/issue",
      upstream: "POST /api/auth/token/issue",
      matchedBy: "prefix",
    });
    expect(after.operations.every((o: { matchedBy: string }) => o.matchedBy === "prefix")).toBe(true);
    // The same differences, declarations and verdict: nothing missing, nothing called stale.
    const shape = (report: { findings: { kind: string; field: string; declared: boolean }[] }) =>
      report.findings.map((f) => `${f.kind} ${f.field} ${f.declared}`);
    expect(shape(after)).toEqual(shape(before));
    expect(after.stale).toEqual(before.stale);
    expect(after.counts).toEqual(before.counts);
    expect(after.revision).toBe("3.0.16");

    // TokenInfo is both subjectTokenInfo and actorTokenInfo: its differences name both places.
    expect(after.findings).toContainEqual(
      expect.objectContaining({
        field: "TokenResponse.subjectTokenInfo.scopes[]",
        alsoAt: ["TokenResponse.actorTokenInfo.scopes[]"],
      }),
    );
    // upstream.md says how operations were matched and links each row to the field in our spec.
    const markdown = await readFile(join(dir, "two-x", "authlete-token/upstream.md"), "utf8");
    expect(markdown).toContain(
      "matched by Authlete's 2.x path form (no {serviceId}): `POST /api/{serviceId}/auth/token` (as `POST /api/auth/token`)",
    );
    expect(markdown).toMatch(
      /\| `TokenResponse\.subjectTokenInfo\.scopes\[\]` \(also `TokenResponse\.actorTokenInfo\.scopes\[\]`\) \|.*\| \[`openapi\/components\/schemas\/TokenInfo\.yaml:(\d+):\d+`\]\([^)]*\/openapi\/components\/schemas\/TokenInfo\.yaml#L\1\) \|$/m,
    );
  }, 180_000); // two runs on Authlete's whole spec: slow on a loaded machine
});

describe("npm run upstream on a body it cannot compare", () => {
  it("calls a declaration on a request described upstream only as a form not checked, not stale", async () => {
    const project = join(dir, "form-only");
    await mkdir(join(project, "spec"), { recursive: true });
    await writeFile(join(project, "redocly.yaml"), "apis:\n  authlete-token:\n    root: spec/openapi.yaml\n");
    const operation = (content: string) => `openapi: 3.1.0
info: { title: t, version: "1.0.0" }
paths:
  /api/{serviceId}/thing:
    post:
      requestBody:
        content:
${content}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Answer" }
components:
  schemas:
    Answer:
      type: object
      properties:
        ticket:
          type: string
          x-authlete-deviation:
            - { kind: nullable-changed, upstream: non-null, reason: null when absent }
`;
    await writeFile(
      join(project, "spec", "openapi.yaml"),
      `${operation(`          application/json:
            schema:
              type: object
              properties:
                properties:
                  type: array
                  items: { type: string }
                  x-authlete-deviation:
                    - { kind: type-changed, upstream: string, reason: the API takes an array }`)}`,
    );
    const vendor = join(project, "vendor.yaml");
    await writeFile(
      vendor,
      operation(`          application/x-www-form-urlencoded:
            schema: { type: object, properties: { properties: { type: string } } }`),
    );
    const result = await runInProcess([
      "--spec",
      vendor,
      "--config",
      join(project, "redocly.yaml"),
      "--reports",
      join(project, "reports"),
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("POST /api/{serviceId}/thing request application/json: media type missing");
    // The response was compared and equals upstream: that declaration is stale. The request's was
    // not compared: it is not checked.
    expect(result.stderr).toMatch(/stale deviation at #\/components\/schemas\/Answer\/properties\/ticket/);
    expect(result.stderr).not.toMatch(/stale deviation at #\/paths/);
    expect(result.stdout).toMatch(
      /\? authlete-token: deviation at #\/paths\/.*\/properties\/properties: type-changed, upstream "string" \(spec\/openapi\.yaml:\d+:\d+\) not checked/,
    );
    expect(result.stderr).toContain(", 1 stale, 1 not checked,");
    const report = await readReport(join(project, "reports"));
    expect(report.counts).toEqual({ undeclared: 1, declared: 0, stale: 1, notCompared: 1 });
    expect(report.notCompared).toEqual([expect.objectContaining({ kind: "type-changed", upstream: "string" })]);
  });
});
