/**
 * How the fake Authlete decides, per operation, once the call itself was accepted: the default
 * decisions Authlete would take for the common grants, and the scripted answers of `next()`.
 */
import type * as api from "../index.js";
import {
  type ClientFields,
  DEFAULT_ERRORS,
  errorAnswer,
  failAnswer,
  handOff,
  type IssueInput,
  issueOk,
  tokenOk,
  unknownTicket,
} from "./bodies.js";

/** An action of `/auth/token`. */
export type FakeAction = api.TokenResponse["action"];

/** How a registered client authenticates at the token endpoint. */
export type FakeClientAuthMethod = "CLIENT_SECRET_BASIC" | "CLIENT_SECRET_POST" | "NONE";

/** A client registration: with any, the fake authenticates clients against them like Authlete. */
export interface FakeClient {
  /** The `client_id` the client sends: Authlete's numeric ID or an alias. */
  clientId: string;
  /** The secret of a confidential client. */
  clientSecret?: string | undefined;
  /**
   * The registered `token_endpoint_auth_method` (RFC 7591 §2): `CLIENT_SECRET_BASIC` by default
   * for a client with a secret, `NONE` for one without.
   * @see https://www.rfc-editor.org/rfc/rfc7591#section-2
   */
  authMethod?: FakeClientAuthMethod | undefined;
}

/** The grant types whose parameters are named by URI. */
const TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
const JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/** The token type of a device secret (OpenID Connect Native SSO). */
const DEVICE_SECRET = "urn:openid:params:token-type:device-secret";

/** Who a ticket or a refresh token was handed to, and for what. */
interface Grant {
  client: ClientFields;
  subject: string | null;
  scopes: string[];
  dpop: boolean;
}

/** What the deciding functions need from the fake. */
export interface Authority {
  clients: ReadonlyMap<string, FakeClient> | undefined;
  tickets: Map<string, Grant>;
  refreshTokens: Map<string, Grant>;
  newToken(): string;
  /** A ticket: random, without the token prefix (a ticket is not a token). */
  newTicket(): string;
  now(): number;
  accessTokenDuration: number;
  refreshTokenDuration: number;
}

/** One scripted answer of `/auth/token`. */
export interface Scripted {
  action: FakeAction;
  fields: Partial<api.TokenResponse> | undefined;
}

type ClientCheck = { client: ClientFields } | { error: api.TokenResponse };

/**
 * Authenticates the client like Authlete (RFC 6749 §2.3): its ID from Basic or `client_id`, its
 * method from where the secret was sent; against the registrations when there are any.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
function authenticateClient(authority: Authority, request: api.TokenRequest, form: URLSearchParams): ClientCheck {
  const formId = form.get("client_id");
  const id = request.clientId ?? formId;
  if (id === null || id === "") {
    return { error: errorAnswer("INVALID_CLIENT", "A054201", "invalid_client", "The client is not identified.") };
  }
  if (request.clientId !== undefined && formId !== null && formId !== request.clientId) {
    return {
      error: errorAnswer("BAD_REQUEST", "A054202", "invalid_request", "The client IDs of Basic and the form differ."),
    };
  }
  const method: FakeClientAuthMethod =
    request.clientSecret !== undefined
      ? "CLIENT_SECRET_BASIC"
      : form.has("client_secret")
        ? "CLIENT_SECRET_POST"
        : "NONE";
  const client = clientFields(id, method);
  if (authority.clients === undefined) return { client };
  const registered = authority.clients.get(id);
  if (registered === undefined) {
    return { error: errorAnswer("INVALID_CLIENT", "A054201", "invalid_client", "The client does not exist.") };
  }
  const expected = registered.authMethod ?? (registered.clientSecret === undefined ? "NONE" : "CLIENT_SECRET_BASIC");
  if (method !== expected) {
    return {
      error: errorAnswer(
        "INVALID_CLIENT",
        "A054204",
        "invalid_client",
        `The client authentication method ${method} is not the registered one.`,
      ),
    };
  }
  const secret = method === "CLIENT_SECRET_BASIC" ? request.clientSecret : form.get("client_secret");
  if (method !== "NONE" && secret !== registered.clientSecret) {
    return { error: defaultError("INVALID_CLIENT") };
  }
  return { client };
}

/** The scripted or default answer of an error action, with the error Authlete gives most often. */
function defaultError<A extends keyof typeof DEFAULT_ERRORS>(action: A) {
  const [resultCode, error, message] = DEFAULT_ERRORS[action];
  return errorAnswer(action, resultCode, error, message);
}

/** A client as Authlete reports it: a numeric ID, and the alias when the client used one. */
export function clientFields(id: string, clientAuthMethod: FakeClientAuthMethod): ClientFields {
  const numeric = /^[1-9][0-9]{0,14}$/.test(id);
  return {
    clientId: numeric ? Number(id) : stableNumber(id),
    clientIdAlias: numeric ? null : id,
    clientIdAliasUsed: !numeric,
    clientAuthMethod,
  };
}

/** A stable 13-digit number for an alias (FNV-1a), so the same alias always has the same ID. */
function stableNumber(text: string): number {
  let hash = 0x811c9dc5;
  for (const unit of new TextEncoder().encode(text)) hash = Math.imul(hash ^ unit, 0x01000193) >>> 0;
  return 1_000_000_000_000 + hash;
}

function scopesOf(form: URLSearchParams): string[] {
  return (form.get("scope") ?? "").split(" ").filter((scope) => scope !== "");
}

/** Token lifetimes a call asks for (`api.TokenRequest`, and `api.TokenIssueRequest` where the spec has them). */
interface Lifetimes {
  accessTokenDuration?: unknown;
  refreshTokenDuration?: unknown;
}

/** A requested lifetime, used only when positive (otherwise the service's applies), as Authlete does. */
function lifetime(requested: unknown, fallback: number): number {
  return typeof requested === "number" && requested > 0 ? requested : fallback;
}

function issueInput(authority: Authority, grant: Grant, withRefreshToken: boolean, asked: Lifetimes = {}): IssueInput {
  const refreshToken = withRefreshToken ? authority.newToken() : null;
  if (refreshToken !== null) authority.refreshTokens.set(refreshToken, grant);
  return {
    ...grant,
    accessToken: authority.newToken(),
    refreshToken,
    accessTokenDuration: lifetime(asked.accessTokenDuration, authority.accessTokenDuration),
    refreshTokenDuration: lifetime(asked.refreshTokenDuration, authority.refreshTokenDuration),
    now: authority.now(),
  };
}

function badRequest(resultCode: string, error: Parameters<typeof errorAnswer>[2], message: string): api.TokenResponse {
  return errorAnswer("BAD_REQUEST", resultCode, error, message);
}

/**
 * `/auth/token` by default: the grant type first (RFC 6749 §5.2), then the client, then the
 * grant. `client_credentials` is issued, `password` handed over with a ticket, `refresh_token`
 * honoured for the fake's own refresh tokens, token exchange and JWT bearer handed over.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.4
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.3
 */
export function decideToken(authority: Authority, request: api.TokenRequest): api.TokenResponse {
  const form = new URLSearchParams(request.parameters);
  const grantType = form.get("grant_type");
  if (grantType === null || grantType === "") {
    return badRequest("A050101", "invalid_request", "The token request does not contain 'grant_type'.");
  }
  if (
    !["client_credentials", "password", "refresh_token", "authorization_code", TOKEN_EXCHANGE, JWT_BEARER].includes(
      grantType,
    )
  ) {
    return badRequest("A050102", "unsupported_grant_type", `The grant type '${grantType}' is not supported.`);
  }
  const checked = authenticateClient(authority, request, form);
  if ("error" in checked) return checked.error;
  const { client } = checked;
  const dpop = request.dpop !== undefined;
  const grant: Grant = { client, subject: null, scopes: scopesOf(form), dpop };
  switch (grantType) {
    case "client_credentials":
      if (client.clientAuthMethod === "NONE") {
        return badRequest("A050103", "unauthorized_client", "A public client cannot use client_credentials.");
      }
      return tokenOk("CLIENT_CREDENTIALS", issueInput(authority, grant, false, request));
    case "password": {
      const username = form.get("username");
      const password = form.get("password");
      if (username === null || password === null) {
        return badRequest("A050104", "invalid_request", "The token request lacks 'username' or 'password'.");
      }
      return passwordAnswer(authority, grant, username, password);
    }
    case "refresh_token": {
      const presented = form.get("refresh_token") ?? "";
      const known = authority.refreshTokens.get(presented);
      if (known === undefined || known.client.clientId !== client.clientId) {
        return badRequest("A050105", "invalid_grant", "The refresh token does not exist or has expired.");
      }
      authority.refreshTokens.delete(presented); // rotation
      return tokenOk("REFRESH_TOKEN", issueInput(authority, { ...known, dpop }, true, request));
    }
    case TOKEN_EXCHANGE:
      // A device secret as actor token is the Native SSO token exchange (OpenID Connect Native SSO §4.1).
      if (form.get("actor_token_type") === DEVICE_SECRET) {
        return handOverAnswer(authority, "NATIVE_SSO", form, grant, undefined);
      }
      return handOverAnswer(authority, "TOKEN_EXCHANGE", form, grant, undefined);
    case JWT_BEARER:
      return handOverAnswer(authority, "JWT_BEARER", form, grant, undefined);
    default:
      // The fake hands out no authorization codes, so none can be redeemed.
      return badRequest("A050106", "invalid_grant", "The authorization code does not exist or has expired.");
  }
}

/** `PASSWORD` with a fresh ticket that `/auth/token/issue` or `/auth/token/fail` can redeem once. */
function passwordAnswer(authority: Authority, grant: Grant, username: string | null, password: string | null) {
  const ticket = authority.newTicket();
  authority.tickets.set(ticket, grant);
  return {
    ...handOff("PASSWORD", "password"),
    action: "PASSWORD" as const,
    username,
    password,
    ticket,
    grantType: "PASSWORD" as const,
    clientId: grant.client.clientId,
    clientIdAlias: grant.client.clientIdAlias,
    clientIdAliasUsed: grant.client.clientIdAliasUsed,
    clientAuthMethod: grant.client.clientAuthMethod,
    scopes: grant.scopes,
  };
}

/** The client fields of an answer about `grant`. */
function clientPart(grant: Grant) {
  const { clientId, clientIdAlias, clientIdAliasUsed, clientAuthMethod } = grant.client;
  return { clientId, clientIdAlias, clientIdAliasUsed, clientAuthMethod, scopes: grant.scopes };
}

/**
 * Authlete's short names for the token type URIs of RFC 8693 and OpenID Connect Native SSO.
 * @see https://www.rfc-editor.org/rfc/rfc8693#section-3
 */
const TOKEN_TYPES: Readonly<Record<string, api.TokenType>> = {
  "urn:ietf:params:oauth:token-type:jwt": "JWT",
  "urn:ietf:params:oauth:token-type:access_token": "ACCESS_TOKEN",
  "urn:ietf:params:oauth:token-type:refresh_token": "REFRESH_TOKEN",
  "urn:ietf:params:oauth:token-type:id_token": "ID_TOKEN",
  "urn:ietf:params:oauth:token-type:saml1": "SAML1",
  "urn:ietf:params:oauth:token-type:saml2": "SAML2",
  "urn:openid:params:token-type:device-secret": "DEVICE_SECRET",
};

/** Authlete's short name for a token type URI the client sent; `null` for none or an unknown one. */
function tokenType(uri: string | null): api.TokenType | null {
  return uri === null ? null : (TOKEN_TYPES[uri] ?? null);
}

/**
 * The actions Authlete leaves to the authorization server, with the request's own parameters
 * (RFC 8693 §2.1, RFC 7523 §2.1) and what the presented tokens stand for.
 * @see https://www.rfc-editor.org/rfc/rfc8693#section-2.1
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.1
 */
function handOverAnswer(
  authority: Authority,
  action: "TOKEN_EXCHANGE" | "JWT_BEARER" | "NATIVE_SSO",
  form: URLSearchParams,
  grant: Grant,
  subject: string | undefined,
): api.TokenResponse {
  const base = { ...handOff(action, form.get("grant_type") ?? ""), action, ...clientPart(grant) };
  if (action === "JWT_BEARER") {
    return { ...base, grantType: "JWT_BEARER", assertion: form.get("assertion") ?? "eyJhbGciOiJFUzI1NiJ9.e30.fake" };
  }
  const info = (who: string): api.TokenInfo => ({
    clientId: grant.client.clientId,
    clientIdAliasUsed: false,
    subject: who,
    scopes: grant.scopes,
    expiresAt: authority.now() + authority.accessTokenDuration * 1000,
  });
  const subjectToken = form.get("subject_token") ?? authority.newToken();
  const actorToken = form.get("actor_token");
  const exchange = {
    ...base,
    grantType: "TOKEN_EXCHANGE" as const,
    subjectToken,
    subjectTokenType: tokenType(form.get("subject_token_type")) ?? "ACCESS_TOKEN",
    subjectTokenInfo: info(subject ?? "1001"),
    actorToken,
    actorTokenType: tokenType(form.get("actor_token_type")),
    actorTokenInfo: actorToken === null ? null : info(grant.client.clientIdAlias ?? String(grant.client.clientId)),
    requestedTokenType: tokenType(form.get("requested_token_type")),
    audiences: form.getAll("audience"),
    resources: form.getAll("resource"),
  };
  if (action === "TOKEN_EXCHANGE") return exchange;
  // Native SSO: the ID token as subject token and the device secret as actor token. Authlete has
  // issued the tokens already; `/nativesso` builds the response that carries them.
  const deviceSecret = actorToken ?? authority.newToken();
  const issued = issueInput(authority, { ...grant, subject: subject ?? "1001" }, true);
  return {
    ...exchange,
    accessToken: issued.accessToken,
    accessTokenExpiresAt: issued.now + issued.accessTokenDuration * 1000,
    accessTokenDuration: issued.accessTokenDuration,
    refreshToken: issued.refreshToken,
    subjectTokenType: "ID_TOKEN",
    actorToken: deviceSecret,
    actorTokenType: "DEVICE_SECRET",
    actorTokenInfo: null,
    subject: subject ?? "1001",
    sessionId: authority.newToken(),
    deviceSecret,
    deviceSecretHash: authority.newToken(),
  };
}

/** The answer of `/auth/token` that `next(action, fields)` scripted, consistent with the request. */
export function scriptedToken(authority: Authority, request: api.TokenRequest, scripted: Scripted): api.TokenResponse {
  const form = new URLSearchParams(request.parameters);
  const checked = authenticateClient(authority, request, form);
  const client = "client" in checked ? checked.client : clientFields(request.clientId ?? "26478243745571", "NONE");
  const grant: Grant = { client, subject: null, scopes: scopesOf(form), dpop: request.dpop !== undefined };
  const answer = scriptedBase(authority, scripted.action, form, grant);
  return { ...answer, ...scripted.fields } as api.TokenResponse;
}

function scriptedBase(
  authority: Authority,
  action: FakeAction,
  form: URLSearchParams,
  grant: Grant,
): api.TokenResponse {
  switch (action) {
    case "BAD_REQUEST":
    case "INVALID_CLIENT":
    case "INTERNAL_SERVER_ERROR":
      return defaultError(action);
    case "PASSWORD":
      return passwordAnswer(authority, grant, form.get("username") ?? "john", form.get("password") ?? "john-secret");
    case "TOKEN_EXCHANGE":
    case "JWT_BEARER":
    case "NATIVE_SSO":
      return handOverAnswer(authority, action, form, grant, undefined);
    case "ID_TOKEN_REISSUABLE": {
      // A refresh token request whose scopes include openid: Authlete may re-issue the ID token.
      const input = issueInput(authority, { ...grant, subject: "1001" }, true);
      return { ...tokenOk("REFRESH_TOKEN", input), ...handOff(action, "refresh_token"), action };
    }
    default:
      return tokenOk(
        grantTypeOf(form.get("grant_type")),
        issueInput(authority, grant, form.get("grant_type") !== "client_credentials"),
      );
  }
}

function grantTypeOf(grantType: string | null): NonNullable<api.TokenResponse["grantType"]> {
  switch (grantType) {
    case "password":
    case "refresh_token":
    case "authorization_code":
      return grantType.toUpperCase() as NonNullable<api.TokenResponse["grantType"]>;
    default:
      return "CLIENT_CREDENTIALS";
  }
}

/**
 * `/auth/token/issue`: redeems a ticket of `PASSWORD` once, for the user the server authenticated.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.3.3
 */
export function decideIssue(authority: Authority, request: api.TokenIssueRequest): api.TokenIssueResponse {
  const grant = authority.tickets.get(request.ticket);
  if (grant === undefined) return unknownTicket("issue");
  authority.tickets.delete(request.ticket);
  return issueOk(issueInput(authority, { ...grant, subject: request.subject }, true, request as Lifetimes));
}

/** `/auth/token/fail`: ends the password grant of a ticket with the OAuth error of the reason. */
export function decideFail(authority: Authority, request: api.TokenFailRequest): api.TokenFailResponse {
  if (!authority.tickets.delete(request.ticket)) return unknownTicket("fail");
  return failAnswer(request.reason);
}
