import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TYPESCRIPT_OPTIONS } from "../../scripts/lib/config/load.js";
import { ROOT, runGenerate } from "../helpers/project.js";
import { projectCopies } from "../helpers/project-copies.js";

const OUTPUT = "generated/authlete-token.ts";
const project = projectCopies();

/** Adds `lines` (YAML, already indented for `x-openapi-ts:`) under the project's API's options. */
async function withOptions(dir: string, lines: string) {
  const file = join(dir, "redocly.yaml");
  const config = await readFile(file, "utf8");
  const anchor = "      output: generated/authlete-token.ts\n";
  expect(config).toContain(anchor);
  await writeFile(file, config.replace(anchor, `${anchor}${lines}`));
}

describe("openapi-typescript options under apis.<name>.x-openapi-ts", () => {
  it("states the project's choices in redocly.yaml, so the committed output is what they generate", async () => {
    const config = await readFile(join(ROOT, "redocly.yaml"), "utf8");
    expect(config).toMatch(/^ {6}rootTypes: true/m);
    expect(config).toMatch(/^ {6}rootTypesNoSchemaPrefix: true/m);
    expect(config).toMatch(/^ {6}defaultNonNullable: false/m);
    const code = await readFile(join(ROOT, OUTPUT), "utf8");
    expect(code).toContain("export type TokenRequest = components['schemas']['TokenRequest'];");
  });

  it("documents every accepted key in the configuration and migration pages", async () => {
    const configuration = await readFile(join(ROOT, "docs/configuration.md"), "utf8");
    const migration = await readFile(join(ROOT, "docs/migration.md"), "utf8");
    for (const key of Object.keys(TYPESCRIPT_OPTIONS)) {
      expect(configuration).toContain(`| \`${key}\``);
      expect(migration).toContain(`\`${key}:`);
    }
  });

  it("refuses an unknown key with exit 2, naming the API, the key and every accepted key", async () => {
    const dir = await project();
    const before = await readFile(join(dir, OUTPUT), "utf8");
    await withOptions(dir, "      alphabetise: true\n");
    const result = await runGenerate([], dir);
    expect(result.code).toBe(2);
    const first = result.stderr.split("\n")[0] ?? "";
    expect(first).toMatch(
      /^generate: redocly\.yaml:\d+:\d+: apis\.authlete-token\.x-openapi-ts\.alphabetise is not an option/,
    );
    expect(first).toContain(`accepted: output, ${Object.keys(TYPESCRIPT_OPTIONS).join(", ")}`);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(await readFile(join(dir, OUTPUT), "utf8")).toBe(before);
  });

  it.each([
    ["a boolean given as a string", '      alphabetize: "yes"\n', /alphabetize must be true or false, got "yes"/],
    ["inject given as a number", "      inject: 42\n", /inject must be a string, got 42/],
    ["a boolean left empty", "      immutable:\n", /immutable must be true or false, got null/],
  ])("refuses %s with exit 2", async (_what, lines, message) => {
    const dir = await project();
    await withOptions(dir, lines);
    const result = await runGenerate([], dir);
    expect(result.code).toBe(2);
    expect(result.stderr.split("\n")[0]).toMatch(message);
    expect(result.stderr.split("\n")[0]).toContain("apis.authlete-token.x-openapi-ts.");
  });

  it("refuses x-openapi-ts that is not a mapping, and an output that is not a string", async () => {
    const dir = await project();
    const file = join(dir, "redocly.yaml");
    const config = await readFile(file, "utf8");
    await writeFile(file, config.replace("      output: generated/authlete-token.ts", "      output: 7"));
    const output = await runGenerate([], dir);
    expect(output.code).toBe(2);
    expect(output.stderr).toContain("apis.authlete-token.x-openapi-ts.output must be a string, got 7");
    await writeFile(file, config.replace(/ {4}x-openapi-ts:\n(?: {6}.*\n)+/, "    x-openapi-ts: [generated/a.ts]\n"));
    const list = await runGenerate([], dir);
    expect(list.code).toBe(2);
    expect(list.stderr).toContain(
      'apis.authlete-token.x-openapi-ts must be a mapping of options, got ["generated/a.ts"]',
    );
  });

  it("regenerates when an option changes, though the spec did not (options are in the no-op fingerprint)", async () => {
    const dir = await project();
    expect((await runGenerate([], dir)).code).toBe(0);
    const second = await runGenerate([], dir);
    expect(second.stdout).toContain(`${OUTPUT} (unchanged)`);
    const before = await readFile(join(dir, OUTPUT), "utf8");
    await withOptions(dir, "      immutable: true\n");
    const changed = await runGenerate([], dir);
    expect(changed.code).toBe(0);
    expect(changed.stdout).not.toContain(`${OUTPUT} (unchanged)`);
    const after = await readFile(join(dir, OUTPUT), "utf8");
    expect(after).not.toBe(before);
    expect(after).toContain("readonly parameters: string;");
    expect((await runGenerate(["--check"], dir)).code).toBe(0);
  });

  it("applies each API's options to that API alone", async () => {
    const dir = await project();
    const file = join(dir, "redocly.yaml");
    const config = await readFile(file, "utf8");
    await writeFile(
      file,
      `${config}  frozen:\n    root: openapi/openapi.yaml\n    x-openapi-ts:\n      output: generated/frozen.ts\n      immutable: true\n      exportType: true\n`,
    );
    expect((await runGenerate([], dir)).code).toBe(0);
    const frozen = await readFile(join(dir, "generated/frozen.ts"), "utf8");
    expect(frozen).toContain("export type paths = {");
    expect(frozen).toContain("readonly parameters: string;");
    expect(await readFile(join(dir, OUTPUT), "utf8")).toBe(await readFile(join(ROOT, OUTPUT), "utf8"));
  });
});

describe("per-API lint settings (Redocly's apis.<name>.rules and apis.<name>.extends)", () => {
  const TINY = `openapi: 3.1.0
info:
  title: Tiny
  version: 1.0.0
paths:
  /ping:
    get:
      responses:
        "200":
          description: pong
`;

  it("lints each API with its own extends and rules, as `redocly lint <api>` does", async () => {
    const dir = await project();
    await writeFile(join(dir, "tiny.yaml"), TINY);
    await writeFile(
      join(dir, "apis.yaml"),
      `extends:
  - minimal
rules:
  rule/title-not-tiny:
    subject:
      type: Info
      property: title
    assertions:
      notPattern: /Tiny/
    severity: error
    message: The title must not say Tiny.
apis:
  inherits:
    root: tiny.yaml
    x-openapi-ts:
      output: out/inherits.ts
  relaxed:
    root: tiny.yaml
    rules:
      rule/title-not-tiny: off
    x-openapi-ts:
      output: out/relaxed.ts
  strict:
    root: tiny.yaml
    extends:
      - recommended-strict
    rules:
      rule/title-not-tiny: off
    x-openapi-ts:
      output: out/strict.ts
`,
    );
    const result = await runGenerate(["--config", join(dir, "apis.yaml")], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("✗ inherits: lint errors");
    expect(result.stderr).toContain("The title must not say Tiny.");
    expect(result.stdout).toContain("✓ relaxed: out/relaxed.ts");
    expect(result.stderr).toContain("✗ strict: lint errors");
    expect(result.stderr).toMatch(/tiny\.yaml:\d+:\d+ error info-license /);
    // The rule relaxed for one API is still an error for the API that inherits it: one finding.
    expect(result.stderr.match(/The title must not say Tiny\./g)).toHaveLength(1);
  });
});
