// upstream.md and the drift lines quote the vendor's spec: they must stay text in a job summary.
import { describe, expect, it } from "vitest";
import { renderUpstreamMarkdown, type UpstreamReport } from "../../scripts/lib/reports/upstream.js";

const HOSTILE_FIELD = "TokenRequest.x`<img src=x onerror=alert(1)>`\r### ✅ matches\r<!--";

function report(field: string): UpstreamReport {
  return {
    api: "authlete-token",
    spec: "vendor.yaml",
    revision: "1.0.0",
    root: "openapi/openapi.yaml",
    operations: [],
    findings: [
      {
        kind: "property-added",
        field,
        operations: ["POST /auth/token"],
        upstream: { pointer: "#/a", value: '"str`ing"\r<b>', source: "vendor.yaml:1:1" },
        ours: { pointer: "#/b", value: "absent", source: "openapi/x.yaml:2:3" },
        declared: false,
      },
      {
        kind: "type-changed",
        field: "TokenRequest.later",
        operations: ["POST /auth/token"],
        upstream: { pointer: "#/c", value: "string" },
        ours: { pointer: "#/d", value: "integer" },
        declared: false,
      },
    ],
    declarations: [],
    stale: [],
    notCompared: [],
    counts: { undeclared: 2, declared: 0, stale: 0, notCompared: 0 },
    passed: false,
  };
}

describe("upstream.md", () => {
  it("keeps a vendor's backtick, CR and HTML inside its cell: no heading, no raw HTML, no hidden rows", () => {
    const md = renderUpstreamMarkdown(report(HOSTILE_FIELD));
    expect(md).not.toContain("\r");
    const lines = md.split("\n");
    expect(lines.filter((line) => line.startsWith("#"))).toEqual(["### Upstream drift: authlete-token"]);
    const rows = lines.filter((line) => line.startsWith("| "));
    // The header row and one row per finding: the later finding is still its own row.
    expect(rows).toHaveLength(3);
    expect(rows[2]).toMatch(/^\| `TokenRequest\.later` \|/);
    const row = rows[1] ?? "";
    // The field is one code span, fenced past its backticks: its HTML is shown, not rendered.
    expect(row.startsWith("| ``TokenRequest.x`<img src=x onerror=alert(1)>` ### ✅ matches <!--`` | ")).toBe(true);
    expect(row).toContain('| ``"str`ing" <b>`` |');
    // Five cells, so six unescaped pipes.
    expect(row.replace(/\\\|/g, "").match(/\|/g)).toHaveLength(6);
  });
});
