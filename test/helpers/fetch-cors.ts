// The checks a browser applies to CORS answers, written from the Fetch standard, so that a test can
// judge the token endpoint's answers as a browser would without starting one: the CORS check
// (§4.9), the CORS-preflight fetch's checks (§4.8) and which response headers a page may read
// (CORS-filtered response, §2.2.6). Only what a credentials mode of "same-origin" or "omit" needs
// is modelled with care; "include" follows the same steps.
// https://fetch.spec.whatwg.org/#cors-check, #cors-preflight-fetch, #concept-filtered-response-cors

/** The request a page makes, as the browser sees it. */
export interface CorsRequest {
  /** The page's serialized origin. */
  origin: string;
  method: string;
  /** The headers the page sets (names as written). */
  headers: Record<string, string>;
  credentials?: "omit" | "same-origin" | "include";
}

/** A verdict: `ok`, or why the browser would refuse. */
export type CorsVerdict = { ok: true } | { ok: false; reason: string };

const SAFELISTED_METHODS = new Set(["GET", "HEAD", "POST"]);
const SAFELISTED_CONTENT_TYPES = new Set(["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"]);
/** CORS-safelisted response-header names. */
const SAFELISTED_RESPONSE_HEADERS = [
  "cache-control",
  "content-language",
  "content-length",
  "content-type",
  "expires",
  "last-modified",
  "pragma",
];

/** Fetch's "CORS check" of a response to `request`. */
export function corsCheck(response: Response, request: CorsRequest): CorsVerdict {
  const origin = response.headers.get("Access-Control-Allow-Origin");
  if (origin === null) return { ok: false, reason: "no Access-Control-Allow-Origin" };
  const include = request.credentials === "include";
  if (!include && origin === "*") return { ok: true };
  if (origin !== request.origin) return { ok: false, reason: `Access-Control-Allow-Origin is ${origin}` };
  if (!include) return { ok: true };
  if (response.headers.get("Access-Control-Allow-Credentials") !== "true") {
    return { ok: false, reason: "credentials without Access-Control-Allow-Credentials: true" };
  }
  return { ok: true };
}

/** Whether the browser sends a preflight for `request` (Fetch §4.1 main fetch, "CORS-preflight flag"). */
export function needsPreflight(request: CorsRequest): boolean {
  return !SAFELISTED_METHODS.has(request.method) || unsafeHeaderNames(request.headers).length > 0;
}

/** The preflight the browser sends for `request` (Fetch §4.8 steps 1–5). */
export function preflightRequest(url: string, request: CorsRequest): Request {
  const headers = new Headers({
    Origin: request.origin,
    Accept: "*/*",
    "Access-Control-Request-Method": request.method,
  });
  const names = unsafeHeaderNames(request.headers);
  if (names.length > 0) headers.set("Access-Control-Request-Headers", names.join(","));
  return new Request(url, { method: "OPTIONS", headers });
}

/** Fetch's checks of a CORS-preflight response (§4.8 step 7). */
export function preflightCheck(response: Response, request: CorsRequest): CorsVerdict {
  const cors = corsCheck(response, request);
  if (!cors.ok) return cors;
  if (response.status < 200 || response.status > 299) return { ok: false, reason: `status ${response.status}` };
  const methods = parseList(response.headers.get("Access-Control-Allow-Methods"));
  const headerNames = parseList(response.headers.get("Access-Control-Allow-Headers"));
  if (methods === undefined || headerNames === undefined) return { ok: false, reason: "unparsable list" };
  const include = request.credentials === "include";
  if (
    !methods.includes(request.method) &&
    !SAFELISTED_METHODS.has(request.method) &&
    (include || !methods.includes("*"))
  ) {
    return { ok: false, reason: `method ${request.method} not allowed` };
  }
  const allowed = headerNames.map((name) => name.toLowerCase());
  for (const name of unsafeHeaderNames(request.headers)) {
    if (allowed.includes(name)) continue;
    if (name === "authorization" || include || !allowed.includes("*")) {
      return { ok: false, reason: `header ${name} not allowed` };
    }
  }
  const maxAge = response.headers.get("Access-Control-Max-Age");
  if (maxAge !== null && !/^\d+$/.test(maxAge)) return { ok: false, reason: "bad Access-Control-Max-Age" };
  return { ok: true };
}

/** The header names a page can read on a CORS response (lower case). */
export function readableHeaders(response: Response, request: CorsRequest): string[] {
  const exposed = (parseList(response.headers.get("Access-Control-Expose-Headers")) ?? []).map((n) => n.toLowerCase());
  const all = [...response.headers.keys()];
  if (request.credentials !== "include" && exposed.includes("*")) return all;
  return all.filter((name) => SAFELISTED_RESPONSE_HEADERS.includes(name) || exposed.includes(name));
}

/** Fetch's "CORS-unsafe request-header names": sorted, lower case. */
export function unsafeHeaderNames(headers: Record<string, string>): string[] {
  const unsafe: string[] = [];
  for (const [rawName, value] of Object.entries(headers)) {
    const name = rawName.toLowerCase();
    if (!isSafelistedRequestHeader(name, value)) unsafe.push(name);
  }
  return unsafe.sort();
}

function isSafelistedRequestHeader(name: string, value: string): boolean {
  if (value.length > 128) return false;
  switch (name) {
    case "accept":
    case "accept-language":
    case "content-language":
      return true;
    case "content-type": {
      const essence = value.split(";")[0]?.trim().toLowerCase() ?? "";
      return SAFELISTED_CONTENT_TYPES.has(essence);
    }
    default:
      return false;
  }
}

/** Parses a header's comma-separated list of tokens; `undefined` when an element is not a token. */
function parseList(value: string | null): string[] | undefined {
  if (value === null) return [];
  const items = value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
  return items.every((item) => /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(item)) ? items : undefined;
}
