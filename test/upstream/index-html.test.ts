import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderIndexHtml } from "../../scripts/lib/reports/index-html.js";
import { readUpstreamSummary } from "../../scripts/lib/reports/upstream.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "authlete-upstream-index-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const lint = {
  api: "authlete-token",
  dir: "authlete-token",
  root: "openapi/openapi.yaml",
  findings: [],
  counts: { error: 0, warn: 0 },
  passed: true,
  failure: undefined,
  verdict: "✓ authlete-token: lint passed, no problems",
};

/** The Upstream cell of the index for one API, as text without tags. */
function upstreamCell(html: string) {
  const row = html.slice(html.indexOf('<tr data-api="authlete-token">'));
  const cells = [...row.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((m) => m[1] ?? "");
  return cells[2] ?? "";
}

describe("reports/index.html: the upstream verdict", () => {
  it("shows undeclared, stale and declared counts against the file and revision compared", async () => {
    await writeFile(
      join(dir, "upstream.json"),
      JSON.stringify({
        api: "authlete-token",
        spec: "../shared/specs/authlete-api-3.0.16-2026-04-19.yaml",
        revision: "3.0.16",
        passed: false,
        counts: { undeclared: 2, declared: 97, stale: 1, notCompared: 0 },
      }),
    );
    const upstream = await readUpstreamSummary(dir);
    const html = renderIndexHtml([
      { lint, diff: undefined, files: ["upstream.md"], notes: [], ...(upstream ? { upstream } : {}) },
    ]);
    expect(html).toContain("<th>Upstream</th>");
    const cell = upstreamCell(html);
    expect(cell).toContain('data-upstream-verdict="failed"');
    expect(cell).toContain("✗ 2 undeclared, 1 stale, 97 declared");
    expect(cell).toContain("against ../shared/specs/authlete-api-3.0.16-2026-04-19.yaml (revision 3.0.16)");
  });

  it("says when upstream was not run, and when its report cannot be read, escaping what it shows", async () => {
    const empty = await mkdtemp(join(dir, "none-"));
    expect(await readUpstreamSummary(empty)).toBeUndefined();
    expect(upstreamCell(renderIndexHtml([{ lint, diff: undefined, files: [], notes: [] }]))).toContain("not run");

    await writeFile(join(empty, "upstream.json"), "{ not json");
    const broken = await readUpstreamSummary(empty);
    expect(broken).toEqual({ error: "upstream.json is not valid JSON" });

    await writeFile(
      join(empty, "upstream.json"),
      JSON.stringify({ spec: "<img src=x>.yaml", passed: true, counts: { undeclared: 0, declared: 1, stale: 0 } }),
    );
    const summary = await readUpstreamSummary(empty);
    const cell = upstreamCell(
      renderIndexHtml([{ lint, diff: undefined, files: [], notes: [], ...(summary ? { upstream: summary } : {}) }]),
    );
    expect(cell).toContain("✓ 0 undeclared, 0 stale, 1 declared");
    expect(cell).toContain("against &lt;img src=x&gt;.yaml");
    expect(cell).not.toContain("<img");
  });
});
