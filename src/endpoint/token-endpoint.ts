import type { TokenIssueRequest, TokenRequest, TokenResponse } from "../../generated/authlete-token.js";
import type { TokenClient } from "../client.js";
import { AuthleteConfigurationError } from "../errors.js";
import { credentialsOf, redact } from "../redact.js";
import type { TokenFailResult, TokenIssueResult, TokenResult } from "../results.js";
import {
  type CorsOrigins,
  checkCorsOrigins,
  isPreflight,
  type OriginCheck,
  preflightResponse,
  withCorsHeaders,
} from "./cors.js";
import {
  finishNativeSso,
  finishWithCreatedToken,
  type GrantCalls,
  type GrantContext,
  type GrantDecision,
  type GrantHook,
  type IdTokenReissueHook,
  isDecision,
  type NativeSsoDecision,
  type NativeSsoHook,
  reissueIdToken,
} from "./grants.js";
import { dpopNonceHeader, invalidDpopNonce, serverErrorResponse, withTokenEndpointHeaders } from "./oauth-response.js";
import {
  checkParseTokenRequestOptions,
  type ParseTokenRequestOptions,
  parseTokenRequest,
} from "./parse-token-request.js";
import { isKnownAction, toTokenResponse } from "./to-token-response.js";
import { TokenEndpointError } from "./token-endpoint-error.js";
import {
  type TokenIssuedAction,
  type TokenIssuedEvent,
  type TokenIssuedSource,
  tokenIssuedEvent,
} from "./token-issued.js";

/** What the endpoint tells its logger. Never contains a credential, a token or a request body. */
export interface TokenEndpointLogDetails {
  /**
   * The failure: an `AuthleteError` (safe to log by design) or whatever one of your functions threw
   * (a grant hook, `authenticateUser`, a `cors` function, `onTokenIssued`).
   */
  error?: unknown;
  /** The Authlete action that led here. */
  action?: string | undefined;
  /** Authlete's result code, e.g. `A001101`. */
  resultCode?: string | undefined;
  /**
   * Authlete's explanation. Logged for operators; never sent to the OAuth client. Any credential
   * of the request it echoes is redacted (see the redaction rule in docs/token-endpoint.md).
   */
  resultMessage?: string | undefined;
}

/** Where the endpoint reports server-side failures; `console` fits. */
export interface TokenEndpointLogger {
  error(message: string, details: TokenEndpointLogDetails): void;
}

/** How {@link TokenEndpointOptions.authenticateUser} identifies the user. */
export type AuthenticatedUser = string | (Omit<TokenIssueRequest, "ticket" | "subject"> & { subject: string });

/** Options of {@link createTokenEndpoint}. */
export interface TokenEndpointOptions extends ParseTokenRequestOptions {
  /**
   * The Authlete client, from {@link createTokenClient}. Its `createToken`, `nativeSso` and
   * `reissueIdToken` are needed only to finish the grants your hooks return decisions for.
   */
  client: Pick<TokenClient, "process" | "issue" | "fail"> & Partial<GrantCalls>;
  /**
   * Checks the username and password of a resource owner password grant (RFC 6749 section 4.3).
   * Return the user's subject (or `{ subject, properties, … }` to shape the tokens), or
   * `null`/`undefined` when the credentials are wrong. Without it the password grant is answered
   * with `unsupported_grant_type`.
   * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.3
   */
  authenticateUser?:
    | ((
        username: string,
        password: string,
        context: GrantContext,
      ) => AuthenticatedUser | null | undefined | Promise<AuthenticatedUser | null | undefined>)
    | undefined;
  /**
   * Handles `TOKEN_EXCHANGE` (RFC 8693): return a {@link GrantDecision} to issue an access token
   * (answered with `issued_token_type`). Without it: 400 `unsupported_grant_type`.
   * @see https://www.rfc-editor.org/rfc/rfc8693#section-2
   */
  onTokenExchange?: GrantHook | undefined;
  /**
   * Handles `JWT_BEARER` (RFC 7523): verify `result.assertion` and return a {@link GrantDecision}.
   * Without it: 400 `unsupported_grant_type`.
   * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.1
   */
  onJwtBearer?: GrantHook | undefined;
  /**
   * Handles `NATIVE_SSO` (OpenID Connect Native SSO): return a {@link NativeSsoDecision}.
   * Without it: 400 `invalid_grant`.
   * @see https://openid.net/specs/openid-connect-native-sso-1_0.html
   */
  onNativeSso?: NativeSsoHook | undefined;
  /**
   * Makes `ID_TOKEN_REISSUABLE` go through `/idtoken/reissue` when it returns claims (or `{}`).
   * Without it, or when it returns `false`, the refresh token response is `/auth/token`'s.
   * @see https://openid.net/specs/openid-connect-core-1_0.html#RefreshTokenResponse
   */
  reissueIdToken?: IdTokenReissueHook | undefined;
  /**
   * Adds your policy to each `TokenRequest` before it goes to Authlete (`accessTokenDuration`,
   * `properties`, `jwtAtClaims`, …). Return a new request or change the given one.
   */
  prepareRequest?:
    | ((tokenRequest: TokenRequest, request: Request) => TokenRequest | undefined | Promise<TokenRequest | undefined>)
    | undefined;
  /**
   * The origins of browser clients that may call this endpoint cross-origin (CORS): a list of
   * exact origins (`["https://app.example.com"]`) or `(origin) => boolean`. Without it no origin
   * is allowed and answers carry no CORS header. With it, an allowed origin's preflight gets 204
   * and every answer to it (errors included) can be read by the page; every answer carries
   * `Vary: Origin`. `"*"` and values that are not origins are refused at creation.
   * See "Browser clients" in docs/token-endpoint.md.
   * @see https://fetch.spec.whatwg.org/#http-cors-protocol
   */
  cors?: CorsOrigins | undefined;
  /**
   * Told once each time the endpoint answers 200 with tokens (for an audit trail, or to link a
   * `grantId` to your consent store), with an event that holds no token and no secret. It runs
   * after the answer is decided and before it is returned: keep it short, or queue the work. What
   * it throws or rejects with goes to `logger` and does not change the answer.
   */
  onTokenIssued?: ((event: TokenIssuedEvent) => void | Promise<void>) | undefined;
  /** Receives server-side failures (Authlete unreachable or erroring, hooks throwing, unknown actions). */
  logger?: TokenEndpointLogger | undefined;
}

/** A token endpoint: a function from a web-standard `Request` to a `Response`. */
export type TokenEndpoint = (request: Request) => Promise<Response>;

/**
 * Creates a complete OAuth 2.0 token endpoint (RFC 6749 section 3.2) on top of Authlete: it parses
 * the request ({@link parseTokenRequest}), calls `/auth/token`, completes password grants with
 * `authenticateUser` and `/auth/token/issue` or `/auth/token/fail`, hands token exchange, JWT
 * bearer and Native SSO to your hooks (finishing their decisions with `/auth/token/create` or
 * `/nativesso`), reissues ID tokens with `/idtoken/reissue` when `reissueIdToken` asks, and
 * answers with {@link toTokenResponse}.
 *
 * It never throws and never lets a server-side detail reach the client: any failure to talk to
 * Authlete, an unknown action or a hook that throws becomes `500 {"error":"server_error"}` and
 * goes to `logger`.
 *
 * @example
 * ```ts
 * const endpoint = createTokenEndpoint({
 *   client: createTokenClient({ serviceId, accessToken }),
 *   authenticateUser: async (username, password) => (await users.verify(username, password))?.id,
 *   logger: console,
 * });
 * Deno.serve((request) => new URL(request.url).pathname === "/token" ? endpoint(request) : new Response(null, { status: 404 }));
 * ```
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2
 */
export function createTokenEndpoint(options: TokenEndpointOptions): TokenEndpoint {
  const { client, logger } = options;
  if (client === undefined || typeof client?.process !== "function") {
    throw new AuthleteConfigurationError("createTokenEndpoint needs a client made by createTokenClient");
  }
  // Settings that could only fail per request are checked once, here.
  checkParseTokenRequestOptions(options);
  for (const name of [
    "authenticateUser",
    "onTokenExchange",
    "onJwtBearer",
    "onNativeSso",
    "reissueIdToken",
    "prepareRequest",
    "onTokenIssued",
  ] as const) {
    if (options[name] !== undefined && typeof options[name] !== "function") {
      throw new AuthleteConfigurationError(`${name} must be a function`);
    }
  }
  if (logger !== undefined && typeof logger?.error !== "function") {
    throw new AuthleteConfigurationError("logger must have an error(message, details) method, as console has");
  }
  const allowsOrigin: OriginCheck | undefined = options.cors === undefined ? undefined : checkCorsOrigins(options.cors);
  const realm = options.realm ?? "token";
  const log = (message: string, details: TokenEndpointLogDetails) => {
    try {
      logger?.error(message, details);
    } catch {
      // A broken logger must not turn an answer into a crash.
    }
  };

  return async function tokenEndpoint(request: Request): Promise<Response> {
    if (allowsOrigin === undefined) return await answerSafely(request);
    const origin = request.headers.get("Origin");
    const allowed = allowsOrigin(origin, (error) =>
      log("The cors function threw; the origin is not allowed", { error }),
    );
    // A preflight of an origin that is not allowed goes on as any OPTIONS request (405), without CORS headers.
    if (allowed && origin !== null && isPreflight(request)) return preflightResponse(origin);
    const response = await answerSafely(request);
    try {
      return withCorsHeaders(response, origin, allowed);
    } catch {
      return withCorsHeaders(serverErrorResponse(), origin, allowed);
    }
  };

  async function answerSafely(request: Request): Promise<Response> {
    try {
      return await answer(request);
    } catch {
      // Only reachable if building an error answer itself failed: still an answer, never a rejection.
      return serverErrorResponse();
    }
  }

  /**
   * The one call point of `onTokenIssued`: every path that can answer with tokens returns its
   * answer through here, with the Authlete results the tokens came from (the one that issued them
   * first, then `/auth/token`'s). Only a 200 is reported.
   */
  async function issued(
    response: Response,
    action: TokenIssuedAction,
    context: GrantContext,
    ...sources: TokenIssuedSource[]
  ): Promise<Response> {
    const observer = options.onTokenIssued;
    if (observer === undefined || response.status !== 200) return response;
    try {
      await observer(tokenIssuedEvent(action, context.request, context.tokenRequest, sources));
    } catch (error) {
      log("onTokenIssued failed; the tokens were issued all the same", { error, action });
    }
    return response;
  }

  async function answer(request: Request): Promise<Response> {
    let tokenRequest: TokenRequest;
    try {
      tokenRequest = await parseTokenRequest(request, options);
    } catch (error) {
      if (error instanceof TokenEndpointError) return error.toResponse();
      log("Reading the token request failed", { error });
      return serverErrorResponse();
    }
    const context: GrantContext = { request, tokenRequest };
    const call = { signal: request.signal };
    // What Authlete's text is cleaned of before it is logged.
    const describe = (result: AuthleteResult): TokenEndpointLogDetails => describeResult(result, tokenRequest);
    let result: TokenResult | undefined;
    try {
      if (options.prepareRequest) tokenRequest = (await options.prepareRequest(tokenRequest, request)) ?? tokenRequest;
      result = await client.process(tokenRequest, call);
      if (invalidDpopNonce(result.dpopNonce)) {
        log("Authlete sent a DPoP nonce that is not a valid header value; it is not sent", describe(result));
      }
      const action = result.action as string;
      if (!isKnownAction(action)) {
        log("Authlete answered /auth/token with an unknown action", describe(result));
        return serverErrorResponse(dpopNonceHeader(result.dpopNonce));
      }
      if (action === "INTERNAL_SERVER_ERROR")
        log("Authlete reported an internal error for /auth/token", describe(result));
      switch (result.action) {
        case "PASSWORD":
          return await password(result, context, describe);
        case "TOKEN_EXCHANGE":
          return await hook(options.onTokenExchange, result, context);
        case "JWT_BEARER":
          return await hook(options.onJwtBearer, result, context);
        case "NATIVE_SSO":
          return await hook(options.onNativeSso, result, context);
        case "ID_TOKEN_REISSUABLE":
          if (options.reissueIdToken !== undefined) return await reissue(options.reissueIdToken, result, context);
          return await issued(toTokenResponse(result, { realm }), result.action, context, result);
        case "OK":
          return await issued(toTokenResponse(result, { realm }), result.action, context, result);
        default:
          return toTokenResponse(result, { realm });
      }
    } catch (error) {
      const nonce = result?.dpopNonce;
      if (error instanceof TokenEndpointError) return withTokenEndpointHeaders(error.toResponse(), nonce);
      log("The token request could not be completed", { error, ...(result ? describe(result) : {}) });
      return serverErrorResponse(dpopNonceHeader(nonce));
    }
  }

  async function password(
    result: TokenResponse,
    context: GrantContext,
    describe: (result: AuthleteResult) => TokenEndpointLogDetails,
  ): Promise<Response> {
    if (options.authenticateUser === undefined) return toTokenResponse(result, { realm });
    const ticket = result.ticket;
    if (typeof ticket !== "string" || ticket === "") {
      log("Authlete answered PASSWORD without a ticket", describe(result));
      return serverErrorResponse(dpopNonceHeader(result.dpopNonce));
    }
    const user = await options.authenticateUser(result.username ?? "", result.password ?? "", context);
    const call = { signal: context.request.signal };
    let answer: TokenIssueResult | TokenFailResult;
    let expected: readonly string[];
    let operation: string;
    const issue: TokenIssueRequest | undefined =
      typeof user === "string" ? { ticket, subject: user } : user == null ? undefined : { ...user, ticket };
    if (issue !== undefined && typeof issue.subject === "string" && issue.subject !== "") {
      answer = await client.issue(issue, call);
      expected = ["OK", "INTERNAL_SERVER_ERROR"];
      operation = "/auth/token/issue";
    } else {
      answer = await client.fail({ ticket, reason: "INVALID_RESOURCE_OWNER_CREDENTIALS" }, call);
      expected = ["BAD_REQUEST", "INTERNAL_SERVER_ERROR"];
      operation = "/auth/token/fail";
    }
    if (!expected.includes(answer.action)) {
      log(`Authlete answered ${operation} with an unexpected action`, describe(answer));
      return serverErrorResponse(dpopNonceHeader(result.dpopNonce));
    }
    if (answer.action === "INTERNAL_SERVER_ERROR")
      log(`Authlete reported an internal error for ${operation}`, describe(answer));
    const response = toTokenResponse(answer, { realm, dpopNonce: result.dpopNonce });
    return answer.action === "OK" ? await issued(response, "PASSWORD", context, answer, result) : response;
  }

  async function hook(
    handler: GrantHook | NativeSsoHook | undefined,
    result: TokenResponse,
    context: GrantContext,
  ): Promise<Response> {
    if (handler === undefined) return toTokenResponse(result, { realm });
    const outcome = await handler(result, context);
    const action = result.action as TokenIssuedAction;
    if (!isDecision(outcome)) {
      const response = withTokenEndpointHeaders(outcome, result.dpopNonce);
      // The hook issued the tokens: the event tells what `/auth/token` knew of the request.
      return await issued(response, action, context, result);
    }
    const finish = finishContext(context, result);
    if (action === "NATIVE_SSO") {
      return await issued(await finishNativeSso(result, outcome as NativeSsoDecision, finish), action, context, result);
    }
    const decision = outcome as GrantDecision;
    const response = await finishWithCreatedToken(result, decision, finish);
    const source = { subject: decision.subject, scopes: decision.scopes ?? [] };
    return await issued(response, action, context, source, result);
  }

  async function reissue(handler: IdTokenReissueHook, result: TokenResponse, context: GrantContext) {
    const decision = await handler(result, context);
    const response =
      decision === false || !isDecision(decision)
        ? toTokenResponse(result, { realm })
        : await reissueIdToken(result, decision, finishContext(context, result));
    return await issued(response, "ID_TOKEN_REISSUABLE", context, result);
  }

  /** What finishing a grant needs: the client, the binding material of the request, the logger. */
  function finishContext(context: GrantContext, result: TokenResponse) {
    const { tokenRequest } = context;
    return {
      client,
      dpop: typeof tokenRequest.dpop === "string" && tokenRequest.dpop !== "" ? tokenRequest.dpop : undefined,
      clientCertificate:
        typeof tokenRequest.clientCertificate === "string" && tokenRequest.clientCertificate !== ""
          ? tokenRequest.clientCertificate
          : undefined,
      signal: context.request.signal,
      fail: (message: string, answer: AuthleteResult | undefined) =>
        log(message, answer ? describeResult(answer, tokenRequest) : describeResult(result, tokenRequest)),
    };
  }
}

type AuthleteResult = { action: string; resultCode?: string; resultMessage?: string };

/**
 * The loggable part of an Authlete result: never tokens, passwords or response content, and its
 * text without any credential the token request carried (Authlete or a proxy may echo them).
 */
function describeResult(result: AuthleteResult, tokenRequest: TokenRequest): TokenEndpointLogDetails {
  const credentials = credentialsOf(tokenRequest);
  const clean = (text: string | undefined) => (text === undefined ? undefined : redact(text, credentials));
  return { action: result.action, resultCode: clean(result.resultCode), resultMessage: clean(result.resultMessage) };
}
