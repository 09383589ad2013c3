/**
 * What the fake Authlete knows of tokens: those it issued and those registered with the `tokens`
 * option, and the checks Authlete makes on the tokens of a token exchange (RFC 8693).
 */
import type * as api from "../index.js";
import { type ClientFields, errorAnswer } from "./bodies.js";
import { clientFields } from "./clients.js";
import type { Authority } from "./decide.js";

/** Who a ticket or a token was handed to, and for what. */
export interface Grant {
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
export function lookUp(authority: Authority, tokens: Map<string, KnownToken>, token: string): KnownToken | undefined {
  const known = tokens.get(token);
  if (known === undefined || (known.expiresAt !== undefined && known.expiresAt <= authority.now())) return undefined;
  return known;
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
export function tokenType(uri: string | null): api.TokenType | null {
  return uri === null ? null : (TOKEN_TYPES[uri] ?? null);
}

/** What Authlete says about a token it knows (`subjectTokenInfo`, `actorTokenInfo`). */
export function knownInfo(authority: Authority, token: string, type: api.TokenType | null): api.TokenInfo | undefined {
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
export function checkTokenExchange(authority: Authority, form: URLSearchParams): api.TokenResponse | undefined {
  const refuse = (resultCode: string, message: string): api.TokenResponse =>
    errorAnswer("BAD_REQUEST", resultCode, "invalid_request", message);
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
