import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringifyYaml } from "@redocly/openapi-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../../scripts/lib/cli/upstream.js";
import { compareDocuments } from "../../scripts/lib/upstream/compare.js";

type Doc = Parameters<typeof compareDocuments>[0];

/**
 * A vendor spec whose schema S0 is `allOf: [S1, S1]`, S1 is `allOf: [S2, S2]`, and so on: read
 * naively, S0 stands for 2^depth schemas, in a file of a few kilobytes.
 */
function doublingSpec(depth: number, leafType: string): Doc {
  const schemas: Record<string, unknown> = {};
  for (let i = 0; i < depth; i++) {
    const next = { $ref: `#/components/schemas/S${i + 1}` };
    schemas[`S${i}`] = { allOf: [next, next] };
  }
  schemas[`S${depth}`] = { type: "object", properties: { leaf: { type: leafType } } };
  return {
    openapi: "3.0.3",
    info: { title: "hostile", version: "1" },
    paths: {
      "/api/{serviceId}/auth/token": {
        post: {
          requestBody: { content: { "application/json": { schema: { $ref: "#/components/schemas/S0" } } } },
          responses: { "200": { description: "ok" } },
        },
      },
    },
    components: { schemas },
  };
}

/**
 * The document behind a proxy that counts every property read and gives up past `budget`: the
 * work of a comparison, measured without a clock.
 */
function counted(document: Doc, budget: number) {
  const reads = { count: 0 };
  const wrappers = new WeakMap<object, object>();
  const wrap = (value: unknown): unknown => {
    if (value === null || typeof value !== "object") return value;
    const known = wrappers.get(value);
    if (known) return known;
    const proxy = new Proxy(value, {
      get(target, key, receiver) {
        if (++reads.count > budget) throw new Error(`more than ${budget} reads`);
        return wrap(Reflect.get(target, key, receiver));
      },
    });
    wrappers.set(value, proxy);
    return proxy;
  };
  return { document: wrap(document) as Doc, reads };
}

describe("upstream on hostile schemas", () => {
  it.each([24, 48])("reads an allOf doubling %i levels deep a number of times linear in its size", (depth) => {
    // Twice the depth would already be generous for a linear walk; 2^24 reads is the naive one.
    const budget = 400 * (depth + 1);
    const { document, reads } = counted(doublingSpec(depth, "integer"), budget);
    const { findings } = compareDocuments(document, doublingSpec(depth, "string"));
    expect(findings.map((f) => `${f.field} ${f.kind} ${f.upstream.value} ${f.ours.value}`)).toEqual([
      "S0.leaf type-changed integer string",
    ]);
    expect(reads.count).toBeLessThanOrEqual(budget);
  });

  it("ends cyclic allOf and oneOf chains 1500 schemas long without exhausting the stack", () => {
    // A ring of 1500 schemas, each the allOf of the next (and a property of its own), and a ring
    // of 1500 unions, each a oneOf of the next and an object: a recursive walk never ends.
    const size = 1500;
    const rings = (leafType: string): Doc => {
      const schemas: Record<string, unknown> = {};
      for (let i = 0; i < size; i++) {
        const next = (ring: string) => ({ $ref: `#/components/schemas/${ring}${(i + 1) % size}` });
        const own = { type: "object", properties: { [`p${i}`]: { type: i === 0 ? leafType : "string" } } };
        schemas[`R${i}`] = { allOf: [next("R"), own] };
        schemas[`Q${i}`] = { oneOf: [next("Q"), own] };
      }
      (schemas.R0 as Record<string, unknown>).properties = { either: { $ref: "#/components/schemas/Q0" } };
      const document = doublingSpec(0, "string");
      document.paths["/api/{serviceId}/auth/token"].post.requestBody.content["application/json"].schema = {
        $ref: "#/components/schemas/R0",
      };
      document.components.schemas = schemas;
      return document;
    };
    const { findings } = compareDocuments(rings("integer"), rings("boolean"));
    expect(new Set(findings.map((f) => `${f.kind} ${f.upstream.value} ${f.ours.value}`))).toEqual(
      new Set(["type-changed integer boolean"]),
    );
    const paths = findings.flatMap((f) => [f.field, ...f.alsoAt]);
    expect(paths).toContain("R0.p0");
    expect(paths).toContain("R0.either(oneOf 1).p0");
  });
});

describe("npm run upstream on a hostile vendor spec", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "authlete-upstream-hostile-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("finishes on the 5 KB allOf doubling 48 levels deep and reports what differs", async () => {
    const spec = join(dir, "hostile.yaml");
    const text = stringifyYaml(doublingSpec(48, "string"));
    expect(text.length).toBeLessThan(8 * 1024);
    await writeFile(spec, text);
    const errors: string[] = [];
    const error = vi.spyOn(console, "error").mockImplementation((...parts: unknown[]) => {
      errors.push(parts.join(" "));
    });
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    try {
      const code = await main(["--spec", spec, "--reports", dir]);
      expect(code).toBe(1);
    } finally {
      error.mockRestore();
      log.mockRestore();
    }
    // Our TokenRequest against `{ leaf }`: its properties are missing upstream, and the other two
    // operations are not there at all.
    expect(errors.find((e) => e.includes("TokenRequest.parameters: property removed"))).toBeDefined();
    expect(errors.find((e) => e.includes("POST /api/{serviceId}/auth/token/issue: operation missing"))).toBeDefined();
  }, 180_000); // bundles our whole spec: slow on a loaded machine; the naive walk never ended
});
