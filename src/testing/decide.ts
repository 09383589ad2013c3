/**
 * How the fake Authlete decides, per operation, once the call itself was accepted: the default
 * decisions Authlete would take for the common grants, and the scripted answers of `next()`.
 */
import type * as api from "../index.js";
import {
  defaultError,
  errorAnswer,
  failAnswer,
  handOff,
  type IssueInput,
  issueOk,
  tokenOk,
  unknownTicket,
} from "./bodies.js";
import { authenticateClient, clientFields, type FakeClient } from "./clients.js";
import { checkTokenExchange, type Grant, type KnownToken, knownInfo, lookUp, tokenType } from "./tokens.js";

/** An action of `/auth/token`. */
export type FakeAction = api.TokenResponse["action"];

/** The grant types whose parameters are named by URI. */
const TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
const JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";

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
