import { describe, expectTypeOf, it } from "vitest";
import type { CorsOrigins, TokenEndpointOptions, TokenIssuedEvent, TokenIssuedRequest } from "../../src/index.js";

describe("the cors and onTokenIssued options", () => {
  it("take a list of origins or a predicate for cors", () => {
    expectTypeOf<TokenEndpointOptions["cors"]>().toEqualTypeOf<CorsOrigins | undefined>();
    expectTypeOf<readonly string[]>().toExtend<CorsOrigins>();
    expectTypeOf<(origin: string) => boolean>().toExtend<CorsOrigins>();
    // @ts-expect-error no object form: the allowed origins are the whole setting
    const object: CorsOrigins = { origins: ["https://app.example.com"] };
    void object;
  });

  it("give onTokenIssued an event with no field for a token or a secret", () => {
    expectTypeOf<Parameters<NonNullable<TokenEndpointOptions["onTokenIssued"]>>[0]>().toEqualTypeOf<TokenIssuedEvent>();
    expectTypeOf<keyof TokenIssuedEvent>().toEqualTypeOf<
      "action" | "grantType" | "clientId" | "clientIdAlias" | "subject" | "scopes" | "grantId" | "request"
    >();
    expectTypeOf<keyof TokenIssuedRequest>().toEqualTypeOf<
      "method" | "url" | "origin" | "clientId" | "parameters" | "dpop" | "clientCertificate"
    >();
    expectTypeOf<TokenIssuedEvent["scopes"]>().toEqualTypeOf<readonly string[]>();
  });
});
