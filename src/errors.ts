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
  | "AUTHLETE_TIMEOUT"
  | "AUTHLETE_INVALID_CONFIGURATION";

/** Base class of every error this package throws. */
export class AuthleteError extends Error {
  override name = "AuthleteError";
  readonly code: AuthleteErrorCode;

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
  readonly status: number;
  /** Authlete's result code (e.g. `A001202`), when the body carried one. */
  readonly resultCode: string | undefined;
  /** Authlete's explanation, when the body carried one. */
  readonly resultMessage: string | undefined;

  constructor(status: number, body: unknown) {
    const result = readResult(body);
    super(
      "AUTHLETE_API_ERROR",
      `Authlete answered HTTP ${status}${result.resultMessage ? `: ${result.resultMessage}` : ""}`,
    );
    this.status = status;
    this.resultCode = result.resultCode;
    this.resultMessage = result.resultMessage;
  }
}

/**
 * Authlete (or something in between) answered with a redirect. Redirects are never followed, so
 * the bearer token is never sent to a host it was not configured for.
 */
export class AuthleteRedirectError extends AuthleteError {
  override name = "AuthleteRedirectError";
  /** The redirect status (0 where the platform hides it, as browsers do). */
  readonly status: number;

  constructor(status: number) {
    super("AUTHLETE_REDIRECT", `Authlete answered with a redirect (HTTP ${status}); redirects are not followed`);
    this.status = status;
  }
}

/** Authlete answered 2xx with a body that is not a JSON object. */
export class AuthleteInvalidResponseError extends AuthleteError {
  override name = "AuthleteInvalidResponseError";
  /** The HTTP status of the response. */
  readonly status: number;

  constructor(status: number, reason: string, options?: { cause?: unknown }) {
    super("AUTHLETE_INVALID_RESPONSE", `Authlete answered HTTP ${status} with ${reason}`, options);
    this.status = status;
  }
}

/** The call did not reach Authlete or the connection failed (DNS, refused, reset, TLS). */
export class AuthleteNetworkError extends AuthleteError {
  override name = "AuthleteNetworkError";

  constructor(cause: unknown) {
    super("AUTHLETE_NETWORK_ERROR", `Could not reach Authlete: ${messageOf(cause)}`, { cause });
  }
}

/** Authlete did not answer within the call's time limit. */
export class AuthleteTimeoutError extends AuthleteError {
  override name = "AuthleteTimeoutError";
  /** The limit that was exceeded, in milliseconds. */
  readonly timeoutMs: number;

  constructor(timeoutMs: number, cause?: unknown) {
    super("AUTHLETE_TIMEOUT", `Authlete did not answer within ${timeoutMs} ms`, { cause });
    this.timeoutMs = timeoutMs;
  }
}

/** The client was created or called with options that cannot work (thrown before any request). */
export class AuthleteConfigurationError extends AuthleteError {
  override name = "AuthleteConfigurationError";

  constructor(message: string) {
    super("AUTHLETE_INVALID_CONFIGURATION", message);
  }
}

function readResult(body: unknown): { resultCode: string | undefined; resultMessage: string | undefined } {
  if (typeof body !== "object" || body === null) return { resultCode: undefined, resultMessage: undefined };
  const { resultCode, resultMessage } = body as Record<string, unknown>;
  return {
    resultCode: typeof resultCode === "string" ? resultCode : undefined,
    resultMessage: typeof resultMessage === "string" ? resultMessage : undefined,
  };
}

function messageOf(cause: unknown): string {
  if (cause instanceof Error) {
    const inner = cause.cause instanceof Error ? ` (${cause.cause.message})` : "";
    return `${cause.message}${inner}`;
  }
  return String(cause);
}
