import { describe, expectTypeOf, it } from "vitest";
import type {
  AuthenticatedUser,
  AuthzDetails,
  CimdOptions,
  GrantHook,
  Pair,
  TokenClient,
  TokenInfo,
  TokenIssueRequest,
  TokenIssueResponse,
  TokenRequest,
  TokenResponse,
  TokenResult,
  TokenType,
} from "../../src/index.js";

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

  it("give the client's process() the generated request type and the result typed by action", () => {
    expectTypeOf<TokenClient["process"]>().parameter(0).toEqualTypeOf<TokenRequest>();
    expectTypeOf<TokenClient["process"]>().returns.toEqualTypeOf<Promise<TokenResult>>();
  });

  it("type what a token exchange hook reads about the presented tokens (RFC 8693)", () => {
    expectTypeOf<TokenResponse["subjectTokenInfo"]>().toEqualTypeOf<TokenInfo | null | undefined>();
    expectTypeOf<TokenResponse["actorTokenInfo"]>().toEqualTypeOf<TokenInfo | null | undefined>();
    expectTypeOf<TokenInfo["scopes"]>().toEqualTypeOf<string[] | undefined>();
    expectTypeOf<TokenInfo["authorizationDetails"]>().toEqualTypeOf<AuthzDetails | undefined>();
    expectTypeOf<TokenResponse["subjectTokenType"]>().toEqualTypeOf<TokenType | null | undefined>();
    expectTypeOf<Parameters<GrantHook>[0]>().toEqualTypeOf<TokenResponse>();
    const hook: GrantHook = (result) => new Response(result.subjectTokenInfo?.subject ?? "");
    void hook;
  });

  it("type the attributes, authorization details and CIMD options Authlete adds", () => {
    expectTypeOf<TokenResponse["clientAttributes"]>().toEqualTypeOf<Pair[] | null | undefined>();
    expectTypeOf<TokenIssueResponse["serviceAttributes"]>().toEqualTypeOf<Pair[] | null | undefined>();
    expectTypeOf<TokenIssueResponse["authorizationDetails"]>().toEqualTypeOf<AuthzDetails | null | undefined>();
    expectTypeOf<TokenRequest["cimdOptions"]>().toEqualTypeOf<CimdOptions | undefined>();
  });

  it("let the password grant shorten the token lifetimes on the issue request", () => {
    expectTypeOf<TokenIssueRequest["accessTokenDuration"]>().toEqualTypeOf<number | undefined>();
    expectTypeOf<TokenIssueRequest["refreshTokenDuration"]>().toEqualTypeOf<number | undefined>();
    const user: AuthenticatedUser = { subject: "john", accessTokenDuration: 600, refreshTokenDuration: 3600 };
    void user;
  });
});
