import { AuthleteConfigurationError } from "../errors.js";

/**
 * Which forwarding headers the reverse proxy in front of the token endpoint writes, and how many
 * proxies append to them. Only that family is read, from the right: the element the
 * `hops`-th proxy from this server added; the other family is ignored entirely.
 *
 * - `header: "forwarded"`: RFC 7239 `Forwarded` (its `proto` and `host`).
 * - `header: "x-forwarded"`: `X-Forwarded-Proto` and `X-Forwarded-Host`.
 * - `hops`: how many trusted proxies appended an element (default 1: the proxy next to this server).
 *   Elements left of the trusted ones were sent by the client and are never read. A header with
 *   fewer elements than `hops` is ignored.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7239#section-4
 */
export interface TrustedProxyHeaders {
  header: "forwarded" | "x-forwarded";
  hops?: number | undefined;
}

/**
 * How {@link parseTokenRequest} finds the token endpoint's public URL for the DPoP `htu` check.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.3
 */
export interface DpopTargetOptions {
  /**
   * The public URL of this token endpoint, as clients call it (e.g.
   * `https://as.example.com/token`); used as `htu`. Best set explicitly behind a proxy.
   */
  tokenEndpointUrl?: string | URL | undefined;
  /**
   * Without `tokenEndpointUrl`, derive `htu` from the request URL, taking the scheme and host from
   * the forwarding headers your proxy writes (see {@link TrustedProxyHeaders}). `true` is refused:
   * say which family your proxy writes, or a client could choose the URL its proofs are checked
   * against. When neither option is set, `htu` is left out and Authlete uses the service's
   * `tokenEndpoint`.
   *
   * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.3
   */
  trustForwardedHeaders?: TrustedProxyHeaders | false | undefined;
}

/** Most proxies a request goes through that a configuration may trust. */
const MAX_HOPS = 10;

/**
 * Checks `tokenEndpointUrl` and `trustForwardedHeaders`.
 *
 * @throws {AuthleteConfigurationError} for a relative URL, `trustForwardedHeaders: true` or an
 *   unknown header family, a `hops` that is not an integer from 1 to 10, or both options at once.
 */
export function checkDpopTargetOptions(options: DpopTargetOptions): void {
  const { tokenEndpointUrl, trustForwardedHeaders: trust } = options;
  if (tokenEndpointUrl !== undefined && !URL.canParse(String(tokenEndpointUrl))) {
    throw new AuthleteConfigurationError("tokenEndpointUrl must be an absolute URL");
  }
  if (trust === undefined || trust === false) return;
  if (typeof trust !== "object" || trust === null || (trust.header !== "forwarded" && trust.header !== "x-forwarded")) {
    throw new AuthleteConfigurationError(
      'trustForwardedHeaders must say which headers your proxy writes: { header: "forwarded" } (RFC 7239 Forwarded) or { header: "x-forwarded" } (X-Forwarded-Proto / X-Forwarded-Host), with hops: how many proxies append to them (default 1)',
    );
  }
  const hops = trust.hops ?? 1;
  if (!Number.isInteger(hops) || hops < 1 || hops > MAX_HOPS) {
    throw new AuthleteConfigurationError(`trustForwardedHeaders.hops must be an integer from 1 to ${MAX_HOPS}`);
  }
  if (tokenEndpointUrl !== undefined) {
    throw new AuthleteConfigurationError(
      "set either tokenEndpointUrl or trustForwardedHeaders, not both: with tokenEndpointUrl the forwarding headers are not read",
    );
  }
}

/**
 * The `htu` for a request: the configured URL, or the request URL (scheme and host possibly
 * taken from the trusted forwarding headers) without query or fragment, or undefined.
 *
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.3
 */
export function dpopTargetUri(request: Request, options: DpopTargetOptions): string | undefined {
  if (options.tokenEndpointUrl !== undefined) return withoutQuery(new URL(String(options.tokenEndpointUrl)));
  const trust = options.trustForwardedHeaders;
  if (trust === undefined || trust === false) return undefined;
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return undefined;
  }
  const hops = trust.hops ?? 1;
  const { proto, host } =
    trust.header === "forwarded"
      ? readForwarded(request.headers, hops)
      : {
          proto: fromRight(listValues(request.headers.get("X-Forwarded-Proto")), hops),
          host: fromRight(listValues(request.headers.get("X-Forwarded-Host")), hops),
        };
  if (proto !== undefined && /^https?$/i.test(proto)) url.protocol = `${proto.toLowerCase()}:`;
  if (host !== undefined) applyHost(url, host);
  return withoutQuery(url);
}

function withoutQuery(url: URL): string {
  url.search = "";
  url.hash = "";
  return url.href;
}

const HOST = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~-]+)(?::([0-9]{1,5}))?$/;

/** Sets host and port from a `Host`-style value; a value that is not one is ignored. */
function applyHost(url: URL, host: string): void {
  const match = HOST.exec(host);
  if (match === null) return;
  let parsed: URL;
  try {
    parsed = new URL(`${url.protocol}//${host}/`);
  } catch {
    return;
  }
  url.hostname = parsed.hostname;
  // A forwarded host without a port means the scheme's default port.
  url.port = parsed.port;
}

/** The `hops`-th element from the end: the one the `hops`-th proxy from this server added. */
function fromRight<T>(values: readonly T[], hops: number): T | undefined {
  return values.length >= hops ? values[values.length - hops] : undefined;
}

function listValues(value: string | null): string[] {
  return value === null ? [] : value.split(",").map((v) => v.trim());
}

/**
 * `proto` and `host` of the `hops`-th element of `Forwarded` from the right. Proxies append
 * (RFC 7239 section 4), so the elements to the left are the client's own.
 */
function readForwarded(headers: Headers, hops: number): { proto?: string; host?: string } {
  const value = headers.get("Forwarded");
  if (value === null) return {};
  const elements: { proto?: string; host?: string }[] = [{}];
  // Quoted strings may contain `,` and `;`, so split with a tokenizer rather than String#split.
  const pair = /[ \t]*([!#$%&'*+.^_`|~0-9A-Za-z-]+)=("(?:[^"\\]|\\.)*"|[^;,]*)[ \t]*([;,]|$)/y;
  pair.lastIndex = 0;
  while (pair.lastIndex < value.length) {
    const match = pair.exec(value);
    // Syntax that cannot be read: no element of it can be trusted.
    if (match === null) return {};
    const element = elements[elements.length - 1] as { proto?: string; host?: string };
    const name = (match[1] ?? "").toLowerCase();
    let v = match[2] ?? "";
    if (v.startsWith('"')) v = v.slice(1, -1).replace(/\\(.)/g, "$1");
    if (name === "proto" || name === "host") {
      // A parameter given twice in one element makes the element ambiguous.
      if (element[name] !== undefined) element[name] = "";
      else element[name] = v;
    }
    if (match[3] === ",") elements.push({});
    if (match[3] === "") break;
  }
  return fromRight(elements, hops) ?? {};
}
