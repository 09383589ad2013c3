import { describe, expectTypeOf, it } from "vitest";
import type {
  GrantDecision,
  IdTokenReissueDecision,
  NativeSsoDecision,
  TokenEndpointOptions,
  TokenResponse,
} from "../../src/index.js";

type Hook<K extends "onTokenExchange" | "onJwtBearer" | "onNativeSso" | "reissueIdToken"> = NonNullable<
  TokenEndpointOptions[K]
>;

describe("the grant hooks' decisions", () => {
  it("let onTokenExchange and onJwtBearer return a decision or a Response, sync or async", () => {
    const decide: Hook<"onTokenExchange"> = (result) => ({ subject: result.subjectTokenInfo?.subject ?? "john" });
    const full: Hook<"onJwtBearer"> = async () => ({
      subject: "john",
      scopes: ["profile"],
      resources: ["https://api.example.com/"],
      accessTokenDuration: 600,
      refreshToken: true,
      properties: [{ key: "tenant", value: "acme", hidden: true }],
    });
    const answer: Hook<"onTokenExchange"> = () => new Response(null, { status: 400 });
    // A hook written against the plain TokenResponse still fits.
    const plain = (_result: TokenResponse): GrantDecision => ({ subject: "john" });
    const typed: Hook<"onJwtBearer"> = plain;
    // @ts-expect-error a decision needs its subject
    const noSubject: Hook<"onTokenExchange"> = () => ({ scopes: ["profile"] });
    // @ts-expect-error the subject is a string
    const numeric: Hook<"onJwtBearer"> = () => ({ subject: 1001 });
    // @ts-expect-error refreshToken is a flag, not a token value
    const value: GrantDecision = { subject: "john", refreshToken: "rt" };
    void [decide, full, answer, typed, noSubject, numeric, value];
  });

  it("let onNativeSso return the device secret, and reissueIdToken false or claims", () => {
    const sso: Hook<"onNativeSso"> = (result) => ({
      deviceSecret: result.deviceSecret ?? "",
      claims: { email: "john@example.com" },
      idtHeaderParams: '{"typ":"JWT"}',
    });
    // @ts-expect-error Native SSO needs the device secret
    const noSecret: NativeSsoDecision = { claims: {} };
    const keep: Hook<"reissueIdToken"> = () => false;
    const reissue: Hook<"reissueIdToken"> = async () => ({ claims: { email: "john@example.com" } });
    expectTypeOf<false>().toExtend<IdTokenReissueDecision>();
    // @ts-expect-error true says nothing: return the claims (or {}) to reissue
    const yes: Hook<"reissueIdToken"> = () => true;
    void [sso, noSecret, keep, reissue, yes];
  });
});
