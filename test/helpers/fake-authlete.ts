// The suite's internal stand-in for Authlete, for what the public fake (`createFakeAuthlete` of
// authlete-token/testing) does not do: answers scripted byte for byte (any status, raw text), over
// loopback or in process with streamed bodies, and a stateless mode for load, which records
// nothing, so that the memory a load test measures is the endpoint's own, and accepts one client
// by Basic and by form alike.
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ISSUED_TOKEN_PREFIX } from "./secrets.js";

/** One scripted answer of the fake: an HTTP status and a JSON body (or raw text). */
export interface FakeAnswer {
  status?: number;
  body: unknown;
  /** Send `body` as is instead of as JSON. */
  raw?: boolean;
}

/** A call the fake received. */
export interface FakeCall {
  method: string;
  path: string;
  authorization: string | undefined;
  body: unknown;
}

/**
 * A fake Authlete on a real loopback HTTP server: each path answers from its own queue of
 * scripted answers, in order, and every call is recorded. An unscripted call gets a 500.
 */
export interface FakeAuthlete {
  readonly baseUrl: string;
  readonly serviceId: string;
  readonly calls: FakeCall[];
  /** Queues answers for `/api/{serviceId}/auth/token` + `suffix` (`""`, `"/issue"`, `"/fail"`, `"/create"`). */
  enqueue(suffix: "" | "/issue" | "/fail" | "/create", ...answers: FakeAnswer[]): void;
  reset(): void;
  close(): Promise<void>;
}

export async function startFakeAuthlete(serviceId = "715948317"): Promise<FakeAuthlete> {
  const queues = new Map<string, FakeAnswer[]>();
  const calls: FakeCall[] = [];
  const server = await listen(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // keep the text
    }
    const path = req.url ?? "";
    calls.push({ method: req.method ?? "", path, authorization: req.headers.authorization, body });
    const answer = queues.get(path)?.shift() ?? {
      status: 500,
      body: { resultCode: "A000000", resultMessage: `unscripted call to ${path}` },
    };
    res.writeHead(answer.status ?? 200, { "Content-Type": "application/json" });
    res.end(answer.raw ? String(answer.body) : JSON.stringify(answer.body));
  });
  return {
    baseUrl: server.url,
    serviceId,
    calls,
    enqueue(suffix, ...answers) {
      const key = `/api/${serviceId}/auth/token${suffix}`;
      queues.set(key, [...(queues.get(key) ?? []), ...answers]);
    },
    reset() {
      queues.clear();
      calls.length = 0;
    },
    close: server.close,
  };
}

/** An `/auth/token` result with the fields every result has. */
export function tokenResult(action: string, fields: Record<string, unknown> = {}): FakeAnswer {
  return { body: { resultCode: "A000001", resultMessage: `[A000001] ${action}`, action, ...fields } };
}

/** The scripted fake in process: a `fetch` for the client. */
export interface ScriptedFetch {
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  /** Queues answers for `/auth/token` + `suffix`. */
  enqueue(suffix: "" | "/issue" | "/fail", ...answers: FakeAnswer[]): void;
  /** The paths called, in order. */
  readonly calls: string[];
}

/**
 * Answers each Authlete path from a script, with bodies streamed (so that an answer echoing a
 * secret on purpose is not itself counted as a leak by the secret scan, which sees string and
 * byte bodies: what the code under test does with it is what counts).
 */
export function scriptedFetch(): ScriptedFetch {
  const queues = new Map<string, FakeAnswer[]>();
  const calls: string[] = [];
  return {
    calls,
    enqueue(suffix, ...answers) {
      queues.set(suffix, [...(queues.get(suffix) ?? []), ...answers]);
    },
    async fetch(input) {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const suffix = /\/auth\/token(\/issue|\/fail)?$/.exec(url.pathname)?.[1] ?? "";
      calls.push(url.pathname);
      const answer = queues.get(suffix)?.shift() ?? { status: 500, body: { resultMessage: "unscripted" } };
      const bytes = new TextEncoder().encode(answer.raw ? String(answer.body) : JSON.stringify(answer.body));
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(bytes);
          controller.close();
        },
      });
      return new Response(body, { status: answer.status ?? 200, headers: { "Content-Type": "application/json" } });
    },
  };
}

/** What the stateless fake judges requests by. */
export interface StatelessAuthleteOptions {
  serviceId?: string;
  /** The service access token it accepts; any other bearer token gets HTTP 401. */
  accessToken: string;
  /** Registered clients: ID → secret. */
  clients: Record<string, string>;
}

/**
 * The stateless mode, realistic enough for load and fuzzing: it checks the bearer token (401
 * otherwise, as Authlete does), authenticates the client from `clientId`/`clientSecret` or the
 * `client_id`/`client_secret` form parameters (`INVALID_CLIENT` otherwise), and answers
 * `client_credentials` with `OK` and fresh tokens (starting with `ISSUED_TOKEN_PREFIX`) whose
 * `scope` echoes the request's, so a caller can tell answers apart. Other grants get
 * `BAD_REQUEST`. It never echoes a secret, and keeps only a count of its answers.
 */
export interface StatelessAuthlete {
  readonly baseUrl: string;
  readonly serviceId: string;
  /** Calls answered, by action (or HTTP status when not 200). */
  readonly counts: Map<string, number>;
  close(): Promise<void>;
}

export async function startStatelessAuthlete(options: StatelessAuthleteOptions): Promise<StatelessAuthlete> {
  const serviceId = options.serviceId ?? "715948317";
  const path = `/api/${serviceId}/auth/token`;
  const counts = new Map<string, number>();
  const count = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  const server = await listen((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const send = (status: number, body: unknown) => {
        count(status === 200 ? String((body as { action?: string }).action) : `HTTP ${status}`);
        const text = JSON.stringify(body);
        res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
        res.end(text);
      };
      if (req.method !== "POST" || req.url !== path) {
        send(404, { resultCode: "A000404", resultMessage: "[A000404] not found" });
        return;
      }
      if (req.headers.authorization !== `Bearer ${options.accessToken}`) {
        send(401, { resultCode: "A001202", resultMessage: "[A001202] Authorization header is invalid" });
        return;
      }
      let request: { parameters?: unknown; clientId?: unknown; clientSecret?: unknown };
      try {
        request = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        send(400, { resultCode: "A001201", resultMessage: "[A001201] bad JSON" });
        return;
      }
      const parameters = new URLSearchParams(typeof request.parameters === "string" ? request.parameters : "");
      const clientId = typeof request.clientId === "string" ? request.clientId : parameters.get("client_id");
      const secret = typeof request.clientSecret === "string" ? request.clientSecret : parameters.get("client_secret");
      const base = { resultCode: "A050001", resultMessage: "[A050001] done" };
      if (clientId === null || secret === null || options.clients[clientId] !== secret) {
        send(200, {
          ...base,
          action: "INVALID_CLIENT",
          responseContent: JSON.stringify({
            error: "invalid_client",
            error_description: "Client authentication failed",
          }),
        });
        return;
      }
      if (parameters.get("grant_type") !== "client_credentials") {
        send(200, {
          ...base,
          action: "BAD_REQUEST",
          responseContent: JSON.stringify({ error: "unsupported_grant_type" }),
        });
        return;
      }
      const accessToken = `${ISSUED_TOKEN_PREFIX}-${randomBytes(18).toString("base64url")}`;
      const scope = parameters.get("scope");
      const tokens = { access_token: accessToken, token_type: "Bearer", expires_in: 3600, scope };
      send(200, {
        ...base,
        action: "OK",
        responseContent: JSON.stringify(tokens),
        accessToken,
        accessTokenExpiresAt: Date.now() + 3_600_000,
        accessTokenDuration: 3600,
        clientId: 1234,
        clientIdAlias: clientId,
        grantType: "CLIENT_CREDENTIALS",
        scopes: scope === null ? null : scope.split(" "),
      });
    });
  });
  return { baseUrl: server.url, serviceId, counts, close: server.close };
}

/** Serves `handler` on 127.0.0.1 and a free port; `close` also ends kept-alive connections. */
async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close() {
      server.closeAllConnections();
      return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
