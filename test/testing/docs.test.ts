// docs/testing.md shows the example the suite runs, not a copy that could drift.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/project.js";

describe("docs/testing.md", () => {
  it("includes every example it names verbatim", async () => {
    const doc = await readFile(join(ROOT, "docs/testing.md"), "utf8");
    const included = [...doc.matchAll(/<!-- example: (\S+) -->\n```ts\n([\s\S]*?)```\n/g)];
    expect(included.map((match) => match[1])).toEqual(["examples/testing/token-endpoint.test.ts"]);
    for (const [, file, code] of included) {
      expect(code, `${file} differs from its copy in docs/testing.md`).toBe(
        await readFile(join(ROOT, file ?? ""), "utf8"),
      );
    }
  });
});
