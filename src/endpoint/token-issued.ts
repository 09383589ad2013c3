/**
 * The one home of what {@link TokenEndpointOptions.onTokenIssued} is told: the event of an answer
 * with tokens, made only of what is safe to log (no token, no secret, no credential parameter).
 */
import type { TokenRequest } from "../../generated/authlete-token.js";
import { REDACTED } from "../redact.js";

/**
 * The Authlete action whose handling issued the tokens: `OK` and `ID_TOKEN_REISSUABLE` of
 * `/auth/token` directly, `PASSWORD` once `/auth/token/issue` answered `OK`, and the grants
 * completed by the application (`TOKEN_EXCHANGE`, `JWT_BEARER`, `NATIVE_SSO`).
 */
export type TokenIssuedAction =
  | "OK"
  | "ID_TOKEN_REISSUABLE"
  | "PASSWORD"
  | "TOKEN_EXCHANGE"
  | "JWT_BEARER"
  | "NATIVE_SSO";

/**
 * What the event tells of the HTTP request: enough to audit it, nothing that authenticates (no
 * `Authorization` header, no DPoP proof, no attestation, no credential parameter).
 */
export interface TokenIssuedRequest {
  /** Always `POST`. */
  readonly method: string;
  /** The URL the request was sent to, without query or fragment. */
  readonly url: string;
  /** The `Origin` header of a browser client, when there was one. */
  readonly origin: string | undefined;
  /** The client ID the client presented (`Authorization: Basic` or the `client_id` parameter). */
  readonly clientId: string | undefined;
  /**
   * The form body as sent, with every value replaced by `[REDACTED]` except those of
   * {@link TOKEN_ISSUED_VISIBLE_PARAMETERS}: `code`, `code_verifier`, `refresh_token`, `password`,
   * `client_secret`, `client_assertion` and any parameter this package does not know are hidden.
   */
  readonly parameters: string;
  /** Whether the request carried a DPoP proof (RFC 9449): the tokens are then bound to its key. */
  readonly dpop: boolean;
  /** Whether a mutual-TLS client certificate was read (RFC 8705). */
  readonly clientCertificate: boolean;
}

/**
 * An answer with tokens, as {@link TokenEndpointOptions.onTokenIssued} receives it: who got tokens,
 * for what, through which grant. It never holds a token value or a secret, so it can be logged or
 * stored as it is.
 *
 * @example
 * ```ts
 * onTokenIssued: async (event) => {
 *   if (event.grantId) await consents.link(event.grantId, event.subject);
 *   audit.write({ at: new Date(), ...event });
 * }
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export interface TokenIssuedEvent {
  /** Which path issued the tokens. */
  readonly action: TokenIssuedAction;
  /** Authlete's name of the grant type: `AUTHORIZATION_CODE`, `REFRESH_TOKEN`, `PASSWORD`, … */
  readonly grantType: string | undefined;
  /** Authlete's numeric ID of the client. */
  readonly clientId: number | undefined;
  /** The client's alias, when it has one. */
  readonly clientIdAlias: string | undefined;
  /** The resource owner; `undefined` for the client credentials grant. */
  readonly subject: string | undefined;
  /** The scopes of the access token. */
  readonly scopes: readonly string[];
  /**
   * The grant's ID (Grant Management for OAuth 2.0), where Authlete gave one.
   * @see https://openid.net/specs/oauth-v2-grant-management.html
   */
  readonly grantId: string | undefined;
  /** The request, without anything that authenticates. */
  readonly request: TokenIssuedRequest;
}

/**
 * The form parameters whose values {@link TokenIssuedRequest.parameters} shows: those that say what
 * was asked for and by whom, none of which authenticates. Every other value is hidden, so that a
 * credential parameter of a grant added later (OpenID4VCI's `pre-authorized_code` and `tx_code`,
 * say) never reaches an audit log.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3
 * @see https://www.rfc-editor.org/rfc/rfc8693#section-2.1
 */
export const TOKEN_ISSUED_VISIBLE_PARAMETERS: ReadonlySet<string> = new Set([
  "grant_type",
  "scope",
  "client_id",
  "redirect_uri",
  "resource",
  "audience",
  "username",
  "requested_token_type",
  "subject_token_type",
  "actor_token_type",
  "authorization_details",
  "client_assertion_type",
  "dpop_jkt",
]);

/** The fields of an Authlete result the event is made of (`/auth/token`, `/issue`, …). */
export interface TokenIssuedSource {
  grantType?: string | null | undefined;
  clientId?: number | null | undefined;
  clientIdAlias?: string | null | undefined;
  subject?: string | null | undefined;
  scopes?: readonly string[] | null | undefined;
  grantId?: string | null | undefined;
}

/**
 * The event of an answer with tokens: each field from the first of `sources` that has it (give the
 * result that issued the tokens first, then `/auth/token`'s).
 */
export function tokenIssuedEvent(
  action: TokenIssuedAction,
  request: Request,
  tokenRequest: TokenRequest,
  sources: readonly TokenIssuedSource[],
): TokenIssuedEvent {
  const first = <K extends keyof TokenIssuedSource>(key: K) => {
    for (const source of sources) {
      const value = source[key];
      if (value !== null && value !== undefined) return value as NonNullable<TokenIssuedSource[K]>;
    }
    return undefined;
  };
  const scopes = first("scopes");
  return Object.freeze({
    action,
    grantType: first("grantType") ?? IMPLIED_GRANT_TYPES[action],
    clientId: first("clientId"),
    clientIdAlias: first("clientIdAlias"),
    subject: first("subject"),
    scopes: Object.freeze(Array.isArray(scopes) ? scopes.filter((scope) => typeof scope === "string") : []),
    grantId: first("grantId"),
    request: requestView(request, tokenRequest),
  });
}

/** The grant type an action stands for, when Authlete's result does not name it. */
const IMPLIED_GRANT_TYPES: Partial<Record<TokenIssuedAction, string>> = {
  PASSWORD: "PASSWORD",
  TOKEN_EXCHANGE: "TOKEN_EXCHANGE",
  JWT_BEARER: "JWT_BEARER",
  ID_TOKEN_REISSUABLE: "REFRESH_TOKEN",
};

function requestView(request: Request, tokenRequest: TokenRequest): TokenIssuedRequest {
  const url = new URL(request.url);
  url.search = "";
  url.hash = "";
  const parameters = tokenRequest.parameters ?? "";
  return Object.freeze({
    method: request.method,
    url: url.href,
    origin: request.headers.get("Origin") ?? undefined,
    clientId: tokenRequest.clientId ?? new URLSearchParams(parameters).get("client_id") ?? undefined,
    parameters: visibleParameters(parameters),
    dpop: typeof tokenRequest.dpop === "string" && tokenRequest.dpop !== "",
    clientCertificate: typeof tokenRequest.clientCertificate === "string" && tokenRequest.clientCertificate !== "",
  });
}

/** The form body with the values of all but the visible parameters hidden; names are kept as sent. */
function visibleParameters(parameters: string): string {
  if (parameters === "") return "";
  return parameters
    .split("&")
    .map((pair) => {
      const equals = pair.indexOf("=");
      const rawName = equals < 0 ? pair : pair.slice(0, equals);
      if (TOKEN_ISSUED_VISIBLE_PARAMETERS.has(formDecode(rawName))) return pair;
      // A lone name that is not on the list may be a misplaced value: hidden as well.
      return equals < 0 ? REDACTED : `${rawName}=${REDACTED}`;
    })
    .join("&");
}

function formDecode(value: string): string {
  try {
    return decodeURIComponent(value.replaceAll("+", " "));
  } catch {
    // Not a name of the list, so its value stays hidden.
    return value;
  }
}
