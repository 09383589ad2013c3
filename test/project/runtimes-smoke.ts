/**
 * A small application of the library, run unmodified by Deno and Bun straight from `src/` (and by
 * Node through vitest): a fake Authlete and the token endpoint, each served on loopback by the
 * runtime's own server (`Deno.serve`, `Bun.serve`, or `node:http` through `toNodeHandler`), and
 * the client and the endpoint exercised over real TCP with the runtime's own `fetch`, `Request`,
 * `Response`, `AbortSignal` and timers.
 *
 * `deno run --sloppy-imports --allow-net=127.0.0.1 test/project/runtimes-smoke.ts` or
 * `bun test/project/runtimes-smoke.ts` prints one JSON line, a {@link SmokeReport}, and exits 0 when
 * every check passed. `test/project/runtimes.test.ts` runs it on each runtime it finds.
 */
import {
  AuthleteApiError,
  AuthleteTimeoutError,
  createTokenClient,
  createTokenEndpoint,
  encodeBasicCredentials,
  type FetchHandler,
  type TokenRequest,
  toNodeHandler,
  VERSION,
} from "../../src/index.js";
import { createFakeAuthlete } from "../../src/testing/index.js";

export interface SmokeCheck {
  name: string;
  ok: boolean;
  /** What went wrong, when `ok` is false. */
  detail?: string;
}

export interface SmokeReport {
  /** `deno`, `bun` or `node`. */
  runtime: string;
  version: string;
  checks: SmokeCheck[];
}

interface Served {
  url: string;
  close(): Promise<void>;
}

interface DenoLike {
  version: { deno: string };
  serve(
    options: { hostname: string; port: number; onListen?: () => void },
    handler: FetchHandler,
  ): { addr: { port: number }; shutdown(): Promise<void> };
}

interface BunLike {
  version: string;
  serve(options: { hostname: string; port: number; fetch: FetchHandler }): {
    port: number;
    stop(closeActiveConnections?: boolean): Promise<void> | void;
  };
}

const runtimes = globalThis as unknown as { Deno?: DenoLike; Bun?: BunLike };

/** Which runtime this is, by its own global, and its version. */
export function currentRuntime(): { runtime: string; version: string } {
  if (runtimes.Deno) return { runtime: "deno", version: runtimes.Deno.version.deno };
  if (runtimes.Bun) return { runtime: "bun", version: runtimes.Bun.version };
  return { runtime: "node", version: process.versions.node };
}

/** Serves a web-standard handler on 127.0.0.1 with the runtime's own HTTP server. */
async function serve(handler: FetchHandler): Promise<Served> {
  const { Deno, Bun } = runtimes;
  if (Deno) {
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
    return { url: `http://127.0.0.1:${server.addr.port}`, close: () => server.shutdown() };
  }
  if (Bun) {
    const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: handler });
    return { url: `http://127.0.0.1:${server.port}`, close: async () => void (await server.stop(true)) };
  }
  const { createServer } = await import("node:http");
  const server = createServer(toNodeHandler(handler));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const OK_SERVICE = "715948317";
const FAILING_SERVICE = "500";
const SLOW_SERVICE = "5000";
const ACCESS_TOKEN = "runtime-smoke-access-token";
const TOKENS = '{"access_token":"AT-smoke","token_type":"Bearer","expires_in":3600}';

interface SeenCall {
  path: string;
  authorization: string | null;
  userAgent: string | null;
  body: Partial<TokenRequest>;
}

/** A fake Authlete: service 500 answers HTTP 500, service 5000 answers after 5 s, any other says OK. */
function fakeAuthlete(calls: SeenCall[]): FetchHandler {
  return async (request) => {
    const path = new URL(request.url).pathname;
    const body = (await request.json()) as Partial<TokenRequest>;
    calls.push({
      path,
      authorization: request.headers.get("authorization"),
      userAgent: request.headers.get("user-agent"),
      body,
    });
    if (path.startsWith(`/api/${FAILING_SERVICE}/`)) {
      return Response.json({ resultCode: "A001201", resultMessage: "[A001201] broken" }, { status: 500 });
    }
    if (path.startsWith(`/api/${SLOW_SERVICE}/`)) {
      // Answers after 5 s, or as soon as the client hangs up (so closing the server waits for nothing).
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 5000);
        request.signal.addEventListener("abort", () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return Response.json({
      resultCode: "A050001",
      resultMessage: "[A050001] ok",
      action: "OK",
      responseContent: TOKENS,
      clientId: 1,
    });
  };
}

function form(url: string, authorization: string, body = "grant_type=client_credentials&scope=read"): Request {
  return new Request(url, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: authorization },
    body,
  });
}

/** Runs every check on the current runtime; never throws (a failure is a check with `ok: false`). */
export async function smoke(): Promise<SmokeReport> {
  const checks: SmokeCheck[] = [];
  const check = async (name: string, body: () => Promise<void>) => {
    try {
      await body();
      checks.push({ name, ok: true });
    } catch (error) {
      checks.push({
        name,
        ok: false,
        detail: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      });
    }
  };
  const expect = (condition: boolean, message: string) => {
    if (!condition) throw new Error(message);
  };

  const calls: SeenCall[] = [];
  const authlete = await serve(fakeAuthlete(calls));
  const client = createTokenClient({ serviceId: OK_SERVICE, accessToken: ACCESS_TOKEN, baseUrl: authlete.url });
  const endpoint = createTokenEndpoint({ client, tokenEndpointUrl: "https://as.example.com/token" });
  let served: Served | undefined;
  try {
    await check("createTokenClient: process() over loopback", async () => {
      calls.length = 0;
      const result = await client.process({ parameters: "grant_type=client_credentials", clientId: "c1" });
      expect(result.action === "OK", `action ${result.action}`);
      expect(result.responseContent === TOKENS, `responseContent ${result.responseContent}`);
      const call = calls[0];
      expect(call?.path === `/api/${OK_SERVICE}/auth/token`, `path ${call?.path}`);
      expect(call?.authorization === `Bearer ${ACCESS_TOKEN}`, "no bearer token sent");
      expect(call?.userAgent === `authlete-token/${VERSION}`, `user-agent ${call?.userAgent}`);
      expect(call?.body.parameters === "grant_type=client_credentials", "parameters not sent");
    });

    await check("createTokenClient: HTTP 500 is an AuthleteApiError", async () => {
      const failing = createTokenClient({
        serviceId: FAILING_SERVICE,
        accessToken: ACCESS_TOKEN,
        baseUrl: authlete.url,
      });
      const error = await failing.process({ parameters: "grant_type=client_credentials" }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error instanceof AuthleteApiError, `got ${String(error)}`);
      const apiError = error as AuthleteApiError;
      expect(apiError.status === 500 && apiError.resultCode === "A001201", `status ${apiError.status}`);
      expect(!String(apiError.message).includes(ACCESS_TOKEN), "the access token is in the message");
    });

    await check("createTokenClient: timeoutMs gives an AuthleteTimeoutError", async () => {
      const slow = createTokenClient({ serviceId: SLOW_SERVICE, accessToken: ACCESS_TOKEN, baseUrl: authlete.url });
      const started = Date.now();
      const error = await slow.process({ parameters: "grant_type=client_credentials" }, { timeoutMs: 100 }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error instanceof AuthleteTimeoutError, `got ${String(error)}`);
      expect(Date.now() - started < 4000, `took ${Date.now() - started} ms`);
    });

    await check("createTokenEndpoint: web Request in, web Response out", async () => {
      calls.length = 0;
      const response = await endpoint(form("https://as.example.com/token", encodeBasicCredentials("c1", "s e:c%")));
      expect(response.status === 200, `status ${response.status}`);
      expect(
        response.headers.get("cache-control") === "no-store",
        `cache-control ${response.headers.get("cache-control")}`,
      );
      const body = (await response.json()) as { access_token?: string };
      expect(body.access_token === "AT-smoke", `body ${JSON.stringify(body)}`);
      expect(calls[0]?.body.clientId === "c1" && calls[0]?.body.clientSecret === "s e:c%", "credentials not passed on");
    });

    await check("createTokenEndpoint: malformed Authorization is an OAuth error, not a crash", async () => {
      calls.length = 0;
      const response = await endpoint(form("https://as.example.com/token", "Basic !!!not-base64"));
      expect(response.status === 400 || response.status === 401, `status ${response.status}`);
      const body = (await response.json()) as { error?: string };
      expect(typeof body.error === "string", `body ${JSON.stringify(body)}`);
      expect(calls.length === 0, "Authlete was called");
    });

    await check("createTokenEndpoint: served by the runtime's own HTTP server", async () => {
      served = await serve(endpoint);
      const response = await fetch(form(`${served.url}/token`, encodeBasicCredentials("c1", "secret")));
      expect(response.status === 200, `status ${response.status}`);
      const body = (await response.json()) as { access_token?: string };
      expect(body.access_token === "AT-smoke", `body ${JSON.stringify(body)}`);
    });

    await check("authlete-token/testing: the in-process fake walks a password grant", async () => {
      const fake = createFakeAuthlete();
      const withFake = createTokenEndpoint({ client: createTokenClient(fake), authenticateUser: () => "1001" });
      const response = await withFake(
        form(
          "https://as.example.com/token",
          encodeBasicCredentials("c1", "secret"),
          "grant_type=password&username=u&password=p",
        ),
      );
      expect(response.status === 200, `status ${response.status}`);
      const operations = fake.calls.map((call) => `${call.operation} ${call.action}`).join(", ");
      expect(operations === "token PASSWORD, issue OK", `calls ${operations}`);
    });
  } finally {
    await served?.close();
    await authlete.close();
  }
  return { ...currentRuntime(), checks };
}

if ((import.meta as { main?: boolean }).main) {
  const report = await smoke();
  console.log(JSON.stringify(report));
  if (report.checks.some((c) => !c.ok)) process.exitCode = 1;
}
