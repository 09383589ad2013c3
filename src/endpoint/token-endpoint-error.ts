import { basicChallenge, oauthErrorResponse } from "./oauth-response.js";

/** Why a token request was rejected before Authlete was called, one code per rule. */
export type TokenEndpointErrorCode =
  | "METHOD_NOT_ALLOWED"
  | "UNSUPPORTED_CONTENT_TYPE"
  | "BODY_TOO_LARGE"
  | "INVALID_BODY"
  | "INVALID_BASIC_CREDENTIALS"
  | "INVALID_CLIENT_CERTIFICATE"
  | "UNSUPPORTED_GRANT_TYPE"
  | "INVALID_GRANT"
  | "SERVER_ERROR";

/** Options of the {@link TokenEndpointError} constructor. */
export interface TokenEndpointErrorOptions {
  /** The RFC 6749 section 5.2 `error` code sent to the client. */
  error: string;
  /** The `error_description` sent to the client. Never put a credential or header value in it. */
  description: string;
  /** The HTTP status of the response. */
  status: number;
  /** Extra response headers, such as `Allow` or `WWW-Authenticate`. */
  headers?: Record<string, string> | undefined;
  /** The underlying failure, if any. It is kept for logs and never sent to the client. */
  cause?: unknown;
}

/**
 * A token request that must be answered with an OAuth error without asking Authlete: a wrong
 * method or content type, an oversized body, a malformed `Authorization: Basic` header or client
 * certificate. Also the way a hook of {@link createTokenEndpoint} answers with an error: throw it.
 *
 * It carries what RFC 6749 section 5.2 needs (`error`, `error_description`, the HTTP `status`)
 * and turns into the HTTP response with {@link TokenEndpointError.toResponse}. Its message and
 * fields never contain the request's credentials, so it is safe to log.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export class TokenEndpointError extends Error {
  override name = "TokenEndpointError";
  /** A stable code to branch on. */
  readonly code: TokenEndpointErrorCode;
  /** The OAuth `error` code, e.g. `invalid_request` or `invalid_client`. */
  readonly error: string;
  /** The OAuth `error_description`. */
  readonly error_description: string;
  /** The HTTP status of the response, e.g. 400, 401, 405, 413. */
  readonly status: number;
  /** Extra headers of the response (`Allow`, `WWW-Authenticate`). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: TokenEndpointErrorCode, options: TokenEndpointErrorOptions) {
    super(
      `${options.error}: ${options.description}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.code = code;
    this.error = options.error;
    this.error_description = options.description;
    this.status = options.status;
    this.headers = Object.freeze({ ...options.headers });
  }

  /**
   * The HTTP response for the client: a JSON error object with `Cache-Control: no-store`,
   * `Pragma: no-cache` and this error's extra headers.
   */
  toResponse(): Response {
    return oauthErrorResponse(this.status, this.error, this.error_description, this.headers);
  }
}

/** The 401 `invalid_client` error for an `Authorization: Basic` header that cannot be read. */
export function invalidBasicCredentials(description: string, realm: string): TokenEndpointError {
  return new TokenEndpointError("INVALID_BASIC_CREDENTIALS", {
    error: "invalid_client",
    description,
    status: 401,
    headers: { "WWW-Authenticate": basicChallenge(realm) },
  });
}

/** A 400 `invalid_request` error. */
export function invalidRequest(code: TokenEndpointErrorCode, description: string, cause?: unknown): TokenEndpointError {
  return new TokenEndpointError(code, { error: "invalid_request", description, status: 400, cause });
}
