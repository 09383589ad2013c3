import { base64ToBytes, bytesToBase64 } from "../bytes.js";
import { AuthleteConfigurationError } from "../errors.js";
import { invalidRequest, type TokenEndpointError } from "./token-endpoint-error.js";

/** The client's TLS certificate chain in PEM, as {@link TokenRequest} carries it. */
export interface ClientCertificates {
  /** The client's own (leaf) certificate. */
  certificate: string;
  /** The rest of the chain, leaf excluded, nearest issuer first. */
  chain?: string[] | undefined;
}

/**
 * Where the mutual-TLS client certificate comes from. The TLS connection usually ends at a
 * reverse proxy, which forwards the certificate in a header; trust such a header only behind a
 * proxy that always sets or removes it, or any client can claim any certificate.
 *
 * - `"x-ssl-cert"`: `X-Ssl-Cert` for the leaf and `X-Ssl-Cert-Chain-0`, `-1`, … for the chain,
 *   PEM (nginx `$ssl_client_cert`, or URL-encoded `$ssl_client_escaped_cert`, Apache
 *   `%{SSL_CLIENT_CERT}s`); the value `(null)` means no certificate.
 * - `"client-cert"`: RFC 9440 `Client-Cert` and `Client-Cert-Chain`, structured-field byte
 *   sequences of DER.
 * - a function: reads the certificate from wherever your platform puts it.
 * @see https://www.rfc-editor.org/rfc/rfc9440#section-2
 * @see https://www.rfc-editor.org/rfc/rfc8705#section-2
 */
export type ClientCertificateSource =
  | "x-ssl-cert"
  | "client-cert"
  | ((request: Request) => ClientCertificates | undefined | Promise<ClientCertificates | undefined>);

/**
 * Reads the client certificate of a request from `source`.
 *
 * @returns The certificate and chain in PEM, or `undefined` when the request has none.
 * @throws {TokenEndpointError} 400 `invalid_request` when the header is present but malformed.
 * @see https://www.rfc-editor.org/rfc/rfc9440#section-2
 * @see https://www.rfc-editor.org/rfc/rfc8705#section-2
 * @throws {AuthleteConfigurationError} when `source` is none of the three.
 */
export async function readClientCertificate(
  request: Request,
  source: ClientCertificateSource,
): Promise<ClientCertificates | undefined> {
  checkClientCertificateSource(source);
  if (source === "x-ssl-cert") return fromXSslCert(request.headers);
  if (source === "client-cert") return fromClientCert(request.headers);
  return source(request);
}

/**
 * Refuses a `clientCertificate` option that is none of the three sources.
 *
 * @throws {AuthleteConfigurationError} naming the option and what it must be.
 */
export function checkClientCertificateSource(source: unknown): asserts source is ClientCertificateSource {
  if (source !== "x-ssl-cert" && source !== "client-cert" && typeof source !== "function") {
    throw new AuthleteConfigurationError('clientCertificate must be "x-ssl-cert", "client-cert" or a function');
  }
}

function fromXSslCert(headers: Headers): ClientCertificates | undefined {
  const certificate = readPemHeader(headers.get("X-Ssl-Cert"));
  if (certificate === undefined) return undefined;
  // Headers are iterated sorted by name, so sort the chain by its number, not by name.
  const numbered: [number, string][] = [];
  for (const [name, value] of headers) {
    const match = /^x-ssl-cert-chain-(\d{1,4})$/.exec(name);
    if (match === null) continue;
    const pem = readPemHeader(value);
    if (pem !== undefined) numbered.push([Number(match[1]), pem]);
  }
  numbered.sort((a, b) => a[0] - b[0]);
  const chain = numbered.map(([, pem]) => pem);
  return chain.length > 0 ? { certificate, chain } : { certificate };
}

/** One PEM certificate header: absent, empty and `(null)` mean none; URL-encoded is decoded. */
function readPemHeader(value: string | null): string | undefined {
  if (value === null) return undefined;
  let text = value.trim();
  if (text === "" || text === "(null)") return undefined;
  if (text.startsWith("-----BEGIN%20")) {
    try {
      // nginx's $ssl_client_escaped_cert escapes the PEM exactly as OpenSSL wrote it, final
      // newline included (`-----END%20CERTIFICATE-----%0A`): trim what decoding revealed.
      text = decodeURIComponent(text).trim();
    } catch (cause) {
      throw certificateError("A client certificate header is not properly URL-encoded", cause);
    }
  }
  return normalizePem(text);
}

const PEM = /^-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----$/;

/**
 * Rewraps a PEM certificate whose line breaks a proxy turned into spaces or tabs (a header cannot
 * hold newlines), so that Authlete gets standard PEM.
 */
function normalizePem(text: string): string {
  const match = PEM.exec(text);
  const body = match?.[1]?.replace(/\s+/g, "");
  if (body === undefined || body === "") throw certificateError("A client certificate header is not a PEM certificate");
  let der: Uint8Array;
  try {
    der = base64ToBytes(body);
  } catch (cause) {
    throw certificateError("A client certificate header is not a PEM certificate", cause);
  }
  return derToPem(der);
}

function fromClientCert(headers: Headers): ClientCertificates | undefined {
  const leaf = headers.get("Client-Cert");
  if (leaf === null || leaf.trim() === "") return undefined;
  const certificate = derToPem(parseByteSequenceItem(leaf, "Client-Cert"));
  const chainValue = headers.get("Client-Cert-Chain");
  if (chainValue === null || chainValue.trim() === "") return { certificate };
  const chain = parseByteSequenceList(chainValue, "Client-Cert-Chain").map(derToPem);
  return chain.length > 0 ? { certificate, chain } : { certificate };
}

/**
 * DER bytes to a PEM certificate: Base64 wrapped at 64 characters between the BEGIN/END lines.
 * @see https://www.rfc-editor.org/rfc/rfc7468#section-2
 */
export function derToPem(der: Uint8Array): string {
  const base64 = bytesToBase64(der);
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join("\n")}\n-----END CERTIFICATE-----`;
}

// RFC 8941 pieces, enough for RFC 9440: a byte sequence item, optionally with parameters (which
// RFC 9440 does not define, so they are checked for syntax and ignored).
const SP = "[ \\t]*";
const BYTES = ":([A-Za-z0-9+/]*={0,2}):";
const KEY = "[a-z*][a-z0-9_.*-]*";
const BARE_ITEM = `(?:-?[0-9]{1,15}(?:\\.[0-9]{1,3})?|"(?:[\\x20\\x21\\x23-\\x5b\\x5d-\\x7e]|\\\\["\\\\])*"|[A-Za-z*][!#$%&'*+.^_\`|~0-9A-Za-z:/-]*|:[A-Za-z0-9+/]*={0,2}:|\\?[01])`;
const PARAMS = `(?:;${SP}${KEY}(?:=${BARE_ITEM})?)*`;
const ITEM = new RegExp(`^${BYTES}${PARAMS}$`);
const LIST_MEMBER = new RegExp(`^${BYTES}${PARAMS}`);

/** Parses an sf-item that must be a byte sequence (RFC 8941 section 4.2.7). */
function parseByteSequenceItem(value: string, header: string): Uint8Array {
  const match = ITEM.exec(value.trim());
  if (match === null) throw certificateError(`The ${header} header is not a structured-field byte sequence`);
  return decodeDer(match[1] ?? "", header);
}

/** Parses an sf-list whose members must all be byte sequences (RFC 8941 section 4.2.1). */
function parseByteSequenceList(value: string, header: string): Uint8Array[] {
  const members: Uint8Array[] = [];
  let rest = value.trim();
  while (rest !== "") {
    const match = LIST_MEMBER.exec(rest);
    if (match === null) throw certificateError(`The ${header} header is not a list of byte sequences`);
    members.push(decodeDer(match[1] ?? "", header));
    rest = rest.slice(match[0].length).replace(/^[ \t]*/, "");
    if (rest === "") break;
    if (!rest.startsWith(",")) throw certificateError(`The ${header} header is not a list of byte sequences`);
    rest = rest.slice(1).replace(/^[ \t]*/, "");
    // A trailing comma is not allowed.
    if (rest === "") throw certificateError(`The ${header} header is not a list of byte sequences`);
  }
  return members;
}

function decodeDer(base64: string, header: string): Uint8Array {
  let der: Uint8Array;
  try {
    der = base64ToBytes(base64);
  } catch (cause) {
    throw certificateError(`The ${header} header holds invalid Base64`, cause);
  }
  if (der.length === 0) throw certificateError(`The ${header} header holds an empty certificate`);
  return der;
}

function certificateError(description: string, cause?: unknown): TokenEndpointError {
  return invalidRequest("INVALID_CLIENT_CERTIFICATE", description, cause);
}
