import createClient, { type Client, type Middleware } from "openapi-fetch";
import type * as api from "../generated/authlete-token.js";
import { discard } from "./bytes.js";
import {
  AuthleteConfigurationError,
  AuthleteFetchError,
  AuthleteNetworkError,
  AuthleteRedirectError,
  AuthleteTimeoutError,
  isNetworkFailure,
} from "./errors.js";
import { isHeaderValue } from "./http/header-value.js";
import { credentialsOf, redact } from "./redact.js";
import { AUTHLETE_SERVERS, type AuthleteRegion } from "./regions.js";
import { DEFAULT_MAX_RESPONSE_BYTES, parseResultObject, readBody, statusError } from "./response.js";
import type {
  IdTokenReissueResult,
  NativeSsoResult,
  TokenCreateResult,
  TokenFailResult,
  TokenIssueResult,
  TokenResult,
} from "./results.js";
import type { Retries } from "./retry.js";
import { VERSION } from "./version.js";

/**
 * The shape of the platform's `fetch`. openapi-fetch calls it with the `Request` it built (the
 * platform's own), after the middleware has seen it.
 */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** A bearer token for Authlete, or a function returning the current one (for rotation). */
export type AccessTokenSource = string | (() => string | Promise<string>);

/** Options of {@link createTokenClient}. */
export interface TokenClientOptions {
  /** The API key (numeric ID) of your Authlete service. */
  serviceId: string | number;
  /**
   * A service or organization access token from the Authlete console, or a function returning one
   * (called before every request, so a rotated token is picked up without a new client).
   */
  accessToken: AccessTokenSource;
  /** The cluster your service lives in. Defaults to `"us"`. Ignored when `baseUrl` is set. */
  region?: AuthleteRegion | undefined;
  /** Overrides `region`: Authlete's base URL. Must be `https:` unless the host is a loopback address. */
  baseUrl?: string | URL | undefined;
  /**
   * A `fetch` to use instead of the global one (for proxies, tests, instrumentation). When it
   * throws something other than a network failure, the call fails with {@link AuthleteFetchError}.
   */
  fetch?: FetchLike | undefined;
  /**
   * Default time limit of each call in milliseconds, reading the whole answer and any retries
   * included. Defaults to 30 000; `0` disables it.
   */
  timeoutMs?: number | undefined;
  /**
   * The largest answer body read, in bytes (checked against `Content-Length` first, then counted
   * while streaming). A 2xx answer over it fails with {@link AuthleteInvalidResponseError}
   * (`reason: "TOO_LARGE"`), the body stream cancelled; an error answer over it keeps its status
   * and loses its body. Defaults to 2 MiB ({@link DEFAULT_MAX_RESPONSE_BYTES}); `Infinity` disables it.
   */
  maxResponseBytes?: number | undefined;
  /**
   * Opt-in retries, off by default: `retry: withRetries()` (or `withRetries({ limit, ... })`).
   * Never a call Authlete may have processed.
   * @see {@link withRetries}
   * @see docs/client.md#retries
   */
  retry?: Retries | undefined;
  /** The `User-Agent` header to send. Defaults to `authlete-token/<version>`. */
  userAgent?: string | undefined;
}

/** Per-call options of every call of {@link TokenClient} ({@link TokenClient.process} and the others). */
export interface CallOptions {
  /** Aborts the call; the signal's reason is thrown as is. */
  signal?: AbortSignal | undefined;
  /** The time limit of this call in milliseconds, overriding the client's `timeoutMs`. */
  timeoutMs?: number | undefined;
  /** Retries of this call (made by {@link withRetries}), overriding the client's `retry`; `false` turns them off. */
  retry?: Retries | false | undefined;
}

/** The typed `openapi-fetch` client for power users; authentication is already wired in. */
export type AuthleteFetchClient = Client<api.paths>;

/** A client of Authlete's token API, made by {@link createTokenClient}. */
export interface TokenClient {
  /** The service the client calls. */
  readonly serviceId: string;
  /** The base URL the client calls. */
  readonly baseUrl: string;
  /**
   * Calls `POST /api/{serviceId}/auth/token` with what your token endpoint received and returns
   * Authlete's answer, typed by `action` ({@link TokenResult} says which fields each action
   * guarantees). An invalid token request is not an error here: read the `action` of the result.
   * Throws an {@link AuthleteError} subclass when the call itself fails; an error thrown by a
   * token function goes out as it is.
   */
  process(request: api.TokenRequest, options?: CallOptions): Promise<TokenResult>;
  /**
   * Calls `POST /api/{serviceId}/auth/token/issue` to finish a password grant once your server
   * has authenticated the user: pass the `ticket` of the `PASSWORD` result and the user's subject.
   * Read the `action` of the result (`OK` or `INTERNAL_SERVER_ERROR`). Throws like {@link process}.
   * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.3
   */
  issue(request: api.TokenIssueRequest, options?: CallOptions): Promise<TokenIssueResult>;
  /**
   * Calls `POST /api/{serviceId}/auth/token/fail` to end a password grant with an error (for
   * example `reason: "INVALID_RESOURCE_OWNER_CREDENTIALS"`). Read the `action` of the result
   * (`BAD_REQUEST` or `INTERNAL_SERVER_ERROR`). Throws like {@link process}.
   * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.3
   */
  fail(request: api.TokenFailRequest, options?: CallOptions): Promise<TokenFailResult>;
  /**
   * Calls `POST /api/{serviceId}/auth/token/create` to issue the access token your server decided
   * on for a `TOKEN_EXCHANGE` (RFC 8693) or `JWT_BEARER` (RFC 7523) result: the grant type, the
   * client, the subject, the scopes, and the DPoP or certificate thumbprint to bind it to. The result
   * has no `responseContent`: build the token response from its fields. Throws like {@link process}.
   * @see https://www.rfc-editor.org/rfc/rfc8693#section-2.2.1
   * @see https://www.rfc-editor.org/rfc/rfc7523#section-2.1
   */
  createToken(request: api.TokenCreateRequest, options?: CallOptions): Promise<TokenCreateResult>;
  /**
   * Calls `POST /api/{serviceId}/nativesso` to finish a `NATIVE_SSO` result (OpenID Connect Native
   * SSO for Mobile Apps 1.0) with the device secret: `OK` carries the token response with the new ID
   * token in `responseContent`. Throws like {@link process}.
   * @see https://openid.net/specs/openid-connect-native-sso-1_0.html
   */
  nativeSso(request: api.NativeSsoRequest, options?: CallOptions): Promise<NativeSsoResult>;
  /**
   * Calls `POST /api/{serviceId}/idtoken/reissue` after an `ID_TOKEN_REISSUABLE` result, with the
   * tokens that result issued, to get a token response that carries a new ID token as well.
   * Throws like {@link process}.
   * @see https://openid.net/specs/openid-connect-core-1_0.html#RefreshTokenResponse
   */
  reissueIdToken(request: api.IdTokenReissueRequest, options?: CallOptions): Promise<IdTokenReissueResult>;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_USER_AGENT = `authlete-token/${VERSION}`;

/**
 * Creates a client of Authlete's token API.
 *
 * @example
 * ```ts
 * const authlete = createTokenClient({ serviceId: "715948317", accessToken: process.env.AUTHLETE_TOKEN!, region: "jp" });
 * const result = await authlete.process({ parameters: await request.text(), clientId, clientSecret });
 * if (result.action === "OK") return new Response(result.responseContent, { status: 200 });
 * ```
 */
export function createTokenClient(options: TokenClientOptions): TokenClient {
  const serviceId = String(options.serviceId ?? "");
  if (!/^[0-9A-Za-z_-]+$/.test(serviceId)) {
    throw new AuthleteConfigurationError("serviceId must be a non-empty service API key");
  }
  const defaultTimeoutMs = checkTimeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  if (typeof maxResponseBytes !== "number" || !(maxResponseBytes > 0)) {
    throw new AuthleteConfigurationError("maxResponseBytes must be a number > 0");
  }
  const defaultRetry = checkRetry(options.retry);
  const { client, baseUrl } = authleteClient(options);
  const params = { path: { serviceId } };

  /** One attempt: openapi-fetch sends the request, the answer is read under the cap and parsed. */
  async function send<P extends AuthletePath>(path: P, body: RequestOf<P>, signal: AbortSignal | undefined) {
    let bearer: string | undefined;
    // Authlete's text may echo what was sent, if something in between echoes the request: what it
    // carried is hidden from it, the credentials worked out only when there is text to check.
    const hide = (text: string) => redact(text, credentialsOf(body, bearer));
    // One body type per path is guaranteed by RequestOf<P>; openapi-fetch cannot see through the union.
    const { data, response } = await client.POST(path as "/api/{serviceId}/auth/token", {
      params,
      body: body as api.TokenRequest,
      // The body comes back unread, to be read under the size cap.
      parseAs: "stream",
      signal: signal ?? null,
      middleware: [
        {
          // openapi-fetch would read an error answer whole: it becomes its error here instead, its
          // body read under the cap and its text cleaned of what this call sent.
          async onResponse({ request, response }) {
            bearer = request.headers.get("Authorization")?.slice("Bearer ".length);
            if (response.status >= 400) throw await statusError(response, maxResponseBytes, hide);
          },
        },
      ],
    });
    const result = parseResultObject(response.status, await readBody(response, data, maxResponseBytes));
    // Applications log a 2xx resultMessage (the token endpoint does).
    const { resultMessage } = result as { resultMessage?: unknown };
    if (typeof resultMessage === "string") (result as { resultMessage: string }).resultMessage = hide(resultMessage);
    return result;
  }

  // The one call path of every operation: per-call timeout, error mapping, retries when given.
  async function call<P extends AuthletePath, R>(path: P, body: RequestOf<P>, options: CallOptions): Promise<R> {
    const timeoutMs = checkTimeout(options.timeoutMs ?? defaultTimeoutMs);
    const retry = options.retry === undefined ? defaultRetry : checkRetry(options.retry);
    // A fresh timer per call, cleared as soon as the call ends: a signal shared between calls would
    // expire for all of them at once, and AbortSignal.timeout() keeps its timer alive to the end.
    // It runs until the body is read, so a dripping answer cannot outlast it.
    const timeout = timeoutMs > 0 ? new AbortController() : undefined;
    const timer = timeout ? setTimeout(() => timeout.abort(), timeoutMs) : undefined;
    const signal =
      timeout && options.signal
        ? AbortSignal.any([options.signal, timeout.signal])
        : (timeout?.signal ?? options.signal);
    try {
      const result = await (retry
        ? retry(() => send(path, body, signal), signal, timeout ? Date.now() + timeoutMs : Infinity)
        : send(path, body, signal));
      return result as R;
    } catch (error) {
      if (timeout?.signal.aborted && !options.signal?.aborted) throw new AuthleteTimeoutError(timeoutMs, error);
      if (options.signal?.aborted) throw options.signal.reason;
      // Failures of the exchange are mapped already (here or by the middleware); anything else is
      // the caller's own (a token function that threw) and goes out as it is.
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  const process = (request: api.TokenRequest, options: CallOptions = {}) =>
    call<"/api/{serviceId}/auth/token", TokenResult>("/api/{serviceId}/auth/token", request, options);
  const issue = (request: api.TokenIssueRequest, options: CallOptions = {}) =>
    call<"/api/{serviceId}/auth/token/issue", TokenIssueResult>("/api/{serviceId}/auth/token/issue", request, options);
  const fail = (request: api.TokenFailRequest, options: CallOptions = {}) =>
    call<"/api/{serviceId}/auth/token/fail", TokenFailResult>("/api/{serviceId}/auth/token/fail", request, options);

  const createToken = (request: api.TokenCreateRequest, options: CallOptions = {}) =>
    call<"/api/{serviceId}/auth/token/create", TokenCreateResult>(
      "/api/{serviceId}/auth/token/create",
      request,
      options,
    );
  const nativeSso = (request: api.NativeSsoRequest, options: CallOptions = {}) =>
    call<"/api/{serviceId}/nativesso", NativeSsoResult>("/api/{serviceId}/nativesso", request, options);
  const reissueIdToken = (request: api.IdTokenReissueRequest, options: CallOptions = {}) =>
    call<"/api/{serviceId}/idtoken/reissue", IdTokenReissueResult>(
      "/api/{serviceId}/idtoken/reissue",
      request,
      options,
    );

  return Object.freeze({ serviceId, baseUrl, process, issue, fail, createToken, nativeSso, reissueIdToken });
}

/**
 * Creates the typed `openapi-fetch` client with Authlete's authentication, a user agent, and
 * redirects refused: the API with `openapi-fetch`'s own interface, for what {@link TokenClient}
 * does not cover. It is the very client {@link createTokenClient} makes its calls with, so it
 * behaves the same way: a 3xx answer throws {@link AuthleteRedirectError}, a failed connection
 * {@link AuthleteNetworkError} (or {@link AuthleteFetchError} for a custom `fetch` that threw).
 * Bodies are read by openapi-fetch its own way: the size cap is {@link TokenClient}'s.
 */
export function createAuthleteFetchClient(
  options: Pick<TokenClientOptions, "accessToken" | "region" | "baseUrl" | "fetch" | "userAgent">,
): AuthleteFetchClient {
  return authleteClient(options).client;
}

/**
 * The one construction of both clients: one `createClient` with the base URL, redirects left to
 * the middleware to refuse, and `User-Agent`, `Accept` and a fixed token as client headers; a
 * middleware adds a rotating token, refuses redirects and maps failed fetches to their errors.
 */
function authleteClient(
  options: Pick<TokenClientOptions, "accessToken" | "region" | "baseUrl" | "fetch" | "userAgent">,
): { client: AuthleteFetchClient; baseUrl: string } {
  const baseUrl = resolveBaseUrl(options);
  if (options.fetch !== undefined && typeof options.fetch !== "function") {
    throw new AuthleteConfigurationError("fetch must be a function");
  }
  // A user agent Headers would refuse would fail every call: refuse it here instead.
  if (options.userAgent !== undefined && !(typeof options.userAgent === "string" && isHeaderValue(options.userAgent))) {
    throw new AuthleteConfigurationError("userAgent must be a valid HTTP header value");
  }
  const source = options.accessToken;
  const fixed = typeof source === "string" ? checkToken(source) : undefined;
  if (fixed === undefined && typeof source !== "function") {
    throw new AuthleteConfigurationError("accessToken must be a string or a function");
  }
  const custom = options.fetch;
  const client = createClient<api.paths>({
    baseUrl,
    // "manual": a redirect comes back as a response the middleware refuses, instead of the bearer
    // token being replayed to wherever the Location header points.
    redirect: "manual",
    headers: {
      "User-Agent": options.userAgent ?? DEFAULT_USER_AGENT,
      Accept: "application/json",
      ...(fixed === undefined ? {} : { Authorization: `Bearer ${fixed}` }),
    },
    ...(custom ? { fetch: custom } : {}),
  });
  const middleware: Middleware = {
    onResponse({ response }) {
      if (response.type === "opaqueredirect" || (response.status >= 300 && response.status < 400)) {
        discard(response.body);
        throw new AuthleteRedirectError(response.status);
      }
    },
    onError({ request, error }) {
      // An aborted call stays an abort: the caller reports its signal.
      if (request.signal.aborted) return;
      return custom && !isNetworkFailure(error) ? new AuthleteFetchError(error) : new AuthleteNetworkError(error);
    },
  };
  if (typeof source === "function") {
    // Asked before every request, so a rotated token is used without a new client.
    middleware.onRequest = async ({ request }) => {
      request.headers.set("Authorization", `Bearer ${checkToken(await source())}`);
      return request;
    };
  }
  client.use(middleware);
  return { client, baseUrl };
}

/** The operations {@link TokenClient} calls, all `POST` with a JSON body. */
type AuthletePath =
  | "/api/{serviceId}/auth/token"
  | "/api/{serviceId}/auth/token/issue"
  | "/api/{serviceId}/auth/token/fail"
  | "/api/{serviceId}/auth/token/create"
  | "/api/{serviceId}/nativesso"
  | "/api/{serviceId}/idtoken/reissue";
type RequestOf<P extends AuthletePath> = api.paths[P]["post"]["requestBody"]["content"]["application/json"];

function checkToken(token: unknown): string {
  // The token itself never goes into the message.
  if (typeof token !== "string" || token === "" || /[\s\0]/.test(token)) {
    throw new AuthleteConfigurationError("accessToken must be a non-empty string without whitespace");
  }
  return token;
}

function checkRetry(retry: Retries | false | undefined): Retries | undefined {
  if (retry === undefined || retry === false) return undefined;
  if (typeof retry !== "function") throw new AuthleteConfigurationError("retry must be made by withRetries()");
  return retry;
}

function checkTimeout(ms: number): number {
  if (!Number.isFinite(ms) || ms < 0) throw new AuthleteConfigurationError("timeoutMs must be a number ≥ 0");
  return ms;
}

function resolveBaseUrl(options: Pick<TokenClientOptions, "region" | "baseUrl">): string {
  if (options.baseUrl === undefined) {
    const region = options.region ?? "us";
    const server = AUTHLETE_SERVERS[region];
    if (server === undefined) {
      throw new AuthleteConfigurationError(`region must be one of ${Object.keys(AUTHLETE_SERVERS).join(", ")}`);
    }
    return server;
  }
  let url: URL;
  try {
    url = new URL(String(options.baseUrl));
  } catch {
    throw new AuthleteConfigurationError("baseUrl must be an absolute URL");
  }
  if (url.username || url.password) throw new AuthleteConfigurationError("baseUrl must not contain credentials");
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopback(url.hostname))) {
    throw new AuthleteConfigurationError("baseUrl must use https: (http: only for a loopback host)");
  }
  return url.href.replace(/\/+$/, "");
}

function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}
