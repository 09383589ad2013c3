/**
 * The TypeScript blocks of the user docs, type-checked against src/ as users would compile them.
 *
 * Each ```ts block is a module of its own. An HTML comment on the line before a block may say how
 * to read it (it does not show on GitHub or npm):
 * - `<!-- snippet: declare … -->`: TypeScript declared before the block, for the names a reader
 *   brings (`declare const request: Request;`); the block itself is checked unchanged.
 * - `<!-- snippet: partial -->`: a deliberate fragment (an object member, one option), not checked.
 * A block with a `return` outside any function is the body of a request handler: it is checked as
 * the body of an async function (its imports moved before it).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";

/** One TypeScript block of a Markdown file. */
export interface Snippet {
  /** Where it is, `docs/testing.md:9` (the line of its opening fence). */
  where: string;
  code: string;
  /** The declarations of its `snippet: declare` marker, or "". */
  context: string;
  partial: boolean;
}

const BLOCK = /^(?:<!--\s*snippet:\s*([\s\S]*?)\s*-->\n)?```(?:ts|typescript)\n([\s\S]*?)^```$/gm;

/** The TypeScript blocks of `markdown`, named after `file`. */
export function snippetsOf(file: string, markdown: string): Snippet[] {
  return [...markdown.matchAll(BLOCK)].map((match) => {
    const marker = match[1] ?? "";
    const fence = match.index + match[0].indexOf("```");
    const line = markdown.slice(0, fence).split("\n").length;
    const partial = marker === "partial";
    if (marker !== "" && !partial && !marker.startsWith("declare ")) {
      throw new Error(`${file}:${line}: unknown snippet marker "${marker}" (use "partial" or "declare …")`);
    }
    return { where: `${file}:${line}`, code: match[2] ?? "", context: partial ? "" : marker, partial };
  });
}

/** Whether `node` holds a `return` that is not inside a function of its own. */
function returnsAtTop(node: ts.Node): boolean {
  if (ts.isReturnStatement(node)) return true;
  if (ts.isFunctionLike(node) || ts.isClassLike(node)) return false;
  return ts.forEachChild(node, returnsAtTop) ?? false;
}

/**
 * The module to check for a block: the block as is, or for a handler body (see the module
 * comment) its imports on one line, then the rest, unchanged line for line, in an async function.
 * `extraLines` is what comes before the block's first line.
 */
function moduleOf(code: string): { text: string; extraLines: number } {
  const source = ts.createSourceFile("snippet.ts", code, ts.ScriptTarget.Latest, true);
  if (!source.statements.some(returnsAtTop)) return { text: code, extraLines: 0 };
  const imports: string[] = [];
  let body = code;
  for (const statement of source.statements.filter(ts.isImportDeclaration)) {
    const [start, end] = [statement.getStart(source), statement.end];
    imports.push(code.slice(start, end).replace(/\s*\n\s*/g, " "));
    // Blanked in place, so every other line keeps its number.
    body = body.slice(0, start) + code.slice(start, end).replace(/[^\n]/g, " ") + body.slice(end);
  }
  return {
    text: `${imports.join(" ")} export async function handler(): Promise<unknown> {\n${body}}\n`,
    extraLines: 1,
  };
}

/**
 * Type-checks `snippets` (each a module placed in `root`, so it resolves packages from there) with
 * the compiler options of `root`'s tsconfig.json. Returns one message per problem, with its place.
 */
export function checkSnippets(root: string, snippets: readonly Snippet[]): string[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    join(root, "tsconfig.json"),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
      },
    },
  );
  if (parsed === undefined) throw new Error("tsconfig.json could not be read");
  // Snippets show values without always using them.
  const options = { ...parsed.options, noEmit: true, noUnusedLocals: false, noUnusedParameters: false };
  const files = new Map<string, { snippet: Snippet; text: string; offset: number }>();
  for (const [index, snippet] of snippets.entries()) {
    if (snippet.partial) continue;
    const name = join(root, `doc-snippet-${index}.ts`);
    const prefix = snippet.context === "" ? "" : `${snippet.context}\n`;
    const { text, extraLines } = moduleOf(snippet.code);
    files.set(name, { snippet, text: prefix + text, offset: prefix.split("\n").length - 1 + extraLines });
  }
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (name) => files.has(name) || fileExists.call(host, name);
  host.readFile = (name) => files.get(name)?.text ?? readFile.call(host, name);
  host.getSourceFile = (name, language, ...rest) => {
    const file = files.get(name);
    return file
      ? ts.createSourceFile(name, file.text, language, true)
      : getSourceFile.call(host, name, language, ...rest);
  };
  const program = ts.createProgram([...files.keys()], options, host);
  const problems: string[] = [];
  for (const [name, { snippet, offset }] of files) {
    const source = program.getSourceFile(name);
    for (const diagnostic of ts.getPreEmitDiagnostics(program, source)) {
      const at =
        diagnostic.file && diagnostic.start !== undefined
          ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line - offset + 1
          : 0;
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, " ");
      problems.push(`${snippet.where} (line ${at} of the block): TS${diagnostic.code} ${message}`);
    }
  }
  return problems;
}

/** The snippets of a Markdown file of `root`. */
export function snippetsOfFile(root: string, file: string): Snippet[] {
  return snippetsOf(file, readFileSync(join(root, file), "utf8"));
}
