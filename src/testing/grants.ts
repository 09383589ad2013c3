/**
 * How the fake Authlete answers the calls that finish a grant: `/auth/token/create` (token
 * exchange, JWT bearer), `/nativesso` and `/idtoken/reissue`, by default and as scripted with
 * `next({ path, action, fields })`. Result codes not in the spec's examples are illustrative.
 */
import type {
  IdTokenReissueRequest,
  IdTokenReissueResponse,
  NativeSsoRequest,
  NativeSsoResponse,
  TokenCreateRequest,
  TokenCreateResponse,
} from "../../generated/authlete-token.js";
import type { Authority } from "./decide.js";

/** The `iss` of the fake's ID tokens. */
const FAKE_ISSUER = "https://fake-issuer.invalid";

/** The calls of the fake that finish a grant, as `FakeCall.operation` names them. */
export type FakeGrantOperation = "create" | "nativesso" | "reissue";

/** The actions each of them may be scripted to answer with `next({ path, action })`. */
export interface FakeGrantActions {
  create: TokenCreateResponse["action"];
  nativesso: NativeSsoResponse["action"];
  reissue: IdTokenReissueResponse["action"];
}

/** The response body of each of them, for the fields of a scripted answer. */
export interface FakeGrantResponses {
  create: TokenCreateResponse;
  nativesso: NativeSsoResponse;
  reissue: IdTokenReissueResponse;
}

/** One scripted answer of a grant call. */
export interface ScriptedGrant {
  action: string;
  fields: Record<string, unknown> | undefined;
}

/** The grant types of `/auth/token/create` that get no refresh token (as Authlete does). */
const NO_REFRESH_TOKEN = new Set(["CLIENT_CREDENTIALS", "IMPLICIT"]);

/**
 * `/auth/token/create`: a token for the subject and client of the request, DPoP-bound when the
 * request carries a key thumbprint; its refresh token is redeemable at the fake's `/auth/token`.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-6
 */
export function decideCreate(authority: Authority, request: TokenCreateRequest): TokenCreateResponse {
  if (request.grantType !== "CLIENT_CREDENTIALS" && (request.subject === undefined || request.subject === "")) {
    return {
      resultCode: "A109201",
      resultMessage:
        "[A109201] /auth/token/create API: 'subject' is required unless the grant type is CLIENT_CREDENTIALS.",
      action: "BAD_REQUEST",
    };
  }
  const now = authority.now();
  const duration = positive(request.accessTokenDuration) ?? authority.accessTokenDuration;
  const scopes = request.scopes ?? [];
  const dpop = typeof request.dpopKeyThumbprint === "string" && request.dpopKeyThumbprint !== "";
  const clientId = request.clientId ?? 0;
  const subject = request.subject ?? null;
  const client = { clientId, clientIdAlias: null, clientIdAliasUsed: false, clientAuthMethod: "NONE" as const };
  const accessToken = request.accessToken ?? authority.newToken();
  // Known from now on, like the tokens /auth/token/issue hands out (a later token exchange may present it).
  authority.accessTokens.set(accessToken, { client, subject, scopes, dpop, expiresAt: now + duration * 1000 });
  let refreshToken: string | null = null;
  if (!NO_REFRESH_TOKEN.has(request.grantType)) {
    refreshToken = request.refreshToken ?? authority.newToken();
    const expiresAt = now + (positive(request.refreshTokenDuration) ?? authority.refreshTokenDuration) * 1000;
    authority.refreshTokens.set(refreshToken, { client, subject, scopes, dpop, expiresAt });
  }
  const resultCode = "A109001";
  return {
    resultCode,
    resultMessage: `[${resultCode}] An access token was created successfully: ${request.grantType.toLowerCase()}, client = ${clientId}`,
    action: "OK",
    accessToken,
    clientId,
    expiresAt: now + duration * 1000,
    expiresIn: duration,
    grantType: request.grantType,
    properties: request.properties ?? null,
    refreshToken,
    scopes,
    subject,
    tokenType: dpop ? "DPoP" : "Bearer",
    ...(request.authorizationDetails ? { authorizationDetails: request.authorizationDetails } : {}),
    ...(request.sessionId ? { sessionId: request.sessionId } : {}),
  };
}

/**
 * `/nativesso`: the token response of the tokens `/auth/token` issued, with an ID token carrying
 * `ds_hash` (the SHA-256 of the device secret unless a hash is given) and `sid`, and the
 * `device_secret`.
 * @see https://openid.net/specs/openid-connect-native-sso-1_0.html#section-4.1
 */
export async function decideNativeSso(authority: Authority, request: NativeSsoRequest): Promise<NativeSsoResponse> {
  const dsHash = request.deviceSecretHash ?? (await sha256Base64Url(request.deviceSecret));
  const idToken = fakeIdToken(authority, request, { ds_hash: dsHash, sid: authority.newTicket() });
  const content = tokenContent(authority, request, idToken);
  content.device_secret = request.deviceSecret;
  const resultCode = "A501001";
  return {
    resultCode,
    resultMessage: `[${resultCode}] A Native SSO-compliant ID token and a token response were generated successfully.`,
    action: "OK",
    responseContent: JSON.stringify(content),
    idToken,
  };
}

/**
 * `/idtoken/reissue`: the token response of the refreshed tokens, with a new ID token.
 * @see https://openid.net/specs/openid-connect-core-1_0.html#RefreshTokenResponse
 */
export function decideReissue(authority: Authority, request: IdTokenReissueRequest): IdTokenReissueResponse {
  const idToken = fakeIdToken(authority, request, {});
  const resultCode = "A350001";
  return {
    resultCode,
    resultMessage: `[${resultCode}] An ID token was reissued successfully.`,
    action: "OK",
    responseContent: JSON.stringify(tokenContent(authority, request, idToken)),
    idToken,
  };
}

/** The answer `next({ path, action, fields })` scripted, on top of the default one. */
export async function scriptedGrant(
  authority: Authority,
  operation: FakeGrantOperation,
  body: unknown,
  scripted: ScriptedGrant,
): Promise<unknown> {
  if (scripted.action === "OK") return { ...(await decideGrant(authority, operation, body)), ...scripted.fields };
  const resultCode = ERROR_CODES[scripted.action] ?? "A001101";
  const resultMessage = `[${resultCode}] ${scripted.action === "CALLER_ERROR" ? "The request is wrong." : "The request was refused."}`;
  const error = scripted.action === "INTERNAL_SERVER_ERROR" ? "server_error" : "invalid_request";
  // `/auth/token/create` has no responseContent; the other two carry the error object.
  const content =
    operation === "create" ? {} : { responseContent: JSON.stringify({ error, error_description: resultMessage }) };
  return { resultCode, resultMessage, action: scripted.action, ...content, ...scripted.fields };
}

/** The default answer of a grant call. */
export async function decideGrant(authority: Authority, operation: FakeGrantOperation, body: unknown) {
  switch (operation) {
    case "create":
      return decideCreate(authority, body as TokenCreateRequest);
    case "nativesso":
      return await decideNativeSso(authority, body as NativeSsoRequest);
    case "reissue":
      return decideReissue(authority, body as IdTokenReissueRequest);
  }
}

const ERROR_CODES: Readonly<Record<string, string>> = {
  BAD_REQUEST: "A109202",
  FORBIDDEN: "A109203",
  INTERNAL_SERVER_ERROR: "A001101",
  CALLER_ERROR: "A001201",
};

function positive(value: number | undefined): number | undefined {
  return typeof value === "number" && value > 0 ? value : undefined;
}

/** The token response (RFC 6749 §5.1) of the tokens a Native SSO or reissue call names. */
function tokenContent(
  authority: Authority,
  request: { accessToken: string; refreshToken?: string | undefined },
  idToken: string,
): Record<string, unknown> {
  const grant = request.refreshToken === undefined ? undefined : authority.refreshTokens.get(request.refreshToken);
  const content: Record<string, unknown> = {
    access_token: request.accessToken,
    token_type: grant?.dpop ? "DPoP" : "Bearer",
    expires_in: authority.accessTokenDuration,
  };
  const scopes = grant?.scopes ?? ["openid"];
  if (scopes.length > 0) content.scope = scopes.join(" ");
  if (request.refreshToken !== undefined) content.refresh_token = request.refreshToken;
  content.id_token = idToken;
  return content;
}

/**
 * An ID token shaped like Authlete's (a JWS with `iss`, `sub`, `aud`, `exp`, `iat`), with the
 * request's claims and header parameters. Its signature is not a real one: the fake has no keys.
 * @see https://openid.net/specs/openid-connect-core-1_0.html#IDToken
 */
function fakeIdToken(
  authority: Authority,
  request: {
    sub?: string | undefined;
    claims?: string | undefined;
    idtHeaderParams?: string | undefined;
    idTokenAudType?: string | undefined;
  },
  extra: Record<string, unknown>,
): string {
  const iat = Math.floor(authority.now() / 1000);
  const aud = "fake-client";
  const payload = {
    iss: FAKE_ISSUER,
    sub: request.sub ?? "1001",
    aud: request.idTokenAudType === "string" ? aud : [aud],
    exp: iat + authority.accessTokenDuration,
    iat,
    ...extra,
    ...jsonObject(request.claims),
  };
  const header = { kid: "fake-1", alg: "ES256", ...jsonObject(request.idtHeaderParams) };
  return `${base64UrlJson(header)}.${base64UrlJson(payload)}.${base64Url(new TextEncoder().encode("fake-signature"))}`;
}

function jsonObject(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

function base64UrlJson(value: unknown): string {
  return base64Url(new TextEncoder().encode(JSON.stringify(value)));
}

async function sha256Base64Url(text: string): Promise<string> {
  return base64Url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))));
}

function base64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}
