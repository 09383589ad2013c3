/**
 * Errors thrown by the token client. Every class has a stable `name` and `code` to branch on,
 * and carries the underlying failure as `cause` where there is one. None of them ever holds the
 * Authlete access token, the request, or the client secret sent in it: they are safe to log.
 */

/** The codes of {@link AuthleteError} subclasses, one per failure kind. */
export type AuthleteErrorCode =
  | "AUTHLETE_API_ERROR"
  | "AUTHLETE_REDIRECT"
  | "AUTHLETE_INVALID_RESPONSE"
  | "AUTHLETE_NETWORK_ERROR"
  | "AUTHLETE_FETCH_ERROR"
  | "AUTHLETE_TIMEOUT"
  | "AUTHLETE_INVALID_CONFIGURATION";

// Fields set in a constructor are `declare`d: the compiled classes then assign them once instead
// of also defining each one as undefined first.

/** Base class of every error this package throws. */
export class AuthleteError extends Error {
  override name = "AuthleteError";
  declare readonly code: AuthleteErrorCode;

  constructor(code: AuthleteErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * Authlete answered with an HTTP error status (4xx or 5xx): a bad Authlete access token (401),
 * a token without permission for the service (403), a malformed call (400), an outage (5xx).
 * This is about the call to Authlete, not about the OAuth client's token request: Authlete
 * reports an invalid token request with HTTP 200 and an error `action`.
 */
export class AuthleteApiError extends AuthleteError {
  override name = "AuthleteApiError";
  /** The HTTP status Authlete answered with. */
  declare readonly status: number;
  /** Authlete's result code (e.g. `A001202`), when the body carried one. */
  declare readonly resultCode: string | undefined;
  /** Authlete's explanation, when the body carried one. */
  declare readonly resultMessage: string | undefined;
  /**
   * The answer's `Retry-After` (RFC 9110 §10.2.3) in whole seconds from when the answer arrived,
   * whether it was sent as delay-seconds or as an HTTP-date (a date in the past gives `0`);
   * `undefined` when the header was absent or malformed. Usually sent with 429 and 503.
   * @see https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3
   */
  declare readonly retryAfter: number | undefined;

  /**
   * @param body The parsed JSON body, if any (`resultCode` and `resultMessage` are read from it).
   * @param options `retryAfter` in seconds (see {@link parseRetryAfter}), and the `cause` when the
   *   body could not be read.
   */
  constructor(status: number, body: unknown, options?: { retryAfter?: number | undefined; cause?: unknown }) {
    // Object() makes anything but an object (null and undefined included) an object without these fields.
    const { resultCode, resultMessage } = Object(body) as Record<string, unknown>;
    const message = stringOrUndefined(resultMessage);
    super("AUTHLETE_API_ERROR", `Authlete answered HTTP ${status}${message ? `: ${message}` : ""}`, options);
    this.status = status;
    this.resultCode = stringOrUndefined(resultCode);
    this.resultMessage = message;
    this.retryAfter = options?.retryAfter;
  }
}

/**
 * Authlete (or something in between) answered with a redirect. Redirects are never followed, so
 * the bearer token is never sent to a host it was not configured for.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-15.4
 */
export class AuthleteRedirectError extends AuthleteError {
  override name = "AuthleteRedirectError";
  /** The redirect status (0 where the platform hides it, as browsers do). */
  declare readonly status: number;

  constructor(status: number) {
    super("AUTHLETE_REDIRECT", `Authlete answered with a redirect (HTTP ${status}); redirects are not followed`);
    this.status = status;
  }
}

/**
 * What was wrong with a 2xx answer, in {@link AuthleteInvalidResponseError.reason}:
 * - `EMPTY`: no body;
 * - `NOT_JSON`: a body that does not parse as JSON (HTML from a proxy, JSON cut short in a
 *   complete HTTP message, ...);
 * - `NOT_OBJECT`: JSON, but not an object (`[]`, `"text"`, `null`);
 * - `INVALID_UTF8`: bytes that are not valid UTF-8 (decoded with a fatal `TextDecoder`, never
 *   patched up with U+FFFD);
 * - `TOO_LARGE`: a body over the client's `maxResponseBytes` (announced by `Content-Length` or
 *   counted while streaming); reading stopped there and the body stream was cancelled;
 * - `TRUNCATED`: the connection was closed before the end of the body its framing announced.
 */
export type InvalidResponseReason = "EMPTY" | "NOT_JSON" | "NOT_OBJECT" | "INVALID_UTF8" | "TOO_LARGE" | "TRUNCATED";

/** Authlete answered 2xx with a body that is not a JSON object, or that could not be read whole. */
export class AuthleteInvalidResponseError extends AuthleteError {
  override name = "AuthleteInvalidResponseError";
  /** The HTTP status of the response. */
  declare readonly status: number;
  /** What was wrong with the body: see {@link InvalidResponseReason}. */
  declare readonly reason: InvalidResponseReason;

  /** @param description The end of the message: "Authlete answered HTTP 200 with {description}". */
  constructor(status: number, reason: InvalidResponseReason, description: string, options?: { cause?: unknown }) {
    super("AUTHLETE_INVALID_RESPONSE", `Authlete answered HTTP ${status} with ${description}`, options);
    this.status = status;
    this.reason = reason;
  }
}

/**
 * The call did not reach Authlete or the connection failed (DNS, refused, reset, TLS), before the
 * answer or while its body was being read.
 */
export class AuthleteNetworkError extends AuthleteError {
  override name = "AuthleteNetworkError";
  /**
   * `true` only when the failure provably happened before the request could be sent (connection
   * refused, name not resolved, connect timeout: see {@link failedBeforeSending}), so the call may
   * be repeated safely; `false` whenever Authlete may have received and processed the request.
   * @see docs/client.md#retries
   */
  declare readonly requestNotSent: boolean;

  /** @param duringBody `true` when the failure came while reading the body of an answer. */
  constructor(cause: unknown, options?: { duringBody?: boolean }) {
    super(
      "AUTHLETE_NETWORK_ERROR",
      options?.duringBody
        ? `The connection to Authlete failed while reading its answer: ${messageOf(cause)}`
        : `Could not reach Authlete: ${messageOf(cause)}`,
      { cause },
    );
    this.requestNotSent = !options?.duringBody && failedBeforeSending(cause);
  }
}

/**
 * The `fetch` given in the client's options threw something that is not a network failure: a bug
 * in a wrapper (a local `TypeError`, a thrown string), an instrumentation hook refusing the call.
 * Kept apart from {@link AuthleteNetworkError} so that a mistake in your own code is not read as
 * Authlete being unreachable, and never retried (it would fail the same way). What counts as a
 * network failure is said by {@link isNetworkFailure}.
 * @see docs/client.md#errors
 */
export class AuthleteFetchError extends AuthleteError {
  override name = "AuthleteFetchError";

  constructor(cause: unknown) {
    super("AUTHLETE_FETCH_ERROR", `The custom fetch threw instead of answering: ${messageOf(cause)}`, { cause });
  }
}

/**
 * The messages of the `TypeError` a platform's `fetch` rejects with when the network fails and no
 * `code` says more (undici, browsers, cross-fetch, Deno).
 */
const NETWORK_FAILURE_MESSAGES =
  /^(?:fetch failed|terminated|Failed to fetch|NetworkError when attempting to fetch resource\.|Load failed|The Internet connection appears to be offline\.|Network request failed|network error|error sending request)/;

/**
 * Whether an error thrown by a `fetch` is how a platform's `fetch` reports a failed network: a
 * system or undici `code` in its `cause` chain (see {@link errorCode}), a `DOMException`
 * (`AbortError`, `TimeoutError`, `NetworkError`), or a `TypeError` with one of the messages the
 * platforms use. Anything else, thrown by a custom `fetch`, is that function's own failure.
 */
export function isNetworkFailure(error: unknown): boolean {
  if (findCode(error) !== undefined) return true;
  if (typeof DOMException === "function" && error instanceof DOMException) return true;
  return error instanceof TypeError && NETWORK_FAILURE_MESSAGES.test(error.message);
}

/** Authlete did not answer within the call's time limit. */
export class AuthleteTimeoutError extends AuthleteError {
  override name = "AuthleteTimeoutError";
  /** The limit that was exceeded, in milliseconds. */
  declare readonly timeoutMs: number;

  constructor(timeoutMs: number, cause?: unknown) {
    super("AUTHLETE_TIMEOUT", `Authlete did not answer within ${timeoutMs} ms`, { cause });
    this.timeoutMs = timeoutMs;
  }
}

/**
 * Options that cannot work, for the client ({@link createTokenClient}, or a call's options) and
 * for the token endpoint ({@link createTokenEndpoint}, {@link parseTokenRequest},
 * {@link toNodeHandler}): thrown at creation, before any request, naming the option.
 */
export class AuthleteConfigurationError extends AuthleteError {
  override name = "AuthleteConfigurationError";

  constructor(message: string) {
    super("AUTHLETE_INVALID_CONFIGURATION", message);
  }
}

/**
 * Error codes that only a connection attempt or a name lookup can produce; ENETUNREACH and
 * EHOSTUNREACH only when the failing system call was `connect`.
 */
const NOT_SENT_CODES = /^(?:ECONNREFUSED|ENOTFOUND|EAI_AGAIN|UND_ERR_CONNECT_TIMEOUT)$/;
const NOT_SENT_IF_CONNECTING = /^E(?:NET|HOST)UNREACH$/;

/**
 * Whether a `fetch` failure provably happened before the request was sent: the first error in the
 * `cause` chain that carries a `code` decides (Node's and undici's errors do; an `AggregateError`
 * from trying several addresses qualifies when every one of its errors does). Anything without a
 * recognisable code — the errors of other runtimes included — counts as "may have been sent".
 */
export function failedBeforeSending(error: unknown): boolean {
  const found = findCode(error);
  if (found === undefined) return false;
  if (Array.isArray(found)) return found.length > 0 && found.every(failedBeforeSending);
  return NOT_SENT_CODES.test(found.code) || (NOT_SENT_IF_CONNECTING.test(found.code) && found.syscall === "connect");
}

/** The first string `code` in an error's `cause` chain (Node's system errors and undici's carry one). */
export function errorCode(error: unknown): string | undefined {
  const found = findCode(error);
  return Array.isArray(found) ? undefined : found?.code;
}

/** Walks the `cause` chain to the first error with a string `code`, or an `AggregateError`'s errors. */
function findCode(error: unknown): { code: string; syscall?: unknown } | unknown[] | undefined {
  let current = error;
  for (let depth = 0; depth < 8 && typeof current === "object" && current !== null; depth++) {
    const { code, errors } = current as { code?: unknown; errors?: unknown };
    if (Array.isArray(errors)) return errors;
    if (typeof code === "string") return current as { code: string };
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A string, or `undefined` for anything else. */
function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function messageOf(cause: unknown): string {
  if (cause instanceof Error) {
    const inner = cause.cause instanceof Error ? ` (${cause.cause.message})` : "";
    return `${cause.message}${inner}`;
  }
  return String(cause);
}
