import { describe, expect, it } from "vitest";
import { toEntries } from "../../scripts/lib/reports/upstream.js";
import { compareDocuments } from "../../scripts/lib/upstream/compare.js";
import { applyDeclarations, collectDeclarations } from "../../scripts/lib/upstream/declarations.js";

type Schema = Record<string, unknown>;
/** A bundled document, as the comparer takes it. */
type Doc = Parameters<typeof compareDocuments>[0];

/** A one-operation document whose request and 200 response are `request` and `response`. */
function documentWith(request: Schema, response: Schema, extra: Record<string, Schema> = {}): Doc {
  return {
    openapi: "3.1.0",
    info: { title: "t", version: "1" },
    paths: {
      "/api/{serviceId}/thing": {
        post: {
          requestBody: { content: { "application/json": { schema: request } } },
          responses: { "200": { content: { "application/json": { schema: response } } } },
        },
      },
    },
    components: { schemas: extra },
  };
}

/** Compares and applies the declarations of `ours`, as `npm run upstream` does. */
function compare(upstream: Doc, ours: Doc) {
  const { findings, compared } = compareDocuments(upstream, ours);
  const { judged, stale, notCompared } = applyDeclarations(findings, collectDeclarations(ours), compared);
  const entries = toEntries(judged);
  return {
    entries,
    stale,
    notCompared,
    undeclared: entries.filter((e) => !e.declared).map((e) => `${e.field} ${e.kind}`),
  };
}

const object = (properties: Record<string, Schema>, required?: string[]): Schema => ({
  type: "object",
  properties,
  ...(required ? { required } : {}),
});

describe("upstream comparer", () => {
  it("finds nothing between identical schemas that only differ in documentation and refinements", () => {
    const up = documentWith(object({ a: { type: "string", description: "x", example: "1" } }), object({}));
    const ours = documentWith(
      object({ a: { type: "string", description: "y", title: "A", examples: ["2"], minLength: 1, format: "uri" } }),
      object({}),
    );
    expect(compare(up, ours).entries).toEqual([]);
  });

  it("treats OpenAPI 3.0 nullable, a 3.1 type array and a oneOf with null as the same type", () => {
    const b = { B: object({ c: { type: "integer" } }) };
    const up = documentWith(
      object({
        a: { type: "string", nullable: true },
        b: { nullable: true, allOf: [{ $ref: "#/components/schemas/B" }] },
      }),
      {},
      b,
    );
    const ours = documentWith(
      object({ a: { type: ["string", "null"] }, b: { oneOf: [{ $ref: "#/components/schemas/B" }, { type: "null" }] } }),
      {},
      b,
    );
    expect(compare(up, ours).entries).toEqual([]);
    ours.paths["/api/{serviceId}/thing"].post.requestBody.content["application/json"].schema.properties.a = {
      type: "string",
    };
    expect(compare(up, ours).entries).toMatchObject([
      { kind: "nullable-changed", upstream: { value: "nullable" }, ours: { value: "non-null" } },
    ]);
  });

  it("names each added, removed and retyped property, enum value and required change", () => {
    const up = documentWith(
      object(
        {
          kept: { type: "string" },
          added: { type: "boolean" },
          retyped: { type: "integer" },
          mode: { type: "string", enum: ["A", "B", "C"] },
        },
        ["kept"],
      ),
      object({}),
    );
    const ours = documentWith(
      object({
        kept: { type: "string" },
        removed: { type: "string" },
        retyped: { type: "string" },
        mode: { type: "string", enum: ["A", "B", "D"] },
      }),
      object({}),
    );
    const { undeclared } = compare(up, ours);
    const fields = undeclared.map((u) => u.replace(/^[^.]+\./, ""));
    expect(fields).toEqual(
      expect.arrayContaining([
        "kept required-changed",
        "removed property-removed",
        "added property-added",
        "retyped type-changed",
        "mode enum-value-added",
        "mode enum-value-removed",
      ]),
    );
  });

  it("follows $refs on both sides to a change three levels down", () => {
    const level = (leafType: string) => ({
      Outer: object({ middle: { $ref: "#/components/schemas/Middle" } }),
      Middle: object({ items: { type: "array", items: { $ref: "#/components/schemas/Inner" } } }),
      Inner: object({ leaf: { type: leafType } }),
    });
    const up = documentWith({ $ref: "#/components/schemas/Outer" }, {}, level("integer"));
    const ours = documentWith({ $ref: "#/components/schemas/Outer" }, {}, level("string"));
    const { entries } = compare(up, ours);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      kind: "type-changed",
      field: "Outer.middle.items[].leaf",
      upstream: { pointer: "#/components/schemas/Inner/properties/leaf", value: "integer" },
      ours: { pointer: "#/components/schemas/Inner/properties/leaf", value: "string" },
      declared: false,
    });
  });

  it("ends on recursive schemas and merges allOf members", () => {
    const node = (extra: Record<string, Schema>) => ({
      Node: {
        allOf: [object({ children: { type: "array", items: { $ref: "#/components/schemas/Node" } } }), object(extra)],
      },
    });
    const up = documentWith({ $ref: "#/components/schemas/Node" }, {}, node({ name: { type: "string" } }));
    const ours = documentWith({ $ref: "#/components/schemas/Node" }, {}, node({ label: { type: "string" } }));
    expect(compare(up, ours).undeclared.sort()).toEqual(["Node.label property-removed", "Node.name property-added"]);
  });

  it("compares oneOf branches in order, map values, and reports a different number of branches", () => {
    const up = documentWith(
      object({
        either: { oneOf: [{ type: "string" }, object({ n: { type: "integer" } })] },
        labels: { type: "object", additionalProperties: { type: "string" } },
        choice: { anyOf: [{ type: "string" }, { type: "integer" }] },
      }),
      {},
    );
    const ours = documentWith(
      object({
        either: { oneOf: [{ type: "string" }, object({ n: { type: "number" } })] },
        labels: { type: "object", additionalProperties: { type: "integer" } },
        choice: { anyOf: [{ type: "string" }, { type: "integer" }, { type: "boolean" }] },
      }),
      {},
    );
    expect(
      compare(up, ours).entries.map((e) => [e.field.replace(/^[^.]+\./, ""), e.kind, e.upstream.value, e.ours.value]),
    ).toEqual([
      ["either(oneOf 1).n", "type-changed", "integer", "number"],
      ["labels{}", "type-changed", "string", "integer"],
      ["choice", "variants-changed", "anyOf of 2", "anyOf of 3"],
    ]);
  });

  it("ignores upstream operations the fragment does not describe, and reports ours that upstream lacks", () => {
    const up = documentWith(object({}), object({}));
    up.paths["/api/{serviceId}/other"] = up.paths["/api/{serviceId}/thing"];
    const ours = documentWith(object({}), object({}));
    // The same path with another parameter name is the same operation.
    ours.paths["/api/{id}/thing"] = ours.paths["/api/{serviceId}/thing"];
    delete ours.paths["/api/{serviceId}/thing"];
    expect(compare(up, ours).entries).toEqual([]);
    ours.paths["/api/{id}/gone"] = ours.paths["/api/{id}/thing"];
    expect(compare(up, ours).undeclared).toEqual(["POST /api/{id}/gone operation-missing"]);
  });

  it("accepts a declared deviation, and turns it stale once upstream agrees or drift again once upstream changes", () => {
    const declared = {
      type: "array",
      items: { type: "string" },
      "x-authlete-deviation": [{ kind: "type-changed", upstream: "string", reason: "the wire format is an array" }],
    };
    const ours = documentWith(object({ properties: declared }), {});
    const declaredRun = compare(documentWith(object({ properties: { type: "string" } }), {}), ours);
    expect(declaredRun.undeclared).toEqual([]);
    expect(declaredRun.entries[0]).toMatchObject({ declared: true, reason: "the wire format is an array" });
    expect(declaredRun.stale).toEqual([]);

    const agrees = compare(
      documentWith(object({ properties: { type: "array", items: { type: "string" } } }), {}),
      ours,
    );
    expect(agrees.entries).toEqual([]);
    expect(agrees.stale).toMatchObject([
      { kind: "type-changed", pointer: expect.stringContaining("/properties/properties") },
    ]);

    const changedAgain = compare(documentWith(object({ properties: { type: "integer" } }), {}), ours);
    expect(changedAgain.undeclared).toEqual(["POST /api/{serviceId}/thing request.properties type-changed"]);
    expect(changedAgain.stale).toHaveLength(1);
  });

  it("lets an object declare a kind for every property, and refuses a malformed declaration", () => {
    const ours = documentWith(
      {},
      {
        ...object({ a: { type: ["string", "null"] }, b: { type: ["integer", "null"] } }),
        "x-authlete-deviation": {
          kind: "nullable-changed",
          property: "*",
          upstream: "non-null",
          reason: "null when absent",
        },
      },
    );
    const up = documentWith({}, object({ a: { type: "string" }, b: { type: "integer", enum: [1, 2] } }));
    expect(compare(up, ours).undeclared).toEqual(["POST /api/{serviceId}/thing response 200.b enum-changed"]);
    const broken = documentWith(
      {},
      { type: "object", "x-authlete-deviation": [{ kind: "renamed", upstream: "x", reason: "y" }] },
    );
    expect(() => collectDeclarations(broken)).toThrow(/x-authlete-deviation\/0: kind must be one of/);
  });
});
