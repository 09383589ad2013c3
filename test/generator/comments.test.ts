// Spec text in generated code: it never becomes code (a line terminator in a `//` comment, a
// `*/` in a block comment, U+2028 in a string), and descriptions are the documentation an editor
// shows on hover. The rules live in scripts/lib/compile/comments.js.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { descriptionAsBody } from "../../scripts/lib/compile/comments.js";
import { compileTypeScript } from "../../scripts/lib/compile/typescript.js";
import { ROOT } from "../helpers/project.js";

const PAYLOAD = "globalThis.pwned = 1;";

/** A spec whose texts each try to end their comment or string and run `PAYLOAD`. */
function hostileSpec(): Record<string, unknown> {
  return {
    openapi: "3.1.0",
    info: { title: "hostile", version: "1" },
    paths: {},
    components: {
      schemas: {
        Grant: {
          type: "string",
          enum: ["a", "b", "c", "d", `e\u2028${PAYLOAD}`],
          "x-enum-descriptions": [
            `line feed\n${PAYLOAD}`,
            `carriage return\r${PAYLOAD}`,
            `line separator\u2028${PAYLOAD}`,
            `paragraph separator\u2029${PAYLOAD}`,
            "plain",
          ],
        },
        Shape: {
          type: "object",
          title: `title */ ${PAYLOAD} /*`,
          description: `description */ ${PAYLOAD} /*\n\u2028 ${PAYLOAD}`,
          properties: { kind: { $ref: "#/components/schemas/Grant" } },
        },
      },
    },
  };
}

/** Every statement and expression kind that would run: a generated file of types has none but enums. */
function runtimeCode(code: string): string[] {
  const file = ts.createSourceFile("generated.ts", code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isExpressionStatement(node) || ts.isVariableStatement(node) || ts.isCallExpression(node)) {
      found.push(node.getText(file));
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  const diagnostics = (file as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
  for (const d of diagnostics) found.push(`syntax error: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
  return found;
}

describe("spec text in generated code", () => {
  it("never ends a comment or a string early, with enum: true (x-enum-descriptions as // comments)", async () => {
    const code = await compileTypeScript(hostileSpec(), { enum: true });
    expect(code).toContain("export enum Grant");
    expect(code).toContain("line feed");
    expect(runtimeCode(code)).toEqual([]);
    expect(code).not.toMatch(/[\u2028\u2029]/);
  });

  it("never ends a comment or a string early with openapi-typescript's defaults", async () => {
    const code = await compileTypeScript(hostileSpec(), {});
    expect(runtimeCode(code)).toEqual([]);
    expect(code).not.toMatch(/[\u2028\u2029]/);
  });

  it("with dedupeEnums too (compiled in a worker of its own)", async () => {
    const code = await compileTypeScript(hostileSpec(), { enum: true, dedupeEnums: true });
    expect(code).toContain("export enum Grant");
    expect(runtimeCode(code)).toEqual([]);
  });
});

describe("descriptions on hover", () => {
  it("moves @description to the body, after the title and before the tags", () => {
    expect(descriptionAsBody("* @description One line. ")).toBe("* One line. ");
    expect(
      descriptionAsBody("*\n * Title\n * @deprecated\n * @description First\n *     second\n * @default 1\n "),
    ).toBe("*\n * Title\n * \n * First\n * second\n * @deprecated\n * @default 1\n ");
    expect(descriptionAsBody("*\n * Title\n * @default 1\n ")).toBe("*\n * Title\n * @default 1\n ");
  });

  it("shows a field's description as the documentation of its quick info (TypeScript language service)", async () => {
    const fileName = join(ROOT, "generated/authlete-token.ts");
    const text = await readFile(fileName, "utf8");
    const host: ts.LanguageServiceHost = {
      getCompilationSettings: () => ({ strict: true, target: ts.ScriptTarget.ES2022 }),
      getScriptFileNames: () => [fileName],
      getScriptVersion: () => "1",
      getScriptSnapshot: (name) => (name === fileName ? ts.ScriptSnapshot.fromString(text) : undefined),
      getCurrentDirectory: () => ROOT,
      getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
      fileExists: (name) => name === fileName || ts.sys.fileExists(name),
      readFile: (name) => (name === fileName ? text : ts.sys.readFile(name)),
    };
    const service = ts.createLanguageService(host);
    const at = text.indexOf("            parameters: string;") + "            ".length;
    const info = service.getQuickInfoAtPosition(fileName, at);
    const documentation = ts.displayPartsToString(info?.documentation);
    expect(documentation).toMatch(/^The form parameters of the token request exactly as the client sent them/);
    expect(info?.tags?.map((tag) => tag.name)).toEqual(["example"]);
    // An operation: its summary, then its description, as the body.
    const operation = text.indexOf('        post: operations["authTokenApi"];') + "        ".length;
    const operationDocs = ts.displayPartsToString(service.getQuickInfoAtPosition(fileName, operation)?.documentation);
    expect(operationDocs).toMatch(/^Process a token request\n\nForwards a token request/);
    expect(text).not.toContain("@description");
  });
});
