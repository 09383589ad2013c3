/** The content type of every token endpoint response (RFC 6749 section 5.1). */
export const TOKEN_RESPONSE_CONTENT_TYPE = "application/json;charset=UTF-8";

/**
 * Sets the headers every token endpoint response carries: tokens and errors must not be cached
 * (RFC 6749 section 5.1: `Cache-Control: no-store`, `Pragma: no-cache`).
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

/** `{"error":"server_error"}` with HTTP 500: what the client sees whenever the server side failed. */
export function serverErrorResponse(extra?: Readonly<Record<string, string>>): Response {
  return jsonResponse(500, JSON.stringify({ error: "server_error" }), extra);
}
