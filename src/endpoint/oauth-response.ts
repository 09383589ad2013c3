/**
 * The one home of what every token endpoint answer carries: the JSON content type, the no-store
 * headers, the OAuth error object, the `WWW-Authenticate: Basic` challenge and the `DPoP-Nonce`
 * header. Every other module builds its responses from these.
 */

import { isHeaderValue } from "../http/header-value.js";

/** The content type of every token endpoint response (RFC 6749 section 5.1). */
export const TOKEN_RESPONSE_CONTENT_TYPE = "application/json;charset=UTF-8";

/**
 * Sets the headers every token endpoint response carries: tokens and errors must not be cached
 * (RFC 6749 section 5.1: `Cache-Control: no-store`, `Pragma: no-cache`).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export function setNoStoreHeaders(headers: Headers): Headers {
  headers.set("Cache-Control", "no-store");
  headers.set("Pragma", "no-cache");
  return headers;
}

/** A JSON response with the token endpoint's headers and any extra ones. */
export function jsonResponse(status: number, body: string, extra?: Readonly<Record<string, string>>): Response {
  const headers = new Headers(extra);
  headers.set("Content-Type", TOKEN_RESPONSE_CONTENT_TYPE);
  setNoStoreHeaders(headers);
  return new Response(body, { status, headers });
}

/**
 * The JSON error object of RFC 6749 section 5.2: `{"error":…,"error_description":…}`.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export function oauthErrorBody(error: string, description?: string): string {
  return JSON.stringify(description === undefined ? { error } : { error, error_description: description });
}

/** An OAuth error response (RFC 6749 section 5.2) with the token endpoint's headers. */
export function oauthErrorResponse(
  status: number,
  error: string,
  description?: string,
  extra?: Readonly<Record<string, string>>,
): Response {
  return jsonResponse(status, oauthErrorBody(error, description), extra);
}

/** `{"error":"server_error"}` with HTTP 500: what the client sees whenever the server side failed. */
export function serverErrorResponse(extra?: Readonly<Record<string, string>>): Response {
  return oauthErrorResponse(500, "server_error", undefined, extra);
}

/**
 * `WWW-Authenticate: Basic realm="…"`, with the realm quoted as RFC 9110 requires.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7617#section-2
 */
export function basicChallenge(realm: string): string {
  return `Basic realm="${realm.replace(/[\\"]/g, "\\$&")}"`;
}

/**
 * The `DPoP-Nonce` header for a nonce from Authlete (RFC 9449 section 8), as a headers record: empty
 * when there is no nonce or it is not a valid header value (sending it would make `Headers` throw;
 * {@link isHeaderValue}). Callers that can log should check with {@link invalidDpopNonce} first.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-8
 */
export function dpopNonceHeader(nonce: string | null | undefined): Record<string, string> {
  return typeof nonce === "string" && isHeaderValue(nonce) ? { "DPoP-Nonce": nonce } : {};
}

/** Whether `nonce` is present but cannot be sent as `DPoP-Nonce` (it is then left out). */
export function invalidDpopNonce(nonce: string | null | undefined): boolean {
  return typeof nonce === "string" && nonce !== "" && !isHeaderValue(nonce);
}

/**
 * A copy of `response` (its headers may be immutable) with the no-store headers and, unless it
 * has one, the `DPoP-Nonce` of `nonce`.
 */
export function withTokenEndpointHeaders(response: Response, nonce: string | null | undefined): Response {
  const copy = new Response(response.body, response);
  setNoStoreHeaders(copy.headers);
  const header = dpopNonceHeader(nonce)["DPoP-Nonce"];
  if (header !== undefined && !copy.headers.has("DPoP-Nonce")) copy.headers.set("DPoP-Nonce", header);
  return copy;
}
