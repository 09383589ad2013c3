import { base64ToBytes, bytesToBase64, decodeUtf8 } from "../bytes.js";
import { invalidBasicCredentials } from "./token-endpoint-error.js";

/** A client ID and secret taken from an `Authorization: Basic` header. */
export interface BasicCredentials {
  clientId: string;
  clientSecret: string;
}

/** Options of {@link parseBasicCredentials} and {@link encodeBasicCredentials}. */
export interface BasicCredentialsOptions {
  /**
   * RFC 6749 section 2.3.1 has clients `application/x-www-form-urlencoded`-encode the ID and
   * secret before Base64. `true` (the default) undoes that encoding; set `false` for clients that
   * send them raw (a raw `+` or `%` would otherwise be misread).
   */
  formEncoded?: boolean | undefined;
  /** The realm of the `WWW-Authenticate` challenge sent with a 401. Defaults to `"token"`. */
  realm?: string | undefined;
}

const BASIC = /^basic(?:[ \t]+(.*))?$/is;
// token68 (RFC 9110 section 11.2) with standard Base64's alphabet.
const BASE64 = /^[A-Za-z0-9+/]+=*$/;

/**
 * Reads the client credentials of an `Authorization: Basic` header (RFC 7617, RFC 6749 section
 * 2.3.1): Base64, then UTF-8, then a split on the first `:` (a secret may itself contain `:`),
 * then form-decoding of each part.
 *
 * @param authorization The `Authorization` header value, or `null` when there is none.
 * @returns The credentials, or `undefined` when there is no header or it uses another scheme
 *   (Authlete judges those, e.g. a DPoP or Bearer header sent by mistake).
 * @throws {TokenEndpointError} 401 `invalid_client` with a `WWW-Authenticate: Basic` challenge
 *   when the header is Basic but malformed (bad Base64 or UTF-8, no colon, empty client ID, bad
 *   percent-encoding). The error never contains the header's value.
 * @see https://www.rfc-editor.org/rfc/rfc7617#section-2
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export function parseBasicCredentials(
  authorization: string | null | undefined,
  options: BasicCredentialsOptions = {},
): BasicCredentials | undefined {
  if (authorization == null) return undefined;
  const match = BASIC.exec(authorization.trim());
  if (match === null) return undefined;
  const realm = options.realm ?? "token";
  const token = (match[1] ?? "").trim();
  if (!BASE64.test(token)) throw invalidBasicCredentials("The Basic credentials are not Base64", realm);
  let decoded: string;
  try {
    decoded = decodeUtf8(base64ToBytes(token));
  } catch {
    // No cause attached: a decoder's message could one day quote the input.
    throw invalidBasicCredentials("The Basic credentials are not Base64-encoded UTF-8", realm);
  }
  const colon = decoded.indexOf(":");
  if (colon < 0) throw invalidBasicCredentials("The Basic credentials have no colon", realm);
  let clientId = decoded.slice(0, colon);
  let clientSecret = decoded.slice(colon + 1);
  if (options.formEncoded ?? true) {
    try {
      clientId = formDecode(clientId);
      clientSecret = formDecode(clientSecret);
    } catch {
      throw invalidBasicCredentials("The Basic credentials are not properly form-encoded", realm);
    }
  }
  if (clientId === "") throw invalidBasicCredentials("The Basic credentials have an empty client ID", realm);
  return { clientId, clientSecret };
}

/**
 * Builds an `Authorization: Basic` header value the way RFC 6749 section 2.3.1 asks clients to:
 * form-encode the ID and secret (unless `formEncoded: false`), join with `:`, UTF-8, Base64.
 * The inverse of {@link parseBasicCredentials}.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
export function encodeBasicCredentials(
  clientId: string,
  clientSecret: string,
  options: Pick<BasicCredentialsOptions, "formEncoded"> = {},
): string {
  const encode = (options.formEncoded ?? true) ? formEncode : (s: string) => s;
  return `Basic ${bytesToBase64(new TextEncoder().encode(`${encode(clientId)}:${encode(clientSecret)}`))}`;
}

/** Decodes `application/x-www-form-urlencoded`; throws on a bad `%` sequence or invalid UTF-8. */
function formDecode(value: string): string {
  return decodeURIComponent(value.replaceAll("+", " "));
}

/** The WHATWG `application/x-www-form-urlencoded` serializer, as browsers and `URLSearchParams` use. */
function formEncode(value: string): string {
  return new URLSearchParams([["", value]]).toString().slice(1);
}
