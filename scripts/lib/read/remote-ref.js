// @ts-check
// Reading a remote `$ref` (only with --allow-remote-refs) under the same limits as a local file.
// Redocly's own URL reader buffers the whole answer (`await res.text()`, decompressed, redirects
// followed) before anything could measure it; this one:
//
// - streams the body and stops as soon as the bytes *after decompression* pass the size cap, so a
//   small gzip bomb never becomes a large string;
// - follows at most 5 redirects itself, each under the same rules: http: or https: only, never
//   from https: down to http:, the same cap and the same deadline. A redirect to another host is
//   followed (remote refs are allowed, so any host could be referenced directly), but the headers
//   of the config's `resolve.http` are matched again against each new URL, so credentials meant
//   for one host never go to another;
// - gives up after a timeout (30 s for the whole document, redirects included).

import { ReadRuleError, SpecInputError } from "../errors.js";
import { formatSize } from "./size.js";

/** The time limit for reading one remote document, redirects included. */
export const REMOTE_REF_TIMEOUT_MS = 30_000;
const MAX_REDIRECTS = 5;

/**
 * @typedef {object} RemoteReadOptions
 * @property {number} maxBytes the cap on the decompressed body
 * @property {number} [limit] the limit to name in the message (defaults to maxBytes): the size
 *   cap of the whole API when `maxBytes` is what is left of it
 * @property {number} [timeoutMs] defaults to {@link REMOTE_REF_TIMEOUT_MS}
 * @property {(url: string) => Record<string, string>} [headersFor] headers to send to a URL
 */

/**
 * Fetches one remote spec document within the limits above.
 * @param {string} url
 * @param {RemoteReadOptions} options
 * @returns {Promise<{ body: string, mimeType: string | null }>}
 */
export async function readRemoteSpec(url, options) {
  const timeoutMs = options.timeoutMs ?? REMOTE_REF_TIMEOUT_MS;
  const signal = AbortSignal.timeout(timeoutMs);
  let current = new URL(url);
  try {
    for (let redirects = 0; ; redirects++) {
      if (current.protocol !== "http:" && current.protocol !== "https:") {
        throw new SpecInputError(`remote $ref ${url}: redirected to ${current.protocol} URL: refused`);
      }
      const response = await fetch(current, {
        redirect: "manual",
        signal,
        headers: options.headersFor?.(current.href) ?? {},
      });
      if (response.status >= 300 && response.status < 400 && response.headers.has("location")) {
        await response.body?.cancel().catch(() => {});
        if (redirects >= MAX_REDIRECTS) {
          throw new SpecInputError(`remote $ref ${url}: more than ${MAX_REDIRECTS} redirects: refused`);
        }
        const next = new URL(/** @type {string} */ (response.headers.get("location")), current);
        if (current.protocol === "https:" && next.protocol === "http:") {
          throw new SpecInputError(`remote $ref ${url}: redirected from https: to http: (${next.href}): refused`);
        }
        current = next;
        continue;
      }
      if (!response.ok) {
        await response.body?.cancel().catch(() => {});
        throw new SpecInputError(`remote $ref ${url}: HTTP ${response.status}`);
      }
      const body = await readCapped(response, options.maxBytes, options.limit ?? options.maxBytes, url);
      return { body, mimeType: response.headers.get("content-type") };
    }
  } catch (error) {
    if (error instanceof SpecInputError) throw error;
    if (signal.aborted) throw new SpecInputError(`remote $ref ${url}: no complete answer within ${timeoutMs / 1000} s`);
    const cause = /** @type {{ cause?: { message?: unknown } }} */ (error).cause?.message;
    throw new SpecInputError(
      `remote $ref ${url} could not be read: ${error instanceof Error ? error.message : String(error)}${cause ? ` (${cause})` : ""}`,
    );
  }
}

/**
 * The body as UTF-8 text, read chunk by chunk (after decompression) and abandoned past `maxBytes`.
 * @param {Response} response
 * @param {number} maxBytes
 * @param {number} limit
 * @param {string} url
 */
async function readCapped(response, maxBytes, limit, url) {
  const tooLarge = () =>
    new ReadRuleError(
      `${url} is too large: over the ${formatSize(limit)} limit (after decompression; raise it with --max-spec-size)`,
    );
  const declared = Number(response.headers.get("content-length"));
  // Content-Length counts the encoded bytes: a cap test only when there is no Content-Encoding.
  if (!response.headers.has("content-encoding") && declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  if (response.body === null) return "";
  /** @type {Uint8Array[]} */
  const chunks = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  const bytes = Buffer.concat(chunks);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ReadRuleError(`${url}: not UTF-8 text`);
  }
}

/**
 * The headers of a config's `resolve.http.headers` whose `matches` glob matches `url` (the way
 * Redocly matches them: without the scheme unless the pattern has one; `*` within a path segment,
 * `**` across segments).
 * @param {{ headers?: { matches: string, name: string, value?: string | undefined, envVariable?: string | undefined }[] } | undefined} http
 * @returns {(url: string) => Record<string, string>}
 */
export function configuredHeaders(http) {
  const rules = (http?.headers ?? []).map((header) => ({ header, pattern: globToRegExp(header.matches) }));
  return (url) => {
    /** @type {Record<string, string>} */
    const headers = {};
    for (const { header, pattern } of rules) {
      const target = /^https?:\/\//.test(header.matches) ? url : url.replace(/^https?:\/\//, "");
      if (pattern.test(target)) {
        headers[header.name] =
          header.envVariable !== undefined ? (process.env[header.envVariable] ?? "") : (header.value ?? "");
      }
    }
    return headers;
  };
}

/** @param {string} glob */
function globToRegExp(glob) {
  const source = glob
    .split("**")
    .map((part) =>
      part
        .split("*")
        .map((text) => text.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
        .join("[^/]*"),
    )
    .join(".*");
  return new RegExp(`^${source}$`);
}
