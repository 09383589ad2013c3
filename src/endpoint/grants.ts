/**
 * How the token endpoint finishes the grants `/auth/token` hands back undecided: token exchange
 * and JWT bearer through `/auth/token/create`, Native SSO through `/nativesso`, and an ID token
 * reissued through `/idtoken/reissue`. {@link createTokenEndpoint} calls these; the decisions are
 * what your hooks return.
 */
import type {
  IdTokenReissueRequest,
  NativeSsoRequest,
  Property,
  TokenCreateRequest,
  TokenRequest,
  TokenResponse,
} from "../../generated/authlete-token.js";
import type { TokenClient } from "../client.js";
import { certificateThumbprint, dpopProofKeyThumbprint } from "./jwk-thumbprint.js";
import { dpopNonceHeader, jsonResponse, oauthErrorBody, serverErrorResponse } from "./oauth-response.js";
import { toTokenResponse } from "./to-token-response.js";

/** What a grant hook is given. */
export interface GrantContext {
  /** The HTTP request the client sent (its body is already read). */
  request: Request;
  /** What was sent to `/auth/token`, client secret included: do not log it. */
  tokenRequest: TokenRequest;
}

/**
 * Decides a grant that Authlete leaves to the authorization server (token exchange, JWT bearer).
 * Return a {@link GrantDecision} (`{ subject, scopes, … }`) and the endpoint issues the token with
 * Authlete's `/auth/token/create` and answers; or return the `Response` for the client yourself;
 * or throw a {@link TokenEndpointError} to answer with an OAuth error (`invalid_grant`, …).
 * `Cache-Control: no-store`, `Pragma: no-cache` and `DPoP-Nonce` are added to what you return.
 * For a token exchange, `result.subjectTokenInfo` / `actorTokenInfo` (`TokenInfo`) describe
 * the presented tokens when this service issued them.
 * @see https://www.rfc-editor.org/rfc/rfc8693#section-2.1
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-3
 */
export type GrantHook = (
  result: TokenResponse,
  context: GrantContext,
) => Response | GrantDecision | Promise<Response | GrantDecision>;

/**
 * Decides a Native SSO request: check that `result.sessionId` is a live session and the device
 * secret (`result.deviceSecret`) belongs to it, then return a {@link NativeSsoDecision} and the
 * endpoint finishes with Authlete's `/nativesso`; or return the `Response` yourself; or throw a
 * {@link TokenEndpointError}.
 * @see https://openid.net/specs/openid-connect-native-sso-1_0.html#section-4.1
 */
export type NativeSsoHook = (
  result: TokenResponse,
  context: GrantContext,
) => Response | NativeSsoDecision | Promise<Response | NativeSsoDecision>;

/**
 * Decides whether a refresh token request answered `ID_TOKEN_REISSUABLE` gets a new ID token:
 * `false` keeps `/auth/token`'s answer, `{ claims?, idtHeaderParams? }` reissues the ID token
 * with Authlete's `/idtoken/reissue`.
 * @see https://openid.net/specs/openid-connect-core-1_0.html#RefreshTokenResponse
 */
export type IdTokenReissueHook = (
  result: TokenResponse,
  context: GrantContext,
) => IdTokenReissueDecision | Promise<IdTokenReissueDecision>;

/**
 * What `onTokenExchange` or `onJwtBearer` may return instead of a `Response`: the grant is
 * accepted, and the endpoint issues the token with Authlete's `/auth/token/create` for the client
 * of the request, bound to its DPoP key or client certificate when it presented one.
 * @see https://www.rfc-editor.org/rfc/rfc8693#section-2.2.1
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.1
 */
export interface GrantDecision {
  /** Whom the token is for: the `sub` of the new access token. */
  subject: string;
  /** The scopes of the new access token (each supported by the service); none when left out. */
  scopes?: readonly string[] | undefined;
  /** The resources the token is meant for (RFC 8707). */
  resources?: readonly string[] | undefined;
  /** Lifetime of the access token in seconds; the service's setting when left out. */
  accessTokenDuration?: number | undefined;
  /**
   * `true` to hand the client the refresh token Authlete creates (where the service supports
   * refresh tokens). Left out or `false`: the answer has no `refresh_token` (Authlete has no
   * switch to skip creating it; unused, it expires).
   */
  refreshToken?: boolean | undefined;
  /** Extra properties to attach to the access token. */
  properties?: readonly Property[] | undefined;
}

/** The claims or JWS header parameters to add to an ID token: an object, or its JSON text. */
export type JsonObjectInput = Readonly<Record<string, unknown>> | string;

/**
 * What `onNativeSso` may return instead of a `Response`: the session and the device secret are
 * valid, and the endpoint finishes the request with Authlete's `/nativesso`.
 * @see https://openid.net/specs/openid-connect-native-sso-1_0.html
 */
export interface NativeSsoDecision {
  /**
   * The device secret for the `device_secret` of the answer: the one `/auth/token` reported
   * (`result.deviceSecret`) when it is still valid, or a new one you generated and stored.
   */
  deviceSecret: string;
  /** The `ds_hash` claim of the ID token; Authlete computes it from `deviceSecret` when left out. */
  deviceSecretHash?: string | undefined;
  /** Claims to add to the ID token. */
  claims?: JsonObjectInput | undefined;
  /** Parameters to add to the JWS header of the ID token. */
  idtHeaderParams?: JsonObjectInput | undefined;
}

/**
 * What `reissueIdToken` returns: `false` answers the refresh token request as `/auth/token` did
 * (no new ID token), an object reissues the ID token with `/idtoken/reissue`, adding these.
 * @see https://openid.net/specs/openid-connect-core-1_0.html#RefreshTokenResponse
 */
export type IdTokenReissueDecision =
  | false
  | { claims?: JsonObjectInput | undefined; idtHeaderParams?: JsonObjectInput | undefined };

/** The Authlete calls the endpoint finishes grants with, those of {@link TokenClient}. */
export type GrantCalls = Pick<TokenClient, "createToken" | "nativeSso" | "reissueIdToken">;

/**
 * The token type URI of an access token, for `issued_token_type`.
 * @see https://www.rfc-editor.org/rfc/rfc8693#section-3
 */
export const ACCESS_TOKEN_TYPE_URI = "urn:ietf:params:oauth:token-type:access_token";

/** What finishing a grant needs from the endpoint. */
export interface FinishContext {
  client: Partial<GrantCalls>;
  /** The request to Authlete's `/auth/token`, for its DPoP proof and client certificate. */
  dpop: string | undefined;
  clientCertificate: string | undefined;
  signal: AbortSignal;
  /** Logs a server-side failure with the loggable part of Authlete's answer. */
  fail(message: string, answer: { action: string; resultCode?: string; resultMessage?: string } | undefined): void;
}

/** Whether a hook returned a decision rather than a `Response`. */
export function isDecision<T extends object>(value: T | Response | false): value is T {
  return typeof value === "object" && value !== null && !(value instanceof Response);
}

/**
 * Issues the token of an accepted token exchange or JWT bearer grant with `/auth/token/create` and
 * answers RFC 6749 §5.1 JSON (with `issued_token_type` for a token exchange, RFC 8693 §2.2.1).
 * A DPoP proof binds the token to its key (RFC 9449 §6), a client certificate to the certificate
 * (RFC 8705 §3.1). `BAD_REQUEST` is answered 400 `invalid_request`; other actions 500 `server_error`.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 * @see https://www.rfc-editor.org/rfc/rfc8693#section-2.2.1
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-6
 * @see https://www.rfc-editor.org/rfc/rfc8705#section-3.1
 */
export async function finishWithCreatedToken(
  result: TokenResponse,
  decision: GrantDecision,
  context: FinishContext,
): Promise<Response> {
  const headers = dpopNonceHeader(result.dpopNonce);
  const grantType = result.action === "TOKEN_EXCHANGE" ? "TOKEN_EXCHANGE" : "JWT_BEARER";
  if (typeof decision.subject !== "string" || decision.subject === "") {
    context.fail(`The ${grantType} decision has no subject`, undefined);
    return serverErrorResponse(headers);
  }
  if (typeof context.client.createToken !== "function") {
    context.fail("The client has no createToken method to finish the grant with", undefined);
    return serverErrorResponse(headers);
  }
  const request: TokenCreateRequest = {
    grantType,
    subject: decision.subject,
    scopes: [...(decision.scopes ?? [])],
  };
  if (typeof result.clientId === "number") request.clientId = result.clientId;
  if (typeof result.clientIdAliasUsed === "boolean") request.clientIdAliasUsed = result.clientIdAliasUsed;
  if (decision.resources !== undefined) request.resources = [...decision.resources];
  if (decision.accessTokenDuration !== undefined) request.accessTokenDuration = decision.accessTokenDuration;
  if (decision.properties !== undefined) request.properties = [...decision.properties];
  // Authlete validated the proof (and the certificate) in `/auth/token`; only the binding is left.
  if (context.dpop !== undefined) request.dpopKeyThumbprint = await dpopProofKeyThumbprint(context.dpop);
  if (context.clientCertificate !== undefined) {
    request.certificateThumbprint = await certificateThumbprint(context.clientCertificate);
  }
  const answer = await context.client.createToken(request, { signal: context.signal });
  if (answer.action !== "OK") {
    context.fail("Authlete did not create the token", answer);
    if (answer.action === "BAD_REQUEST") return jsonResponse(400, oauthErrorBody("invalid_request"), headers);
    return serverErrorResponse(headers);
  }
  const accessToken = answer.jwtAccessToken ?? answer.accessToken;
  if (typeof accessToken !== "string" || accessToken === "") {
    context.fail("Authlete created no access token", answer);
    return serverErrorResponse(headers);
  }
  const body: Record<string, unknown> = {
    access_token: accessToken,
    ...(grantType === "TOKEN_EXCHANGE" ? { issued_token_type: ACCESS_TOKEN_TYPE_URI } : {}),
    token_type: request.dpopKeyThumbprint !== undefined ? "DPoP" : (answer.tokenType ?? "Bearer"),
  };
  if (typeof answer.expiresIn === "number") body.expires_in = answer.expiresIn;
  if (answer.scopes && answer.scopes.length > 0) body.scope = answer.scopes.join(" ");
  if (decision.refreshToken === true && typeof answer.refreshToken === "string" && answer.refreshToken !== "") {
    body.refresh_token = answer.refreshToken;
  }
  return jsonResponse(200, JSON.stringify(body), headers);
}

/**
 * Finishes a Native SSO request with `/nativesso`: `OK` answers its `responseContent` with 200,
 * any other action 500 `server_error` (logged).
 * @see https://openid.net/specs/openid-connect-native-sso-1_0.html#section-4.1
 */
export async function finishNativeSso(
  result: TokenResponse,
  decision: NativeSsoDecision,
  context: FinishContext,
): Promise<Response> {
  const headers = dpopNonceHeader(result.dpopNonce);
  const accessToken = result.jwtAccessToken ?? result.accessToken;
  if (typeof context.client.nativeSso !== "function") {
    context.fail("The client has no nativeSso method to finish the grant with", undefined);
    return serverErrorResponse(headers);
  }
  if (typeof decision.deviceSecret !== "string" || decision.deviceSecret === "") {
    context.fail("The NATIVE_SSO decision has no device secret", undefined);
    return serverErrorResponse(headers);
  }
  if (typeof accessToken !== "string" || accessToken === "") {
    context.fail("Authlete answered NATIVE_SSO without an access token", result);
    return serverErrorResponse(headers);
  }
  const request: NativeSsoRequest = { accessToken, deviceSecret: decision.deviceSecret };
  if (typeof result.refreshToken === "string") request.refreshToken = result.refreshToken;
  if (decision.deviceSecretHash !== undefined) request.deviceSecretHash = decision.deviceSecretHash;
  if (decision.claims !== undefined) request.claims = jsonText(decision.claims);
  if (decision.idtHeaderParams !== undefined) request.idtHeaderParams = jsonText(decision.idtHeaderParams);
  const answer = await context.client.nativeSso(request, { signal: context.signal });
  return okOrServerError(answer, "/nativesso", headers, context);
}

/**
 * Reissues the ID token of a refresh token request with `/idtoken/reissue`: `OK` answers its
 * `responseContent` with 200, any other action 500 `server_error` (logged). Without the tokens to
 * reissue with, the answer of `/auth/token` is sent as it is.
 * @see https://openid.net/specs/openid-connect-core-1_0.html#RefreshTokenResponse
 */
export async function reissueIdToken(
  result: TokenResponse,
  decision: Exclude<IdTokenReissueDecision, false>,
  context: FinishContext,
): Promise<Response> {
  const headers = dpopNonceHeader(result.dpopNonce);
  if (typeof context.client.reissueIdToken !== "function") {
    context.fail("The client has no reissueIdToken method", undefined);
    return serverErrorResponse(headers);
  }
  const accessToken = result.jwtAccessToken ?? result.accessToken;
  const refreshToken = result.refreshToken;
  if (typeof accessToken !== "string" || accessToken === "" || typeof refreshToken !== "string" || !refreshToken) {
    return toTokenResponse(result);
  }
  const request: IdTokenReissueRequest = { accessToken, refreshToken };
  if (decision.claims !== undefined) request.claims = jsonText(decision.claims);
  if (decision.idtHeaderParams !== undefined) request.idtHeaderParams = jsonText(decision.idtHeaderParams);
  const answer = await context.client.reissueIdToken(request, { signal: context.signal });
  return okOrServerError(answer, "/idtoken/reissue", headers, context);
}

function okOrServerError(
  answer: { action: string; resultCode?: string; resultMessage?: string; responseContent?: string | null },
  operation: string,
  headers: Record<string, string>,
  context: FinishContext,
): Response {
  if (answer.action === "OK" && typeof answer.responseContent === "string") {
    return jsonResponse(200, answer.responseContent, headers);
  }
  context.fail(`Authlete answered ${operation} with ${answer.action === "OK" ? "no content" : "an error"}`, answer);
  return serverErrorResponse(headers);
}

function jsonText(value: JsonObjectInput): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}
