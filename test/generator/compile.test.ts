// The types stage on openapi-typescript's public API (scripts/lib/compile/typescript.js).
import { describe, expect, it } from "vitest";
import { compileTypeScript } from "../../scripts/lib/compile/typescript.js";

/** A spec with one enum schema named `name`, whose members are the same in every such spec. */
function specWithEnum(name: string): Record<string, unknown> {
  return {
    openapi: "3.0.3",
    info: { title: name, version: "1" },
    paths: {},
    components: { schemas: { [name]: { type: "string", enum: ["red", "green"] } } },
  };
}

describe("compileTypeScript", () => {
  it("gives an API compiled with dedupeEnums its own enums, not those of an API compiled before it in the same process", async () => {
    const first = await compileTypeScript(specWithEnum("Colour"), { enum: true, dedupeEnums: true });
    const second = await compileTypeScript(specWithEnum("Shade"), { enum: true, dedupeEnums: true });
    expect(first).toContain("export enum Colour");
    // openapi-typescript's enum cache lives as long as its module: in one module, Shade would be Colour.
    expect(second).toContain("export enum Shade");
    expect(second).not.toContain("Colour");
  });

  it("reports an error of openapi-typescript from the worker as a failure of the API", async () => {
    const broken = { openapi: "2.0", info: { title: "x", version: "1" }, paths: {} };
    await expect(compileTypeScript(broken, { dedupeEnums: true })).rejects.toThrow(/Unsupported OpenAPI version/);
    await expect(compileTypeScript(broken, {})).rejects.toThrow(/Unsupported OpenAPI version/);
  });
});
