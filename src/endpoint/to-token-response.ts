import type { TokenFailResponse, TokenIssueResponse, TokenResponse } from "../../generated/authlete-token.js";
import type { TokenFailResult, TokenIssueResult, TokenResult } from "../results.js";
import { basicChallenge, dpopNonceHeader, jsonResponse, oauthErrorBody } from "./oauth-response.js";

/**
 * An answer of `/auth/token`, `/auth/token/issue` or `/auth/token/fail`: as the client returns it
 * (typed by `action`, an unknown action included) or as the generated response types describe it.
 */
export type AuthleteTokenResult =
  | TokenResult
  | TokenIssueResult
  | TokenFailResult
  | TokenResponse
  | TokenIssueResponse
  | TokenFailResponse;

/** Options of {@link toTokenResponse}. */
export interface ToTokenResponseOptions {
  /** The realm of the `WWW-Authenticate: Basic` challenge sent with 401. Defaults to `"token"`. */
  realm?: string | undefined;
  /**
   * The DPoP nonce to send as `DPoP-Nonce` when the result has none of its own (the nonce of the
   * `/auth/token` result, when answering with that of `/auth/token/issue` or `/fail`).
   */
  dpopNonce?: string | null | undefined;
}

/**
 * Turns Authlete's result into the HTTP response for the client, as Authlete's libraries do:
 *
 * | `action` | status |
 * | --- | --- |
 * | `OK`, `ID_TOKEN_REISSUABLE` | 200 with `responseContent` |
 * | `BAD_REQUEST` | 400 with `responseContent` |
 * | `INVALID_CLIENT` | 401 with `responseContent` and `WWW-Authenticate: Basic realm="…"` |
 * | `INTERNAL_SERVER_ERROR` | 500 with `responseContent` |
 * | `PASSWORD`, `TOKEN_EXCHANGE`, `JWT_BEARER` | 400 `unsupported_grant_type` (the grant needs your code; see {@link createTokenEndpoint}) |
 * | `NATIVE_SSO` | 400 `invalid_grant` (same) |
 * | anything else | 500 `server_error` |
 *
 * Every response has `Content-Type: application/json;charset=UTF-8`, `Cache-Control: no-store`,
 * `Pragma: no-cache`, and `DPoP-Nonce` when there is a nonce that is a valid header value.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-8
 */
export function toTokenResponse(result: AuthleteTokenResult, options: ToTokenResponseOptions = {}): Response {
  const nonce = ("dpopNonce" in result ? result.dpopNonce : undefined) ?? options.dpopNonce;
  // A nonce that is not a valid header value is left out rather than making this throw.
  const headers = dpopNonceHeader(nonce);
  const content = typeof result.responseContent === "string" ? result.responseContent : undefined;
  switch (result.action as string) {
    case "OK":
    case "ID_TOKEN_REISSUABLE":
      // 200 without a body would look like success with no token: report a server error instead.
      return content === undefined ? serverError(headers) : jsonResponse(200, content, headers);
    case "BAD_REQUEST":
      return jsonResponse(400, content ?? oauthErrorBody("invalid_request"), headers);
    case "INVALID_CLIENT":
      headers["WWW-Authenticate"] = basicChallenge(options.realm ?? "token");
      return jsonResponse(401, content ?? oauthErrorBody("invalid_client"), headers);
    case "INTERNAL_SERVER_ERROR":
      return jsonResponse(500, content ?? oauthErrorBody("server_error"), headers);
    case "PASSWORD":
    case "TOKEN_EXCHANGE":
    case "JWT_BEARER":
      return jsonResponse(400, unsupportedGrantType(), headers);
    case "NATIVE_SSO":
      return jsonResponse(
        400,
        oauthErrorBody("invalid_grant", "Native SSO is not supported by this authorization server"),
        headers,
      );
    default:
      return serverError(headers);
  }
}

/** Whether {@link toTokenResponse} knows the action (an unknown one is answered with 500). */
export function isKnownAction(action: string): boolean {
  return KNOWN_ACTIONS.has(action);
}

const KNOWN_ACTIONS = new Set([
  "OK",
  "ID_TOKEN_REISSUABLE",
  "BAD_REQUEST",
  "INVALID_CLIENT",
  "INTERNAL_SERVER_ERROR",
  "PASSWORD",
  "TOKEN_EXCHANGE",
  "JWT_BEARER",
  "NATIVE_SSO",
]);

function unsupportedGrantType(): string {
  return oauthErrorBody("unsupported_grant_type", "The grant type is not supported by this authorization server");
}

function serverError(headers: Record<string, string>): Response {
  return jsonResponse(500, oauthErrorBody("server_error"), headers);
}
