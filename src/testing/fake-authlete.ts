// The package's public API only (its entry point), so internals can move freely.

import { REQUEST_SCHEMAS } from "../../generated/authlete-token.request-schemas.js";
import {
  type FetchLike,
  type NodeRequestLike,
  type NodeResponseLike,
  type TokenFailRequest,
  type TokenIssueRequest,
  type TokenRequest,
  type TokenResponse,
  toNodeHandler,
} from "../index.js";
import { REDACTED, showRedacted } from "../redact.js";
import { resultBody } from "./bodies.js";
import { FAKE_APIS, type FakeApiPath, type FakeApis, type FakeCall, isFakeApiPath, redactedCall } from "./calls.js";
import type { FakeClient } from "./clients.js";
import {
  type Authority,
  decideFail,
  decideIssue,
  decideToken,
  type FakeAction,
  type Scripted,
  type ScriptedFail,
  type ScriptedIssue,
  scriptedFail,
  scriptedIssue,
  scriptedToken,
} from "./decide.js";
import { type Answer, createFaultQueue, faultAnswer, type HttpFault, type HttpFaultOptions } from "./faults.js";
import { decideGrant, type ScriptedGrant, scriptedGrant } from "./grants.js";
import { bodyTooLarge, readBody } from "./request-body.js";
import { type FakeToken, knownToken } from "./tokens.js";
import { firstViolation } from "./validate.js";

/** The access token a fake accepts when none is given. */
export const FAKE_ACCESS_TOKEN = "fake-authlete-access-token-7Kp2";
/** The service ID of a fake when none is given (the one of the spec's examples). */
export const FAKE_SERVICE_ID = "715948317";
/**
 * The base URL of the in-process fake. `.invalid` never resolves (RFC 6761 §6.4), so a client
 * created without the fake's `fetch` fails at once instead of calling somebody.
 * @see https://www.rfc-editor.org/rfc/rfc6761#section-6.4
 */
export const FAKE_BASE_URL = "https://fake-authlete.invalid";

/** Options of {@link createFakeAuthlete}. */
export interface FakeAuthleteOptions {
  /** The service the fake serves; calls for another are refused with 403. Defaults to `715948317`. */
  serviceId?: string | number | undefined;
  /** The bearer token the fake accepts; anything else gets 401. Defaults to {@link FAKE_ACCESS_TOKEN}. */
  accessToken?: string | undefined;
  /**
   * The registered clients. Without any, every client that identifies itself is accepted; with
   * some, clients are authenticated against them and anything else is `INVALID_CLIENT`.
   */
  clients?: readonly FakeClient[] | undefined;
  /**
   * Tokens the fake knows without having issued them. The fake accepts as `subject_token` or
   * `actor_token` (type `access_token` or `refresh_token`), and as `refresh_token`, only the tokens
   * it issued and these, like Authlete, which knows only its service's tokens. Kept by `reset()`.
   */
  tokens?: readonly FakeToken[] | undefined;
  /** What every token and ticket the fake issues starts with (to find them in logs). Defaults to `fake-`. */
  tokenPrefix?: string | undefined;
  /** Lifetime of issued access tokens, in seconds. Defaults to 3600. */
  accessTokenDuration?: number | undefined;
  /** Lifetime of issued refresh tokens, in seconds. Defaults to 86400. */
  refreshTokenDuration?: number | undefined;
  /** The clock, in milliseconds since the epoch. Defaults to `Date.now`. */
  now?: (() => number) | undefined;
}

/**
 * A scripted answer for {@link FakeAuthlete.next}: which API (`/auth/token` by default), the
 * `action` it answers, and `fields` merged over the generated body.
 */
export type FakeAnswer =
  | { path?: "/auth/token" | undefined; action: FakeAction; fields?: Partial<TokenResponse> | undefined }
  | {
      [P in Exclude<FakeApiPath, "/auth/token">]: {
        path: P;
        action: FakeApis[P]["response"]["action"];
        fields?: Partial<FakeApis[P]["response"]> | undefined;
      };
    }[Exclude<FakeApiPath, "/auth/token">];

/** Where {@link FakeAuthlete.listen} serves the fake. */
export interface FakeAuthleteServer {
  /** The base URL to give `createTokenClient`, e.g. `http://127.0.0.1:49152`. */
  readonly url: string;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

/** A fake Authlete token API, made by {@link createFakeAuthlete}. */
export interface FakeAuthlete {
  readonly serviceId: string;
  /** The bearer token the fake accepts. Shown as `[REDACTED]` when the fake is printed. */
  readonly accessToken: string;
  /** The base URL to use with {@link FakeAuthlete.fetch}. */
  readonly baseUrl: string;
  /** Serves the fake in process: pass it as `createTokenClient({ fetch })`. */
  readonly fetch: FetchLike;
  /** Serves the same fake (same state, same script) over loopback HTTP. Needs `node:http`. */
  listen(options?: { port?: number; host?: string }): Promise<FakeAuthleteServer>;
  /** Makes the next `/auth/token` call answer `action`, `fields` overriding the generated body. */
  next(action: FakeAction, fields?: Partial<TokenResponse>): FakeAuthlete;
  /**
   * Makes the next call of one API answer `action`: `next({ path: "/auth/token/issue", action:
   * "INTERNAL_SERVER_ERROR" })`. Calls of the other APIs are answered as usual.
   */
  next(answer: FakeAnswer): FakeAuthlete;
  /**
   * Makes the next call fail at the HTTP level: a status (500, 503, …) or a dropped connection; on
   * any path, or only on `options.path`.
   */
  failNext(fault: number | "drop", options?: HttpFaultOptions): FakeAuthlete;
  /** Makes the next call fail at the HTTP level, the fault in one object: `failNext({ path: "/auth/token/issue", status: 500 })`. */
  failNext(fault: HttpFault): FakeAuthlete;
  /** Every request received so far, oldest first. */
  readonly calls: readonly FakeCall[];
  /** Forgets calls, scripted answers, faults, tickets and the tokens it issued (not the `tokens` option's). */
  reset(): void;
}

/** A scripted answer, queued per API. */
type ScriptEntry =
  | ({ path: "/auth/token" } & Scripted)
  | ({ path: "/auth/token/issue" } & ScriptedIssue)
  | ({ path: "/auth/token/fail" } & ScriptedFail)
  | ({ path: "/auth/token/create" | "/nativesso" | "/idtoken/reissue" } & ScriptedGrant);

/** `/api/{serviceId}` and the API path after it. */
const PATH = /^\/api\/([^/]+)(\/.*?)\/?$/;

/**
 * Creates a fake of Authlete's token API for tests: it checks the bearer token and the service,
 * validates request bodies against this package's OpenAPI spec, and answers like Authlete — by
 * default from the form parameters, or as scripted with `next()` and `failNext()`.
 *
 * @example
 * ```ts
 * const authlete = createFakeAuthlete();
 * const endpoint = createTokenEndpoint({ client: createTokenClient(authlete) });
 * const response = await endpoint(new Request("https://as.example/token", { method: "POST", body: new URLSearchParams({ grant_type: "client_credentials", client_id: "app" }) }));
 * ```
 */
export function createFakeAuthlete(options: FakeAuthleteOptions = {}): FakeAuthlete {
  const serviceId = String(options.serviceId ?? FAKE_SERVICE_ID);
  const accessToken = options.accessToken ?? FAKE_ACCESS_TOKEN;
  const prefix = options.tokenPrefix ?? "fake-";
  const clients = options.clients && new Map(options.clients.map((client) => [client.clientId, client]));
  const authority: Authority = {
    clients,
    tickets: new Map(),
    accessTokens: new Map(),
    refreshTokens: new Map(),
    newToken: () => prefix + randomToken(),
    newTicket: randomToken,
    now: options.now ?? Date.now,
    accessTokenDuration: options.accessTokenDuration ?? 3600,
    refreshTokenDuration: options.refreshTokenDuration ?? 86_400,
  };
  const script: ScriptEntry[] = [];
  const faults = createFaultQueue();
  const calls: FakeCall[] = [];
  const register = () => {
    for (const token of options.tokens ?? []) {
      const tokens = token.type === "REFRESH_TOKEN" ? authority.refreshTokens : authority.accessTokens;
      tokens.set(token.token, knownToken(token));
    }
  };
  register();

  async function respond(request: Request): Promise<Answer> {
    const url = new URL(request.url);
    const rawBody = await readBody(request);
    let json: unknown;
    try {
      json = rawBody === undefined ? undefined : JSON.parse(rawBody);
    } catch {
      json = undefined;
    }
    const match = PATH.exec(url.pathname);
    const path = match?.[2] ?? url.pathname;
    const api = isFakeApiPath(path) ? path : undefined;
    // Checked once: it decides the answer, and the body is recorded as the API's request only when
    // it is one (FakeCall types it so).
    const violation =
      api !== undefined && json !== undefined ? firstViolation(REQUEST_SCHEMAS[FAKE_APIS[api]], json) : undefined;
    const valid = api !== undefined && json !== undefined && violation === undefined;
    const answer =
      rawBody === undefined
        ? bodyTooLarge(api ?? path)
        : await decide(request, match, path, api, json, rawBody, violation);
    const status = answer === "drop" ? undefined : answer.status;
    const call = {
      method: request.method,
      path: url.pathname,
      operation: api === undefined ? undefined : FAKE_APIS[api],
      api,
      body: api === undefined || valid ? json : undefined,
      rawBody: rawBody ?? "",
      headers: {
        authorization: request.headers.get("authorization") ?? undefined,
        "content-type": request.headers.get("content-type") ?? undefined,
        accept: request.headers.get("accept") ?? undefined,
        "user-agent": request.headers.get("user-agent") ?? undefined,
      },
      status,
      action: answer !== "drop" && answer.status === 200 ? (answer.body as { action?: string }).action : undefined,
    } as FakeCall;
    calls.push(redactedCall(call));
    return answer;
  }

  async function decide(
    request: Request,
    match: RegExpExecArray | null,
    path: string,
    api: FakeApiPath | undefined,
    body: unknown,
    rawBody: string,
    violation: string | undefined,
  ): Promise<Answer> {
    const fault = faults.take(api);
    if (fault !== undefined) return faultAnswer(fault, path, request.signal);
    if (match === null || api === undefined) {
      return { status: 404, body: resultBody("A001103", path, "The API does not exist.") };
    }
    if (request.method !== "POST") return { status: 405, body: resultBody("A001104", api, "Use POST.") };
    const authorization = request.headers.get("authorization");
    if (authorization === null || !/^Bearer /i.test(authorization)) {
      return { status: 401, body: resultBody("A001202", api, "Authorization header is missing.") };
    }
    if (authorization.slice("Bearer ".length).trim() !== accessToken) {
      return { status: 401, body: resultBody("A001203", api, "The access token is invalid or has expired.") };
    }
    if (decodeURIComponent(match[1] ?? "") !== serviceId) {
      return {
        status: 403,
        body: resultBody("A001215", api, "The access token does not have the permission to access this service."),
      };
    }
    if (body === undefined) {
      const what = rawBody === "" ? "The request has no body." : "The request body is not valid JSON.";
      return { status: 400, body: resultBody("A001201", api, what) };
    }
    if (violation !== undefined) {
      return { status: 400, body: resultBody("A001201", api, `The request body is invalid: ${violation}.`) };
    }
    // Scripts are queued per API: the first one for this API answers, those of others wait.
    const index = script.findIndex((entry) => entry.path === api);
    const scripted = index < 0 ? undefined : script.splice(index, 1)[0];
    switch (api) {
      case "/auth/token": {
        const request = body as TokenRequest;
        return ok(
          scripted?.path === "/auth/token"
            ? scriptedToken(authority, request, scripted)
            : decideToken(authority, request),
        );
      }
      case "/auth/token/issue": {
        const request = body as TokenIssueRequest;
        return ok(
          scripted?.path === "/auth/token/issue"
            ? scriptedIssue(authority, request, scripted)
            : decideIssue(authority, request),
        );
      }
      case "/auth/token/fail": {
        const request = body as TokenFailRequest;
        return ok(
          scripted?.path === "/auth/token/fail"
            ? scriptedFail(authority, request, scripted)
            : decideFail(authority, request),
        );
      }
      default: {
        // The calls that finish a grant: /auth/token/create, /nativesso and /idtoken/reissue.
        const grant = FAKE_APIS[api];
        return ok(
          scripted?.path === api
            ? await scriptedGrant(authority, grant, body, scripted)
            : await decideGrant(authority, grant, body),
        );
      }
    }
  }

  async function handleFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const request = new Request(input, init);
    request.signal.throwIfAborted();
    const answer = await respond(request);
    if (answer === "drop") {
      // What undici's fetch throws when the server closes the connection without an answer.
      throw new TypeError("fetch failed", {
        cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" }),
      });
    }
    return toResponse(answer);
  }

  async function listen(where: { port?: number; host?: string } = {}): Promise<FakeAuthleteServer> {
    // Loaded here, so the in-process fake works on runtimes without node:http.
    const http = (await import(NODE_HTTP)) as NodeHttp;
    const server = http.createServer((req, res) => {
      void toNodeHandler(async (request) => {
        const answer = await respond(request);
        if (answer !== "drop") return toResponse(answer);
        req.socket.destroy();
        return new Response(null, { status: 500 });
      })(req, res);
    });
    const host = where.host ?? "127.0.0.1";
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(where.port ?? 0, host, () => resolve());
    });
    const address = server.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    return {
      url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
      close: () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    };
  }

  const fake: FakeAuthlete = {
    serviceId,
    accessToken,
    baseUrl: FAKE_BASE_URL,
    fetch: handleFetch,
    listen,
    next(answer: FakeAction | FakeAnswer, fields?: Partial<TokenResponse>) {
      const entry: FakeAnswer = typeof answer === "string" ? { action: answer, fields } : answer;
      if (entry.path !== undefined && !isFakeApiPath(entry.path)) {
        throw new TypeError(`next: the fake serves no API ${JSON.stringify(entry.path)}`);
      }
      script.push({ ...entry, path: entry.path ?? "/auth/token" } as ScriptEntry);
      return fake;
    },
    failNext(fault: number | "drop" | HttpFault, faultOptions?: HttpFaultOptions) {
      faults.add(fault, faultOptions);
      return fake;
    },
    get calls() {
      return calls;
    },
    reset() {
      calls.length = 0;
      script.length = 0;
      faults.clear();
      authority.tickets.clear();
      authority.accessTokens.clear();
      authority.refreshTokens.clear();
      register();
    },
  };
  return showRedacted(fake, () => ({ serviceId, accessToken: REDACTED, baseUrl: FAKE_BASE_URL, calls: calls.length }));
}

function ok(body: unknown): Answer {
  return { status: 200, body };
}

function toResponse(answer: Exclude<Answer, "drop">): Response {
  return new Response(JSON.stringify(answer.body), {
    status: answer.status,
    headers: { "Content-Type": "application/json;charset=UTF-8", ...answer.headers },
  });
}

function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

/** A variable, so bundlers for other runtimes leave the import alone and TypeScript needs no Node typings. */
const NODE_HTTP = "node:http";

/** The parts of `node:http` {@link FakeAuthlete.listen} uses. */
interface NodeHttp {
  createServer(listener: (req: NodeRequestLike & { socket: { destroy(): void } }, res: NodeResponseLike) => void): {
    once(event: "error", listener: (error: Error) => void): unknown;
    listen(port: number, host: string, callback: () => void): unknown;
    address(): { port: number } | string | null;
    closeAllConnections(): void;
    close(callback: () => void): unknown;
  };
}
