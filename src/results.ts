/**
 * The results of the client's calls as unions discriminated by `action`, derived from the
 * generated response types: narrowing on `action` makes the fields Authlete's documentation says
 * are set for that action present and non-null, and one more member stands for an action this
 * version does not know yet. Types only: nothing here exists at run time.
 */

import type * as api from "../generated/authlete-token.js";

/**
 * An `action` this version of the package does not know (Authlete adds actions over time; the
 * client passes them through untouched). At run time it is the plain string Authlete sent; its type
 * is a string pattern no real action matches (a leading NUL), so comparing `action` with a known
 * literal still narrows to that member, and an exhaustive `switch` must handle this one. Neither
 * `string & {}` nor `string & { brand }` would do: TypeScript then stops narrowing the union by
 * `action` at all.
 */
export type UnknownAction = `\u0000UnknownAction:${string}`;

/** An object type written out flat, so that editors show its fields rather than an intersection. */
type Flat<T> = { [K in keyof T]: T[K] } & {};

/**
 * One member of a result union: the generated response `T` with `action` fixed to `A` and the
 * fields `K` present and non-null.
 */
type Member<T, A, K extends keyof T> = Flat<Omit<T, "action" | K> & { action: A } & { [P in K]-?: NonNullable<T[P]> }>;

/**
 * The union of a generated response type `T` by its `action`: a member per action `T` declares,
 * with the fields `G[action]` guarantees made present and non-null, plus a member for an
 * {@link UnknownAction}, where nothing beyond `resultCode` and `resultMessage` is guaranteed.
 */
export type ResultByAction<T extends { action: string }, G extends { [A in T["action"]]?: keyof T }> =
  | { [A in T["action"]]: Member<T, A, G[A] extends keyof T ? G[A] : never> }[T["action"]]
  | Flat<Omit<T, "action"> & { action: UnknownAction }>;

/**
 * What `/auth/token` guarantees per action, from Authlete's documentation of `TokenResponse`:
 * `responseContent` for the actions whose answer Authlete writes, the grant's inputs for the
 * actions your token endpoint finishes itself.
 */
interface TokenGuarantees {
  OK: "responseContent";
  BAD_REQUEST: "responseContent";
  INVALID_CLIENT: "responseContent";
  INTERNAL_SERVER_ERROR: "responseContent";
  ID_TOKEN_REISSUABLE: "responseContent";
  PASSWORD: "ticket" | "username" | "password";
  TOKEN_EXCHANGE: "subjectToken" | "subjectTokenType";
  JWT_BEARER: "assertion";
  NATIVE_SSO: "sessionId" | "subjectToken";
}

/**
 * The result of {@link TokenClient.process} (`/auth/token`), discriminated by `action`. Once
 * narrowed, these fields are guaranteed (present, not `null`):
 * - `OK`, `BAD_REQUEST`, `INVALID_CLIENT`, `INTERNAL_SERVER_ERROR`, `ID_TOKEN_REISSUABLE`:
 *   `responseContent`;
 * - `PASSWORD`: `ticket`, `username`, `password` (RFC 6749 §4.3);
 * - `TOKEN_EXCHANGE`: `subjectToken`, `subjectTokenType` (RFC 8693 §2.1);
 * - `JWT_BEARER`: `assertion` (RFC 7523 §2.1);
 * - `NATIVE_SSO`: `sessionId`, `subjectToken` (OpenID Connect Native SSO 1.0).
 *
 * Every other field stays optional and nullable: Authlete documents when it may be set, not that
 * it always is. An action this version does not know has `action` typed {@link UnknownAction}.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.3
 * @see https://www.rfc-editor.org/rfc/rfc8693#section-2.1
 * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.1
 */
export type TokenResult = ResultByAction<api.TokenResponse, TokenGuarantees>;

/**
 * The result of {@link TokenClient.issue} (`/auth/token/issue`), discriminated by `action`:
 * `OK` and `INTERNAL_SERVER_ERROR` guarantee `responseContent`; the token fields stay optional.
 */
export type TokenIssueResult = ResultByAction<
  api.TokenIssueResponse,
  { OK: "responseContent"; INTERNAL_SERVER_ERROR: "responseContent" }
>;

/**
 * The result of {@link TokenClient.fail} (`/auth/token/fail`), discriminated by `action`:
 * `BAD_REQUEST` and `INTERNAL_SERVER_ERROR` guarantee `responseContent`.
 */
export type TokenFailResult = ResultByAction<
  api.TokenFailResponse,
  { BAD_REQUEST: "responseContent"; INTERNAL_SERVER_ERROR: "responseContent" }
>;

/**
 * The result of {@link TokenClient.createToken} (`/auth/token/create`), discriminated by `action`:
 * `OK` guarantees `accessToken`. It carries no `responseContent`: your endpoint builds the token
 * response (RFC 6749 §5.1) from its fields, which stay optional as Authlete documents them.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export type TokenCreateResult = ResultByAction<api.TokenCreateResponse, { OK: "accessToken" }>;

/**
 * The result of {@link TokenClient.nativeSso} (`/nativesso`), discriminated by `action`: `OK`
 * guarantees `responseContent` and `idToken`, `INTERNAL_SERVER_ERROR` `responseContent`.
 */
export type NativeSsoResult = ResultByAction<
  api.NativeSsoResponse,
  { OK: "responseContent" | "idToken"; INTERNAL_SERVER_ERROR: "responseContent" }
>;

/**
 * The result of {@link TokenClient.reissueIdToken} (`/idtoken/reissue`), discriminated by
 * `action`: `OK` guarantees `responseContent` and `idToken`, `INTERNAL_SERVER_ERROR`
 * `responseContent`.
 */
export type IdTokenReissueResult = ResultByAction<
  api.IdTokenReissueResponse,
  { OK: "responseContent" | "idToken"; INTERNAL_SERVER_ERROR: "responseContent" }
>;
