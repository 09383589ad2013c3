/**
 * How {@link parseTokenRequest} finds the token endpoint's public URL for the DPoP `htu` check.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.3
 * @see https://www.rfc-editor.org/rfc/rfc7239#section-4
 */
export interface DpopTargetOptions {
  /**
   * The public URL of this token endpoint, as clients call it (e.g.
   * `https://as.example.com/token`); used as `htu`. Best set explicitly behind a proxy.
   */
  tokenEndpointUrl?: string | URL | undefined;
  /**
   * Without `tokenEndpointUrl`, derive `htu` from the request URL, taking the scheme and host from
   * `Forwarded` (RFC 7239) or `X-Forwarded-Proto` / `X-Forwarded-Host`. Enable only behind a
   * proxy that sets these headers, or clients choose the URL their proofs are checked against.
   * When neither option is set, `htu` is left out and Authlete uses the service's `tokenEndpoint`.
   */
  trustForwardedHeaders?: boolean | undefined;
}

/**
 * The `htu` for a request: the configured URL, or the request URL (scheme and host possibly
 * taken from forwarding headers) without query or fragment (RFC 9449 section 4.3), or undefined.
 */
export function dpopTargetUri(request: Request, options: DpopTargetOptions): string | undefined {
  if (options.tokenEndpointUrl !== undefined) return withoutQuery(new URL(String(options.tokenEndpointUrl)));
  if (options.trustForwardedHeaders !== true) return undefined;
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return undefined;
  }
  const forwarded = readForwarded(request.headers);
  const proto = forwarded.proto ?? firstListValue(request.headers.get("X-Forwarded-Proto"));
  const host = forwarded.host ?? firstListValue(request.headers.get("X-Forwarded-Host"));
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

function firstListValue(value: string | null): string | undefined {
  const first = value?.split(",")[0]?.trim();
  return first === undefined || first === "" ? undefined : first;
}

/** `proto` and `host` of the first element of `Forwarded` (the one the outermost proxy added). */
function readForwarded(headers: Headers): { proto?: string; host?: string } {
  const value = headers.get("Forwarded");
  if (value === null) return {};
  const result: { proto?: string; host?: string } = {};
  // Quoted strings may contain `,` and `;`, so split with a tokenizer rather than String#split.
  const pair = /[ \t]*([!#$%&'*+.^_`|~0-9A-Za-z-]+)=("(?:[^"\\]|\\.)*"|[^;,]*)[ \t]*([;,]|$)/y;
  pair.lastIndex = 0;
  while (pair.lastIndex < value.length) {
    const match = pair.exec(value);
    if (match === null) break;
    const name = (match[1] ?? "").toLowerCase();
    let v = match[2] ?? "";
    if (v.startsWith('"')) v = v.slice(1, -1).replace(/\\(.)/g, "$1");
    if (name === "proto" && result.proto === undefined) result.proto = v;
    if (name === "host" && result.host === undefined) result.host = v;
    if (match[3] !== ";") break;
  }
  return result;
}
