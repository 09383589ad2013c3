import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PrismMock, startPrismMock } from "../../examples/token-endpoint/prism.js";
import {
  AuthleteApiError,
  AuthleteInvalidResponseError,
  AuthleteTimeoutError,
  createTokenClient,
  type TokenClient,
} from "../../src/index.js";
import { type FakeAuthlete, startFakeAuthlete, tokenResult } from "../helpers/fake-authlete.js";
import { startFaultServer } from "../helpers/fault-server.js";

describe("TokenClient.issue and .fail against a fake Authlete", () => {
  let authlete: FakeAuthlete;
  let client: TokenClient;
  beforeAll(async () => {
    authlete = await startFakeAuthlete();
    client = createTokenClient({ serviceId: authlete.serviceId, accessToken: "tok", baseUrl: authlete.baseUrl });
  });
  afterAll(() => authlete.close());

  it("issue() posts the ticket and subject to /auth/token/issue and returns the result", async () => {
    authlete.enqueue("/issue", tokenResult("OK", { responseContent: "{}", accessToken: "AT" }));
    const result = await client.issue({
      ticket: "T",
      subject: "s",
      properties: [{ key: "k", value: "v", hidden: true }],
    });
    expect(result).toMatchObject({ action: "OK", accessToken: "AT" });
    expect(authlete.calls.at(-1)).toEqual({
      method: "POST",
      path: `/api/${authlete.serviceId}/auth/token/issue`,
      authorization: "Bearer tok",
      body: { ticket: "T", subject: "s", properties: [{ key: "k", value: "v", hidden: true }] },
    });
  });

  it("fail() posts the ticket and reason to /auth/token/fail and returns the result", async () => {
    authlete.enqueue("/fail", tokenResult("BAD_REQUEST", { responseContent: '{"error":"invalid_grant"}' }));
    expect(await client.fail({ ticket: "T", reason: "INVALID_RESOURCE_OWNER_CREDENTIALS" })).toMatchObject({
      action: "BAD_REQUEST",
    });
    expect(authlete.calls.at(-1)).toMatchObject({
      path: `/api/${authlete.serviceId}/auth/token/fail`,
      body: { ticket: "T", reason: "INVALID_RESOURCE_OWNER_CREDENTIALS" },
    });
  });

  it("maps HTTP errors and bad bodies like process() does (one shared call path)", async () => {
    authlete.enqueue("/issue", { status: 403, body: { resultCode: "A001215", resultMessage: "[A001215] no" } });
    const denied = await client.issue({ ticket: "T", subject: "s" }).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(AuthleteApiError);
    expect(denied).toMatchObject({ status: 403, resultCode: "A001215" });
    authlete.enqueue("/fail", { body: "[]", raw: true });
    await expect(client.fail({ ticket: "T", reason: "UNKNOWN" })).rejects.toBeInstanceOf(AuthleteInvalidResponseError);
  });

  it("applies the per-call timeout to issue() and fail()", async () => {
    const hanging = await startFaultServer({ otherwise: { kind: "no-answer" } });
    const slow = createTokenClient({ serviceId: "1", accessToken: "tok", baseUrl: hanging.url });
    await expect(slow.issue({ ticket: "T", subject: "s" }, { timeoutMs: 50 })).rejects.toBeInstanceOf(
      AuthleteTimeoutError,
    );
    await expect(slow.fail({ ticket: "T", reason: "UNKNOWN" }, { timeoutMs: 50 })).rejects.toBeInstanceOf(
      AuthleteTimeoutError,
    );
    await hanging.close();
  });
});

describe("TokenClient against a Prism mock of the bundled spec", () => {
  let prism: PrismMock;
  let client: TokenClient;
  beforeAll(async () => {
    prism = await startPrismMock();
    client = createTokenClient({ serviceId: "715948317", accessToken: "any", baseUrl: prism.baseUrl });
  });
  afterAll(() => prism?.close());

  it("issue() gets the spec's example, which Prism validated the request against", async () => {
    expect(
      await client.issue({ ticket: "5TmlI4qZKXwBDY6ZRftbE8Bu4Eb6zbhq4W1P5Hp8wXg", subject: "john" }),
    ).toMatchObject({
      action: "OK",
      subject: "john",
    });
  });

  it("fail() gets the spec's example", async () => {
    expect(await client.fail({ ticket: "T", reason: "INVALID_RESOURCE_OWNER_CREDENTIALS" })).toMatchObject({
      action: "BAD_REQUEST",
    });
  });

  it("Prism rejects a reason outside the enum (the spec says which reasons exist)", async () => {
    const error = await client.fail({ ticket: "T", reason: "BOGUS" as "UNKNOWN" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthleteApiError);
    expect((error as AuthleteApiError).status).toBe(400);
  });

  it("process() still works on the same path", async () => {
    expect((await client.process({ parameters: "grant_type=client_credentials" })).action).toBe("OK");
  });
});
