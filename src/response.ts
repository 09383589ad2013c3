/**
 * Reading Authlete's answers defensively: a size cap checked against `Content-Length` first and
 * then counted while streaming, strict UTF-8, and every failure mapped to its error class.
 */

import { decodeUtf8, discard, readAtMost } from "./bytes.js";
import { AuthleteApiError, AuthleteInvalidResponseError, AuthleteNetworkError, errorCode } from "./errors.js";
import { parseRetryAfter } from "./retry.js";

/**
 * The default of `maxResponseBytes`: 2 MiB. Authlete's token responses are a few kilobytes (tens
 * with large JWTs); anything near this is not a token response.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 2 * 1024 * 1024;

/**
 * Reads a whole body, at most `maxBytes` of it.
 *
 * @throws {AuthleteInvalidResponseError} `TOO_LARGE` when `Content-Length` announces more than
 *   `maxBytes` or more arrives (the stream is cancelled, so the connection is released at once),
 *   `TRUNCATED` when the server closed the connection before the end of the body.
 * @throws {AuthleteNetworkError} when the connection failed otherwise while reading (when the
 *   call's signal aborted the read, the caller sees the signal and reports that instead).
 */
export async function readBody(
  response: Response,
  stream: ReadableStream<Uint8Array> | null | undefined,
  maxBytes: number,
): Promise<Uint8Array> {
  const declared = response.headers.get("content-length");
  if (stream && declared !== null && Number(declared) > maxBytes) {
    discard(stream);
    throw tooLarge(response.status, maxBytes, `its Content-Length is ${declared}, not read`);
  }
  const progress = { bytes: 0 };
  try {
    return await readAtMost(
      stream,
      maxBytes,
      () => tooLarge(response.status, maxBytes, "reading stopped there"),
      progress,
    );
  } catch (error) {
    if (error instanceof AuthleteInvalidResponseError) throw error;
    // undici reports a peer that closed before the end of the body as UND_ERR_SOCKET ("other side
    // closed") or UND_ERR_RES_CONTENT_LENGTH_MISMATCH; an error without a code after fewer bytes
    // than Content-Length says the same. Other codes (ECONNRESET, ...) are the connection
    // failing: a network error.
    const code = errorCode(error);
    if (
      code === "UND_ERR_SOCKET" ||
      code === "UND_ERR_RES_CONTENT_LENGTH_MISMATCH" ||
      (code === undefined && declared !== null && progress.bytes < Number(declared))
    ) {
      throw new AuthleteInvalidResponseError(
        response.status,
        "TRUNCATED",
        `a body cut short: the connection closed after ${progress.bytes} bytes`,
        { cause: error },
      );
    }
    throw new AuthleteNetworkError(error, { duringBody: true });
  }
}

/**
 * Turns a 2xx body into the JSON object it must be.
 *
 * @throws {AuthleteInvalidResponseError} `EMPTY`, `INVALID_UTF8`, `NOT_JSON` or `NOT_OBJECT`.
 */
export function parseResultObject(status: number, bytes: Uint8Array): object {
  if (bytes.byteLength === 0) throw new AuthleteInvalidResponseError(status, "EMPTY", "an empty body");
  let text: string;
  try {
    text = decodeUtf8(bytes, true);
  } catch (cause) {
    throw new AuthleteInvalidResponseError(status, "INVALID_UTF8", "a body that is not valid UTF-8", { cause });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // The parser's own message quotes the body (`Unexpected token 'O', "OK then" is not valid
    // JSON`), and a body may echo what was sent: keep only where parsing failed.
    const position = /at position (\d+)/.exec(String((error as Error | undefined)?.message))?.[1];
    const cause = new SyntaxError(`JSON.parse failed${position ? ` at position ${position}` : ""}`);
    throw new AuthleteInvalidResponseError(status, "NOT_JSON", "a body that is not JSON", { cause });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new AuthleteInvalidResponseError(status, "NOT_OBJECT", "JSON that is not an object");
  }
  // Deliberately not validated further: Authlete adds fields and `action` values over time, and
  // sends `null` for fields that do not apply. Callers switch on `action` with a default branch.
  return value;
}

/**
 * The error for a 4xx or 5xx answer: {@link AuthleteApiError} with `resultCode` / `resultMessage`
 * from a JSON body, passed through `hide` (which redacts what the call sent, if something in
 * between echoes it), and `retryAfter` from the header. The body of an error answer only adds detail: one
 * that is too large, not UTF-8, not JSON or cut short is left out and the status stands.
 */
export async function statusError(
  response: Response,
  maxBytes: number,
  hide: (text: string) => string,
): Promise<AuthleteApiError> {
  const { status } = response;
  const retryAfter = parseRetryAfter(response.headers.get("retry-after"));
  let bytes: Uint8Array;
  try {
    bytes = await readBody(response, response.body, maxBytes);
  } catch (cause) {
    // If the call's signal aborted the read, the caller sees the signal and reports that instead.
    return new AuthleteApiError(status, undefined, { retryAfter, cause });
  }
  let body: unknown;
  try {
    body = JSON.parse(decodeUtf8(bytes, true));
  } catch {
    // HTML from a proxy, plain text, invalid UTF-8: no result code to read. The parse error is not
    // kept as `cause`: its message quotes the body.
  }
  const { resultCode, resultMessage } = Object(body) as Record<string, unknown>;
  const hidden = (value: unknown) => (typeof value === "string" ? hide(value) : undefined);
  return new AuthleteApiError(
    status,
    { resultCode: hidden(resultCode), resultMessage: hidden(resultMessage) },
    { retryAfter },
  );
}

function tooLarge(status: number, maxBytes: number, what: string): AuthleteInvalidResponseError {
  return new AuthleteInvalidResponseError(
    status,
    "TOO_LARGE",
    `a body larger than maxResponseBytes (${maxBytes} bytes): ${what}`,
  );
}
