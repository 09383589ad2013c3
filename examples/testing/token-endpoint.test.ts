// Testing a token endpoint built on authlete-token, with the fake Authlete of authlete-token/testing.
import { createTokenClient, createTokenEndpoint, type TokenClientOptions } from "authlete-token";
import { createFakeAuthlete } from "authlete-token/testing";
import { beforeEach, describe, expect, it } from "vitest";

// Your application's token endpoint: it gets its Authlete settings from outside, so tests can
// hand it the fake's.
const USERS = new Map([["john", { subject: "1001", password: "correct horse" }]]);

function createApp(authlete: TokenClientOptions) {
  return createTokenEndpoint({
    client: createTokenClient(authlete),
    authenticateUser: (username, password) => {
      const user = USERS.get(username);
      return user?.password === password ? user.subject : undefined;
    },
  });
}

// The tests.
const fake = createFakeAuthlete({
  clients: [{ clientId: "my-app", clientSecret: "example-client-secret-Lq6Ts" }],
});
const app = createApp(fake); // serviceId, accessToken, baseUrl and an in-process fetch

function post(form: Record<string, string>, secret = "example-client-secret-Lq6Ts") {
  return app(
    new Request("https://as.example/token", {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Authorization: `Basic ${btoa(`my-app:${secret}`)}`,
      },
      body: new URLSearchParams(form),
    }),
  );
}

beforeEach(() => fake.reset());

describe("the token endpoint", () => {
  it("issues tokens for the client credentials grant", async () => {
    const response = await post({ grant_type: "client_credentials", scope: "read" });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ token_type: "Bearer", scope: "read" });
  });

  it("checks the user's password, then has Authlete issue the tokens", async () => {
    const response = await post({ grant_type: "password", username: "john", password: "correct horse" });
    expect(response.status).toBe(200);
    expect(await response.json()).toHaveProperty("refresh_token");
    expect(fake.calls.map((call) => call.operation)).toEqual(["token", "issue"]);
    expect(fake.calls[1]?.body).toMatchObject({ subject: "1001" });
  });

  it("answers a wrong password with invalid_grant", async () => {
    const response = await post({ grant_type: "password", username: "john", password: "wrong" });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: "invalid_grant" });
    expect(fake.calls.map((call) => call.operation)).toEqual(["token", "fail"]);
  });

  it("answers a wrong client secret with 401 invalid_client", async () => {
    const response = await post({ grant_type: "client_credentials" }, "not-the-secret");
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toMatch(/^Basic /);
  });

  it("refuses token exchange, which this server does not support", async () => {
    fake.next("TOKEN_EXCHANGE"); // whatever the request, Authlete answers TOKEN_EXCHANGE next
    const response = await post({ grant_type: "client_credentials" });
    expect(await response.json()).toMatchObject({ error: "unsupported_grant_type" });
  });

  it("answers server_error when Authlete is down, without leaking its words", async () => {
    fake.failNext(503, { retryAfter: 30 });
    const response = await post({ grant_type: "client_credentials" });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: "server_error" });
  });

  it("answers server_error when Authlete fails to issue the tokens of a password grant", async () => {
    fake.failNext({ path: "/auth/token/issue", status: 500 }); // /auth/token still answers as usual
    const response = await post({ grant_type: "password", username: "john", password: "correct horse" });
    expect(response.status).toBe(500);
    expect(fake.calls.map((call) => [call.api, call.status])).toEqual([
      ["/auth/token", 200],
      ["/auth/token/issue", 500],
    ]);
  });

  it("works over real HTTP too", async () => {
    const server = await fake.listen();
    try {
      const overHttp = createApp({ ...fake, baseUrl: server.url, fetch: undefined });
      const response = await overHttp(
        new Request("https://as.example/token", {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          // client_secret_post, but the client is registered for client_secret_basic
          body: "grant_type=client_credentials&client_id=my-app&client_secret=nope",
        }),
      );
      expect(response.status).toBe(401);
    } finally {
      await server.close();
    }
  });
});
