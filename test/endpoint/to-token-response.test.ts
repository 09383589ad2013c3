import { describe, expect, it } from "vitest";
import { type AuthleteTokenResult, toTokenResponse } from "../../src/index.js";

const result = (action: string, fields: Record<string, unknown> = {}) =>
  ({ resultCode: "A000001", resultMessage: "[A000001] message", action, ...fields }) as AuthleteTokenResult;

function expectTokenHeaders(response: Response): void {
  expect(response.headers.get("Cache-Control")).toBe("no-store");
  expect(response.headers.get("Pragma")).toBe("no-cache");
  expect(response.headers.get("Content-Type")).toBe("application/json;charset=UTF-8");
}

describe("toTokenResponse", () => {
  it.each([
    ["OK", 200, '{"access_token":"at","token_type":"Bearer"}'],
    ["ID_TOKEN_REISSUABLE", 200, '{"access_token":"at","token_type":"Bearer","id_token":"x.y.z"}'],
    ["BAD_REQUEST", 400, '{"error":"invalid_grant","error_description":"expired"}'],
    ["INVALID_CLIENT", 401, '{"error":"invalid_client"}'],
    ["INTERNAL_SERVER_ERROR", 500, '{"error":"server_error","error_description":"[A001101] Authlete Server error."}'],
  ])("%s → %i with responseContent as the body", async (action, status, content) => {
    const response = toTokenResponse(result(action, { responseContent: content }));
    expect(response.status).toBe(status);
    expectTokenHeaders(response);
    expect(await response.text()).toBe(content);
    expect(response.headers.has("DPoP-Nonce")).toBe(false);
  });

  it("adds WWW-Authenticate: Basic with the configured realm to 401", () => {
    expect(toTokenResponse(result("INVALID_CLIENT")).headers.get("WWW-Authenticate")).toBe('Basic realm="token"');
    expect(toTokenResponse(result("INVALID_CLIENT"), { realm: "as" }).headers.get("WWW-Authenticate")).toBe(
      'Basic realm="as"',
    );
    expect(toTokenResponse(result("BAD_REQUEST")).headers.has("WWW-Authenticate")).toBe(false);
  });

  it("sends DPoP-Nonce from the result, else from the options", () => {
    expect(toTokenResponse(result("BAD_REQUEST", { dpopNonce: "n1" })).headers.get("DPoP-Nonce")).toBe("n1");
    expect(toTokenResponse(result("OK", { responseContent: "{}", dpopNonce: "n1" })).headers.get("DPoP-Nonce")).toBe(
      "n1",
    );
    expect(
      toTokenResponse(result("OK", { responseContent: "{}" }), { dpopNonce: "n2" }).headers.get("DPoP-Nonce"),
    ).toBe("n2");
    expect(toTokenResponse(result("OK", { responseContent: "{}", dpopNonce: null })).headers.has("DPoP-Nonce")).toBe(
      false,
    );
  });

  it.each([
    ["PASSWORD", "unsupported_grant_type"],
    ["TOKEN_EXCHANGE", "unsupported_grant_type"],
    ["JWT_BEARER", "unsupported_grant_type"],
    ["NATIVE_SSO", "invalid_grant"],
  ])("%s without application code → 400 %s", async (action, error) => {
    const response = toTokenResponse(result(action, { password: "pw", subjectToken: "st" }));
    expect(response.status).toBe(400);
    expectTokenHeaders(response);
    const body = await response.json();
    expect(body.error).toBe(error);
    expect(JSON.stringify(body)).not.toContain("pw");
  });

  it("answers an unknown action with 500 server_error", async () => {
    const response = toTokenResponse(result("SOMETHING_NEW", { responseContent: '{"access_token":"leak"}' }));
    expect(response.status).toBe(500);
    expectTokenHeaders(response);
    expect(await response.json()).toEqual({ error: "server_error" });
  });

  it("fills in a body when Authlete sent none, and never answers 200 without one", async () => {
    expect(await toTokenResponse(result("BAD_REQUEST", { responseContent: null })).json()).toEqual({
      error: "invalid_request",
    });
    expect(await toTokenResponse(result("INVALID_CLIENT")).json()).toEqual({ error: "invalid_client" });
    const ok = toTokenResponse(result("OK", { responseContent: null }));
    expect(ok.status).toBe(500);
    expect(await ok.json()).toEqual({ error: "server_error" });
  });
});
