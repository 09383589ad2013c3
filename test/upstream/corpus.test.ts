import { readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseYaml } from "@redocly/openapi-core";
import { describe, expect, it } from "vitest";
import { toEntries } from "../../scripts/lib/reports/upstream.js";
import { compareDocuments } from "../../scripts/lib/upstream/compare.js";
import { applyDeclarations, collectDeclarations } from "../../scripts/lib/upstream/declarations.js";

// Each folder of corpus/ is one small revision of a vendor spec (upstream.yaml), our side of it
// (ours.yaml) and exactly what the comparison must say (expected.yaml): the findings, and where
// given, how each operation was matched and which declarations are stale or were not checked.
const CORPUS = join(import.meta.dirname, "corpus");

type Doc = Parameters<typeof compareDocuments>[0];
interface Expected {
  findings: string[];
  operations?: string[];
  stale?: string[];
  notCompared?: string[];
}

async function load(file: string) {
  return parseYaml(await readFile(file, "utf8")) as unknown;
}

/** What the comparison says, one line per item, as expected.yaml writes it. */
async function run(name: string) {
  const upstream = (await load(join(CORPUS, name, "upstream.yaml"))) as Doc;
  const ours = (await load(join(CORPUS, name, "ours.yaml"))) as Doc;
  const { findings, operations, compared } = compareDocuments(upstream, ours);
  const { judged, stale, notCompared } = applyDeclarations(findings, collectDeclarations(ours), compared);
  return {
    findings: toEntries(judged).map(
      (e) =>
        `${e.field} ${e.kind}: ${e.upstream.value} → ${e.ours.value}${e.alsoAt ? ` (also ${e.alsoAt.join(", ")})` : ""}${e.declared ? " (declared)" : ""}`,
    ),
    operations: operations.map((o) => `${o.operation} → ${o.upstream ? `${o.upstream} by ${o.matchedBy}` : "none"}`),
    stale: stale.map((d) => `${d.pointer} ${d.kind}`),
    notCompared: notCompared.map((d) => `${d.pointer} ${d.kind}`),
  };
}

const cases = readdirSync(CORPUS, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe("upstream corpus: each small revision gives exactly the findings expected", () => {
  it("has a case for every behaviour it documents", () => {
    expect(cases).toEqual([
      "allof-nullable",
      "basics",
      "cycles",
      "form-only",
      "missing-items",
      "operation-id",
      "prefix-2x",
      "shared-schema",
      "single-branch",
      "union-types",
    ]);
  });

  it.each(cases)("%s", async (name) => {
    const expected = (await load(join(CORPUS, name, "expected.yaml"))) as Expected;
    const actual = await run(name);
    expect(actual.findings).toEqual(expected.findings);
    if (expected.operations) expect(actual.operations).toEqual(expected.operations);
    if (expected.stale) expect(actual.stale).toEqual(expected.stale);
    if (expected.notCompared) expect(actual.notCompared).toEqual(expected.notCompared);
  });
});
