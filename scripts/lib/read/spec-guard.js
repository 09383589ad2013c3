// @ts-check
// What the pipeline is willing to read. Redocly's resolver follows any `$ref` it is given: a
// path anywhere on disk (`../../../etc/passwd`), an `http(s)://` URL (fetched), a file of any size,
// bytes in any encoding (decoded with U+FFFD in place of what is not UTF-8). The resolver made
// here, used by the lint (openapi-core 2, main thread), the bundle (openapi-typescript's
// openapi-core 1, worker thread) and the config loader, refuses all of that with a message that
// names the file (and the line, where there is one):
//
// - a local `$ref` whose target, symlinks resolved, is outside the folder of the API's root file;
// - a remote `$ref` (never fetched) unless remote refs were allowed (`--allow-remote-refs` or
//   `x-authlete-token: { allow-remote-refs: true }` in redocly.yaml); an allowed one is read by
//   remote-ref.js under the same size cap (after decompression), with redirects checked and a timeout;
// - a file, or all files of one API together, larger than the size cap (`--max-spec-size`,
//   `x-authlete-token: { max-spec-size: 64MB }`), checked with `stat` before anything is read;
// - something that is not a regular file (a folder, a FIFO, /dev/zero);
// - bytes that are not UTF-8, reported at the line and column of the first bad byte.
import { isUtf8 } from "node:buffer";
import { readFile, realpath, stat } from "node:fs/promises";
import { dirname, isAbsolute, relative, sep } from "node:path";
import { ReadRuleError, RefusedRefError, SpecInputError } from "../errors.js";
import { configuredHeaders, readRemoteSpec } from "./remote-ref.js";
import { formatSize } from "./size.js";

/** The default size cap of one spec file, and of all files of one API together (64 MiB). */
export const DEFAULT_MAX_SPEC_SIZE = 64 * 1024 * 1024;

/**
 * What may be read for one API.
 * @typedef {object} SpecPolicy
 * @property {number} maxSpecSize bytes, per file and per API
 * @property {boolean} allowRemoteRefs fetch `http(s)://` refs (off: refuse them unfetched)
 * @property {string | undefined} folder absolute folder every local file must be inside (none: anywhere)
 * @property {string | undefined} root absolute path of the root file (exempt from `folder`)
 * @property {string} cwd paths in messages are relative to it
 * @property {string} [remoteHint] how to allow remote refs, when not the usual flag or setting
 */

/**
 * @param {string} folder
 * @param {string} file
 */
function isInside(folder, file) {
  const rel = relative(folder, file);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

/**
 * @param {string} file
 * @param {string} cwd
 */
export function displayPath(file, cwd) {
  const rel = relative(cwd, file);
  // A path that climbs out of the working folder is clearer as it is.
  return rel === "" || rel.startsWith("..") || isAbsolute(rel) ? file : rel;
}

/**
 * Where the first byte that is not UTF-8 is, as a 1-based line and column (in characters).
 * @param {Buffer} bytes
 */
function firstInvalidUtf8(bytes) {
  const text = bytes.toString("utf8");
  let from = 0;
  for (;;) {
    const index = text.indexOf("\uFFFD", from);
    if (index < 0) return undefined;
    const prefix = text.slice(0, index);
    const offset = Buffer.byteLength(prefix);
    // A genuine U+FFFD in the file is fine; a replacement for bad bytes is not.
    if (!(bytes[offset] === 0xef && bytes[offset + 1] === 0xbf && bytes[offset + 2] === 0xbd)) {
      const lineStart = prefix.lastIndexOf("\n") + 1;
      const line = prefix.split("\n").length;
      return { offset, byte: bytes[offset] ?? 0, line, column: index - lineStart + 1 };
    }
    from = index + 1;
  }
}

/**
 * Reads one local spec file within the policy's limits.
 * @param {string} file absolute path
 * @param {SpecPolicy} policy
 * @param {{ total: number }} budget bytes read so far for this API
 * @returns {Promise<string>}
 */
export async function readSpecFile(file, policy, budget) {
  const shown = displayPath(file, policy.cwd);
  if (policy.folder !== undefined && file !== policy.root) {
    // The target as the file system sees it: a symlink inside the folder may point outside it.
    const real = await realpath(file).catch(() => file);
    if (!isInside(policy.folder, real)) {
      throw new RefusedRefError(
        `${shown} is outside the spec folder ${displayPath(policy.folder, policy.cwd)}${real !== file ? ` (it links to ${real})` : ""}: refused; a $ref must stay inside the folder of the API's root file`,
      );
    }
  }
  const info = await stat(file);
  if (info.isDirectory()) throw new ReadRuleError(`${shown} is a folder, not a spec file`);
  if (!info.isFile()) throw new ReadRuleError(`${shown} is not a regular file: refused`);
  const hint = "raise the limit with --max-spec-size or x-authlete-token.max-spec-size in redocly.yaml";
  if (info.size > policy.maxSpecSize) {
    throw new ReadRuleError(
      `${shown} is too large: ${formatSize(info.size)}, over the ${formatSize(policy.maxSpecSize)} limit (${hint})`,
    );
  }
  budget.total += info.size;
  if (budget.total > policy.maxSpecSize) {
    throw new ReadRuleError(
      `the spec's files are too large together: ${formatSize(budget.total)} by ${shown}, over the ${formatSize(policy.maxSpecSize)} limit (${hint})`,
    );
  }
  const bytes = await readFile(file);
  if (!isUtf8(bytes)) {
    const bad = firstInvalidUtf8(bytes);
    const where = bad ? `${shown}:${bad.line}:${bad.column}` : shown;
    const what = bad ? `byte 0x${bad.byte.toString(16).padStart(2, "0")} at offset ${bad.offset}` : "invalid bytes";
    throw new ReadRuleError(`${where}: not UTF-8 text (${what}); save the file as UTF-8`);
  }
  // Like Redocly's own loader: Windows line ends would shift every column.
  return bytes.toString("utf8").replace(/\r\n/g, "\n");
}

/**
 * A resolver for either openapi-core (2 on the main thread, 1 in the worker: same interface) that
 * reads through `readSpecFile` and refuses remote refs unless allowed. Every refusal is also kept
 * in `refused` (with files too large or not UTF-8), so a config that turns `no-unresolved-refs` off
 * cannot let one through.
 * @template {typeof import("@redocly/openapi-core").BaseResolver} R
 * @param {{ BaseResolver: R, Source: typeof import("@redocly/openapi-core").Source, isAbsoluteUrl: (ref: string) => boolean }} core
 * @param {SpecPolicy} policy
 * @param {ConstructorParameters<R>[0]} [resolveConfig] the config's `resolve` (HTTP headers)
 */
export function createSpecResolver(core, policy, resolveConfig) {
  const budget = { total: 0 };
  /** @type {string[]} */
  const refused = [];
  const Base = /** @type {typeof import("@redocly/openapi-core").BaseResolver} */ (core.BaseResolver);
  class SpecResolver extends Base {
    refused = refused;
    /**
     * @override
     * @param {string} absoluteRef
     */
    async loadExternalRef(absoluteRef) {
      if (core.isAbsoluteUrl(absoluteRef)) {
        if (!policy.allowRemoteRefs) {
          const hint =
            policy.remoteHint ??
            "allow them with --allow-remote-refs or x-authlete-token.allow-remote-refs: true in redocly.yaml";
          const message = `remote $ref ${absoluteRef} not fetched: remote refs are off (${hint})`;
          refused.push(message);
          throw new RefusedRefError(message);
        }
        // Read here, not by Redocly's reader (which buffers the whole answer first): the cap
        // left for this API bounds the decompressed bytes as they arrive.
        try {
          const { body, mimeType } = await readRemoteSpec(absoluteRef, {
            maxBytes: Math.max(0, policy.maxSpecSize - budget.total),
            limit: policy.maxSpecSize,
            headersFor: configuredHeaders(this.config?.http),
          });
          budget.total += Buffer.byteLength(body);
          return new core.Source(absoluteRef, body, mimeType ?? undefined);
        } catch (error) {
          if (error instanceof ReadRuleError) refused.push(error.message);
          throw error;
        }
      }
      try {
        const text = await readSpecFile(absoluteRef, policy, budget);
        return new core.Source(absoluteRef, text);
      } catch (error) {
        if (error instanceof ReadRuleError) refused.push(error.message); // too large or not UTF-8 as well
        if (error instanceof SpecInputError) throw error;
        // ENOENT and the like: the same short message Redocly gives.
        const code = /** @type {{ code?: unknown }} */ (error).code;
        const message = error instanceof Error ? error.message : String(error);
        throw new SpecInputError(
          code === "ENOENT" ? `no such file: ${displayPath(absoluteRef, policy.cwd)}` : message.replace(", lstat", ""),
        );
      }
    }

    /**
     * @override
     * @param {import("@redocly/openapi-core").Source} source
     * @param {boolean} [isRoot]
     */
    parseDocument(source, isRoot) {
      const document = super.parseDocument(source, isRoot);
      checkExpansion(document.parsed, source.body.length, displayPath(source.absoluteRef, policy.cwd));
      return document;
    }
  }
  return new SpecResolver(resolveConfig);
}

/**
 * YAML aliases let a few hundred bytes stand for billions of nodes ("billion laughs"); every
 * later step (lint, bundle, hashing) would walk them all. A document may have at most a million
 * nodes plus two per byte of its text, counting each alias once per use.
 * @param {unknown} parsed
 * @param {number} length characters of the text
 * @param {string} shown
 */
function checkExpansion(parsed, length, shown) {
  const limit = 1_000_000 + 2 * length;
  let count = 0;
  /** @type {unknown[]} */
  const stack = [parsed];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== "object") continue;
    const children = Array.isArray(node) ? node : Object.values(node);
    count += children.length;
    if (count > limit) {
      throw new ReadRuleError(
        `${shown}: the document expands to more than ${limit} nodes (YAML aliases used over and over?): refused`,
      );
    }
    for (const child of children) stack.push(child);
  }
}

/**
 * The policy of one API: local files must stay in the root file's folder.
 * @param {string} root absolute path of the root file
 * @param {{ maxSpecSize: number, allowRemoteRefs: boolean, cwd: string }} settings
 * @returns {Promise<SpecPolicy>}
 */
export async function specPolicy(root, settings) {
  const folder = await realpath(dirname(root)).catch(() => dirname(root));
  return { ...settings, folder, root };
}

/**
 * Checks that the parsed root is an OpenAPI 3.0 / 3.1 document before Redocly and
 * openapi-typescript see it, with messages that say what is wrong instead of "Unsupported
 * specification".
 * @param {{ source: import("@redocly/openapi-core").Source, parsed: unknown }} document
 * @param {(pointer: string) => { line: number, col: number }} position the line of a key
 * @param {string} cwd
 */
export function checkRootDocument(document, position, cwd) {
  const shown = displayPath(document.source.absoluteRef, cwd);
  const { parsed } = document;
  if (parsed === undefined || parsed === null || parsed === "") {
    throw new SpecInputError(`${shown}: the file is empty; expected an OpenAPI 3.0 or 3.1 document`);
  }
  if (typeof parsed !== "object" || Array.isArray(parsed)) {
    const got = Array.isArray(parsed) ? "a list" : `a ${typeof parsed}`;
    throw new SpecInputError(
      `${shown}:1:1: expected an OpenAPI document (a mapping with openapi, info, paths) at the top level, got ${got}`,
    );
  }
  const root = /** @type {Record<string, unknown>} */ (parsed);
  const at = (/** @type {string} */ key) => {
    const { line, col } = position(`#/${key}`);
    return `${shown}:${line}:${col}`;
  };
  if ("swagger" in root) {
    throw new SpecInputError(
      `${at("swagger")}: Swagger ${String(root.swagger)} is not supported: types are generated from OpenAPI 3.0 and 3.1 only (convert the spec first, e.g. with swagger2openapi)`,
    );
  }
  if (!("openapi" in root)) {
    throw new SpecInputError(
      `${shown}:1:1: no "openapi" field: not an OpenAPI document (it should start with e.g. "openapi: 3.1.0")`,
    );
  }
  const version = root.openapi;
  if (typeof version !== "string") {
    throw new SpecInputError(
      `${at("openapi")}: "openapi" must be a string such as "3.1.0", got ${typeof version === "number" ? `the number ${version} (quote it)` : JSON.stringify(version)}`,
    );
  }
  if (!/^3\.[01](\.\d+)?$/.test(version)) {
    throw new SpecInputError(`${at("openapi")}: unsupported OpenAPI version "${version}": expected 3.0.x or 3.1.x`);
  }
}

/**
 * One line for an error that stopped an API before its lint: the file and line first when known
 * (a YAML/JSON syntax error, a duplicate key), no stack.
 * @param {unknown} error
 * @param {string} root absolute path of the root file
 * @param {string} cwd
 */
export function describeSpecError(error, root, cwd) {
  if (error instanceof SpecInputError) return error.message;
  const e =
    /** @type {{ message?: unknown, line?: unknown, col?: unknown, source?: { absoluteRef?: unknown }, originalError?: { reason?: unknown } }} */ (
      error
    );
  const message = error instanceof Error ? error.message : String(error);
  const body = /** @type {{ source?: { body?: unknown } }} */ (error)?.source?.body;
  if (typeof body === "string" && typeof e.source?.absoluteRef === "string" && /single document/.test(message)) {
    // No position from js-yaml: the second document starts at its `---`.
    const line = secondDocumentLine(body);
    const where = line === undefined ? "" : `:${line}:1`;
    return `${displayPath(e.source.absoluteRef, cwd)}${where}: ${message.replace(/ in "[^"]*"$/, "")}; a spec file holds one YAML document`;
  }
  if (typeof e?.line === "number" && !Number.isNaN(e.line) && typeof e.source?.absoluteRef === "string") {
    // A YamlParseError: js-yaml's reason without its `in "/absolute/path" (line:col)` suffix.
    const reason = typeof e.originalError?.reason === "string" ? e.originalError.reason : message;
    return `${displayPath(e.source.absoluteRef, cwd)}:${e.line}:${Number(e.col) || 1}: ${reason.replace(/ in "[^"]*" \(\d+:\d+\)$/, "")}`;
  }
  return `${displayPath(root, cwd)}: ${message}`;
}

/**
 * The 1-based line of the `---` that starts a file's second YAML document.
 * @param {string} body
 */
function secondDocumentLine(body) {
  const lines = body.split("\n");
  let content = false;
  for (const [i, line] of lines.entries()) {
    if (/^---(\s|$)/.test(line) && content) return i + 1;
    if (/^---(\s|$)/.test(line))
      content = true; // the first document's own start marker
    else if (line.trim() !== "" && !line.trimStart().startsWith("#")) content = true;
  }
  return undefined;
}
