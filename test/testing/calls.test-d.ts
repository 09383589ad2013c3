// FakeCall is a union by API: checking `operation` or `api` types the body and the action.
import { describe, expectTypeOf, it } from "vitest";
import type {
  TokenFailRequest,
  TokenIssueRequest,
  TokenIssueResponse,
  TokenRequest,
  TokenResponse,
} from "../../src/index.js";
import type { FakeAuthlete, FakeCall } from "../../src/testing/index.js";

declare const call: FakeCall;
declare const fake: FakeAuthlete;

describe("FakeCall", () => {
  it("types the body and the action of each API", () => {
    if (call.operation === "token") {
      expectTypeOf(call.body).toEqualTypeOf<TokenRequest | undefined>();
      expectTypeOf(call.action).toEqualTypeOf<TokenResponse["action"] | undefined>();
    }
    if (call.api === "/auth/token/issue") {
      expectTypeOf(call.body).toEqualTypeOf<TokenIssueRequest | undefined>();
      expectTypeOf(call.body?.subject).toEqualTypeOf<string | undefined>();
      expectTypeOf(call.action).toEqualTypeOf<TokenIssueResponse["action"] | undefined>();
    }
    if (call.operation === "fail") expectTypeOf(call.body).toEqualTypeOf<TokenFailRequest | undefined>();
    if (call.operation === undefined) expectTypeOf(call.body).toBeUnknown();
  });

  it("keys the headers by lower-case name", () => {
    expectTypeOf(call.headers["content-type"]).toEqualTypeOf<string | undefined>();
    expectTypeOf(call.headers["user-agent"]).toEqualTypeOf<string | undefined>();
    // @ts-expect-error the camelCase names are gone
    void call.headers.contentType;
  });

  it("types next() and failNext() by path", () => {
    fake.next({ path: "/auth/token/issue", action: "OK", fields: { subject: "1001" } });
    fake.next({ action: "TOKEN_EXCHANGE" });
    // @ts-expect-error /auth/token/fail has no OK action
    fake.next({ path: "/auth/token/fail", action: "OK" });
    // @ts-expect-error not an API of the fake
    fake.failNext({ path: "/auth/nope", status: 500 });
    fake.failNext({ path: "/auth/token/issue", drop: true });
  });
});
