import type { TokenRequest } from "../../generated/authlete-token.js";
import { decodeUtf8, readAtMost } from "../bytes.js";
import { AuthleteConfigurationError } from "../errors.js";
import { redactFields } from "../redact.js";
import { type BasicCredentialsOptions, parseBasicCredentials } from "./basic-credentials.js";
import {
  type ClientCertificateSource,
  checkClientCertificateSource,
  readClientCertificate,
} from "./client-certificate.js";
import { checkDpopTargetOptions, type DpopTargetOptions, dpopTargetUri } from "./dpop-target.js";
import { invalidRequest, TokenEndpointError } from "./token-endpoint-error.js";

/** Options of {@link parseTokenRequest}. */
export interface ParseTokenRequestOptions extends DpopTargetOptions {
  /** The largest form body accepted, in bytes; a larger one is answered with 413. Defaults to 64 KiB. */
  maxBodyBytes?: number | undefined;
  /**
   * Whether the ID and secret of `Authorization: Basic` are form-encoded as RFC 6749 section
   * 2.3.1 requires (the default, `true`). Set `false` for clients that send them raw.
   */
  basicCredentialsFormEncoded?: boolean | undefined;
  /** The realm of the `WWW-Authenticate: Basic` challenge sent with 401 responses. Defaults to `"token"`. */
  realm?: string | undefined;
  /** Where the mutual-TLS client certificate comes from. By default none is read. */
  clientCertificate?: ClientCertificateSource | undefined;
}

/** 64 KiB: far above any real token request, far below what would hurt the server. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/**
 * Checks every option of {@link parseTokenRequest} (and so of {@link createTokenEndpoint}, which
 * calls it once at creation): a setting that could only fail per request fails here instead.
 *
 * @throws {AuthleteConfigurationError} naming the option and what it must be.
 */
export function checkParseTokenRequestOptions(options: ParseTokenRequestOptions): void {
  if (typeof options !== "object" || options === null)
    throw new AuthleteConfigurationError("options must be an object");
  const { maxBodyBytes, basicCredentialsFormEncoded, realm, clientCertificate } = options;
  if (maxBodyBytes !== undefined && !(Number.isSafeInteger(maxBodyBytes) && maxBodyBytes >= 0)) {
    throw new AuthleteConfigurationError("maxBodyBytes must be an integer ≥ 0");
  }
  if (basicCredentialsFormEncoded !== undefined && typeof basicCredentialsFormEncoded !== "boolean") {
    throw new AuthleteConfigurationError("basicCredentialsFormEncoded must be true or false");
  }
  if (realm !== undefined && !(typeof realm === "string" && QUOTED_STRING_CONTENT.test(realm))) {
    // Checked here, not per 401: a realm Headers refuses would turn every 401 into a 500.
    throw new AuthleteConfigurationError(
      "realm must be a string of tab, space, visible ASCII or U+0080-U+00FF characters (RFC 9110 quoted-string)",
    );
  }
  if (clientCertificate !== undefined) checkClientCertificateSource(clientCertificate);
  checkDpopTargetOptions(options);
}

/**
 * What a quoted-string can hold once `"` and `\\` are escaped: tab, space, visible ASCII and
 * obs-text; no control character (CR, LF, NUL) and nothing above U+00FF.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-5.6.4
 */
const QUOTED_STRING_CONTENT = /^[\t\x20-\x7e\x80-\xff]*$/;

const FORM = /^application\/x-www-form-urlencoded[ \t]*(?:;.*)?$/is;

/**
 * Turns the HTTP request a client sent to your token endpoint into the `TokenRequest` for
 * Authlete's `/auth/token` API (RFC 6749 section 3.2), without interpreting the OAuth
 * parameters: Authlete does that.
 *
 * - `parameters`: the raw form body, `""` when empty.
 * - `clientId` / `clientSecret`: from `Authorization: Basic` (other schemes are left to Authlete).
 * - `dpop`, `htm`, `htu`: from the `DPoP` header (RFC 9449), when there is one.
 * - `clientCertificate` / `clientCertificatePath`: from `options.clientCertificate`.
 * - `oauthClientAttestation` / `oauthClientAttestationPop`: the attestation headers, verbatim.
 *
 * @throws {TokenEndpointError} for a request to answer without calling Authlete: not `POST`
 *   (405), not a form body (400), a body over `maxBodyBytes` (413), a malformed Basic header
 *   (401) or client certificate header (400). Use `error.toResponse()` to answer.
 * @throws {AuthleteConfigurationError} for options that cannot work (see
 *   {@link checkParseTokenRequestOptions}), whatever the request.
 *
 * @example
 * ```ts
 * try {
 *   const tokenRequest = await parseTokenRequest(request, { tokenEndpointUrl: "https://as.example.com/token" });
 *   return toTokenResponse(await authlete.process(tokenRequest));
 * } catch (error) {
 *   if (error instanceof TokenEndpointError) return error.toResponse();
 *   throw error;
 * }
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4
 */
export async function parseTokenRequest(
  request: Request,
  options: ParseTokenRequestOptions = {},
): Promise<TokenRequest> {
  checkParseTokenRequestOptions(options);
  if (request.method !== "POST") {
    throw new TokenEndpointError("METHOD_NOT_ALLOWED", {
      error: "invalid_request",
      description: "The token endpoint accepts POST only",
      status: 405,
      headers: { Allow: "POST" },
    });
  }
  const contentType = request.headers.get("Content-Type");
  if (contentType === null || !FORM.test(contentType.trim())) {
    throw invalidRequest("UNSUPPORTED_CONTENT_TYPE", "The content type must be application/x-www-form-urlencoded");
  }
  const basicOptions: BasicCredentialsOptions = {
    formEncoded: options.basicCredentialsFormEncoded,
    realm: options.realm,
  };
  const credentials = parseBasicCredentials(request.headers.get("Authorization"), basicOptions);
  const parameters = await readBody(request, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);

  const tokenRequest: TokenRequest = { parameters };
  if (credentials !== undefined) {
    tokenRequest.clientId = credentials.clientId;
    tokenRequest.clientSecret = credentials.clientSecret;
  }
  const dpop = request.headers.get("DPoP");
  if (dpop !== null && dpop !== "") {
    tokenRequest.dpop = dpop;
    tokenRequest.htm = request.method;
    const htu = dpopTargetUri(request, options);
    if (htu !== undefined) tokenRequest.htu = htu;
  }
  if (options.clientCertificate !== undefined) {
    const certificates = await readClientCertificate(request, options.clientCertificate);
    if (certificates !== undefined) {
      tokenRequest.clientCertificate = certificates.certificate;
      if (certificates.chain !== undefined && certificates.chain.length > 0) {
        tokenRequest.clientCertificatePath = certificates.chain;
      }
    }
  }
  const attestation = request.headers.get("OAuth-Client-Attestation");
  if (attestation !== null && attestation !== "") tokenRequest.oauthClientAttestation = attestation;
  const attestationPop = request.headers.get("OAuth-Client-Attestation-PoP");
  if (attestationPop !== null && attestationPop !== "") tokenRequest.oauthClientAttestationPop = attestationPop;
  return redactedInInspect(tokenRequest);
}

/** Reads the body as UTF-8 text, stopping as soon as it exceeds `limit` bytes. */
async function readBody(request: Request, limit: number): Promise<string> {
  const declared = request.headers.get("Content-Length");
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > limit) throw bodyTooLarge(limit);
  if (request.body === null) return "";
  if (request.bodyUsed) throw invalidRequest("INVALID_BODY", "The request body was already read");
  let body: Uint8Array;
  try {
    body = await readAtMost(request.body, limit, () => bodyTooLarge(limit));
  } catch (error) {
    if (error instanceof TokenEndpointError) throw error;
    throw invalidRequest("INVALID_BODY", "The request body could not be read", error);
  }
  try {
    return decodeUtf8(body);
  } catch (error) {
    throw invalidRequest("INVALID_BODY", "The request body is not UTF-8", error);
  }
}

function bodyTooLarge(limit: number): TokenEndpointError {
  return new TokenEndpointError("BODY_TOO_LARGE", {
    error: "invalid_request",
    description: `The request body is larger than ${limit} bytes`,
    status: 413,
  });
}

/**
 * Hides the client secret from Node's `util.inspect` (and so `console.log`) of the token request,
 * including one sent in the form body (`client_secret_post`), and the other credentials a request
 * can carry (see `redactFields`). `JSON.stringify` still sees everything: Authlete needs it.
 */
function redactedInInspect(tokenRequest: TokenRequest): TokenRequest {
  Object.defineProperty(tokenRequest, Symbol.for("nodejs.util.inspect.custom"), {
    enumerable: false,
    value: () => redactFields(tokenRequest),
  });
  return tokenRequest;
}
