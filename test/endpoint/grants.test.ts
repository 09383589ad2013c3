import { createHash, X509Certificate } from "node:crypto";
import { createServer, type Server } from "node:http";
import { inspect } from "node:util";
import * as oauth from "oauth4webapi";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { certificateThumbprint, jwkThumbprint } from "../../src/endpoint/jwk-thumbprint.js";
import {
  createTokenClient,
  createTokenEndpoint,
  type TokenEndpointLogDetails,
  type TokenEndpointOptions,
  toNodeHandler,
} from "../../src/index.js";
import { createFakeAuthlete, type FakeAuthlete, type FakeAuthleteServer } from "../../src/testing/index.js";
import { LEAF_PEM } from "../helpers/certificates.js";
import { exposeForScan } from "../helpers/secret-scan.js";
import { GRANT_CLIENT_SECRET as CLIENT_SECRET, ISSUED_TOKEN_PREFIX } from "../helpers/secrets.js";

// A real OAuth client library (oauth4webapi) against `createTokenEndpoint` served over loopback,
// with the fake Authlete over loopback too: the hooks decide, the endpoint makes every Authlete call.

const TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
const JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
// A device secret is handed to the client (Native SSO): scanned for everywhere but in HTTP answers.
const DEVICE_SECRET = `${ISSUED_TOKEN_PREFIX}-device-secret-Hy3kP0`;

let authlete: FakeAuthlete;
let authleteServer: FakeAuthleteServer;
let server: Server | undefined;
let logs: { message: string; details: TokenEndpointLogDetails }[];

beforeAll(async () => {
  // The fake knows only tokens it issued or was told of: these stand for the service's own tokens.
  authlete = createFakeAuthlete({
    tokens: ["subject-token-1", "subject-token-2", "s"].map((token) => ({ token, clientId: "app", subject: "john" })),
  });
  authleteServer = await authlete.listen();
});
afterAll(async () => {
  await authleteServer.close();
});
beforeEach(() => {
  authlete.reset();
  logs = [];
});
afterEach(async () => {
  exposeForScan(logs, "grants endpoint logger");
  exposeForScan(inspect(authlete.calls, { depth: 10 }), "fake Authlete calls");
  const running = server;
  server = undefined;
  if (running) {
    running.closeAllConnections();
    await new Promise<void>((done) => running.close(() => done()));
  }
});

/** Serves `createTokenEndpoint(options)` on loopback; returns what oauth4webapi needs to call it. */
async function serve(options: Partial<TokenEndpointOptions>) {
  const endpoint = createTokenEndpoint({
    client: createTokenClient({
      serviceId: authlete.serviceId,
      accessToken: authlete.accessToken,
      baseUrl: authleteServer.url,
    }),
    logger: { error: (message, details) => logs.push({ message, details }) },
    ...options,
  });
  server = createServer(toNodeHandler(endpoint));
  const running = server;
  await new Promise<void>((done) => running.listen(0, "127.0.0.1", done));
  const address = running.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  const as: oauth.AuthorizationServer = {
    issuer: `http://127.0.0.1:${port}`,
    token_endpoint: `http://127.0.0.1:${port}/token`,
  };
  const client: oauth.Client = { client_id: "app" };
  return { as, client };
}

const insecure = { [oauth.allowInsecureRequests]: true } as const;

function grant(
  target: Awaited<ReturnType<typeof serve>>,
  grantType: string,
  parameters: Record<string, string>,
  options: { DPoP?: oauth.DPoPHandle } = {},
) {
  return oauth.genericTokenEndpointRequest(
    target.as,
    target.client,
    oauth.ClientSecretPost(CLIENT_SECRET),
    grantType,
    parameters,
    { ...insecure, ...options },
  );
}

function createCalls() {
  return authlete.calls.filter((call) => call.operation === "create");
}

/** The payload of a JWT, decoded without verification (the fake does not sign). */
function payloadOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8"));
}

/** RFC 7638 §3 computed with node:crypto, independently of the endpoint's WebCrypto code. */
function expectedThumbprint(jwk: JsonWebKey): string {
  const canonical =
    jwk.kty === "EC"
      ? `{"crv":"${jwk.crv}","kty":"EC","x":"${jwk.x}","y":"${jwk.y}"}`
      : `{"e":"${jwk.e}","kty":"RSA","n":"${jwk.n}"}`;
  return createHash("sha256").update(canonical).digest("base64url");
}

describe("token exchange and JWT bearer finished with /auth/token/create", () => {
  it("answers a token exchange decided by the hook with 200, issued_token_type and no-store", async () => {
    const target = await serve({ onTokenExchange: () => ({ subject: "john", scopes: ["profile"] }) });
    const response = await grant(target, TOKEN_EXCHANGE, {
      subject_token: "subject-token-1",
      subject_token_type: "urn:ietf:params:oauth:token-type:access_token",
      scope: "profile",
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("pragma")).toBe("no-cache");
    const body = await oauth.processGenericTokenEndpointResponse(target.as, target.client, response);
    expect(body).toMatchObject({
      issued_token_type: "urn:ietf:params:oauth:token-type:access_token",
      token_type: "bearer",
      expires_in: 3600,
      scope: "profile",
    });
    expect(body.access_token).toMatch(/^fake-/);
    expect(body.refresh_token).toBeUndefined();
    const [call, ...more] = createCalls();
    expect(more).toEqual([]);
    const tokenCall = authlete.calls.find((c) => c.operation === "token");
    expect(call?.body).toMatchObject({ grantType: "TOKEN_EXCHANGE", subject: "john", scopes: ["profile"] });
    // The client of the /auth/token result, as Authlete reported it.
    expect(call?.body).toHaveProperty("clientId", expect.any(Number));
    expect(tokenCall?.action).toBe("TOKEN_EXCHANGE");
  });

  it("answers a JWT bearer grant with the refresh token the decision asked for, which then refreshes", async () => {
    const target = await serve({
      onJwtBearer: (result) => ({
        subject: `sub-of-${result.assertion?.length}`,
        scopes: ["profile"],
        refreshToken: true,
        accessTokenDuration: 600,
      }),
    });
    const assertion = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJqb2huIn0.c2ln";
    const response = await grant(target, JWT_BEARER, { assertion, scope: "profile" });
    const body = await oauth.processGenericTokenEndpointResponse(target.as, target.client, response);
    expect(body).toMatchObject({ token_type: "bearer", expires_in: 600, scope: "profile" });
    expect(body).not.toHaveProperty("issued_token_type");
    expect(body.refresh_token).toMatch(/^fake-/);
    expect(createCalls()[0]?.body).toMatchObject({
      grantType: "JWT_BEARER",
      subject: `sub-of-${assertion.length}`,
      accessTokenDuration: 600,
    });

    const refreshed = await oauth.refreshTokenGrantRequest(
      target.as,
      target.client,
      oauth.ClientSecretPost(CLIENT_SECRET),
      body.refresh_token ?? "",
      insecure,
    );
    expect(refreshed.status).toBe(200);
  });

  it("binds the token to the DPoP proof's key: token_type DPoP and the RFC 7638 thumbprint sent to Authlete", async () => {
    const target = await serve({ onTokenExchange: () => ({ subject: "john" }) });
    const keyPair = await oauth.generateKeyPair("ES256");
    const response = await grant(
      target,
      TOKEN_EXCHANGE,
      { subject_token: "subject-token-2", subject_token_type: "urn:ietf:params:oauth:token-type:access_token" },
      { DPoP: oauth.DPoP(target.client, keyPair) },
    );
    const body = await oauth.processGenericTokenEndpointResponse(target.as, target.client, response);
    expect(body.token_type).toBe("dpop");
    const jwk = await crypto.subtle.exportKey("jwk", keyPair.publicKey);
    expect(createCalls()[0]?.body).toMatchObject({ dpopKeyThumbprint: expectedThumbprint(jwk) });
  });

  it("binds the token to the mutual-TLS client certificate: its x5t#S256 sent to Authlete", async () => {
    const target = await serve({
      clientCertificate: () => ({ certificate: LEAF_PEM }),
      onJwtBearer: () => ({ subject: "john" }),
    });
    const response = await grant(target, JWT_BEARER, { assertion: "a.b.c" });
    expect(response.status).toBe(200);
    const fingerprint = new X509Certificate(LEAF_PEM).fingerprint256.replaceAll(":", "");
    expect(createCalls()[0]?.body).toMatchObject({
      certificateThumbprint: Buffer.from(fingerprint, "hex").toString("base64url"),
    });
    expect(createCalls()[0]?.body).not.toHaveProperty("dpopKeyThumbprint");
  });

  it("answers 500 server_error, logged, when Authlete does not create the token, and 400 for BAD_REQUEST", async () => {
    const target = await serve({ onTokenExchange: () => ({ subject: "john" }) });
    const parameters = { subject_token: "s", subject_token_type: "urn:ietf:params:oauth:token-type:access_token" };
    authlete.next({ path: "/auth/token/create", action: "INTERNAL_SERVER_ERROR" });
    const failed = await grant(target, TOKEN_EXCHANGE, parameters);
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ error: "server_error" });
    expect(logs[0]).toMatchObject({
      message: "Authlete did not create the token",
      details: { action: "INTERNAL_SERVER_ERROR" },
    });

    authlete.next({ path: "/auth/token/create", action: "BAD_REQUEST" });
    const refused = await grant(target, TOKEN_EXCHANGE, parameters);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ error: "invalid_request" });
  });

  it("answers 500 server_error, logged, when the /auth/token/create call itself fails", async () => {
    const target = await serve({
      onJwtBearer: () => {
        authlete.failNext(503); // the next call is the endpoint's /auth/token/create
        return { subject: "john" };
      },
    });
    const response = await grant(target, JWT_BEARER, { assertion: "a.b.c" });
    expect(response.status).toBe(500);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({ error: "server_error" });
    expect(createCalls().map((call) => call.status)).toEqual([503]);
    expect(logs).toHaveLength(1);
    expect(logs[0]?.details.error).toMatchObject({ name: "AuthleteApiError", status: 503 });
  });

  it("still takes a Response from the hook, with no Authlete call of its own", async () => {
    const target = await serve({
      onTokenExchange: () => Response.json({ error: "invalid_grant" }, { status: 400 }),
    });
    const response = await grant(target, TOKEN_EXCHANGE, {
      subject_token: "s",
      subject_token_type: "urn:ietf:params:oauth:token-type:access_token",
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(createCalls()).toEqual([]);
  });

  it("tells onTokenIssued once per answer with tokens, without a token value", async () => {
    const events: unknown[] = [];
    const target = await serve({
      onJwtBearer: () => ({ subject: "john", scopes: ["profile"], refreshToken: true }),
      onTokenIssued: (event) => {
        events.push(event);
      },
    });
    const response = await grant(target, JWT_BEARER, { assertion: "a.b.c", scope: "profile" });
    const body = (await response.json()) as { access_token: string; refresh_token: string };
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      action: "JWT_BEARER",
      grantType: "JWT_BEARER",
      subject: "john",
      scopes: ["profile"],
    });
    const text = JSON.stringify(events);
    expect(text).not.toContain(body.access_token);
    expect(text).not.toContain(body.refresh_token);
  });
});

describe("Native SSO finished with /nativesso", () => {
  it("answers the Native SSO token exchange with the ID token and the device secret", async () => {
    const events: unknown[] = [];
    const target = await serve({
      onNativeSso: (result) => ({ deviceSecret: result.deviceSecret ?? "" }),
      onTokenIssued: (event) => {
        events.push(event);
      },
    });
    const response = await grant(target, TOKEN_EXCHANGE, {
      subject_token: "eyJhbGciOiJFUzI1NiJ9.e30.c2ln",
      subject_token_type: "urn:ietf:params:oauth:token-type:id_token",
      actor_token: DEVICE_SECRET,
      actor_token_type: "urn:openid:params:token-type:device-secret",
      scope: "openid device_sso",
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = (await response.json()) as Record<string, string>;
    expect(body.device_secret).toBe(DEVICE_SECRET);
    expect(body.access_token).toMatch(/^fake-/);
    // ds_hash is the SHA-256 of the device secret (OpenID Connect Native SSO §4.1).
    expect(payloadOf(body.id_token ?? "")).toMatchObject({
      ds_hash: createHash("sha256").update(DEVICE_SECRET).digest("base64url"),
    });
    const call = authlete.calls.find((c) => c.operation === "nativesso");
    expect(call?.body).toMatchObject({ deviceSecret: DEVICE_SECRET, accessToken: body.access_token });
    expect(events).toMatchObject([{ action: "NATIVE_SSO" }]);
    expect(JSON.stringify(events)).not.toContain(DEVICE_SECRET);
    expect(JSON.stringify(events)).not.toContain(body.access_token);
    // The call record shows neither the device secret nor the token when printed.
    expect(inspect(call)).not.toContain(DEVICE_SECRET);
    expect(inspect(call)).not.toContain(body.access_token);
  });

  it("answers 500 server_error, logged, when /nativesso answers CALLER_ERROR", async () => {
    const target = await serve({ onNativeSso: () => ({ deviceSecret: DEVICE_SECRET, claims: { email: "j@x" } }) });
    authlete.next("NATIVE_SSO").next({ path: "/nativesso", action: "CALLER_ERROR" });
    const response = await grant(target, "authorization_code", { code: "c", redirect_uri: "https://app/cb" });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: "server_error" });
    expect(logs[0]?.details.action).toBe("CALLER_ERROR");
    expect(authlete.calls.find((c) => c.operation === "nativesso")?.body).toMatchObject({
      claims: '{"email":"j@x"}',
    });
  });
});

describe("ID_TOKEN_REISSUABLE through /idtoken/reissue", () => {
  async function refresh(options: Partial<TokenEndpointOptions>) {
    const target = await serve(options);
    authlete.next("ID_TOKEN_REISSUABLE");
    return oauth.refreshTokenGrantRequest(
      target.as,
      target.client,
      oauth.ClientSecretPost(CLIENT_SECRET),
      "some-refresh-token",
      insecure,
    );
  }

  it("reissues the ID token with the claims reissueIdToken returns", async () => {
    const events: unknown[] = [];
    const response = await refresh({
      reissueIdToken: () => ({ claims: { email: "john@example.com" } }),
      onTokenIssued: (event) => {
        events.push(event);
      },
    });
    expect(response.status).toBe(200);
    expect(events).toMatchObject([{ action: "ID_TOKEN_REISSUABLE", grantType: "REFRESH_TOKEN" }]);
    const body = (await response.json()) as Record<string, string>;
    expect(payloadOf(body.id_token ?? "")).toMatchObject({ email: "john@example.com" });
    expect(authlete.calls.filter((c) => c.operation === "reissue")).toHaveLength(1);
  });

  it("answers 500 server_error, logged, when /idtoken/reissue answers INTERNAL_SERVER_ERROR", async () => {
    authlete.next({ path: "/idtoken/reissue", action: "INTERNAL_SERVER_ERROR" });
    const response = await refresh({ reissueIdToken: () => ({}) });
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: "server_error" });
    expect(logs.map((entry) => entry.details.action)).toEqual(["INTERNAL_SERVER_ERROR"]);
  });

  it("keeps /auth/token's answer without the option or when it returns false", async () => {
    for (const options of [{}, { reissueIdToken: () => false as const }]) {
      authlete.reset();
      const response = await refresh(options);
      expect(response.status).toBe(200);
      expect(await response.json()).not.toHaveProperty("id_token");
      expect(authlete.calls.filter((c) => c.operation === "reissue")).toEqual([]);
      server?.closeAllConnections();
      await new Promise<void>((done) => server?.close(() => done()));
      server = undefined;
    }
  });
});

describe("the thumbprints", () => {
  it("computes RFC 7638 §3.1's known answer", async () => {
    const jwk = {
      kty: "RSA",
      n: "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
      e: "AQAB",
      alg: "RS256",
      kid: "2011-04-29",
    };
    expect(await jwkThumbprint(jwk)).toBe("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
  });

  it("refuses a key it cannot take the thumbprint of", async () => {
    await expect(jwkThumbprint({ kty: "EC", crv: "P-256", x: "x" })).rejects.toThrow(/lacks "y"/);
    await expect(jwkThumbprint({ kty: "nope" })).rejects.toThrow(TypeError);
  });

  it("takes a certificate's x5t#S256 over its DER, as node:crypto's fingerprint256", async () => {
    const pem = LEAF_PEM;
    const expected = Buffer.from(new X509Certificate(pem).fingerprint256.replaceAll(":", ""), "hex").toString(
      "base64url",
    );
    expect(await certificateThumbprint(pem)).toBe(expected);
  });
});
