// The fake Authlete of `authlete-token/testing`, driven through the package's own token endpoint
// and client, once in process and once over loopback HTTP. Every answer it gives is checked
// against the response schemas of the bundled spec after each test.
import { describe, expect, it } from "vitest";
import {
  AuthleteApiError,
  createTokenEndpoint,
  encodeBasicCredentials,
  type TokenEndpointLogDetails,
  type TokenEndpointOptions,
} from "../../src/index.js";
import type { FakeAction } from "../../src/testing/index.js";
import { exposeForScan } from "../helpers/secret-scan.js";
import { ACCESS_TOKEN, ISSUED_TOKEN_PREFIX, TESTING_ACCESS_TOKEN, TESTING_CLIENT_SECRET } from "../helpers/secrets.js";
import { clientOf, TRANSPORTS, useFake } from "../helpers/testing-fake.js";

const CLIENT_SECRET = TESTING_CLIENT_SECRET;
/** A client_credentials request with client_secret_post, as the client sends it to Authlete directly. */
const CLIENT_CREDENTIALS = new URLSearchParams({
  grant_type: "client_credentials",
  client_id: "app-2",
  client_secret: CLIENT_SECRET,
}).toString();
const USER_PASSWORD = "user-pass-:%+ 🔑";

/** A token request as an OAuth client sends it to the token endpoint. */
function tokenRequest(body: string, clientId = "app-1", secret: string | null = CLIENT_SECRET): Request {
  const headers: Record<string, string> = { "Content-Type": "application/x-www-form-urlencoded" };
  if (secret !== null) headers.Authorization = encodeBasicCredentials(clientId, secret);
  return new Request("https://as.example/token", { method: "POST", headers, body });
}

async function json(response: Response): Promise<Record<string, unknown>> {
  return (await response.json()) as Record<string, unknown>;
}

for (const transport of TRANSPORTS) {
  describe(`the fake Authlete, ${transport.name}`, () => {
    let logs: { message: string; details: TokenEndpointLogDetails }[] = [];
    const tested = useFake(
      transport,
      { accessToken: TESTING_ACCESS_TOKEN, tokenPrefix: ISSUED_TOKEN_PREFIX },
      (fake) => {
        // Every test called the fake (and so had its answers checked).
        expect(fake.calls.length).toBeGreaterThan(0);
        exposeForScan(logs, "endpoint logger");
        exposeForScan(fake.calls, "fake Authlete calls");
        logs = [];
      },
    );
    const { fake, answers } = tested;

    function endpoint(options: Partial<TokenEndpointOptions> = {}) {
      return createTokenEndpoint({
        client: tested.client,
        authenticateUser: (username, password) => (username === "john" && password === USER_PASSWORD ? "1001" : null),
        logger: { error: (message, details) => logs.push({ message, details }) },
        ...options,
      });
    }

    describe("decides like Authlete by default", () => {
      it("issues tokens for client_credentials, with the scope asked for", async () => {
        const response = await endpoint()(tokenRequest("grant_type=client_credentials&scope=read%20write"));
        expect(response.status).toBe(200);
        const tokens = await json(response);
        expect(tokens).toMatchObject({ token_type: "Bearer", expires_in: 3600, scope: "read write" });
        expect(tokens.access_token).toMatch(new RegExp(`^${ISSUED_TOKEN_PREFIX}`));
        expect(tokens).not.toHaveProperty("refresh_token");
        expect(answers[0]?.body).toMatchObject({
          action: "OK",
          grantType: "CLIENT_CREDENTIALS",
          clientIdAlias: "app-1",
          clientIdAliasUsed: true,
          clientAuthMethod: "CLIENT_SECRET_BASIC",
          scopes: ["read", "write"],
          subject: null,
          accessToken: tokens.access_token,
        });
      });

      it("gives the tokens the lifetime the request asks for, when positive", async () => {
        const asking = (accessTokenDuration: number) =>
          endpoint({ prepareRequest: (request) => ({ ...request, accessTokenDuration }) });
        const short = await asking(60)(tokenRequest("grant_type=client_credentials"));
        expect(await json(short)).toMatchObject({ expires_in: 60 });
        const ignored = await asking(0)(tokenRequest("grant_type=client_credentials"));
        expect(await json(ignored)).toMatchObject({ expires_in: 3600 });
        expect(answers[0]?.body).toMatchObject({ accessTokenDuration: 60 });
      });

      it("answers a missing grant_type with invalid_request", async () => {
        const response = await endpoint()(tokenRequest("scope=read"));
        expect(response.status).toBe(400);
        expect(await json(response)).toMatchObject({ error: "invalid_request" });
        expect(answers[0]?.body).toMatchObject({ action: "BAD_REQUEST" });
      });

      it("answers an unknown grant_type with unsupported_grant_type", async () => {
        const response = await endpoint()(tokenRequest("grant_type=magic"));
        expect(response.status).toBe(400);
        expect(await json(response)).toMatchObject({ error: "unsupported_grant_type" });
      });

      it("answers a request without any client ID with invalid_client", async () => {
        const response = await endpoint()(tokenRequest("grant_type=client_credentials", "", null));
        expect(response.status).toBe(401);
        expect(await json(response)).toMatchObject({ error: "invalid_client" });
      });

      it("walks a password grant: PASSWORD with a ticket, then /auth/token/issue for the user", async () => {
        const body = new URLSearchParams({ grant_type: "password", username: "john", password: USER_PASSWORD });
        const response = await endpoint()(tokenRequest(body.toString()));
        expect(response.status).toBe(200);
        const tokens = await json(response);
        expect(tokens).toMatchObject({ token_type: "Bearer", refresh_token: expect.any(String) });
        const [password, issued] = answers.map((a) => a.body as Record<string, unknown>);
        expect(password).toMatchObject({ action: "PASSWORD", username: "john", password: USER_PASSWORD });
        expect(issued).toMatchObject({ action: "OK", subject: "1001", accessToken: tokens.access_token });
        expect(fake.calls.map((call) => [call.operation, call.status, call.action])).toEqual([
          ["token", 200, "PASSWORD"],
          ["issue", 200, "OK"],
        ]);
        expect(fake.calls[1]?.body).toEqual({ ticket: password?.ticket, subject: "1001" });
      });

      it("ends a password grant with wrong credentials in /auth/token/fail and invalid_grant", async () => {
        const body = new URLSearchParams({ grant_type: "password", username: "john", password: "wrong" });
        const response = await endpoint()(tokenRequest(body.toString()));
        expect(response.status).toBe(400);
        expect(await json(response)).toMatchObject({ error: "invalid_grant" });
        expect(fake.calls.map((call) => call.operation)).toEqual(["token", "fail"]);
        expect(fake.calls[1]?.body).toMatchObject({ reason: "INVALID_RESOURCE_OWNER_CREDENTIALS" });
      });

      it("redeems a ticket once: an unknown or used ticket is Authlete's INTERNAL_SERVER_ERROR", async () => {
        const result = await tested.client.process({
          parameters: "grant_type=password&username=a&password=b&client_id=c",
        });
        const ticket = result.ticket ?? "";
        expect((await tested.client.issue({ ticket, subject: "1001" })).action).toBe("OK");
        expect(await tested.client.issue({ ticket, subject: "1001" })).toMatchObject({
          action: "INTERNAL_SERVER_ERROR",
        });
        const failed = await tested.client.fail({ ticket: "no-such-ticket", reason: "UNKNOWN" });
        expect(failed.action).toBe("INTERNAL_SERVER_ERROR");
        expect(JSON.parse(failed.responseContent ?? "")).toMatchObject({ error: "server_error" });
      });

      it("refreshes its own refresh tokens once (rotation) and refuses others with invalid_grant", async () => {
        const first = await tested.client.process({
          parameters: "grant_type=password&username=a&password=b&client_id=c",
        });
        const issued = await tested.client.issue({ ticket: first.ticket ?? "", subject: "1001" });
        const refresh = (token: string) =>
          tested.client.process({
            parameters: new URLSearchParams({
              grant_type: "refresh_token",
              refresh_token: token,
              client_id: "c",
            }).toString(),
          });
        const refreshed = await refresh(issued.refreshToken ?? "");
        expect(refreshed).toMatchObject({ action: "OK", grantType: "REFRESH_TOKEN", subject: "1001" });
        expect(refreshed.refreshToken).not.toBe(issued.refreshToken);
        expect(JSON.parse((await refresh(issued.refreshToken ?? "")).responseContent ?? "")).toMatchObject({
          error: "invalid_grant",
        });
      });

      it("knows no authorization codes: invalid_grant", async () => {
        const response = await endpoint()(
          tokenRequest("grant_type=authorization_code&code=abc&redirect_uri=https%3A%2F%2Fc"),
        );
        expect(response.status).toBe(400);
        expect(await json(response)).toMatchObject({ error: "invalid_grant" });
      });
    });

    describe("behaves like Authlete on the wire", () => {
      it("refuses a wrong bearer token with 401 and Authlete's error body", async () => {
        const wrong = clientOf(fake, tested.opened, answers, { accessToken: ACCESS_TOKEN });
        const error = await wrong.process({ parameters: "grant_type=client_credentials" }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(AuthleteApiError);
        expect(error).toMatchObject({ status: 401, resultCode: "A001203" });
        expect(answers[0]?.body).toEqual({
          resultCode: "A001203",
          resultMessage: expect.stringMatching(/^\[A001203\]/),
        });
      });

      it("refuses a call without Authorization with 401", async () => {
        const response = await tested.opened.fetch(`${tested.opened.baseUrl}/api/${fake.serviceId}/auth/token`, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ parameters: "" }),
        });
        expect(response.status).toBe(401);
        answers.push({ operation: "token", status: 401, body: await response.json() });
      });

      it("refuses another service with 403", async () => {
        const other = clientOf(fake, tested.opened, answers, { serviceId: "1234567" });
        await expect(other.process({ parameters: "" })).rejects.toMatchObject({ status: 403, resultCode: "A001215" });
      });

      it("refuses a body that breaks the spec's request schema with 400 naming the rule", async () => {
        const cases: [string, () => Promise<unknown>, RegExp][] = [
          [
            "token",
            () => tested.client.process({ parameters: "", accessTokenDuration: "1h" } as never),
            /\/accessTokenDuration must be integer/,
          ],
          ["token", () => tested.client.process({ clientId: "x" } as never), /must have the property "parameters"/],
          [
            "token",
            () => tested.client.process({ parameters: "", properties: [{ key: "k" }] } as never),
            /\/properties\/0 must have the property "value"/,
          ],
          ["token", () => tested.client.process({ parameters: "", htu: "not a uri" }), /\/htu must be a URI/],
          [
            "issue",
            () => tested.client.issue({ ticket: "", subject: "1001" }),
            /\/ticket must have at least 1 character/,
          ],
          ["fail", () => tested.client.fail({ ticket: "t", reason: "WRONG" as never }), /\/reason must be one of/],
        ];
        for (const [operation, call, message] of cases) {
          const error = await call().catch((e: unknown) => e);
          expect(error, operation).toBeInstanceOf(AuthleteApiError);
          expect(error).toMatchObject({ status: 400, resultMessage: expect.stringMatching(message) });
        }
      });
    });

    describe("answers a scripted action with a consistent body", () => {
      const expected: Record<FakeAction, { status: number; error?: string }> = {
        OK: { status: 200 },
        ID_TOKEN_REISSUABLE: { status: 200 },
        BAD_REQUEST: { status: 400, error: "invalid_request" },
        INVALID_CLIENT: { status: 401, error: "invalid_client" },
        INTERNAL_SERVER_ERROR: { status: 500, error: "server_error" },
        PASSWORD: { status: 200 },
        TOKEN_EXCHANGE: { status: 400, error: "unsupported_grant_type" },
        JWT_BEARER: { status: 400, error: "unsupported_grant_type" },
        NATIVE_SSO: { status: 400, error: "invalid_grant" },
      };
      for (const [action, outcome] of Object.entries(expected) as [FakeAction, (typeof expected)[FakeAction]][]) {
        it(`${action}: the endpoint answers ${outcome.status}${outcome.error ? ` ${outcome.error}` : ""}`, async () => {
          fake.next(action);
          const body =
            action === "PASSWORD"
              ? `grant_type=password&username=john&password=${encodeURIComponent(USER_PASSWORD)}`
              : "grant_type=client_credentials";
          const response = await endpoint()(tokenRequest(body));
          expect(response.status).toBe(outcome.status);
          const content = await json(response);
          if (outcome.error) expect(content).toMatchObject({ error: outcome.error });
          else
            expect(content).toMatchObject({
              access_token: expect.stringMatching(new RegExp(`^${ISSUED_TOKEN_PREFIX}`)),
            });
          expect(answers[0]?.body).toMatchObject({ action });
          // The script is used up: the next call is decided by default again.
          expect((await tested.client.process({ parameters: CLIENT_CREDENTIALS })).action).toBe("OK");
        });
      }

      it("TOKEN_EXCHANGE: the hook gets the request's subject token and what it stands for", async () => {
        fake.next("TOKEN_EXCHANGE");
        let seen: Record<string, unknown> = {};
        const response = await endpoint({
          onTokenExchange: (result) => {
            seen = result as unknown as Record<string, unknown>;
            return Response.json({ access_token: `${ISSUED_TOKEN_PREFIX}-exchanged`, token_type: "Bearer" });
          },
        })(
          tokenRequest(
            new URLSearchParams({
              grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
              subject_token: "subject-token-value",
              subject_token_type: "urn:ietf:params:oauth:token-type:access_token",
              audience: "https://api.example",
            }).toString(),
          ),
        );
        expect(response.status).toBe(200);
        expect(seen).toMatchObject({
          grantType: "TOKEN_EXCHANGE",
          subjectToken: "subject-token-value",
          subjectTokenType: "ACCESS_TOKEN",
          subjectTokenInfo: { subject: "1001", clientId: expect.any(Number), expiresAt: expect.any(Number) },
          audiences: ["https://api.example"],
        });
      });

      it("JWT_BEARER and NATIVE_SSO carry the assertion, the session and the device secret", async () => {
        fake.next("JWT_BEARER").next("NATIVE_SSO");
        const bearer = await tested.client.process({
          parameters: "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=eyJ.x.y&client_id=a",
        });
        expect(bearer).toMatchObject({ action: "JWT_BEARER", grantType: "JWT_BEARER", assertion: "eyJ.x.y" });
        const sso = await tested.client.process({ parameters: CLIENT_CREDENTIALS });
        expect(sso).toMatchObject({
          action: "NATIVE_SSO",
          sessionId: expect.any(String),
          deviceSecret: expect.any(String),
          subject: "1001",
        });
      });

      it("lets fields override the generated body", async () => {
        fake.next("BAD_REQUEST", { responseContent: '{"error":"invalid_scope"}', dpopNonce: "nonce-7" });
        const response = await endpoint()(tokenRequest("grant_type=client_credentials&scope=admin"));
        expect(response.status).toBe(400);
        expect(response.headers.get("DPoP-Nonce")).toBe("nonce-7");
        expect(await json(response)).toEqual({ error: "invalid_scope" });
      });

      it("scripts one API by path; the others are decided by default", async () => {
        fake.next({ path: "/auth/token/issue", action: "INTERNAL_SERVER_ERROR" });
        const body = new URLSearchParams({ grant_type: "password", username: "john", password: USER_PASSWORD });
        const response = await endpoint()(tokenRequest(body.toString()));
        expect(response.status).toBe(500);
        expect(fake.calls.map((call) => [call.api, call.action])).toEqual([
          ["/auth/token", "PASSWORD"],
          ["/auth/token/issue", "INTERNAL_SERVER_ERROR"],
        ]);
        fake.next({
          path: "/auth/token/fail",
          action: "BAD_REQUEST",
          fields: { responseContent: '{"error":"invalid_grant","error_description":"locked"}' },
        });
        const wrong = new URLSearchParams({ grant_type: "password", username: "john", password: "wrong" });
        expect(await json(await endpoint()(tokenRequest(wrong.toString())))).toEqual({
          error: "invalid_grant",
          error_description: "locked",
        });
        expect(() => fake.next({ path: "/auth/nope" as never, action: "OK" })).toThrow(/serves no API/);
      });

      it("applies scripts in order, and reset() forgets them", async () => {
        fake.next("INVALID_CLIENT").next("INTERNAL_SERVER_ERROR");
        expect((await tested.client.process({ parameters: CLIENT_CREDENTIALS })).action).toBe("INVALID_CLIENT");
        fake.reset();
        expect((await tested.client.process({ parameters: CLIENT_CREDENTIALS })).action).toBe("OK");
        expect(fake.calls).toHaveLength(1);
      });
    });
  });
}
