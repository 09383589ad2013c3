import { readFile } from "node:fs/promises";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AuthleteApiError,
  AuthleteConfigurationError,
  AuthleteError,
  AuthleteFetchError,
  AuthleteInvalidResponseError,
  AuthleteNetworkError,
  AuthleteRedirectError,
  AuthleteTimeoutError,
  createAuthleteFetchClient,
  createTokenClient,
  type FetchLike,
  type TokenClientOptions,
  type TokenRequest,
  VERSION,
  withRetries,
} from "../../src/index.js";
import { startServer } from "../helpers/http-server.js";
import { exposeForScan } from "../helpers/secret-scan.js";
import { ACCESS_TOKEN, CLIENT_SECRET } from "../helpers/secrets.js";

const REQUEST: TokenRequest = {
  parameters: "grant_type=client_credentials&scope=payment",
  clientId: "26478243745571",
  clientSecret: CLIENT_SECRET,
};
const OK_BODY = {
  resultCode: "A050001",
  resultMessage: "[A050001] ok",
  action: "OK",
  responseContent: '{"access_token":"at","token_type":"Bearer"}',
};

type Reply = { status: number; headers?: Record<string, string>; body?: string; delayMs?: number };
let reply: Reply = { status: 200 };
let server: Awaited<ReturnType<typeof startServer>>;

beforeAll(async () => {
  server = await startServer(async (_request, response) => {
    if (reply.delayMs) await new Promise((done) => setTimeout(done, reply.delayMs));
    response.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
    response.end(reply.body ?? "");
  });
});
afterAll(() => server.close());

function answer(status: number, body: unknown, extra: Partial<Reply> = {}) {
  reply = { status, body: typeof body === "string" ? body : JSON.stringify(body), ...extra };
}

function client(options: Partial<Parameters<typeof createTokenClient>[0]> = {}) {
  return createTokenClient({ serviceId: "715948317", accessToken: ACCESS_TOKEN, baseUrl: server.url, ...options });
}

function rawClient() {
  return createAuthleteFetchClient({ accessToken: ACCESS_TOKEN, baseUrl: server.url });
}

/** Every way an object may end up in a log. */
function renderings(value: unknown): string {
  exposeForScan(value, "client error"); // and the suite-wide secret scan (test/helpers/secret-scan.ts)
  const parts = [String(value), inspect(value, { depth: 10, showHidden: true }), JSON.stringify(value) ?? ""];
  if (value instanceof Error) parts.push(value.message, value.stack ?? "", inspect(value.cause, { depth: 10 }));
  return parts.join("\n");
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

describe("createTokenClient().process", () => {
  it("POSTs the TokenRequest as JSON to /api/{serviceId}/auth/token with the bearer token", async () => {
    answer(200, OK_BODY);
    const before = server.requests.length;
    const result = await client().process(REQUEST);
    expect(result).toEqual(OK_BODY);
    const seen = server.requests[before];
    expect(seen?.method).toBe("POST");
    expect(seen?.url).toBe("/api/715948317/auth/token");
    expect(seen?.headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
    expect(seen?.headers["content-type"]).toMatch(/^application\/json/);
    expect(JSON.parse(seen?.body ?? "")).toEqual(REQUEST);
  });

  it("sends a default User-Agent naming this package, or the one given", async () => {
    answer(200, OK_BODY);
    await client().process(REQUEST);
    expect(server.requests.at(-1)?.headers["user-agent"]).toBe(`authlete-token/${VERSION}`);
    await client({ userAgent: "my-as/2.0" }).process(REQUEST);
    expect(server.requests.at(-1)?.headers["user-agent"]).toBe("my-as/2.0");
  });

  it("asks a token function before every call, so a rotated token is used", async () => {
    answer(200, OK_BODY);
    let n = 0;
    const c = client({ accessToken: async () => `rotated-${++n}` });
    await c.process(REQUEST);
    await c.process(REQUEST);
    expect(server.requests.at(-2)?.headers.authorization).toBe("Bearer rotated-1");
    expect(server.requests.at(-1)?.headers.authorization).toBe("Bearer rotated-2");
  });

  it("returns an unknown future action and null fields without throwing", async () => {
    const body = { ...OK_BODY, action: "SOMETHING_NEW", accessToken: null, scopes: null, brandNewField: { a: 1 } };
    answer(200, body);
    await expect(client().process(REQUEST)).resolves.toEqual(body);
  });

  it("throws AuthleteApiError with status, resultCode and resultMessage on 4xx", async () => {
    answer(401, { resultCode: "A001202", resultMessage: "[A001202] Authorization header is missing." });
    const error = await caught(client().process(REQUEST));
    expect(error).toBeInstanceOf(AuthleteApiError);
    expect(error).toBeInstanceOf(AuthleteError);
    expect(error).toMatchObject({
      name: "AuthleteApiError",
      code: "AUTHLETE_API_ERROR",
      status: 401,
      resultCode: "A001202",
      resultMessage: "[A001202] Authorization header is missing.",
    });
  });

  it("throws AuthleteApiError on a 5xx whose body is not JSON", async () => {
    answer(503, "<html>Service Unavailable</html>", { headers: { "content-type": "text/html" } });
    const error = await caught(client().process(REQUEST));
    expect(error).toMatchObject({ name: "AuthleteApiError", status: 503, resultCode: undefined });
  });

  it("throws AuthleteInvalidResponseError on a 2xx body that is not JSON, or empty", async () => {
    answer(200, "this is not json");
    const error = await caught(client().process(REQUEST));
    expect(error).toBeInstanceOf(AuthleteInvalidResponseError);
    expect(error).toMatchObject({ code: "AUTHLETE_INVALID_RESPONSE", status: 200 });
    expect((error as Error).cause).toBeInstanceOf(SyntaxError);
    answer(200, "");
    expect(await caught(client().process(REQUEST))).toBeInstanceOf(AuthleteInvalidResponseError);
    answer(200, "[1,2]");
    expect(await caught(client().process(REQUEST))).toBeInstanceOf(AuthleteInvalidResponseError);
  });

  it("refuses to follow a redirect, so the bearer token never goes elsewhere", async () => {
    const elsewhere = await startServer((_request, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(OK_BODY));
    });
    try {
      answer(307, "", { headers: { location: `${elsewhere.url}/steal` } });
      const error = await caught(client().process(REQUEST));
      expect(error).toBeInstanceOf(AuthleteRedirectError);
      expect(error).toMatchObject({ code: "AUTHLETE_REDIRECT", status: 307 });
      expect(elsewhere.requests).toHaveLength(0);
    } finally {
      await elsewhere.close();
    }
  });

  it("throws AuthleteTimeoutError when Authlete is slower than timeoutMs, with a fresh timer per call", async () => {
    answer(200, OK_BODY, { delayMs: 300 });
    const c = client({ timeoutMs: 100 });
    const error = await caught(c.process(REQUEST));
    expect(error).toBeInstanceOf(AuthleteTimeoutError);
    expect(error).toMatchObject({ code: "AUTHLETE_TIMEOUT", timeoutMs: 100 });
    // A per-call limit overrides the client's.
    await expect(c.process(REQUEST, { timeoutMs: 5_000 })).resolves.toEqual(OK_BODY);
    // A later call is not doomed by an earlier timer: one started when the client was made or at
    // its first call would have fired by the second (limits wide enough for a loaded machine).
    answer(200, OK_BODY);
    const fresh = client({ timeoutMs: 1_000 });
    await expect(fresh.process(REQUEST)).resolves.toEqual(OK_BODY);
    await new Promise((done) => setTimeout(done, 1_100));
    await expect(fresh.process(REQUEST)).resolves.toEqual(OK_BODY);
  });

  it("rethrows the caller's abort reason as is", async () => {
    answer(200, OK_BODY, { delayMs: 300 });
    const controller = new AbortController();
    const reason = new Error("client went away");
    setTimeout(() => controller.abort(reason), 50);
    await expect(client().process(REQUEST, { signal: controller.signal })).rejects.toBe(reason);
  });

  it("throws AuthleteNetworkError when nothing listens", async () => {
    const dead = await startServer(() => {});
    await dead.close();
    const error = await caught(client({ baseUrl: dead.url }).process(REQUEST));
    expect(error).toBeInstanceOf(AuthleteNetworkError);
    expect(error).toMatchObject({ name: "AuthleteNetworkError", code: "AUTHLETE_NETWORK_ERROR" });
    expect((error as Error).cause).toBeDefined();
  });

  it("throws AuthleteFetchError, not a network error, when a custom fetch throws on its own", async () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'headers')");
    let calls = 0;
    const broken: FetchLike = async () => {
      calls++;
      throw bug;
    };
    const error = await caught(
      client({ fetch: broken, retry: withRetries({ limit: 2, baseDelayMs: 1 }) }).process(REQUEST),
    );
    expect(error).toBeInstanceOf(AuthleteFetchError);
    expect(error).not.toBeInstanceOf(AuthleteNetworkError);
    expect(error).toMatchObject({ name: "AuthleteFetchError", code: "AUTHLETE_FETCH_ERROR" });
    expect((error as Error).message).toMatch(/custom fetch threw.*Cannot read properties/);
    expect((error as Error).cause).toBe(bug);
    // A bug fails the same way every time: never retried.
    expect(calls).toBe(1);
    expect(renderings(error)).not.toContain(ACCESS_TOKEN);
  });

  it("keeps a network failure passed on by a custom fetch an AuthleteNetworkError", async () => {
    const dead = await startServer(() => {});
    await dead.close();
    const passing: FetchLike = (input, init) => fetch(input, init);
    const error = await caught(client({ baseUrl: dead.url, fetch: passing }).process(REQUEST));
    expect(error).toBeInstanceOf(AuthleteNetworkError);
    expect(error).toMatchObject({ requestNotSent: true });
  });

  it("lets an error thrown by the token function through as it is, not as a network error", async () => {
    const vaultDown = new Error("vault unreachable");
    const error = await caught(
      client({
        accessToken: () => {
          throw vaultDown;
        },
      }).process(REQUEST),
    );
    expect(error).toBe(vaultDown);
  });

  it("never shows the access token or the client secret in errors or in the client object", async () => {
    const failures: unknown[] = [];
    answer(401, { resultCode: "A001202", resultMessage: "no" });
    failures.push(await caught(client().process(REQUEST)));
    answer(200, "nope");
    failures.push(await caught(client().process(REQUEST)));
    answer(200, OK_BODY, { delayMs: 200 });
    failures.push(await caught(client({ timeoutMs: 20 }).process(REQUEST)));
    failures.push(await caught(client({ baseUrl: "http://127.0.0.1:1" }).process(REQUEST)));
    failures.push(await caught(client({ accessToken: () => `${ACCESS_TOKEN} with space` }).process(REQUEST)));
    answer(307, "", { headers: { location: "http://127.0.0.1:1/" } });
    failures.push(await caught(client().process(REQUEST)));
    for (const failure of [...failures, client(), rawClient()]) {
      const text = renderings(failure);
      expect(text).not.toContain(ACCESS_TOKEN);
      expect(text).not.toContain(CLIENT_SECRET);
    }
  });
});

describe("createTokenClient options", () => {
  it("picks the region's server, and baseUrl overrides it", () => {
    expect(createTokenClient({ serviceId: 1, accessToken: "t" }).baseUrl).toBe("https://us.authlete.com");
    expect(createTokenClient({ serviceId: 1, accessToken: "t", region: "jp" }).baseUrl).toBe("https://jp.authlete.com");
    expect(createTokenClient({ serviceId: 1, accessToken: "t", region: "eu" }).baseUrl).toBe("https://eu.authlete.com");
    expect(createTokenClient({ serviceId: 1, accessToken: "t", region: "br" }).baseUrl).toBe("https://br.authlete.com");
    expect(
      createTokenClient({ serviceId: 1, accessToken: "t", region: "jp", baseUrl: "https://authlete.internal/" })
        .baseUrl,
    ).toBe("https://authlete.internal");
  });

  it("requires https except for loopback hosts", () => {
    const make = (baseUrl: string) => () => createTokenClient({ serviceId: 1, accessToken: "t", baseUrl });
    expect(make("http://authlete.example.org")).toThrow(AuthleteConfigurationError);
    expect(make("http://10.0.0.5:8080")).toThrow(/https/);
    expect(make("ftp://127.0.0.1")).toThrow(AuthleteConfigurationError);
    expect(make("http://127.0.0.1:8080")).not.toThrow();
    expect(make("http://localhost:8080")).not.toThrow();
    expect(make("http://[::1]:8080")).not.toThrow();
  });

  it("rejects bad options before any request, without echoing the token", () => {
    expect(() => createTokenClient({ serviceId: "", accessToken: "t" })).toThrow(AuthleteConfigurationError);
    expect(() => createTokenClient({ serviceId: "../x", accessToken: "t" })).toThrow(/serviceId/);
    expect(() => createTokenClient({ serviceId: 1, accessToken: "" })).toThrow(/accessToken/);
    expect(() => createTokenClient({ serviceId: 1, accessToken: "t", timeoutMs: -1 })).toThrow(/timeoutMs/);
    expect(() => createTokenClient({ serviceId: 1, accessToken: "t", userAgent: "a\nb" })).toThrow(/userAgent/);
    expect(() => createTokenClient({ serviceId: 1, accessToken: "t", userAgent: "app/€" })).toThrow(/userAgent/);
    const notAFunction = { serviceId: 1, accessToken: "t", fetch: "fetch" } as unknown as TokenClientOptions;
    expect(() => createTokenClient(notAFunction)).toThrow(AuthleteConfigurationError);
    const error = (() => {
      try {
        createTokenClient({ serviceId: 1, accessToken: "secret token" });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).not.toContain("secret");
  });

  it("keeps VERSION equal to package.json", async () => {
    const pkg = JSON.parse(await readFile(new URL("../../package.json", import.meta.url), "utf8"));
    expect(VERSION).toBe(pkg.version);
  });
});

describe("createAuthleteFetchClient", () => {
  it("is typed by the generated paths and already authenticated", async () => {
    answer(200, OK_BODY);
    const { data, response } = await rawClient().POST("/api/{serviceId}/auth/token", {
      params: { path: { serviceId: "715948317" } },
      body: { parameters: "grant_type=client_credentials" },
    });
    expect(response.status).toBe(200);
    expect(data?.action).toBe("OK");
    expect(server.requests.at(-1)?.headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
  });

  it("is the construction the token client uses: the same headers, redirects refused, failures mapped", async () => {
    answer(200, OK_BODY);
    await client({ userAgent: "my-as/2.0" }).process(REQUEST);
    const byTokenClient = server.requests.at(-1)?.headers;
    let n = 0;
    const raw = createAuthleteFetchClient({
      accessToken: () => `rotated-${++n}`,
      baseUrl: server.url,
      userAgent: "my-as/2.0",
    });
    await raw.POST("/api/{serviceId}/auth/token", { params: { path: { serviceId: "1" } }, body: REQUEST });
    const byRawClient = server.requests.at(-1)?.headers;
    for (const name of ["user-agent", "accept", "content-type"])
      expect(byRawClient?.[name]).toBe(byTokenClient?.[name]);
    expect(byRawClient?.authorization).toBe("Bearer rotated-1");
    answer(307, "", { headers: { location: `${server.url}/elsewhere` } });
    const redirected = await caught(
      raw.POST("/api/{serviceId}/auth/token", { params: { path: { serviceId: "1" } }, body: REQUEST }),
    );
    expect(redirected).toBeInstanceOf(AuthleteRedirectError);
    const dead = await startServer(() => {});
    await dead.close();
    const unreachable = await caught(
      createAuthleteFetchClient({ accessToken: ACCESS_TOKEN, baseUrl: dead.url }).POST("/api/{serviceId}/auth/token", {
        params: { path: { serviceId: "1" } },
        body: REQUEST,
      }),
    );
    expect(unreachable).toBeInstanceOf(AuthleteNetworkError);
  });
});
