import { describe, expectTypeOf, it } from "vitest";
import type { TokenClient, TokenRequest, TokenResponse } from "../src/index.js";

describe("generated types", () => {
  it("require `parameters` in a TokenRequest", () => {
    // @ts-expect-error `parameters` is the one required field
    const missing: TokenRequest = { clientId: "client" };
    const minimal: TokenRequest = { parameters: "" };
    expectTypeOf(missing).toEqualTypeOf<TokenRequest>();
    expectTypeOf(minimal.parameters).toEqualTypeOf<string>();
  });

  it("model clientCertificatePath as string[] and properties as key/value objects", () => {
    expectTypeOf<TokenRequest["clientCertificatePath"]>().toEqualTypeOf<string[] | undefined>();
    expectTypeOf<NonNullable<TokenRequest["properties"]>[number]>().toEqualTypeOf<{
      key: string;
      value: string;
      hidden?: boolean;
    }>();
    // @ts-expect-error properties is not a string (the seed document's mistake)
    const wrong: TokenRequest = { parameters: "", properties: "a=b" };
    void wrong;
  });

  it("type the durations as numbers", () => {
    expectTypeOf<TokenRequest["accessTokenDuration"]>().toEqualTypeOf<number | undefined>();
    expectTypeOf<TokenRequest["refreshTokenDuration"]>().toEqualTypeOf<number | undefined>();
  });

  it("make `action` the union of Authlete's actions", () => {
    expectTypeOf<TokenResponse["action"]>().toEqualTypeOf<
      | "INTERNAL_SERVER_ERROR"
      | "INVALID_CLIENT"
      | "BAD_REQUEST"
      | "PASSWORD"
      | "OK"
      | "TOKEN_EXCHANGE"
      | "JWT_BEARER"
      | "NATIVE_SSO"
      | "ID_TOKEN_REISSUABLE"
    >();
  });

  it("let optional response fields be null", () => {
    expectTypeOf<TokenResponse["accessToken"]>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<TokenResponse["scopes"]>().toEqualTypeOf<string[] | null | undefined>();
    expectTypeOf<TokenResponse["clientId"]>().toEqualTypeOf<number | null | undefined>();
  });

  it("give the client's process() the generated request and response types", () => {
    expectTypeOf<TokenClient["process"]>().parameter(0).toEqualTypeOf<TokenRequest>();
    expectTypeOf<TokenClient["process"]>().returns.toEqualTypeOf<Promise<TokenResponse>>();
  });
});
