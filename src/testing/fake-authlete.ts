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
import { type FakeCall, redactedCall } from "./calls.js";
import {
  type Authority,
  decideFail,
  decideIssue,
  decideToken,
  type FakeAction,
  type FakeClient,
  type Scripted,
  scriptedToken,
} from "./decide.js";
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
  /** What every token and ticket the fake issues starts with (to find them in logs). Defaults to `fake-`. */
  tokenPrefix?: string | undefined;
  /** Lifetime of issued access tokens, in seconds. Defaults to 3600. */
  accessTokenDuration?: number | undefined;
  /** Lifetime of issued refresh tokens, in seconds. Defaults to 86400. */
  refreshTokenDuration?: number | undefined;
  /** The clock, in milliseconds since the epoch. Defaults to `Date.now`. */
  now?: (() => number) | undefined;
}

/** Options of {@link FakeAuthlete.failNext}. */
export interface HttpFaultOptions {
  /** `Retry-After` to send with a status fault: delay-seconds or an HTTP-date (RFC 9110 §10.2.3). */
  retryAfter?: number | string | undefined;
  /** The error body; Authlete's `{ resultCode, resultMessage }` by default. */
  body?: unknown;
  /** Wait this long before answering (or dropping), to exercise time limits. */
  delayMs?: number | undefined;
  /** How many consecutive calls get the fault. Defaults to 1. */
  times?: number | undefined;
}

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
  /** Makes the next call, on any path, fail at the HTTP level: a status (500, 503, …) or a dropped connection. */
  failNext(fault: number | "drop", options?: HttpFaultOptions): FakeAuthlete;
  /** Every request received so far, oldest first. */
  readonly calls: readonly FakeCall[];
  /** Forgets calls, scripted answers, faults, tickets and refresh tokens. */
  reset(): void;
}

interface Fault {
  fault: number | "drop";
  options: HttpFaultOptions;
}

type Answer = { status: number; body: unknown; headers?: Record<string, string> } | "drop";

const PATH = /^\/api\/([^/]+)\/auth\/token(?:\/(issue|fail))?\/?$/;

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
    refreshTokens: new Map(),
    newToken: () => prefix + randomToken(),
    newTicket: randomToken,
    now: options.now ?? Date.now,
    accessTokenDuration: options.accessTokenDuration ?? 3600,
    refreshTokenDuration: options.refreshTokenDuration ?? 86_400,
  };
  const script: Scripted[] = [];
  const faults: Fault[] = [];
  const calls: FakeCall[] = [];

  async function respond(request: Request): Promise<Answer> {
    const url = new URL(request.url);
    const rawBody = await request.text();
    let body: unknown;
    try {
      body = JSON.parse(rawBody);
    } catch {
      body = undefined;
    }
    const match = PATH.exec(url.pathname);
    const operation = match ? ((match[2] ?? "token") as "token" | "issue" | "fail") : undefined;
    const answer = await decide(request, match, operation, body, rawBody);
    calls.push(
      redactedCall({
        method: request.method,
        path: url.pathname,
        operation,
        body,
        rawBody,
        headers: {
          authorization: request.headers.get("authorization") ?? undefined,
          contentType: request.headers.get("content-type") ?? undefined,
          accept: request.headers.get("accept") ?? undefined,
          userAgent: request.headers.get("user-agent") ?? undefined,
        },
        status: answer === "drop" ? undefined : answer.status,
        action: answer !== "drop" && answer.status === 200 ? (answer.body as { action?: string }).action : undefined,
      }),
    );
    return answer;
  }

  async function decide(
    request: Request,
    match: RegExpExecArray | null,
    operation: "token" | "issue" | "fail" | undefined,
    body: unknown,
    rawBody: string,
  ): Promise<Answer> {
    const fault = takeFault();
    if (fault !== undefined) return faultAnswer(fault, request.signal);
    const api = `/auth/token${operation === "token" || operation === undefined ? "" : `/${operation}`}`;
    if (match === null || operation === undefined) {
      return { status: 404, body: resultBody("A001103", api, "The API does not exist.") };
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
    const violation = firstViolation(REQUEST_SCHEMAS[operation], body);
    if (violation !== undefined) {
      return { status: 400, body: resultBody("A001201", api, `The request body is invalid: ${violation}.`) };
    }
    switch (operation) {
      case "token": {
        const scripted = script.shift();
        const request = body as TokenRequest;
        return ok(scripted ? scriptedToken(authority, request, scripted) : decideToken(authority, request));
      }
      case "issue":
        return ok(decideIssue(authority, body as TokenIssueRequest));
      case "fail":
        return ok(decideFail(authority, body as TokenFailRequest));
    }
  }

  function takeFault(): Fault | undefined {
    const first = faults[0];
    if (first === undefined) return undefined;
    const times = (first.options.times ?? 1) - 1;
    if (times <= 0) faults.shift();
    else faults[0] = { ...first, options: { ...first.options, times } };
    return first;
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
    next(action, fields) {
      script.push({ action, fields });
      return fake;
    },
    failNext(fault, faultOptions = {}) {
      if (fault !== "drop" && !(Number.isInteger(fault) && fault >= 400 && fault <= 599)) {
        throw new TypeError('failNext takes an HTTP error status (400-599) or "drop"');
      }
      faults.push({ fault, options: faultOptions });
      return fake;
    },
    get calls() {
      return calls;
    },
    reset() {
      calls.length = 0;
      script.length = 0;
      faults.length = 0;
      authority.tickets.clear();
      authority.refreshTokens.clear();
    },
  };
  return showRedacted(fake, () => ({ serviceId, accessToken: REDACTED, baseUrl: FAKE_BASE_URL, calls: calls.length }));
}

async function faultAnswer(fault: Fault, signal: AbortSignal): Promise<Answer> {
  const { delayMs, retryAfter, body } = fault.options;
  if (delayMs !== undefined && delayMs > 0) await delay(delayMs, signal);
  if (fault.fault === "drop") return "drop";
  const headers: Record<string, string> = {};
  if (retryAfter !== undefined) headers["Retry-After"] = String(retryAfter);
  const status = fault.fault;
  return {
    status,
    headers,
    body:
      body ??
      resultBody(
        status >= 500 ? "A001101" : "A001201",
        "/auth/token",
        status >= 500 ? "Authlete Server error." : "Bad request.",
      ),
  };
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

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
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
