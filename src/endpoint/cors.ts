/**
 * The one home of the token endpoint's CORS rules (Fetch standard, "CORS protocol"): which origins
 * a browser may call it from, the preflight answer, and the headers every other answer carries.
 *
 * @see https://fetch.spec.whatwg.org/#http-cors-protocol
 */
import { AuthleteConfigurationError } from "../errors.js";

/**
 * The origins allowed to call the token endpoint from a browser: a list of exact serialized origins
 * (`"https://app.example.com"`, `"http://localhost:5173"`), or a function that decides for each
 * request's `Origin`. The function only ever sees a valid serialized `http:`/`https:` origin; the
 * opaque origin `null` is never allowed.
 */
export type CorsOrigins = readonly string[] | ((origin: string) => boolean);

/**
 * How long a browser may cache a preflight answer, in seconds: ten minutes, under every browser's
 * cap (Chromium's is two hours), so that a change of the allowed origins reaches browsers soon.
 *
 * @see https://fetch.spec.whatwg.org/#http-access-control-max-age
 */
export const CORS_MAX_AGE_SECONDS = 600;

/**
 * The request headers a browser client may send: client authentication (`Authorization: Basic`),
 * the form's content type, a DPoP proof (RFC 9449) and the attestation-based client authentication
 * headers. Every other request header makes the preflight fail.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.1
 * @see https://datatracker.ietf.org/doc/html/draft-ietf-oauth-attestation-based-client-auth
 */
export const CORS_ALLOWED_HEADERS: readonly string[] = Object.freeze([
  "Authorization",
  "Content-Type",
  "DPoP",
  "OAuth-Client-Attestation",
  "OAuth-Client-Attestation-PoP",
]);

/**
 * The response headers a browser client may read beyond the CORS-safelisted ones: the DPoP nonce
 * it must put in its next proof, and the challenge of a 401.
 *
 * @see https://fetch.spec.whatwg.org/#http-access-control-expose-headers
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-8
 */
export const CORS_EXPOSED_HEADERS: readonly string[] = Object.freeze(["DPoP-Nonce", "WWW-Authenticate"]);

/**
 * Decides whether a request's `Origin` header value is allowed; `onError` receives what a `cors`
 * function threw (that origin is then not allowed).
 */
export type OriginCheck = (origin: string | null, onError: (error: unknown) => void) => boolean;

/**
 * Turns the `cors` option into the check of a request's `Origin`.
 *
 * @throws {AuthleteConfigurationError} for `*`, a value that is not a serialized `http:`/`https:`
 *   origin (a path, a trailing slash, upper case, a default port, `null`) or a value of another
 *   type. Nothing is allowed by default (an empty list allows nothing either): CORS is opt-in,
 *   origin by origin.
 */
export function checkCorsOrigins(origins: CorsOrigins): OriginCheck {
  if (typeof origins === "function") {
    return (origin, onError) => {
      if (origin === null || !isSerializedOrigin(origin)) return false;
      try {
        // Only `true` allows: a function returning a truthy non-boolean is more likely a bug.
        return origins(origin) === true;
      } catch (error) {
        onError(error);
        return false;
      }
    };
  }
  if (!Array.isArray(origins)) {
    throw new AuthleteConfigurationError("cors must be a list of origins or a function (origin) => boolean");
  }
  const allowed = new Set<string>();
  for (const value of origins as readonly unknown[]) {
    if (typeof value !== "string") throw new AuthleteConfigurationError("cors: every origin must be a string");
    if (value === "*") {
      throw new AuthleteConfigurationError(
        'cors: "*" is refused: list the origins of your browser clients, e.g. "https://app.example.com"',
      );
    }
    if (!isSerializedOrigin(value)) {
      const suggestion = serializedOrigin(value);
      throw new AuthleteConfigurationError(
        `cors: ${JSON.stringify(value)} is not an origin (scheme http or https, host, optional port; no path, no trailing slash)` +
          (suggestion !== undefined && suggestion !== value ? `; did you mean ${JSON.stringify(suggestion)}?` : ""),
      );
    }
    allowed.add(value);
  }
  // Browsers send the serialized origin, so an exact comparison is the whole rule.
  return (origin) => origin !== null && allowed.has(origin);
}

/**
 * Whether `value` is exactly the serialized form of an `http:`/`https:` origin, as browsers send it
 * in `Origin`: lower-case scheme and host, no default port, nothing after the host and port.
 *
 * @see https://html.spec.whatwg.org/multipage/browsers.html#ascii-serialisation-of-an-origin
 */
export function isSerializedOrigin(value: string): boolean {
  return serializedOrigin(value) === value;
}

function serializedOrigin(value: string): string | undefined {
  if (!URL.canParse(value)) return undefined;
  const url = new URL(value);
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  return url.origin;
}

/**
 * Whether `request` is a CORS preflight: an `OPTIONS` request with `Origin` and
 * `Access-Control-Request-Method`. An `OPTIONS` request without the latter is not one (and is
 * answered as any request with the wrong method).
 *
 * @see https://fetch.spec.whatwg.org/#cors-preflight-request
 */
export function isPreflight(request: Request): boolean {
  return (
    request.method === "OPTIONS" &&
    request.headers.has("Origin") &&
    request.headers.has("Access-Control-Request-Method")
  );
}

/**
 * The answer to an allowed origin's preflight: 204 with that origin (never `*`), `POST`, the
 * {@link CORS_ALLOWED_HEADERS}, {@link CORS_MAX_AGE_SECONDS} and `Vary: Origin`. No
 * `Access-Control-Allow-Credentials`: the token endpoint uses no cookies, and a browser client
 * authenticates with headers it sets itself.
 *
 * @see https://fetch.spec.whatwg.org/#cors-preflight-fetch
 */
export function preflightResponse(origin: string): Response {
  return new Response(null, {
    status: 204,
    headers: {
      "Access-Control-Allow-Origin": origin,
      "Access-Control-Allow-Methods": "POST",
      "Access-Control-Allow-Headers": CORS_ALLOWED_HEADERS.join(", "),
      "Access-Control-Max-Age": String(CORS_MAX_AGE_SECONDS),
      Vary: "Origin",
      "Cache-Control": "no-store",
    },
  });
}

/**
 * `response` with the CORS headers of an answer to `origin` when it is allowed (`allowed`), and
 * `Vary: Origin` in every case: whether the other headers are there depends on `Origin`, which a
 * cache must know.
 *
 * @see https://fetch.spec.whatwg.org/#cors-protocol-and-http-caches
 */
export function withCorsHeaders(response: Response, origin: string | null, allowed: boolean): Response {
  // A copy: the headers of a response made elsewhere (a grant hook's) may be immutable.
  const copy = new Response(response.body, response);
  addVaryOrigin(copy.headers);
  // Only the configuration decides: a hook's response cannot open the endpoint wider.
  for (const name of CORS_RESPONSE_HEADERS) copy.headers.delete(name);
  if (allowed && origin !== null) {
    copy.headers.set("Access-Control-Allow-Origin", origin);
    copy.headers.set("Access-Control-Expose-Headers", CORS_EXPOSED_HEADERS.join(", "));
  }
  return copy;
}

const CORS_RESPONSE_HEADERS = [
  "Access-Control-Allow-Origin",
  "Access-Control-Allow-Credentials",
  "Access-Control-Allow-Methods",
  "Access-Control-Allow-Headers",
  "Access-Control-Max-Age",
  "Access-Control-Expose-Headers",
];

function addVaryOrigin(headers: Headers): void {
  const vary = headers.get("Vary");
  if (vary === null || vary.trim() === "") {
    headers.set("Vary", "Origin");
    return;
  }
  const names = vary.split(",").map((name) => name.trim().toLowerCase());
  if (!names.includes("origin") && !names.includes("*")) headers.set("Vary", `${vary}, Origin`);
}
