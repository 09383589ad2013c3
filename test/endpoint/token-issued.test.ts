// onTokenIssued of createTokenEndpoint: told once per answer with tokens, on every issuing path,
// never on an error, with an event that holds no token and no secret, and unable to change the answer.
import { inspect } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  AuthleteConfigurationError,
  encodeBasicCredentials,
  type TokenEndpointOptions,
  type TokenIssuedEvent,
} from "../../src/index.js";
import { useEndpointHarness } from "../helpers/endpoint-harness.js";
import { tokenResult } from "../helpers/fake-authlete.js";
import { exposeForScan } from "../helpers/secret-scan.js";
import {
  ENDPOINT_ACCESS_TOKEN as ACCESS_TOKEN,
  ENDPOINT_CLIENT_SECRET as CLIENT_SECRET,
  ISSUED_TOKEN_PREFIX,
} from "../helpers/secrets.js";

const PASSWORD = "owner-password-Kq7:%+";
const AT = `${ISSUED_TOKEN_PREFIX}-at-1`;
const RT = `${ISSUED_TOKEN_PREFIX}-rt-1`;
const ID_TOKEN = `${ISSUED_TOKEN_PREFIX}-idt.payload.sig`;
const TOKENS = JSON.stringify({ access_token: AT, refresh_token: RT, id_token: ID_TOKEN, token_type: "Bearer" });
const CODE = "authz-code-Wm3Pz8";
const VERIFIER = "pkce-verifier-Rt5Jk2Lq9";
/** Everything the event must never hold. */
const NEVER = [
  AT,
  RT,
  ID_TOKEN,
  CLIENT_SECRET,
  encodeURIComponent(CLIENT_SECRET),
  PASSWORD,
  CODE,
  VERIFIER,
  ACCESS_TOKEN,
];

/** What Authlete says of the tokens it issued, tokens included, as in its real answers. */
const issuedFields = {
  responseContent: TOKENS,
  accessToken: AT,
  refreshToken: RT,
  idToken: ID_TOKEN,
  jwtAccessToken: `${ISSUED_TOKEN_PREFIX}.jwt.at`,
  clientId: 1234,
  clientIdAlias: "spa",
  subject: "user-7",
  scopes: ["openid", "profile"],
  grantId: "grant-5",
};

const events: TokenIssuedEvent[] = [];
// The events and the logs go through the suite-wide secret scan, which looks for issued tokens too.
const { authlete, logs, endpoint } = await useEndpointHarness({
  onTokenIssued: (event) => {
    events.push(event);
  },
});
beforeEach(() => {
  events.length = 0;
});
afterEach(() => {
  exposeForScan(events, "onTokenIssued events");
});

function tokenRequest(body: string, headers: Record<string, string> = {}): Request {
  return new Request("https://as.example.com/token?tenant=a", {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Authorization: encodeBasicCredentials("spa", CLIENT_SECRET),
      ...headers,
    },
    body,
  });
}

function expectNoSecretIn(value: unknown): void {
  const text = `${inspect(value, { depth: 20, showHidden: true })}\n${JSON.stringify(value)}`;
  for (const secret of NEVER) expect(text).not.toContain(secret);
}

const codeBody = `grant_type=authorization_code&code=${CODE}&code_verifier=${VERIFIER}&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb`;

describe("onTokenIssued: every issuing path, once", () => {
  it("OK of /auth/token: the action, grant type, client, subject, scopes, grantId and the request's safe view", async () => {
    authlete.enqueue("", tokenResult("OK", { ...issuedFields, grantType: "AUTHORIZATION_CODE" }));
    const response = await endpoint()(
      tokenRequest(codeBody, { DPoP: "eyJhbGciOiJFUzI1NiJ9.dpop.proof", Origin: "https://app.example.com" }),
    );
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(TOKENS);
    expect(events).toEqual([
      {
        action: "OK",
        grantType: "AUTHORIZATION_CODE",
        clientId: 1234,
        clientIdAlias: "spa",
        subject: "user-7",
        scopes: ["openid", "profile"],
        grantId: "grant-5",
        request: {
          method: "POST",
          url: "https://as.example.com/token",
          origin: "https://app.example.com",
          clientId: "spa",
          parameters:
            "grant_type=authorization_code&code=[REDACTED]&code_verifier=[REDACTED]&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcb",
          dpop: true,
          clientCertificate: false,
        },
      },
    ]);
    expectNoSecretIn(events);
    expect(Object.isFrozen(events[0])).toBe(true);
  });

  it("ID_TOKEN_REISSUABLE (a refresh that may get a new ID token)", async () => {
    authlete.enqueue("", tokenResult("ID_TOKEN_REISSUABLE", { ...issuedFields, grantType: "REFRESH_TOKEN" }));
    const response = await endpoint()(tokenRequest(`grant_type=refresh_token&refresh_token=${RT}`));
    expect(response.status).toBe(200);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: "ID_TOKEN_REISSUABLE", grantType: "REFRESH_TOKEN", subject: "user-7" });
    expect(events[0]?.request.parameters).toBe("grant_type=refresh_token&refresh_token=[REDACTED]");
    expectNoSecretIn(events);
  });

  it("a client credentials grant: no subject, a client_id sent in the form", async () => {
    authlete.enqueue(
      "",
      tokenResult("OK", {
        responseContent: TOKENS,
        grantType: "CLIENT_CREDENTIALS",
        clientId: 99,
        subject: null,
        scopes: null,
      }),
    );
    const request = new Request("https://as.example.com/token", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: `grant_type=client_credentials&client_id=svc-1&client_secret=${encodeURIComponent(CLIENT_SECRET)}`,
    });
    expect((await endpoint()(request)).status).toBe(200);
    expect(events).toEqual([
      expect.objectContaining({
        action: "OK",
        grantType: "CLIENT_CREDENTIALS",
        clientId: 99,
        subject: undefined,
        scopes: [],
        grantId: undefined,
        request: expect.objectContaining({
          clientId: "svc-1",
          parameters: "grant_type=client_credentials&client_id=svc-1&client_secret=[REDACTED]",
          origin: undefined,
          dpop: false,
        }),
      }),
    ]);
    expectNoSecretIn(events);
  });

  it("hides the value of every parameter it does not know, such as OpenID4VCI's pre-authorized code", async () => {
    authlete.enqueue("", tokenResult("OK", { ...issuedFields, grantType: "PRE_AUTHORIZED_CODE" }));
    const body =
      "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Apre-authorized_code&pre-authorized_code=pac-Zr4Qm8&tx_code=493536&stray-Vb7Kw1&scope=openid+email";
    expect((await endpoint()(tokenRequest(body))).status).toBe(200);
    expect(events[0]?.request.parameters).toBe(
      "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Apre-authorized_code&pre-authorized_code=[REDACTED]&tx_code=[REDACTED]&[REDACTED]&scope=openid+email",
    );
    expectNoSecretIn(events);
  });

  it("a finished password grant: what /auth/token/issue issued, after the user was authenticated", async () => {
    authlete.enqueue(
      "",
      tokenResult("PASSWORD", {
        username: "john",
        password: PASSWORD,
        ticket: "T-1",
        grantType: "PASSWORD",
        clientId: 1234,
      }),
    );
    authlete.enqueue("/issue", tokenResult("OK", { ...issuedFields, subject: "subject-42", grantId: null }));
    const response = await endpoint({ authenticateUser: () => "subject-42" })(
      tokenRequest(`grant_type=password&username=john&password=${encodeURIComponent(PASSWORD)}&scope=openid`),
    );
    expect(response.status).toBe(200);
    expect(events).toEqual([
      expect.objectContaining({
        action: "PASSWORD",
        grantType: "PASSWORD",
        clientId: 1234,
        subject: "subject-42",
        scopes: ["openid", "profile"],
        grantId: undefined,
      }),
    ]);
    expect(events[0]?.request.parameters).toBe("grant_type=password&username=john&password=[REDACTED]&scope=openid");
    expectNoSecretIn(events);
  });

  it.each([
    ["TOKEN_EXCHANGE", "onTokenExchange", "TOKEN_EXCHANGE"],
    ["JWT_BEARER", "onJwtBearer", "JWT_BEARER"],
    ["NATIVE_SSO", "onNativeSso", "TOKEN_EXCHANGE"],
  ] as const)("%s answered 200 by %s", async (action, hook, grantType) => {
    authlete.enqueue("", tokenResult(action, { clientId: 7, scopes: ["a"], subjectToken: AT, grantType }));
    const response = await endpoint({ [hook]: () => new Response(TOKENS, { status: 200 }) })(
      tokenRequest(`grant_type=x&subject_token=${AT}&actor_token=device-secret-Hx8`),
    );
    expect(response.status).toBe(200);
    expect(events).toEqual([expect.objectContaining({ action, grantType, clientId: 7, scopes: ["a"] })]);
    expect(events[0]?.request.parameters).toBe("grant_type=x&subject_token=[REDACTED]&actor_token=[REDACTED]");
    expectNoSecretIn(events);
  });
});

describe("onTokenIssued: not told when no tokens are issued", () => {
  it.each([
    ["BAD_REQUEST", tokenResult("BAD_REQUEST", { responseContent: '{"error":"invalid_grant"}' })],
    ["INVALID_CLIENT", tokenResult("INVALID_CLIENT", { responseContent: '{"error":"invalid_client"}' })],
    ["INTERNAL_SERVER_ERROR", tokenResult("INTERNAL_SERVER_ERROR", { responseContent: "{}" })],
    ["OK without a body (answered 500)", tokenResult("OK", { responseContent: null, accessToken: AT })],
    ["an unknown action", tokenResult("TELEPORT", { responseContent: TOKENS })],
    ["Authlete failing", { status: 502, body: {} }],
  ])("%s", async (_name, answer) => {
    authlete.enqueue("", answer);
    const response = await endpoint()(tokenRequest(codeBody));
    expect(response.status).not.toBe(200);
    expect(events).toEqual([]);
  });

  it("a request the endpoint rejects itself", async () => {
    expect((await endpoint()(new Request("https://as.example.com/token"))).status).toBe(405);
    expect(events).toEqual([]);
  });

  it("a password grant with wrong credentials, or whose /auth/token/issue fails", async () => {
    const password = tokenResult("PASSWORD", { username: "john", password: PASSWORD, ticket: "T-1" });
    authlete.enqueue("", password, password);
    authlete.enqueue("/fail", tokenResult("BAD_REQUEST", { responseContent: '{"error":"invalid_grant"}' }));
    authlete.enqueue("/issue", tokenResult("INTERNAL_SERVER_ERROR", { responseContent: "{}" }));
    const body = `grant_type=password&username=john&password=${encodeURIComponent(PASSWORD)}`;
    expect((await endpoint({ authenticateUser: () => null })(tokenRequest(body))).status).toBe(400);
    expect((await endpoint({ authenticateUser: () => "s" })(tokenRequest(body))).status).toBe(500);
    expect(events).toEqual([]);
  });

  it("a grant hook that answers with an error", async () => {
    authlete.enqueue("", tokenResult("JWT_BEARER"));
    const response = await endpoint({ onJwtBearer: () => Response.json({ error: "invalid_grant" }, { status: 400 }) })(
      tokenRequest("grant_type=x"),
    );
    expect(response.status).toBe(400);
    expect(events).toEqual([]);
  });
});

describe("onTokenIssued: cannot change the answer", () => {
  it.each([
    [
      "throws",
      () => {
        throw new Error("audit store down");
      },
    ],
    ["rejects", () => Promise.reject(new Error("audit store down"))],
  ])("when it %s, the tokens are still answered and the failure is logged", async (_name, observer) => {
    authlete.enqueue("", tokenResult("OK", issuedFields));
    const response = await endpoint({ onTokenIssued: observer })(tokenRequest(codeBody));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(TOKENS);
    expect(logs).toEqual([
      { message: expect.stringContaining("onTokenIssued"), details: { error: expect.any(Error), action: "OK" } },
    ]);
    expectNoSecretIn(logs);
  });

  it("runs after the answer is decided and has finished when the answer is returned", async () => {
    authlete.enqueue("", tokenResult("OK", issuedFields));
    const order: string[] = [];
    const response = await endpoint({
      onTokenIssued: async (event) => {
        order.push(`start ${event.action} ${authlete.calls.length}`);
        await new Promise<void>((resolve) => setImmediate(resolve));
        order.push("end");
      },
    })(tokenRequest(codeBody));
    order.push(`answer ${response.status}`);
    expect(order).toEqual(["start OK 1", "end", "answer 200"]);
  });

  it("must be a function", () => {
    expect(() => endpoint({ onTokenIssued: "audit" as unknown as TokenEndpointOptions["onTokenIssued"] })).toThrow(
      AuthleteConfigurationError,
    );
  });
});
