// Every TypeScript block of the user docs compiles against src/, as a user would paste it:
// test/helpers/doc-snippets.ts says how a block may declare what its reader brings or opt out.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkSnippets, snippetsOf, snippetsOfFile } from "../helpers/doc-snippets.js";
import { ROOT } from "../helpers/project.js";

const USER_DOCS = [
  "README.md",
  ...readdirSync(join(ROOT, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => `docs/${name}`),
];

describe("the TypeScript blocks of the docs", () => {
  const snippets = USER_DOCS.flatMap((file) => snippetsOfFile(ROOT, file));

  it("compile against the package's source", () => {
    expect(snippets.filter((snippet) => !snippet.partial).length).toBeGreaterThanOrEqual(8);
    expect(checkSnippets(ROOT, snippets)).toEqual([]);
  });

  it("opt out only as deliberate fragments, few of them", () => {
    const partial = snippets.filter((snippet) => snippet.partial).map((snippet) => snippet.where);
    expect(partial.length, partial.join(", ")).toBeLessThanOrEqual(3);
  });

  it("are caught when they do not compile: a missing import, a wrong option, an undeclared name", () => {
    const markdown = [
      "```ts",
      'const client = createTokenClient({ serviceId: "1", accessToken: "t" });',
      "```",
      "",
      "```ts",
      'import { createFakeAuthlete } from "authlete-token/testing";',
      "createFakeAuthlete({ servicId: 1 });",
      "```",
      "",
      "<!-- snippet: declare const request: Request; -->",
      "```ts",
      "const body = await request.text();",
      "return body + missing;",
      "```",
      "",
      "<!-- snippet: partial -->",
      "```ts",
      "onTokenExchange: async (result) => result,",
      "```",
    ].join("\n");
    const problems = checkSnippets(ROOT, snippetsOf("sample.md", markdown));
    expect(problems).toEqual([
      expect.stringMatching(/^sample\.md:1 \(line 1 of the block\): TS2304 Cannot find name 'createTokenClient'/),
      expect.stringMatching(/^sample\.md:5 \(line 2 of the block\): TS2561 .*'servicId'/),
      expect.stringMatching(/^sample\.md:11 \(line 2 of the block\): TS2304 Cannot find name 'missing'/),
    ]);
  });
});
