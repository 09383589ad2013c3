// createToken(), nativeSso() and reissueIdToken() over loopback: the same call path as process()
// (authentication, errors, time limit, size cap, redaction), each on its own Authlete API.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AuthleteApiError,
  AuthleteInvalidResponseError,
  AuthleteTimeoutError,
  createTokenClient,
  type IdTokenReissueRequest,
  type NativeSsoRequest,
  type TokenCreateRequest,
} from "../../src/index.js";
import { startServer } from "../helpers/http-server.js";
import { exposeForScan } from "../helpers/secret-scan.js";
import { ACCESS_TOKEN, ISSUED_TOKEN_PREFIX } from "../helpers/secrets.js";

// Issued to the client (Native SSO), so scanned for everywhere but in HTTP answers.
const DEVICE_SECRET = `${ISSUED_TOKEN_PREFIX}-device-secret-6Qf2`;
const CREATE: TokenCreateRequest = {
  grantType: "TOKEN_EXCHANGE",
  clientId: 26478243745571,
  subject: "john",
  scopes: ["payment"],
  dpopKeyThumbprint: "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I",
};
const NATIVE_SSO: NativeSsoRequest = {
  accessToken: `${ISSUED_TOKEN_PREFIX}-at-of-the-call`,
  deviceSecret: DEVICE_SECRET,
};
const REISSUE: IdTokenReissueRequest = {
  accessToken: `${ISSUED_TOKEN_PREFIX}-at-of-the-call`,
  refreshToken: `${ISSUED_TOKEN_PREFIX}-rt-of-the-call`,
};

type Reply = { status: number; body: string; delayMs?: number; headers?: Record<string, string> };
let reply: Reply = { status: 200, body: "{}" };
let server: Awaited<ReturnType<typeof startServer>>;

beforeAll(async () => {
  server = await startServer(async (_request, response) => {
    if (reply.delayMs) await new Promise((done) => setTimeout(done, reply.delayMs));
    response.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
    response.end(reply.body);
  });
});
afterAll(() => server.close());

function answer(status: number, body: unknown, extra: Partial<Reply> = {}) {
  reply = { status, body: typeof body === "string" ? body : JSON.stringify(body), ...extra };
}

function client(options: Partial<Parameters<typeof createTokenClient>[0]> = {}) {
  return createTokenClient({ serviceId: "715948317", accessToken: ACCESS_TOKEN, baseUrl: server.url, ...options });
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    exposeForScan(error, "client error");
    return error;
  }
  throw new Error("expected the call to fail");
}

describe("TokenClient.createToken, .nativeSso and .reissueIdToken", () => {
  it("createToken() POSTs the decision to /auth/token/create and returns Authlete's answer", async () => {
    const created = {
      resultCode: "A109001",
      resultMessage: "[A109001] An access token was created successfully.",
      action: "OK",
      accessToken: `${ISSUED_TOKEN_PREFIX}-created-at`,
      tokenType: "DPoP",
      expiresIn: 3600,
    };
    answer(200, created);
    const result = await client().createToken(CREATE);
    expect(result).toEqual(created);
    const seen = server.requests.at(-1);
    expect(seen?.url).toBe("/api/715948317/auth/token/create");
    expect(seen?.headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
    expect(JSON.parse(seen?.body ?? "")).toEqual(CREATE);
  });

  it("nativeSso() POSTs to /nativesso and reissueIdToken() to /idtoken/reissue", async () => {
    const ok = { resultCode: "A501001", resultMessage: "ok", action: "OK", responseContent: "{}", idToken: "eyJ" };
    answer(200, ok);
    await expect(client().nativeSso(NATIVE_SSO)).resolves.toEqual(ok);
    expect(server.requests.at(-1)?.url).toBe("/api/715948317/nativesso");
    expect(JSON.parse(server.requests.at(-1)?.body ?? "")).toEqual(NATIVE_SSO);
    await expect(client().reissueIdToken(REISSUE)).resolves.toEqual(ok);
    expect(server.requests.at(-1)?.url).toBe("/api/715948317/idtoken/reissue");
    expect(JSON.parse(server.requests.at(-1)?.body ?? "")).toEqual(REISSUE);
  });

  it("map HTTP errors, with what the call sent redacted from Authlete's text", async () => {
    answer(400, { resultCode: "A501301", resultMessage: `[A501301] bad device secret ${DEVICE_SECRET}` });
    const error = await caught(client().nativeSso(NATIVE_SSO));
    expect(error).toBeInstanceOf(AuthleteApiError);
    expect(error).toMatchObject({ status: 400, resultCode: "A501301" });
    expect((error as AuthleteApiError).resultMessage).toBe("[A501301] bad device secret [REDACTED]");
    answer(200, {
      resultCode: "A1",
      resultMessage: `reissued for ${ISSUED_TOKEN_PREFIX}-rt-of-the-call`,
      action: "OK",
    });
    const echoed = await client().reissueIdToken(REISSUE);
    expect(echoed.resultMessage).toBe("reissued for [REDACTED]");
  });

  it("apply the time limit and the size cap", async () => {
    answer(200, { action: "OK" }, { delayMs: 300 });
    const slow = await caught(client({ timeoutMs: 50 }).createToken(CREATE));
    expect(slow).toBeInstanceOf(AuthleteTimeoutError);
    answer(200, { action: "OK", accessToken: "x".repeat(5_000) });
    const large = await caught(client({ maxResponseBytes: 1_000 }).reissueIdToken(REISSUE));
    expect(large).toBeInstanceOf(AuthleteInvalidResponseError);
    expect(large).toMatchObject({ reason: "TOO_LARGE" });
  });
});
