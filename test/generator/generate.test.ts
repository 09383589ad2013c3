import { existsSync } from "node:fs";
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runGenerate, VENDOR_SPEC } from "../helpers/project.js";
import { projectCopies } from "../helpers/project-copies.js";

const OUTPUT = "generated/authlete-token.ts";
const SCHEMAS = "generated/authlete-token.request-schemas.ts";
const PATH_FILE = "openapi/paths/api_{serviceId}_auth_token.yaml";
const project = projectCopies();

/** Every file under `dir`, path → bytes, to prove a failed run changed nothing. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const path = join(entry.parentPath, entry.name);
      files.set(path, (await readFile(path)).toString("base64"));
    }
  }
  return files;
}

describe("npm run generate", () => {
  it("lints the project's spec with 0 problems and reproduces the committed output", async () => {
    const result = await runGenerate(["--check"]);
    expect(result.stderr).not.toMatch(/error|warning/);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("up to date");
  });

  it("writes byte-identical output on every run of the same spec", async () => {
    const dir = await project();
    await rm(join(dir, OUTPUT));
    expect((await runGenerate([], dir)).code).toBe(0);
    const first = await readFile(join(dir, OUTPUT), "utf8");
    await rm(join(dir, OUTPUT));
    expect((await runGenerate([], dir)).code).toBe(0);
    const second = await readFile(join(dir, OUTPUT), "utf8");
    expect(second).toBe(first);
    expect(first).toBe(await readFile(join(ROOT, OUTPUT), "utf8"));
  });

  it("starts the output with a do-not-edit header naming the source, the spec hash and the tools", async () => {
    const text = await readFile(join(ROOT, OUTPUT), "utf8");
    const header = text.slice(0, text.indexOf("*/"));
    expect(header).toContain("Do not edit");
    expect(header).toContain("Source: openapi/openapi.yaml");
    expect(header).toMatch(/Bundled spec SHA-256: [0-9a-f]{64}/);
    expect(header).toMatch(/openapi-typescript 7\.13\.\d+/);
    expect(header).toMatch(/@redocly\/openapi-core \d+\.\d+\.\d+/);
    expect(header).toMatch(/typescript 5\.9\.\d+/);
  });

  it("stops on a lint error, names file, line and rule, and leaves every output byte-identical", async () => {
    const dir = await project();
    const pathFile = join(dir, PATH_FILE);
    const broken = (await readFile(pathFile, "utf8")).replace("operationId: authTokenApi", "operationId: auth token");
    await writeFile(pathFile, broken);
    const before = await snapshot(join(dir, "generated"));
    const result = await runGenerate([], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /openapi\/paths\/api_\{serviceId\}_auth_token\.yaml:2:\d+ error operation-operationId-url-safe /,
    );
    expect(await snapshot(join(dir, "generated"))).toEqual(before);
  });

  it("reports an example that breaks its schema at the example's line", async () => {
    const dir = await project();
    const file = join(dir, "openapi/components/schemas/TokenRequest.yaml");
    const lines = (await readFile(file, "utf8")).split("\n");
    const index = lines.findIndex((line) => line.trim() === "- 3600");
    lines[index] = lines[index]?.replace("3600", '"one hour"') ?? "";
    await writeFile(file, lines.join("\n"));
    const result = await runGenerate([], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`TokenRequest.yaml:${index + 1}:`);
    expect(result.stderr).toContain("no-invalid-schema-examples");
  });

  it("fails cleanly with the file named when the YAML does not parse", async () => {
    const dir = await project();
    await writeFile(join(dir, "openapi/components/schemas/Result.yaml"), "type: object\n  bad: [indent\n");
    const before = await snapshot(join(dir, "generated"));
    const result = await runGenerate([], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Result.yaml");
    expect(result.stderr).not.toMatch(/^\s+at /m); // a message, not a stack trace
    expect(await snapshot(join(dir, "generated"))).toEqual(before);
  });
});

describe("npm run generate -- --check", () => {
  it("fails with exit 1 and names the file after the spec changed", async () => {
    const dir = await project();
    const file = join(dir, "openapi/components/schemas/Result.yaml");
    await writeFile(file, (await readFile(file, "utf8")).replace("A short human-readable", "A short"));
    const before = await snapshot(join(dir, "generated"));
    const result = await runGenerate(["--check"], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(OUTPUT);
    expect(await snapshot(join(dir, "generated"))).toEqual(before); // --check never writes
  });

  it("catches a hand edit of a generated file", async () => {
    const dir = await project();
    const file = join(dir, OUTPUT);
    await writeFile(file, `${await readFile(file, "utf8")}\n// tweak\n`);
    const result = await runGenerate(["--check"], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(OUTPUT);
  });

  it("writes the fake's request schemas with the types, and --check catches them stale", async () => {
    const dir = await project();
    const file = join(dir, SCHEMAS);
    const committed = await readFile(file, "utf8");
    await writeFile(file, committed.replace('"minLength":1', '"minLength":2'));
    const check = await runGenerate(["--check"], dir);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain(`${SCHEMAS} (differs from what the spec generates)`);
    const run = await runGenerate([], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`✓ authlete-token: ${SCHEMAS}\n`);
    expect(await readFile(file, "utf8")).toBe(committed);
  });

  it("treats a missing output as a failure, not a crash", async () => {
    const dir = await project();
    await rm(join(dir, OUTPUT));
    const result = await runGenerate(["--check"], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${OUTPUT} (missing)`);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });

  it("checks every API of the config, naming each stale one", async () => {
    const dir = await project();
    const config = await readFile(join(dir, "redocly.yaml"), "utf8");
    await writeFile(
      join(dir, "redocly.yaml"),
      `${config}  second:\n    root: openapi/openapi.yaml\n    x-openapi-ts:\n      output: generated/second.ts\n`,
    );
    const result = await runGenerate(["--check"], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("generated/second.ts (missing)");
    expect(result.stderr).not.toContain(`${OUTPUT} (`);
    expect((await runGenerate([], dir)).code).toBe(0);
    expect((await runGenerate(["--check"], dir)).code).toBe(0);
  });
});

describe("command line", () => {
  it("exits 2 with a one-line message and the usage on an unknown flag", async () => {
    const result = await runGenerate(["--frobnicate"]);
    expect(result.code).toBe(2);
    expect(result.stderr.split("\n")[0]).toMatch(/^generate: .*--frobnicate/);
    expect(result.stderr).toContain("Usage:");
  });

  it("exits 2 when the config does not exist", async () => {
    const result = await runGenerate(["--config", "no/such/redocly.yaml"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("config file not found: no/such/redocly.yaml");
  });

  it("resolves paths in --config relative to the config file, from any directory", async () => {
    const dir = await project();
    await rm(join(dir, OUTPUT));
    const result = await runGenerate(["--config", join(dir, "redocly.yaml")], ROOT);
    expect(result.code).toBe(0);
    expect(existsSync(join(dir, OUTPUT))).toBe(true);
  });
});

describe.skipIf(!existsSync(VENDOR_SPEC))("a vendor-size spec (Authlete's whole API)", () => {
  it("generates types for all of it in one run", async () => {
    const dir = await project();
    await writeFile(
      join(dir, "vendor.yaml"),
      `extends:\n  - minimal\napis:\n  authlete:\n    root: ${VENDOR_SPEC}\n    x-openapi-ts:\n      output: out/authlete.ts\n      rootTypes: true\n      rootTypesNoSchemaPrefix: true\n`,
    );
    const result = await runGenerate(["--config", join(dir, "vendor.yaml")], dir);
    expect(result.code).toBe(0);
    const code = await readFile(join(dir, "out/authlete.ts"), "utf8");
    expect(code).toContain('"/api/{serviceId}/auth/token"');
    expect(code).toContain("export type TokenResponse = components['schemas']['token_response'];");
  });
});
if (!existsSync(VENDOR_SPEC)) console.warn(`skipping vendor-spec tests: ${VENDOR_SPEC} is absent`);
