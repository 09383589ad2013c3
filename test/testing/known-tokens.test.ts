// The fake knows only the tokens it issued and those registered with `tokens`, like Authlete,
// which knows only its service's tokens: token exchange and the refresh grant refuse the others.
import { describe, expect, it } from "vitest";
import type { TokenResult } from "../../src/index.js";
import { TESTING_ACCESS_TOKEN } from "../helpers/secrets.js";
import { TRANSPORTS, useFake } from "../helpers/testing-fake.js";

const TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
const ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
const REGISTERED = "registered-subject-token-Pq4";
const REGISTERED_REFRESH = "registered-refresh-token-Wc9";
const NOW = Date.UTC(2026, 0, 1);

/** A JWS with these claims (the fake checks the form and the expiry, not the signature). */
function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "ES256" })}.${part(claims)}.c2ln`;
}

for (const transport of TRANSPORTS) {
  describe(`tokens the fake knows, ${transport.name}`, () => {
    const tested = useFake(transport, {
      accessToken: TESTING_ACCESS_TOKEN,
      now: () => NOW,
      tokens: [
        { token: REGISTERED, clientId: "backend", subject: "user-7", scopes: ["read"] },
        { token: "expired-subject-token-Lm2", clientId: "backend", subject: "user-7", expiresAt: NOW - 1 },
        { token: REGISTERED_REFRESH, type: "REFRESH_TOKEN", clientId: "app", subject: "user-8" },
      ],
    });

    const exchange = (form: Record<string, string>) =>
      tested.client.process({
        parameters: new URLSearchParams({ grant_type: TOKEN_EXCHANGE, client_id: "app", ...form }).toString(),
      });
    const oauthError = (response: TokenResult) => JSON.parse(response.responseContent ?? "{}").error;

    it("refuses an access token it does not know as subject_token, with invalid_request (RFC 8693 §2.2.2)", async () => {
      const response = await exchange({ subject_token: "never-issued-token", subject_token_type: ACCESS_TOKEN_TYPE });
      expect(response.action).toBe("BAD_REQUEST");
      expect(oauthError(response)).toBe("invalid_request");
      expect(response.resultMessage).toMatch(/subject token is not an access token of the service/);
    });

    it("accepts an access token it issued, and reports who it stands for", async () => {
      const password = await tested.client.process({
        parameters: "grant_type=password&username=john&password=pw&client_id=app&scope=read%20write",
      });
      const issued = await tested.client.issue({ ticket: password.ticket ?? "", subject: "1001" });
      const response = await exchange({
        subject_token: issued.accessToken ?? "",
        subject_token_type: ACCESS_TOKEN_TYPE,
      });
      expect(response).toMatchObject({
        action: "TOKEN_EXCHANGE",
        subjectToken: issued.accessToken,
        subjectTokenType: "ACCESS_TOKEN",
        subjectTokenInfo: { subject: "1001", scopes: ["read", "write"], expiresAt: NOW + 3600 * 1000 },
      });
    });

    it("accepts a registered token, keeps it across reset(), and refuses it once expired", async () => {
      const known = await exchange({ subject_token: REGISTERED, subject_token_type: ACCESS_TOKEN_TYPE });
      expect(known.subjectTokenInfo).toMatchObject({ subject: "user-7", scopes: ["read"], clientIdAlias: "backend" });
      tested.fake.reset();
      expect((await exchange({ subject_token: REGISTERED, subject_token_type: ACCESS_TOKEN_TYPE })).action).toBe(
        "TOKEN_EXCHANGE",
      );
      const expired = await exchange({
        subject_token: "expired-subject-token-Lm2",
        subject_token_type: ACCESS_TOKEN_TYPE,
      });
      expect(oauthError(expired)).toBe("invalid_request");
    });

    it("forgets the tokens it issued on reset()", async () => {
      const issued = await tested.client.process({
        parameters: "grant_type=client_credentials&client_id=app&client_secret=s",
      });
      tested.fake.reset();
      const response = await exchange({
        subject_token: issued.accessToken ?? "",
        subject_token_type: ACCESS_TOKEN_TYPE,
      });
      expect(oauthError(response)).toBe("invalid_request");
    });

    it("checks an actor token like the subject token", async () => {
      const response = await exchange({
        subject_token: REGISTERED,
        subject_token_type: ACCESS_TOKEN_TYPE,
        actor_token: "unknown-actor-token",
        actor_token_type: ACCESS_TOKEN_TYPE,
      });
      expect(oauthError(response)).toBe("invalid_request");
      expect(response.resultMessage).toMatch(/actor token/);
    });

    it("takes a JWT subject token that has not expired, and refuses one that has or is no JWT", async () => {
      const type = "urn:ietf:params:oauth:token-type:jwt";
      const valid = await exchange({
        subject_token: jwt({ sub: "u", exp: NOW / 1000 + 60 }),
        subject_token_type: type,
      });
      expect(valid).toMatchObject({ action: "TOKEN_EXCHANGE", subjectTokenType: "JWT", subjectTokenInfo: null });
      const expired = await exchange({ subject_token: jwt({ exp: NOW / 1000 - 60 }), subject_token_type: type });
      expect(oauthError(expired)).toBe("invalid_request");
      expect(oauthError(await exchange({ subject_token: "not-a-jwt", subject_token_type: type }))).toBe(
        "invalid_request",
      );
    });

    it("refuses a token exchange without subject_token or with an unknown token type", async () => {
      expect(oauthError(await exchange({ subject_token_type: ACCESS_TOKEN_TYPE }))).toBe("invalid_request");
      expect(oauthError(await exchange({ subject_token: REGISTERED, subject_token_type: "urn:example:unknown" }))).toBe(
        "invalid_request",
      );
    });

    it("refreshes a registered refresh token for its client only", async () => {
      const refresh = (clientId: string) =>
        tested.client.process({
          parameters: new URLSearchParams({
            grant_type: "refresh_token",
            refresh_token: REGISTERED_REFRESH,
            client_id: clientId,
          }).toString(),
        });
      expect(oauthError(await refresh("someone-else"))).toBe("invalid_grant");
      expect(await refresh("app")).toMatchObject({ action: "OK", grantType: "REFRESH_TOKEN", subject: "user-8" });
    });
  });
}
