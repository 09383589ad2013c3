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

/** Who a ticket or a token was handed to, and for what. */
interface Grant {
  client: ClientFields;
  subject: string | null;
  scopes: string[];
  dpop: boolean;
}

/** A token the fake knows: one it issued, or one registered with the `tokens` option. */
export interface KnownToken extends Grant {
  /** When it expires, in milliseconds since the epoch; `undefined` for never. */
  expiresAt: number | undefined;
}

/**
 * A token the fake should know without having issued it, e.g. one your test presents as a
 * `subject_token` (RFC 8693) or a `refresh_token`.
 * @see https://www.rfc-editor.org/rfc/rfc8693#section-2.1
 */
export interface FakeToken {
  /** The token itself. */
  token: string;
  /** What it is. Defaults to `ACCESS_TOKEN`. */
  type?: "ACCESS_TOKEN" | "REFRESH_TOKEN" | undefined;
  /** The client it was issued to: Authlete's numeric ID or an alias. */
  clientId: string;
  /** The user it stands for; none (`null` in Authlete's answers) for a client's own token. */
  subject?: string | undefined;
  /** Its scopes. Defaults to none. */
  scopes?: readonly string[] | undefined;
  /** When it expires, in milliseconds since the epoch. Defaults to never. */
  expiresAt?: number | undefined;
}

/** What the deciding functions need from the fake. */
export interface Authority {
  clients: ReadonlyMap<string, FakeClient> | undefined;
  tickets: Map<string, Grant>;
  /** The access tokens the fake issued or had registered, which token exchange accepts. */
  accessTokens: Map<string, KnownToken>;
  refreshTokens: Map<string, KnownToken>;
  newToken(): string;
  /** A ticket: random, without the token prefix (a ticket is not a token). */
  newTicket(): string;
  now(): number;
  accessTokenDuration: number;
  refreshTokenDuration: number;
}

/** One scripted answer of `/auth/token` (`next(action, fields)`). */
export interface Scripted {
  action: FakeAction;
  fields: Partial<api.TokenResponse> | undefined;
}

/** One scripted answer of `/auth/token/issue`. */
export interface ScriptedIssue {
  action: api.TokenIssueResponse["action"];
  fields: Partial<api.TokenIssueResponse> | undefined;
}

/** One scripted answer of `/auth/token/fail`. */
export interface ScriptedFail {
  action: api.TokenFailResponse["action"];
  fields: Partial<api.TokenFailResponse> | undefined;
}

/** A token the fake knows, as Authlete would have stored it. */
export function knownToken(registered: FakeToken): KnownToken {
  return {
    client: clientFields(registered.clientId, "CLIENT_SECRET_BASIC"),
    subject: registered.subject ?? null,
    scopes: [...(registered.scopes ?? [])],
    dpop: false,
    expiresAt: registered.expiresAt,
  };
}

/** The token of `tokens` unless it expired (then Authlete treats it as unknown). */
function lookUp(authority: Authority, tokens: Map<string, KnownToken>, token: string): KnownToken | undefined {
  const known = tokens.get(token);
  if (known === undefined || (known.expiresAt !== undefined && known.expiresAt <= authority.now())) return undefined;
  return known;
}

type ClientCheck = { client: ClientFields } | { error: api.TokenResponse };

/**
 * Authenticates the client like Authlete (RFC 6749 §2.3): one method only, its ID from Basic or
 * `client_id`, its method from where the secret was sent; against the registrations when there
 * are any.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
function authenticateClient(authority: Authority, request: api.TokenRequest, form: URLSearchParams): ClientCheck {
  // RFC 6749 §2.3: "The client MUST NOT use more than one authentication method in each request";
  // §5.2 makes that an invalid_request, which is what Authlete answers.
  const methods = [request.clientSecret !== undefined, form.has("client_secret"), form.has("client_assertion")];
  if (methods.filter(Boolean).length > 1) {
    return {
      error: errorAnswer(
        "BAD_REQUEST",
        "A054205",
        "invalid_request",
        "The client used more than one client authentication method.",
      ),
    };
  }
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
  const now = authority.now();
  const accessTokenDuration = lifetime(asked.accessTokenDuration, authority.accessTokenDuration);
  const refreshTokenDuration = lifetime(asked.refreshTokenDuration, authority.refreshTokenDuration);
  const { client, subject, scopes, dpop } = grant;
  const accessToken = authority.newToken();
  authority.accessTokens.set(accessToken, {
    client,
    subject,
    scopes,
    dpop,
    expiresAt: now + accessTokenDuration * 1000,
  });
  const refreshToken = withRefreshToken ? authority.newToken() : null;
  if (refreshToken !== null) {
    authority.refreshTokens.set(refreshToken, {
      client,
      subject,
      scopes,
      dpop,
      expiresAt: now + refreshTokenDuration * 1000,
    });
  }
  return { ...grant, accessToken, refreshToken, accessTokenDuration, refreshTokenDuration, now };
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
      const known = lookUp(authority, authority.refreshTokens, presented);
      if (known === undefined || known.client.clientId !== client.clientId) {
        return badRequest("A050105", "invalid_grant", "The refresh token does not exist or has expired.");
      }
      authority.refreshTokens.delete(presented); // rotation
      const { subject, scopes } = known;
      return tokenOk("REFRESH_TOKEN", issueInput(authority, { client, subject, scopes, dpop }, true, request));
    }
    case TOKEN_EXCHANGE: {
      const refused = checkTokenExchange(authority, form);
      return refused ?? handOverAnswer(authority, "TOKEN_EXCHANGE", form, grant, undefined, false);
    }
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
  invent = true,
): api.TokenResponse {
  const base = { ...handOff(action, form.get("grant_type") ?? ""), action, ...clientPart(grant) };
  if (action === "JWT_BEARER") {
    return { ...base, grantType: "JWT_BEARER", assertion: form.get("assertion") ?? "eyJhbGciOiJFUzI1NiJ9.e30.fake" };
  }
  // Invented for a scripted answer, whose request may carry no token at all; by default only the
  // tokens Authlete issued have info.
  const info = (who: string): api.TokenInfo | null =>
    invent
      ? {
          clientId: grant.client.clientId,
          clientIdAliasUsed: false,
          subject: who,
          scopes: grant.scopes,
          expiresAt: authority.now() + authority.accessTokenDuration * 1000,
        }
      : null;
  const subjectToken = form.get("subject_token") ?? authority.newToken();
  const subjectTokenType = tokenType(form.get("subject_token_type")) ?? "ACCESS_TOKEN";
  const actorToken = form.get("actor_token");
  const actorTokenType = tokenType(form.get("actor_token_type"));
  const exchange = {
    ...base,
    grantType: "TOKEN_EXCHANGE" as const,
    subjectToken,
    subjectTokenType,
    subjectTokenInfo: knownInfo(authority, subjectToken, subjectTokenType) ?? info(subject ?? "1001"),
    actorToken,
    actorTokenType,
    actorTokenInfo:
      actorToken === null
        ? null
        : (knownInfo(authority, actorToken, actorTokenType) ??
          info(grant.client.clientIdAlias ?? String(grant.client.clientId))),
    requestedTokenType: tokenType(form.get("requested_token_type")),
    audiences: form.getAll("audience"),
    resources: form.getAll("resource"),
  };
  if (action === "TOKEN_EXCHANGE") return exchange;
  // Native SSO: the ID token as subject token and the device secret as actor token.
  const deviceSecret = actorToken ?? authority.newToken();
  return {
    ...exchange,
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

/** What Authlete says about a token it knows (`subjectTokenInfo`, `actorTokenInfo`). */
function knownInfo(authority: Authority, token: string, type: api.TokenType | null): api.TokenInfo | undefined {
  const tokens =
    type === "ACCESS_TOKEN" ? authority.accessTokens : type === "REFRESH_TOKEN" ? authority.refreshTokens : undefined;
  const known = tokens && lookUp(authority, tokens, token);
  if (known === undefined) return undefined;
  const { clientId, clientIdAlias, clientIdAliasUsed } = known.client;
  return {
    clientId,
    ...(clientIdAlias === null ? {} : { clientIdAlias }),
    clientIdAliasUsed,
    ...(known.subject === null ? {} : { subject: known.subject }),
    scopes: known.scopes,
    expiresAt: known.expiresAt ?? authority.now() + authority.accessTokenDuration * 1000,
  };
}

/**
 * The checks Authlete makes on a token exchange request before it answers `TOKEN_EXCHANGE`: the
 * parameters of RFC 8693 §2.1, then each token by its type. An access or refresh token must be one
 * the service issued (for the fake: issued by it or registered with `tokens`), a JWT or ID token
 * must be a JWT that has not expired; SAML assertions are not checked. A refusal is
 * `invalid_request`, as RFC 8693 §2.2.2 requires.
 * @see https://www.rfc-editor.org/rfc/rfc8693#section-2.1
 * @see https://www.rfc-editor.org/rfc/rfc8693#section-2.2.2
 */
function checkTokenExchange(authority: Authority, form: URLSearchParams): api.TokenResponse | undefined {
  const refuse = (resultCode: string, message: string) => badRequest(resultCode, "invalid_request", message);
  const requested = form.get("requested_token_type");
  if (requested !== null && requested !== "" && tokenType(requested) === null) {
    return refuse("A327101", "The value of 'requested_token_type' is not a registered token type.");
  }
  const tokens = [
    ["subject", form.get("subject_token"), form.get("subject_token_type")],
    ["actor", form.get("actor_token"), form.get("actor_token_type")],
  ] as const;
  for (const [role, token, typeUri] of tokens) {
    const present = token !== null && token !== "";
    if (!present) {
      if (role === "subject") return refuse("A327102", "The token exchange request lacks 'subject_token'.");
      if (typeUri !== null && typeUri !== "") {
        return refuse("A327103", "'actor_token_type' is given without 'actor_token'.");
      }
      continue;
    }
    const type = tokenType(typeUri);
    if (type === null) return refuse("A327104", `The value of '${role}_token_type' is missing or not registered.`);
    const problem = tokenProblem(authority, token, type);
    if (problem !== undefined) return refuse("A327105", `The ${role} token ${problem}.`);
  }
  return undefined;
}

/** Why Authlete refuses a token of `type`, or `undefined` when it accepts it. */
function tokenProblem(authority: Authority, token: string, type: api.TokenType): string | undefined {
  switch (type) {
    case "ACCESS_TOKEN":
      return knownInfo(authority, token, type) ? undefined : "is not an access token of the service, or has expired";
    case "REFRESH_TOKEN":
      return knownInfo(authority, token, type) ? undefined : "is not a refresh token of the service, or has expired";
    case "JWT":
    case "ID_TOKEN": {
      const claims = jwtClaims(token);
      if (claims === undefined) return "is not a JWT";
      const { exp } = claims;
      if (typeof exp === "number" && exp * 1000 <= authority.now()) return "has expired";
      if (type === "ID_TOKEN" && typeof exp !== "number") return "has no 'exp' claim";
      return undefined;
    }
    default:
      return undefined;
  }
}

/** The claims of a JWS in compact form (RFC 7515 §7.1), or `undefined` for anything else. */
function jwtClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  try {
    const json = atob((parts[1] ?? "").replaceAll("-", "+").replaceAll("_", "/"));
    const claims: unknown = JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0))));
    return typeof claims === "object" && claims !== null && !Array.isArray(claims)
      ? (claims as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
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

/** Whom a scripted `/auth/token/issue` issues for when the ticket is not one of the fake's. */
const SCRIPTED_GRANT: Grant = {
  client: clientFields("26478243745571", "CLIENT_SECRET_BASIC"),
  subject: null,
  scopes: [],
  dpop: false,
};

/** The answer of `/auth/token/issue` that `next({ path: "/auth/token/issue", … })` scripted. */
export function scriptedIssue(
  authority: Authority,
  request: api.TokenIssueRequest,
  scripted: ScriptedIssue,
): api.TokenIssueResponse {
  const grant = authority.tickets.get(request.ticket);
  authority.tickets.delete(request.ticket);
  const answer =
    scripted.action === "OK"
      ? issueOk(
          issueInput(authority, { ...(grant ?? SCRIPTED_GRANT), subject: request.subject }, true, request as Lifetimes),
        )
      : defaultError("INTERNAL_SERVER_ERROR");
  return { ...answer, ...scripted.fields } as api.TokenIssueResponse;
}

/** The answer of `/auth/token/fail` that `next({ path: "/auth/token/fail", … })` scripted. */
export function scriptedFail(
  authority: Authority,
  request: api.TokenFailRequest,
  scripted: ScriptedFail,
): api.TokenFailResponse {
  authority.tickets.delete(request.ticket);
  const answer = scripted.action === "BAD_REQUEST" ? failAnswer(request.reason) : defaultError("INTERNAL_SERVER_ERROR");
  return { ...answer, ...scripted.fields } as api.TokenFailResponse;
}

/** `/auth/token/fail`: ends the password grant of a ticket with the OAuth error of the reason. */
export function decideFail(authority: Authority, request: api.TokenFailRequest): api.TokenFailResponse {
  if (!authority.tickets.delete(request.ticket)) return unknownTicket("fail");
  return failAnswer(request.reason);
}
