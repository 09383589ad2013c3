/**
 * The bodies the fake Authlete answers with, one builder per kind of answer, all shaped like the
 * spec's response schemas (`Result` for HTTP errors, `TokenResponse`, `TokenIssueResponse`,
 * `TokenFailResponse` for 200). Result codes follow Authlete's `A0xxxxx` format; those not in the
 * spec's examples are illustrative, so tests should branch on `action`, never on a code.
 */
import type { Result, TokenFailResponse, TokenIssueResponse, TokenResponse } from "../index.js";

/** An OAuth error code of RFC 6749 §5.2, RFC 8707 §2 or RFC 9449 §8. */
export type OAuthErrorCode =
  | "invalid_request"
  | "invalid_client"
  | "invalid_grant"
  | "unauthorized_client"
  | "unsupported_grant_type"
  | "invalid_scope"
  | "invalid_target"
  | "server_error";

/** Authlete's error body of an HTTP 4xx/5xx answer. */
export function resultBody(resultCode: string, api: string, message: string): Result {
  return { resultCode, resultMessage: `[${resultCode}] ${api} API: ${message}` };
}

/**
 * The `responseContent` of an error action: the JSON error object the client gets.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export function oauthErrorContent(error: OAuthErrorCode, description: string): string {
  return JSON.stringify({ error, error_description: description });
}

/** An error action of `/auth/token`, `/auth/token/issue` or `/auth/token/fail`. */
export function errorAnswer<A extends "BAD_REQUEST" | "INVALID_CLIENT" | "INTERNAL_SERVER_ERROR">(
  action: A,
  resultCode: string,
  error: OAuthErrorCode,
  message: string,
): { resultCode: string; resultMessage: string; action: A; responseContent: string } {
  const resultMessage = `[${resultCode}] ${message}`;
  return { resultCode, resultMessage, action, responseContent: oauthErrorContent(error, resultMessage) };
}

/** The default error of each error action, for a scripted answer. */
export const DEFAULT_ERRORS = {
  BAD_REQUEST: ["A050101", "invalid_request", "The token request is invalid."],
  INVALID_CLIENT: ["A054203", "invalid_client", "The client secret is wrong."],
  INTERNAL_SERVER_ERROR: ["A050102", "server_error", "Authlete Server error."],
} as const satisfies Record<string, readonly [string, OAuthErrorCode, string]>;

/** The scripted or default answer of an error action, with the error Authlete gives most often. */
export function defaultError<A extends keyof typeof DEFAULT_ERRORS>(action: A) {
  const [resultCode, error, message] = DEFAULT_ERRORS[action];
  return errorAnswer(action, resultCode, error, message);
}

/** The client as Authlete reports it in a response. */
export interface ClientFields {
  clientId: number;
  clientIdAlias: string | null;
  clientIdAliasUsed: boolean;
  clientAuthMethod: NonNullable<TokenResponse["clientAuthMethod"]>;
}

/** What a set of freshly issued tokens needs. */
export interface IssueInput {
  client: ClientFields;
  subject: string | null;
  scopes: string[];
  accessToken: string;
  refreshToken: string | null;
  accessTokenDuration: number;
  refreshTokenDuration: number;
  now: number;
  dpop: boolean;
  idToken?: string | undefined;
}

/**
 * The token fields of an `OK` answer, `responseContent` included.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export function tokenFields(input: IssueInput) {
  const content: Record<string, unknown> = {
    access_token: input.accessToken,
    token_type: input.dpop ? "DPoP" : "Bearer",
    expires_in: input.accessTokenDuration,
  };
  if (input.scopes.length > 0) content.scope = input.scopes.join(" ");
  if (input.refreshToken !== null) content.refresh_token = input.refreshToken;
  if (input.idToken !== undefined) content.id_token = input.idToken;
  return {
    responseContent: JSON.stringify(content),
    accessToken: input.accessToken,
    accessTokenExpiresAt: input.now + input.accessTokenDuration * 1000,
    accessTokenDuration: input.accessTokenDuration,
    refreshToken: input.refreshToken,
    refreshTokenExpiresAt: input.refreshToken === null ? null : input.now + input.refreshTokenDuration * 1000,
    refreshTokenDuration: input.refreshToken === null ? null : input.refreshTokenDuration,
    clientId: input.client.clientId,
    clientIdAlias: input.client.clientIdAlias,
    clientIdAliasUsed: input.client.clientIdAliasUsed,
    subject: input.subject,
    scopes: input.scopes,
  };
}

/** The `OK` answer of `/auth/token`. */
export function tokenOk(grantType: NonNullable<TokenResponse["grantType"]>, input: IssueInput): TokenResponse {
  const resultCode = "A050001";
  return {
    resultCode,
    resultMessage: `[${resultCode}] The token request (grant_type=${grantType.toLowerCase()}) was processed successfully.`,
    action: "OK",
    ...tokenFields(input),
    grantType,
    clientAuthMethod: input.client.clientAuthMethod,
  };
}

/** The `OK` answer of `/auth/token/issue`. */
export function issueOk(input: IssueInput): TokenIssueResponse {
  const resultCode = "A054001";
  return {
    resultCode,
    resultMessage: `[${resultCode}] The token request (grant_type=password) was processed successfully.`,
    action: "OK",
    ...tokenFields(input),
  };
}

/** `/auth/token/issue` or `/auth/token/fail` with a ticket Authlete does not know (or already used). */
export function unknownTicket(api: "issue" | "fail"): TokenIssueResponse & TokenFailResponse {
  return errorAnswer(
    "INTERNAL_SERVER_ERROR",
    api === "issue" ? "A054301" : "A054401",
    "server_error",
    "The ticket is not found; it may have expired or been used already.",
  );
}

/**
 * The `BAD_REQUEST` answer of `/auth/token/fail`, with the OAuth error its reason stands for.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 * @see https://www.rfc-editor.org/rfc/rfc8707#section-2
 */
export function failAnswer(reason: "UNKNOWN" | "INVALID_RESOURCE_OWNER_CREDENTIALS" | "INVALID_TARGET") {
  switch (reason) {
    case "INVALID_RESOURCE_OWNER_CREDENTIALS":
      return errorAnswer(
        "BAD_REQUEST",
        "A054402",
        "invalid_grant",
        "The credentials (username & password) passed to the token endpoint are invalid.",
      );
    case "INVALID_TARGET":
      return errorAnswer("BAD_REQUEST", "A054403", "invalid_target", "The requested resource is not acceptable.");
    default:
      return errorAnswer("BAD_REQUEST", "A054401", "invalid_request", "The token request was rejected.");
  }
}

/** The success code and message of a `/auth/token` action Authlete leaves to the server. */
export function handOff(
  action: TokenResponse["action"],
  grant: string,
): Pick<TokenResponse, "resultCode" | "resultMessage"> {
  const codes: Partial<Record<TokenResponse["action"], string>> = {
    PASSWORD: "A050004",
    TOKEN_EXCHANGE: "A050005",
    JWT_BEARER: "A050006",
    NATIVE_SSO: "A050007",
    ID_TOKEN_REISSUABLE: "A050008",
  };
  const resultCode = codes[action] ?? "A050001";
  return {
    resultCode,
    resultMessage: `[${resultCode}] The token request (grant_type=${grant}) was processed successfully.`,
  };
}
