import { createServer } from "node:net";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import {
  AuthleteApiError,
  AuthleteConfigurationError,
  AuthleteNetworkError,
  createTokenClient,
  createTokenEndpoint,
  encodeBasicCredentials,
  TokenEndpointError,
  type TokenEndpointOptions,
} from "../../src/index.js";
import { useEndpointHarness } from "../helpers/endpoint-harness.js";
import { tokenResult } from "../helpers/fake-authlete.js";
import { ENDPOINT_ACCESS_TOKEN as ACCESS_TOKEN, ENDPOINT_CLIENT_SECRET as CLIENT_SECRET } from "../helpers/secrets.js";

const PASSWORD = "user-password-:%+";
const TOKENS = '{"access_token":"AT","token_type":"Bearer","expires_in":3600}';

// Everything the endpoint logs goes through the suite-wide secret scan too.
const { authlete, logs, endpoint } = await useEndpointHarness();

function tokenRequest(body = "grant_type=client_credentials", headers: Record<string, string> = {}): Request {
  return new Request("http://127.0.0.1/token", {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Authorization: encodeBasicCredentials("client-1", CLIENT_SECRET),
      ...headers,
    },
    body,
  });
}

async function expectServerError(response: Response): Promise<void> {
  expect(response.status).toBe(500);
  expect(response.headers.get("Cache-Control")).toBe("no-store");
  expect(response.headers.get("Pragma")).toBe("no-cache");
  expect(response.headers.get("Content-Type")).toBe("application/json;charset=UTF-8");
  expect(await response.json()).toEqual({ error: "server_error" });
}

/** Nothing that was logged may contain a secret, however deeply inspected. */
function expectNoSecretsLogged(): void {
  const text = inspect(logs, { depth: 20, showHidden: true });
  for (const secret of [ACCESS_TOKEN, CLIENT_SECRET, PASSWORD, encodeURIComponent(PASSWORD)]) {
    expect(text).not.toContain(secret);
  }
}

describe("createTokenEndpoint: direct actions", () => {
  it("forwards the request to /auth/token and answers OK with 200 and the tokens", async () => {
    authlete.enqueue("", tokenResult("OK", { responseContent: TOKENS }));
    const response = await endpoint()(tokenRequest("grant_type=client_credentials&scope=a+b"));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(TOKENS);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(authlete.calls).toEqual([
      {
        method: "POST",
        path: `/api/${authlete.serviceId}/auth/token`,
        authorization: `Bearer ${ACCESS_TOKEN}`,
        body: {
          parameters: "grant_type=client_credentials&scope=a+b",
          clientId: "client-1",
          clientSecret: CLIENT_SECRET,
        },
      },
    ]);
  });

  it.each([
    ["ID_TOKEN_REISSUABLE", 200, TOKENS],
    ["BAD_REQUEST", 400, '{"error":"invalid_grant"}'],
    ["INVALID_CLIENT", 401, '{"error":"invalid_client"}'],
    ["INTERNAL_SERVER_ERROR", 500, '{"error":"server_error","error_description":"[A001101] oops"}'],
  ])("answers %s with %i", async (action, status, content) => {
    authlete.enqueue("", tokenResult(action, { responseContent: content, dpopNonce: "nonce-1" }));
    const response = await endpoint({ realm: "my-as" })(tokenRequest());
    expect(response.status).toBe(status);
    expect(await response.text()).toBe(content);
    expect(response.headers.get("DPoP-Nonce")).toBe("nonce-1");
    expect(response.headers.get("WWW-Authenticate")).toBe(status === 401 ? 'Basic realm="my-as"' : null);
  });

  it("logs Authlete's INTERNAL_SERVER_ERROR for operators", async () => {
    authlete.enqueue("", tokenResult("INTERNAL_SERVER_ERROR", { responseContent: '{"error":"server_error"}' }));
    await endpoint()(tokenRequest());
    expect(logs).toEqual([
      expect.objectContaining({ details: expect.objectContaining({ action: "INTERNAL_SERVER_ERROR" }) }),
    ]);
  });

  it("answers a request it rejects itself without calling Authlete", async () => {
    const ep = endpoint();
    expect((await ep(new Request("http://127.0.0.1/token"))).status).toBe(405);
    expect((await ep(tokenRequest("", { Authorization: "Basic %%%" }))).status).toBe(401);
    expect((await ep(tokenRequest("", { "Content-Type": "application/json" }))).status).toBe(400);
    expect((await endpoint({ maxBodyBytes: 10 })(tokenRequest("a".repeat(11)))).status).toBe(413);
    expect(authlete.calls).toEqual([]);
  });

  it("refuses settings that cannot work when it is created", () => {
    expect(() => endpoint({ tokenEndpointUrl: "/token" })).toThrow(AuthleteConfigurationError);
    expect(() => endpoint({ maxBodyBytes: -1 })).toThrow(AuthleteConfigurationError);
    expect(() => endpoint({ maxBodyBytes: Number.NaN })).toThrow(AuthleteConfigurationError);
    expect(() => createTokenEndpoint({} as TokenEndpointOptions)).toThrow(AuthleteConfigurationError);
  });

  it("lets prepareRequest add policy to the TokenRequest", async () => {
    authlete.enqueue("", tokenResult("OK", { responseContent: TOKENS }));
    await endpoint({ prepareRequest: (r) => ({ ...r, accessTokenDuration: 60 }) })(tokenRequest());
    expect(authlete.calls[0]?.body).toMatchObject({ accessTokenDuration: 60, clientId: "client-1" });
  });
});

describe("createTokenEndpoint: failures on the server side", () => {
  it.each([400, 401, 403, 500, 503])(
    "answers Authlete's HTTP %i with 500 server_error and logs Authlete's message",
    async (status) => {
      authlete.enqueue("", {
        status,
        body: { resultCode: "A001202", resultMessage: "[A001202] Authlete's own words" },
      });
      const response = await endpoint()(tokenRequest());
      const text = await response.clone().text();
      expect(text).not.toContain("Authlete's own words");
      await expectServerError(response);
      expect(logs).toHaveLength(1);
      expect(logs[0]?.details.error).toBeInstanceOf(AuthleteApiError);
      expect((logs[0]?.details.error as AuthleteApiError | undefined)?.resultMessage).toBe(
        "[A001202] Authlete's own words",
      );
      expectNoSecretsLogged();
    },
  );

  it("answers an unreachable Authlete with 500 and logs the network error", async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const client = createTokenClient({
      serviceId: "1",
      accessToken: ACCESS_TOKEN,
      baseUrl: `http://127.0.0.1:${port}`,
    });
    const ep = createTokenEndpoint({
      client,
      logger: { error: (message, details) => logs.push({ message, details }) },
    });
    await expectServerError(await ep(tokenRequest()));
    expect(logs[0]?.details.error).toBeInstanceOf(AuthleteNetworkError);
    expectNoSecretsLogged();
  });

  it("answers a body that is not JSON with 500", async () => {
    authlete.enqueue("", { body: "<html>", raw: true });
    await expectServerError(await endpoint()(tokenRequest()));
    expect(logs).toHaveLength(1);
  });

  it("answers an unknown action with 500 and logs it, without its content", async () => {
    authlete.enqueue("", tokenResult("TELEPORT", { responseContent: '{"access_token":"secret-at"}', dpopNonce: "n" }));
    const response = await endpoint()(tokenRequest());
    expect(response.headers.get("DPoP-Nonce")).toBe("n");
    await expectServerError(response);
    expect(logs).toEqual([{ message: expect.any(String), details: expect.objectContaining({ action: "TELEPORT" }) }]);
    expect(inspect(logs, { depth: 9 })).not.toContain("secret-at");
  });

  it("survives a logger that throws", async () => {
    authlete.enqueue("", { status: 500, body: {} });
    const client = createTokenClient({
      serviceId: authlete.serviceId,
      accessToken: ACCESS_TOKEN,
      baseUrl: authlete.baseUrl,
    });
    const ep = createTokenEndpoint({
      client,
      logger: {
        error() {
          throw new Error("logger down");
        },
      },
    });
    await expectServerError(await ep(tokenRequest()));
  });
});

describe("createTokenEndpoint: password grant", () => {
  const passwordBody = `grant_type=password&username=john&password=${encodeURIComponent(PASSWORD)}`;
  const passwordResult = (extra: Record<string, unknown> = {}) =>
    tokenResult("PASSWORD", { username: "john", password: PASSWORD, ticket: "T-1", ...extra });

  it("without authenticateUser answers 400 unsupported_grant_type", async () => {
    authlete.enqueue("", passwordResult());
    const response = await endpoint()(tokenRequest(passwordBody));
    expect(response.status).toBe(400);
    expect((await response.json()).error).toBe("unsupported_grant_type");
    expect(authlete.calls).toHaveLength(1);
  });

  it("issues tokens for an authenticated user through /auth/token/issue", async () => {
    authlete.enqueue("", passwordResult({ dpopNonce: "nonce-p" }));
    authlete.enqueue("/issue", tokenResult("OK", { responseContent: TOKENS }));
    const seen: unknown[] = [];
    const response = await endpoint({
      authenticateUser: (username, password, context) => {
        seen.push(username, password, context.tokenRequest.clientId);
        return "subject-42";
      },
    })(tokenRequest(passwordBody));
    expect(seen).toEqual(["john", PASSWORD, "client-1"]);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(TOKENS);
    expect(response.headers.get("DPoP-Nonce")).toBe("nonce-p");
    expect(authlete.calls[1]).toMatchObject({
      path: `/api/${authlete.serviceId}/auth/token/issue`,
      authorization: `Bearer ${ACCESS_TOKEN}`,
      body: { ticket: "T-1", subject: "subject-42" },
    });
  });

  it("passes extra issue options returned by authenticateUser", async () => {
    authlete.enqueue("", passwordResult());
    authlete.enqueue("/issue", tokenResult("OK", { responseContent: TOKENS }));
    await endpoint({
      authenticateUser: async () => ({ subject: "s", properties: [{ key: "k", value: "v" }] }),
    })(tokenRequest(passwordBody));
    expect(authlete.calls[1]?.body).toEqual({ ticket: "T-1", subject: "s", properties: [{ key: "k", value: "v" }] });
  });

  it("answers /auth/token/issue's INTERNAL_SERVER_ERROR with 500", async () => {
    authlete.enqueue("", passwordResult());
    authlete.enqueue("/issue", tokenResult("INTERNAL_SERVER_ERROR", { responseContent: '{"error":"server_error"}' }));
    const response = await endpoint({ authenticateUser: () => "s" })(tokenRequest(passwordBody));
    expect(response.status).toBe(500);
    expect(logs).toHaveLength(1);
  });

  it.each([null, undefined, ""])("rejects wrong credentials (%s) through /auth/token/fail", async (subject) => {
    authlete.enqueue("", passwordResult());
    authlete.enqueue("/fail", tokenResult("BAD_REQUEST", { responseContent: '{"error":"invalid_grant"}' }));
    const response = await endpoint({ authenticateUser: () => subject })(tokenRequest(passwordBody));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: "invalid_grant" });
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(authlete.calls[1]).toMatchObject({
      path: `/api/${authlete.serviceId}/auth/token/fail`,
      body: { ticket: "T-1", reason: "INVALID_RESOURCE_OWNER_CREDENTIALS" },
    });
  });

  it("answers /auth/token/fail's INTERNAL_SERVER_ERROR with 500", async () => {
    authlete.enqueue("", passwordResult());
    authlete.enqueue("/fail", tokenResult("INTERNAL_SERVER_ERROR", { responseContent: '{"error":"server_error"}' }));
    expect((await endpoint({ authenticateUser: () => null })(tokenRequest(passwordBody))).status).toBe(500);
  });

  it("answers an unexpected action of /auth/token/issue with 500", async () => {
    authlete.enqueue("", passwordResult());
    authlete.enqueue("/issue", tokenResult("BAD_REQUEST", { responseContent: "{}" }));
    await expectServerError(await endpoint({ authenticateUser: () => "s" })(tokenRequest(passwordBody)));
  });

  it("answers 500 when authenticateUser throws or /auth/token/issue fails, and logs no password", async () => {
    authlete.enqueue("", passwordResult());
    await expectServerError(
      await endpoint({
        authenticateUser: () => {
          throw new Error("user store down");
        },
      })(tokenRequest(passwordBody)),
    );
    authlete.enqueue("", passwordResult());
    authlete.enqueue("/issue", { status: 502, body: { resultCode: "X", resultMessage: "bad gateway" } });
    await expectServerError(await endpoint({ authenticateUser: () => "s" })(tokenRequest(passwordBody)));
    expect(logs).toHaveLength(2);
    expectNoSecretsLogged();
  });

  it("answers 500 when PASSWORD comes without a ticket", async () => {
    authlete.enqueue("", passwordResult({ ticket: null }));
    await expectServerError(await endpoint({ authenticateUser: () => "s" })(tokenRequest(passwordBody)));
  });
});

describe("createTokenEndpoint: grants left to the application", () => {
  it.each([
    ["TOKEN_EXCHANGE", "unsupported_grant_type"],
    ["JWT_BEARER", "unsupported_grant_type"],
    ["NATIVE_SSO", "invalid_grant"],
  ])("%s without a hook answers 400 %s", async (action, error) => {
    authlete.enqueue("", tokenResult(action));
    const response = await endpoint()(tokenRequest());
    expect(response.status).toBe(400);
    expect((await response.json()).error).toBe(error);
  });

  it.each([
    ["TOKEN_EXCHANGE", "onTokenExchange"],
    ["JWT_BEARER", "onJwtBearer"],
    ["NATIVE_SSO", "onNativeSso"],
  ] as const)("%s calls %s and adds the no-store headers to its response", async (action, hook) => {
    authlete.enqueue("", tokenResult(action, { subjectToken: "st", dpopNonce: "n-hook" }));
    const response = await endpoint({
      [hook]: async (result: { subjectToken?: string | null }) =>
        Response.json({ access_token: `for-${result.subjectToken}`, token_type: "Bearer" }),
    })(tokenRequest());
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ access_token: "for-st", token_type: "Bearer" });
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(response.headers.get("Pragma")).toBe("no-cache");
    expect(response.headers.get("DPoP-Nonce")).toBe("n-hook");
  });

  it("answers a hook's TokenEndpointError with its response, and anything else with 500", async () => {
    authlete.enqueue("", tokenResult("TOKEN_EXCHANGE"));
    const denied = await endpoint({
      onTokenExchange: () => {
        throw new TokenEndpointError("INVALID_GRANT", { error: "invalid_grant", description: "no", status: 400 });
      },
    })(tokenRequest());
    expect(denied.status).toBe(400);
    expect(await denied.json()).toEqual({ error: "invalid_grant", error_description: "no" });
    expect(denied.headers.get("Cache-Control")).toBe("no-store");

    authlete.enqueue("", tokenResult("JWT_BEARER"));
    await expectServerError(
      await endpoint({
        onJwtBearer: () => {
          throw new Error("hook bug");
        },
      })(tokenRequest()),
    );
    expect(logs).toHaveLength(1);
  });
});
