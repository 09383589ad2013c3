// End to end: the example token endpoint as a separate Node process (`node examples/token-endpoint/server.js`).
// 1. oauth4webapi, a real OAuth client library, against it while it calls a fake Authlete over loopback HTTP.
// 2. Its embedded default: with no Authlete settings it runs against the fake Authlete of
//    `authlete-token/testing` and walks the password grant PASSWORD → authenticateUser → /auth/token/issue.
// 3. AUTHLETE_MOCK=prism: a Prism mock of the bundled spec, answering from the spec's examples, stopped on SIGTERM.
// 4. `npm run demo` itself: SIGTERM to npm, or Ctrl-C, ends the server too.
import * as oauth from "oauth4webapi";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { encodeBasicCredentials } from "../../src/index.js";
import { type DemoProcess, startDemoProcess, startNpmDemo } from "../helpers/demo-process.js";
import { type FakeAuthlete, startFakeAuthlete, tokenResult } from "../helpers/fake-authlete.js";
import { exposeForScan } from "../helpers/secret-scan.js";
import { DEMO_ACCESS_TOKEN, DEMO_CLIENT_SECRET } from "../helpers/secrets.js";

const CLIENT_ID = "client é:1";
const CLIENT_SECRET = DEMO_CLIENT_SECRET;
const insecure = { [oauth.allowInsecureRequests]: true } as const;
const TOKENS = { access_token: "AT-1", token_type: "Bearer", expires_in: 3600, scope: "read" };

let authlete: FakeAuthlete;
let demo: DemoProcess;
let as: oauth.AuthorizationServer;
const client: oauth.Client = { client_id: CLIENT_ID };
const clientAuth = oauth.ClientSecretBasic(CLIENT_SECRET);

beforeAll(async () => {
  authlete = await startFakeAuthlete(); // dist/ is built once by test/helpers/global-setup.ts
  demo = await startDemoProcess({
    AUTHLETE_BASE_URL: authlete.baseUrl,
    AUTHLETE_SERVICE_ID: authlete.serviceId,
    AUTHLETE_ACCESS_TOKEN: DEMO_ACCESS_TOKEN,
  });
  as = { issuer: new URL(demo.url).origin, token_endpoint: demo.url };
});
afterAll(async () => {
  expect(await demo?.stop()).toBe(0);
  await authlete?.close();
  // The demo runs in its own process: what it printed goes through the secret scan here.
  exposeForScan(demo?.output() ?? "", "demo process output");
});
beforeEach(() => authlete.reset());

const clientCredentials = (scope = "read") =>
  oauth.clientCredentialsGrantRequest(as, client, clientAuth, { scope }, insecure);
const password = (username: string, pass: string) =>
  oauth.genericTokenEndpointRequest(as, client, clientAuth, "password", { username, password: pass }, insecure);

async function errorOf(promise: Promise<unknown>): Promise<oauth.ResponseBodyError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(oauth.ResponseBodyError);
  return error as oauth.ResponseBodyError;
}

/**
 * oauth4webapi reads OAuth error bodies of 4xx only; a 500 is "not a conform response", with the
 * response as the cause. Check that response is our server_error.
 */
async function serverErrorOf(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(oauth.OperationProcessingError);
  expect((error as oauth.OperationProcessingError).code).toBe(oauth.RESPONSE_IS_NOT_CONFORM);
  const response = (error as { cause: Response }).cause;
  expect(response.status).toBe(500);
  expect(response.headers.get("cache-control")).toBe("no-store");
  expect(await response.json()).toEqual({ error: "server_error" });
}

describe("oauth4webapi against the example endpoint", () => {
  it("client_credentials: gets the tokens; Authlete got the decoded Basic credentials and the raw body", async () => {
    authlete.enqueue("", tokenResult("OK", { responseContent: JSON.stringify(TOKENS) }));
    const response = await clientCredentials();
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("pragma")).toBe("no-cache");
    const tokens = await oauth.processClientCredentialsResponse(as, client, response);
    expect(tokens).toMatchObject({ access_token: "AT-1", token_type: "bearer", expires_in: 3600, scope: "read" });
    expect(authlete.calls).toEqual([
      {
        method: "POST",
        path: `/api/${authlete.serviceId}/auth/token`,
        authorization: `Bearer ${DEMO_ACCESS_TOKEN}`,
        body: {
          parameters: "scope=read&grant_type=client_credentials",
          clientId: CLIENT_ID,
          clientSecret: CLIENT_SECRET,
        },
      },
    ]);
  });

  it("client_credentials: INVALID_CLIENT reaches the client as a 401 with a Basic challenge", async () => {
    authlete.enqueue("", tokenResult("INVALID_CLIENT", { responseContent: '{"error":"invalid_client"}' }));
    const response = await clientCredentials();
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Basic realm="/);
    const error = await oauth.processClientCredentialsResponse(as, client, response).catch((e: unknown) => e);
    // oauth4webapi surfaces a 401 with a challenge as WWWAuthenticateChallengeError.
    expect(error).toBeInstanceOf(oauth.WWWAuthenticateChallengeError);
    expect((error as oauth.WWWAuthenticateChallengeError).status).toBe(401);
    expect((error as oauth.WWWAuthenticateChallengeError).cause[0]?.scheme).toBe("basic");
  });

  it("client_credentials: BAD_REQUEST reaches the client as its OAuth error", async () => {
    authlete.enqueue(
      "",
      tokenResult("BAD_REQUEST", { responseContent: '{"error":"invalid_scope","error_description":"no"}' }),
    );
    const error = await errorOf(oauth.processClientCredentialsResponse(as, client, await clientCredentials("admin")));
    expect(error).toMatchObject({ status: 400, error: "invalid_scope", error_description: "no" });
  });

  it("client_credentials: Authlete's INTERNAL_SERVER_ERROR and HTTP 503 both become server_error 500", async () => {
    authlete.enqueue("", tokenResult("INTERNAL_SERVER_ERROR", { responseContent: '{"error":"server_error"}' }));
    await serverErrorOf(oauth.processClientCredentialsResponse(as, client, await clientCredentials()));
    authlete.enqueue("", { status: 503, body: { resultCode: "A001101", resultMessage: "[A001101] internal detail" } });
    // serverErrorOf checks the body is exactly {"error":"server_error"}: Authlete's words stay inside.
    await serverErrorOf(oauth.processClientCredentialsResponse(as, client, await clientCredentials()));
  });

  it("password: the demo user gets tokens through /auth/token/issue, with the demo's token lifetimes", async () => {
    authlete.enqueue("", tokenResult("PASSWORD", { username: "john", password: "john-secret", ticket: "TKT" }));
    authlete.enqueue("/issue", tokenResult("OK", { responseContent: JSON.stringify(TOKENS) }));
    const tokens = await oauth.processGenericTokenEndpointResponse(as, client, await password("john", "john-secret"));
    expect(tokens.access_token).toBe("AT-1");
    expect(authlete.calls.map((c) => [c.path.split("/auth/")[1], c.body])).toEqual([
      [
        "token",
        {
          parameters: "username=john&password=john-secret&grant_type=password",
          clientId: CLIENT_ID,
          clientSecret: CLIENT_SECRET,
        },
      ],
      ["token/issue", { ticket: "TKT", subject: "1001", accessTokenDuration: 3600, refreshTokenDuration: 86400 }],
    ]);
  });

  it("password: wrong credentials end in /auth/token/fail and invalid_grant", async () => {
    authlete.enqueue("", tokenResult("PASSWORD", { username: "john", password: "nope", ticket: "TKT" }));
    authlete.enqueue("/fail", tokenResult("BAD_REQUEST", { responseContent: '{"error":"invalid_grant"}' }));
    const error = await errorOf(oauth.processGenericTokenEndpointResponse(as, client, await password("john", "nope")));
    expect(error).toMatchObject({ status: 400, error: "invalid_grant" });
    expect(authlete.calls[1]?.body).toEqual({ ticket: "TKT", reason: "INVALID_RESOURCE_OWNER_CREDENTIALS" });
  });

  it("password: /auth/token/issue's INTERNAL_SERVER_ERROR becomes server_error", async () => {
    authlete.enqueue("", tokenResult("PASSWORD", { username: "john", password: "john-secret", ticket: "TKT" }));
    authlete.enqueue("/issue", tokenResult("INTERNAL_SERVER_ERROR", { responseContent: '{"error":"server_error"}' }));
    await serverErrorOf(oauth.processGenericTokenEndpointResponse(as, client, await password("john", "john-secret")));
  });

  it("token exchange without a hook in the demo: unsupported_grant_type", async () => {
    authlete.enqueue("", tokenResult("TOKEN_EXCHANGE", { subjectToken: "x" }));
    const response = await oauth.genericTokenEndpointRequest(
      as,
      client,
      clientAuth,
      "urn:ietf:params:oauth:grant-type:token-exchange",
      { subject_token: "x", subject_token_type: "urn:ietf:params:oauth:token-type:access_token" },
      insecure,
    );
    const error = await errorOf(oauth.processGenericTokenEndpointResponse(as, client, response));
    expect(error).toMatchObject({ status: 400, error: "unsupported_grant_type" });
  });

  it("DPoP: the proof reaches Authlete, the nonce reaches the client, and the retry succeeds", async () => {
    const dpop = oauth.DPoP(client, await oauth.generateKeyPair("ES256"));
    authlete.enqueue(
      "",
      tokenResult("BAD_REQUEST", { responseContent: '{"error":"use_dpop_nonce"}', dpopNonce: "nonce-1" }),
      tokenResult("OK", { responseContent: JSON.stringify({ ...TOKENS, token_type: "DPoP" }), dpopNonce: "nonce-2" }),
    );
    const request = () =>
      oauth.clientCredentialsGrantRequest(as, client, clientAuth, { scope: "read" }, { ...insecure, DPoP: dpop });
    const first = await oauth.processClientCredentialsResponse(as, client, await request()).catch((e: unknown) => e);
    expect(oauth.isDPoPNonceError(first)).toBe(true);
    const tokens = await oauth.processClientCredentialsResponse(as, client, await request());
    expect(tokens).toMatchObject({ access_token: "AT-1", token_type: "dpop" });

    const [call1, call2] = authlete.calls.map((c) => c.body as Record<string, unknown>);
    expect(call1).toMatchObject({ htm: "POST", dpop: expect.stringMatching(/^ey/) });
    expect(call1).not.toHaveProperty("htu");
    const payload = (proof: unknown) =>
      JSON.parse(Buffer.from(String(proof).split(".")[1] ?? "", "base64url").toString());
    expect(payload(call1?.dpop).nonce).toBeUndefined();
    expect(payload(call2?.dpop).nonce).toBe("nonce-1");
  });

  it("keeps the client secret, the password and Authlete's token out of the demo's output", () => {
    const output = demo.output();
    for (const secret of [CLIENT_SECRET, "john-secret", DEMO_ACCESS_TOKEN]) expect(output).not.toContain(secret);
    // The 503 above was logged for operators.
    expect(output).toContain("A001101");
  });
});

describe("the demo's embedded default: the fake Authlete", () => {
  let fakeDemo: DemoProcess;
  let fakeAs: oauth.AuthorizationServer;
  // The client the demo registers with its fake, and prints.
  const app: oauth.Client = { client_id: "my-app" };
  const appAuth = oauth.ClientSecretBasic("my-secret");

  beforeAll(async () => {
    fakeDemo = await startDemoProcess({});
    fakeAs = { issuer: new URL(fakeDemo.url).origin, token_endpoint: fakeDemo.url };
  });
  afterAll(async () => {
    expect(await fakeDemo?.stop()).toBe(0);
    exposeForScan(fakeDemo?.output() ?? "", "demo process output");
  });

  const fakePassword = (username: string, pass: string) =>
    oauth.genericTokenEndpointRequest(fakeAs, app, appAuth, "password", { username, password: pass }, insecure);

  /** The lines the demo printed for its calls to the fake, from `from` on. */
  const authleteLines = (from: number) =>
    fakeDemo
      .output()
      .slice(from)
      .split("\n")
      .filter((line) => line.startsWith("[fake Authlete]"));

  it("says it uses the fake and prints the demo user", () => {
    expect(fakeDemo.output()).toMatch(/Authlete: the fake of authlete-token\/testing/);
    expect(fakeDemo.output()).toContain('Demo user for the password grant: username "john", password "john-secret"');
  });

  it("password: PASSWORD → authenticateUser → /auth/token/issue → tokens", async () => {
    const from = fakeDemo.output().length;
    const response = await fakePassword("john", "john-secret");
    const tokens = await oauth.processGenericTokenEndpointResponse(fakeAs, app, response);
    expect(tokens).toMatchObject({ token_type: "bearer", expires_in: 3600 });
    expect(tokens.access_token).toEqual(expect.any(String));
    expect(tokens.refresh_token).toEqual(expect.any(String));
    expect(authleteLines(from)).toEqual([
      "[fake Authlete] /auth/token → 200 PASSWORD",
      "[fake Authlete] /auth/token/issue → 200 OK",
    ]);
  });

  it("password: a wrong password ends in /auth/token/fail and invalid_grant", async () => {
    const from = fakeDemo.output().length;
    const response = await fakePassword("john", "wrong");
    const error = await errorOf(oauth.processGenericTokenEndpointResponse(fakeAs, app, response));
    expect(error).toMatchObject({ status: 400, error: "invalid_grant" });
    expect(authleteLines(from)).toEqual([
      "[fake Authlete] /auth/token → 200 PASSWORD",
      "[fake Authlete] /auth/token/fail → 200 BAD_REQUEST",
    ]);
  });

  it("registers its client: a wrong secret gets 401 invalid_client with a Basic challenge", async () => {
    const wrong = oauth.ClientSecretBasic(DEMO_CLIENT_SECRET);
    const response = await oauth.clientCredentialsGrantRequest(fakeAs, app, wrong, {}, insecure);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Basic realm="/);
    expect(await response.json()).toMatchObject({ error: "invalid_client" });
    expect(fakeDemo.output()).toContain('Demo client: "my-app", secret "my-secret"');
  });

  it("client_credentials: tokens straight from /auth/token", async () => {
    const response = await oauth.clientCredentialsGrantRequest(fakeAs, app, appAuth, { scope: "read" }, insecure);
    expect(await oauth.processClientCredentialsResponse(fakeAs, app, response)).toMatchObject({
      token_type: "bearer",
      scope: "read",
    });
  });
});

describe("the demo with AUTHLETE_MOCK=prism", () => {
  let prismDemo: DemoProcess;
  let prismUrl: string;

  beforeAll(async () => {
    prismDemo = await startDemoProcess({ AUTHLETE_MOCK: "prism" });
    prismUrl = /Prism mock of the bundled spec at (http:\/\/\S+)\)/.exec(prismDemo.output())?.[1] ?? "";
    expect(prismUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
  afterAll(async () => {
    await prismDemo?.stop();
    exposeForScan(prismDemo?.output() ?? "", "demo process output");
  });

  it("answers client_credentials with the example tokens of the spec (curl-style request)", async () => {
    const response = await fetch(prismDemo.url, {
      method: "POST",
      headers: {
        Authorization: encodeBasicCredentials("26478243745571", "secret"),
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: "grant_type=client_credentials",
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toMatchObject({
      access_token: "Z5a40U6dWvw2gMoCOAFbZcM85q4HC0Z--0YKD9-Nf6Q",
      token_type: "Bearer",
    });
  });

  it("serves oauth4webapi too", async () => {
    const as = { issuer: new URL(prismDemo.url).origin, token_endpoint: prismDemo.url };
    const client = { client_id: "26478243745571" };
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      client,
      oauth.ClientSecretBasic("secret"),
      {},
      {
        [oauth.allowInsecureRequests]: true,
      },
    );
    expect((await oauth.processClientCredentialsResponse(as, client, response)).token_type).toBe("bearer");
  });

  it("stops Prism when it is stopped", async () => {
    expect(await prismDemo.stop()).toBe(0);
    await expect(fetch(prismUrl)).rejects.toThrow();
  });
});

describe("npm run demo", () => {
  // What a user runs: npm, the shell npm starts for the script, then node; each test starts it.
  const stopsWith = async (send: (npmPid: number) => void) => {
    const demo = await startNpmDemo();
    try {
      expect((await fetch(demo.url, { method: "POST" })).status).toBe(400);
      send(demo.pid);
      // Every process that shares the demo's output closed it: none is left running. (Bounded, so
      // that a process left behind fails the test and the cleanup below still runs.)
      let timer: NodeJS.Timeout | undefined;
      const leftBehind = new Promise<string>((resolveLeft) => {
        timer = setTimeout(() => resolveLeft("a process of npm run demo is still running"), 40_000);
      });
      expect(await Promise.race([demo.ended.then(() => "ended"), leftBehind])).toBe("ended");
      clearTimeout(timer);
      await expect(fetch(demo.url, { method: "POST" })).rejects.toThrow();
      exposeForScan(demo.output(), "npm run demo output");
    } finally {
      await demo.cleanup();
    }
  };

  it("ends its server when npm gets SIGTERM", () => stopsWith((pid) => process.kill(pid, "SIGTERM")));

  it("ends its server on Ctrl-C (SIGINT to the whole process group)", () =>
    stopsWith((pid) => process.kill(-pid, "SIGINT")));
});
