// The README's TypeScript examples are files of examples/readme/, which `npm run typecheck` compiles
// against src/ (tsconfig.json maps `authlete-token` to src/index.ts): an example that no longer
// matches the API fails the type check, and one edited in the README alone fails here.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/project.js";

const EXAMPLES = join(ROOT, "examples/readme");
const readme = readFileSync(join(ROOT, "README.md"), "utf8");
const blocks = [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? "");
const examples = readdirSync(EXAMPLES)
  .filter((name) => name.endsWith(".ts"))
  .map((name) => ({ name, text: readFileSync(join(EXAMPLES, name), "utf8") }));

describe("README.md", () => {
  it("stays under 10,000 characters", () => {
    expect([...readme].length).toBeLessThanOrEqual(10_000);
  });

  it("shows how to install the package", () => {
    expect(readme).toContain("npm install authlete-token");
  });

  it("has TypeScript examples, each one a type-checked file of examples/readme/", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    for (const [index, block] of blocks.entries()) {
      const match = examples.find((example) => example.text === block);
      expect(match, `README.md's TypeScript block ${index + 1} is not a file of examples/readme/`).toBeDefined();
    }
  });

  it("shows every file of examples/readme/", () => {
    for (const { name, text } of examples) expect(blocks, `examples/readme/${name}`).toContain(text);
  });
});
