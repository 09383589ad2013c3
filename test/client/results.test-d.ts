import { describe, expectTypeOf, it } from "vitest";
import type {
  IdTokenReissueRequest,
  IdTokenReissueResult,
  NativeSsoRequest,
  NativeSsoResult,
  TokenClient,
  TokenCreateRequest,
  TokenCreateResult,
  TokenFailResult,
  TokenIssueResult,
  TokenResult,
  TokenType,
  UnknownAction,
} from "../../src/index.js";

declare const client: TokenClient;

function assertNever(value: never): never {
  throw new Error(`unexpected ${String(value)}`);
}

describe("results typed by action", () => {
  it("narrowing process() to PASSWORD makes ticket, username and password strings: issue() needs no `!`", async () => {
    const result = await client.process({ parameters: "grant_type=password&username=u&password=p" });
    if (result.action === "PASSWORD") {
      expectTypeOf(result.ticket).toEqualTypeOf<string>();
      expectTypeOf(result.username).toEqualTypeOf<string>();
      expectTypeOf(result.password).toEqualTypeOf<string>();
      const issued = await client.issue({ ticket: result.ticket, subject: "john" });
      expectTypeOf(issued).toEqualTypeOf<TokenIssueResult>();
      // What Authlete does not guarantee for PASSWORD stays optional.
      expectTypeOf(result.responseContent).toEqualTypeOf<string | null | undefined>();
    }
  });

  it("guarantees responseContent for the actions whose answer Authlete writes", () => {
    type Of<A> = Extract<TokenResult, { action: A }>;
    expectTypeOf<Of<"OK">["responseContent"]>().toEqualTypeOf<string>();
    expectTypeOf<Of<"BAD_REQUEST">["responseContent"]>().toEqualTypeOf<string>();
    expectTypeOf<Of<"INVALID_CLIENT">["responseContent"]>().toEqualTypeOf<string>();
    expectTypeOf<Of<"INTERNAL_SERVER_ERROR">["responseContent"]>().toEqualTypeOf<string>();
    expectTypeOf<Of<"ID_TOKEN_REISSUABLE">["responseContent"]>().toEqualTypeOf<string>();
    expectTypeOf<Of<"OK">["accessToken"]>().toEqualTypeOf<string | null | undefined>();
  });

  it("guarantees the inputs of token exchange, JWT bearer and Native SSO", () => {
    type Of<A> = Extract<TokenResult, { action: A }>;
    expectTypeOf<Of<"TOKEN_EXCHANGE">["subjectToken"]>().toEqualTypeOf<string>();
    expectTypeOf<Of<"TOKEN_EXCHANGE">["subjectTokenType"]>().toEqualTypeOf<TokenType>();
    expectTypeOf<Of<"TOKEN_EXCHANGE">["actorToken"]>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<Of<"JWT_BEARER">["assertion"]>().toEqualTypeOf<string>();
    expectTypeOf<Of<"NATIVE_SSO">["sessionId"]>().toEqualTypeOf<string>();
    expectTypeOf<Of<"NATIVE_SSO">["subjectToken"]>().toEqualTypeOf<string>();
  });

  it("keeps one member for an action this version does not know, with nothing guaranteed", () => {
    type Unknown = Extract<TokenResult, { action: UnknownAction }>;
    expectTypeOf<Unknown["responseContent"]>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<Unknown["resultMessage"]>().toEqualTypeOf<string>();
    // Still a string where one is expected (logging, a lookup table).
    expectTypeOf<TokenResult["action"]>().toExtend<string>();
    // @ts-expect-error no known action is an unknown one
    const known: UnknownAction = "OK";
    void known;
  });

  it("a switch over process()'s action must handle the unknown member to be exhaustive", (): void => {
    const handled = (result: TokenResult): string => {
      switch (result.action) {
        case "OK":
        case "BAD_REQUEST":
        case "INVALID_CLIENT":
        case "INTERNAL_SERVER_ERROR":
        case "ID_TOKEN_REISSUABLE":
          return result.responseContent;
        case "PASSWORD":
          return result.ticket;
        case "TOKEN_EXCHANGE":
          return result.subjectToken;
        case "JWT_BEARER":
          return result.assertion;
        case "NATIVE_SSO":
          return result.sessionId;
        default:
          // @ts-expect-error an action Authlete adds later lands here: the switch is not exhaustive without a branch for it
          return assertNever(result);
      }
    };
    const complete = (result: TokenResult): string => {
      switch (result.action) {
        case "OK":
        case "BAD_REQUEST":
        case "INVALID_CLIENT":
        case "INTERNAL_SERVER_ERROR":
        case "ID_TOKEN_REISSUABLE":
        case "PASSWORD":
        case "TOKEN_EXCHANGE":
        case "JWT_BEARER":
        case "NATIVE_SSO":
          return result.action;
        default:
          expectTypeOf(result.action).toEqualTypeOf<UnknownAction>();
          return "server_error";
      }
    };
    void [handled, complete];
  });

  it("types issue() and fail() by action the same way", async () => {
    const issued = await client.issue({ ticket: "t", subject: "s" });
    if (issued.action === "OK") {
      expectTypeOf(issued.responseContent).toEqualTypeOf<string>();
      expectTypeOf(issued.accessToken).toEqualTypeOf<string | null | undefined>();
    }
    const failed = await client.fail({ ticket: "t", reason: "INVALID_RESOURCE_OWNER_CREDENTIALS" });
    expectTypeOf(failed).toEqualTypeOf<TokenFailResult>();
    if (failed.action === "BAD_REQUEST") expectTypeOf(failed.responseContent).toEqualTypeOf<string>();
    const onFail = (result: TokenFailResult) => {
      switch (result.action) {
        case "BAD_REQUEST":
        case "INTERNAL_SERVER_ERROR":
          return result.responseContent;
        default:
          // @ts-expect-error the unknown member of fail() must be handled too
          return assertNever(result);
      }
    };
    void onFail;
  });
});

describe("createToken(), nativeSso() and reissueIdToken() results typed by action", () => {
  it("take the generated request types and guarantee the fields of OK", async () => {
    expectTypeOf<TokenClient["createToken"]>().parameter(0).toEqualTypeOf<TokenCreateRequest>();
    expectTypeOf<TokenClient["nativeSso"]>().parameter(0).toEqualTypeOf<NativeSsoRequest>();
    expectTypeOf<TokenClient["reissueIdToken"]>().parameter(0).toEqualTypeOf<IdTokenReissueRequest>();
    const created = await client.createToken({ grantType: "JWT_BEARER", subject: "john" });
    expectTypeOf(created).toEqualTypeOf<TokenCreateResult>();
    if (created.action === "OK") {
      expectTypeOf(created.accessToken).toEqualTypeOf<string>();
      expectTypeOf(created.expiresIn).toEqualTypeOf<number | null | undefined>();
    }
    const sso = await client.nativeSso({ accessToken: "at", deviceSecret: "ds" });
    expectTypeOf(sso).toEqualTypeOf<NativeSsoResult>();
    if (sso.action === "OK") {
      expectTypeOf(sso.responseContent).toEqualTypeOf<string>();
      expectTypeOf(sso.idToken).toEqualTypeOf<string>();
    }
    const reissued = await client.reissueIdToken({ accessToken: "at", refreshToken: "rt" });
    expectTypeOf(reissued).toEqualTypeOf<IdTokenReissueResult>();
    if (reissued.action === "CALLER_ERROR") {
      expectTypeOf(reissued.responseContent).toEqualTypeOf<string | null | undefined>();
    }
    const onCreated = (result: TokenCreateResult) => {
      switch (result.action) {
        case "OK":
          return result.accessToken;
        case "BAD_REQUEST":
        case "FORBIDDEN":
        case "INTERNAL_SERVER_ERROR":
          return undefined;
        default:
          // @ts-expect-error the unknown member of createToken() must be handled too
          return assertNever(result);
      }
    };
    void onCreated;
  });
});
