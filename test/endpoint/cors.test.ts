// The token endpoint's CORS answers, judged with the Fetch standard's own checks
// (test/helpers/fetch-cors.ts) in process and over a real loopback server; the same flows run in
// Chromium in cors.browser.test.ts.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AuthleteConfigurationError,
  CORS_MAX_AGE_SECONDS,
  encodeBasicCredentials,
  type TokenEndpointOptions,
  toNodeHandler,
} from "../../src/index.js";
import { useEndpointHarness } from "../helpers/endpoint-harness.js";
import { tokenResult } from "../helpers/fake-authlete.js";
import {
  type CorsRequest,
  corsCheck,
  needsPreflight,
  preflightCheck,
  preflightRequest,
  readableHeaders,
} from "../helpers/fetch-cors.js";
import { ENDPOINT_CLIENT_SECRET as CLIENT_SECRET } from "../helpers/secrets.js";

const APP = "https://app.example.com";
const EVIL = "https://evil.example.net";
const URL_ = "https://as.example.com/token";
const TOKENS = '{"access_token":"AT","token_type":"DPoP","expires_in":3600}';

const { authlete, logs, endpoint } = await useEndpointHarness({ cors: [APP] });

/** What a single-page app sends: Basic client authentication and a DPoP proof, so a preflight first. */
function spaRequest(origin: string): CorsRequest {
  return {
    origin,
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Authorization: encodeBasicCredentials("spa", CLIENT_SECRET),
      DPoP: "eyJ0eXAiOiJkcG9wK2p3dCJ9.e30.proof",
    },
  };
}

function actualRequest(cors: CorsRequest, body = "grant_type=authorization_code&code=C&code_verifier=V"): Request {
  return new Request(URL_, { method: cors.method, headers: { ...cors.headers, Origin: cors.origin }, body });
}

describe("cors: an allowed origin", () => {
  it("gets a preflight answer that passes Fetch's checks: 204, that origin, POST, the DPoP and attestation headers", async () => {
    const request = spaRequest(APP);
    expect(needsPreflight(request)).toBe(true);
    const response = await endpoint()(preflightRequest(URL_, request));
    expect(preflightCheck(response, request)).toEqual({ ok: true });
    expect(response.status).toBe(204);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe(APP);
    expect(response.headers.get("Access-Control-Allow-Methods")).toBe("POST");
    const allowed = response.headers
      .get("Access-Control-Allow-Headers")
      ?.toLowerCase()
      .split(/\s*,\s*/);
    expect(allowed).toEqual(
      expect.arrayContaining([
        "authorization",
        "content-type",
        "dpop",
        "oauth-client-attestation",
        "oauth-client-attestation-pop",
      ]),
    );
    expect(Number(response.headers.get("Access-Control-Max-Age"))).toBe(CORS_MAX_AGE_SECONDS);
    expect(CORS_MAX_AGE_SECONDS).toBeLessThanOrEqual(7200);
    expect(response.headers.get("Vary")).toBe("Origin");
    expect(response.headers.has("Access-Control-Allow-Credentials")).toBe(false);
    expect(authlete.calls).toEqual([]);
  });

  it("passes the preflight for attestation-based client authentication too", async () => {
    const request: CorsRequest = {
      origin: APP,
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "OAuth-Client-Attestation": "a.b.c",
        "OAuth-Client-Attestation-PoP": "d.e.f",
      },
    };
    expect(preflightCheck(await endpoint()(preflightRequest(URL_, request)), request)).toEqual({ ok: true });
  });

  it("can read the tokens and the DPoP-Nonce of a successful POST", async () => {
    authlete.enqueue("", tokenResult("OK", { responseContent: TOKENS, dpopNonce: "nonce-9" }));
    const request = spaRequest(APP);
    const response = await endpoint()(actualRequest(request));
    expect(corsCheck(response, request)).toEqual({ ok: true });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(TOKENS);
    expect(readableHeaders(response, request)).toEqual(expect.arrayContaining(["dpop-nonce", "content-type"]));
    expect(response.headers.get("Access-Control-Expose-Headers")).toBe("DPoP-Nonce, WWW-Authenticate");
    expect(response.headers.get("Vary")).toBe("Origin");
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(response.headers.has("Access-Control-Allow-Credentials")).toBe(false);
  });

  it.each([
    ["Authlete's 400", tokenResult("BAD_REQUEST", { responseContent: '{"error":"invalid_grant"}' }), 400],
    ["Authlete's 401", tokenResult("INVALID_CLIENT", { responseContent: '{"error":"invalid_client"}' }), 401],
    ["Authlete's 500", tokenResult("INTERNAL_SERVER_ERROR", { responseContent: '{"error":"server_error"}' }), 500],
    ["an unreachable Authlete (the endpoint's own 500)", { status: 503, body: {} }, 500],
  ])("can read an error answer: %s", async (_name, answer, status) => {
    authlete.enqueue("", answer);
    const request = spaRequest(APP);
    const response = await endpoint()(actualRequest(request));
    expect(response.status).toBe(status);
    expect(corsCheck(response, request)).toEqual({ ok: true });
    if (status === 401) expect(readableHeaders(response, request)).toContain("www-authenticate");
    expect(response.headers.get("Vary")).toBe("Origin");
  });

  it("can read the endpoint's own rejections (405, 413, 400) made before Authlete is called", async () => {
    const request = spaRequest(APP);
    const ep = endpoint({ maxBodyBytes: 10 });
    const rejections = [
      await ep(new Request(URL_, { method: "GET", headers: { Origin: APP } })),
      await ep(actualRequest(request, "a".repeat(11))),
      await ep(
        new Request(URL_, { method: "POST", headers: { Origin: APP, "Content-Type": "text/plain" }, body: "x" }),
      ),
    ];
    expect(rejections.map((r) => r.status)).toEqual([405, 413, 400]);
    for (const response of rejections) expect(corsCheck(response, request)).toEqual({ ok: true });
    expect(authlete.calls).toEqual([]);
  });

  it("is decided by a function, which only ever sees valid origins", async () => {
    const seen: string[] = [];
    const ep = endpoint({
      cors: (origin) => {
        seen.push(origin);
        return origin.endsWith(".example.com");
      },
    });
    const request = spaRequest(APP);
    expect(preflightCheck(await ep(preflightRequest(URL_, request)), request)).toEqual({ ok: true });
    const evil = spaRequest(EVIL);
    expect(preflightCheck(await ep(preflightRequest(URL_, evil)), evil).ok).toBe(false);
    for (const origin of ["null", "https://app.example.com/", "HTTPS://APP.EXAMPLE.COM", "file://", "x, y"]) {
      const response = await ep(
        new Request(URL_, { method: "OPTIONS", headers: { Origin: origin, "Access-Control-Request-Method": "POST" } }),
      );
      expect(response.headers.has("Access-Control-Allow-Origin")).toBe(false);
    }
    expect(seen).toEqual([APP, EVIL]);
  });

  it("a function that throws or answers a truthy non-boolean allows nothing; the throw is logged", async () => {
    const request = spaRequest(APP);
    const throwing = endpoint({
      cors: () => {
        throw new Error("origin store down");
      },
    });
    const response = await throwing(preflightRequest(URL_, request));
    expect(response.headers.has("Access-Control-Allow-Origin")).toBe(false);
    expect(logs).toEqual([{ message: expect.stringContaining("cors"), details: { error: expect.any(Error) } }]);
    const truthy = endpoint({ cors: (() => "yes") as unknown as (origin: string) => boolean });
    expect((await truthy(preflightRequest(URL_, request))).headers.has("Access-Control-Allow-Origin")).toBe(false);
  });
});

describe("cors: an origin that is not allowed", () => {
  it.each([
    ["another site", EVIL],
    ["another port", "https://app.example.com:8443"],
    ["another scheme", "http://app.example.com"],
    ["a subdomain", "https://x.app.example.com"],
    ["the opaque origin", "null"],
  ])("gets no CORS header and no 204 for its preflight: %s", async (_name, origin) => {
    const request = spaRequest(origin);
    const preflight = await endpoint()(preflightRequest(URL_, request));
    expect(preflight.status).not.toBe(204);
    expect(preflightCheck(preflight, request).ok).toBe(false);
    expect([...preflight.headers.keys()].filter((name) => name.startsWith("access-control-"))).toEqual([]);
    expect(preflight.headers.get("Vary")).toBe("Origin");

    authlete.enqueue("", tokenResult("OK", { responseContent: TOKENS }));
    const post = await endpoint()(actualRequest(request));
    expect(corsCheck(post, request).ok).toBe(false);
    expect([...post.headers.keys()].filter((name) => name.startsWith("access-control-"))).toEqual([]);
    expect(post.headers.get("Vary")).toBe("Origin");
  });

  it("a request without Origin gets Vary: Origin and no CORS header, so no cache serves it to a browser", async () => {
    authlete.enqueue("", tokenResult("OK", { responseContent: TOKENS }));
    const { headers } = spaRequest(APP);
    const response = await endpoint()(
      new Request(URL_, { method: "POST", headers, body: "grant_type=client_credentials" }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("Vary")).toBe("Origin");
    expect(response.headers.has("Access-Control-Allow-Origin")).toBe(false);
  });

  it("a grant hook's response cannot add CORS headers of its own", async () => {
    authlete.enqueue("", tokenResult("TOKEN_EXCHANGE"), tokenResult("TOKEN_EXCHANGE"));
    const ep = endpoint({
      onTokenExchange: () =>
        Response.json(
          { access_token: "AT", token_type: "Bearer" },
          {
            headers: { "Access-Control-Allow-Origin": "*", "Access-Control-Allow-Credentials": "true", Vary: "Accept" },
          },
        ),
    });
    const evil = await ep(
      actualRequest(spaRequest(EVIL), "grant_type=urn:ietf:params:oauth:grant-type:token-exchange"),
    );
    expect(evil.headers.has("Access-Control-Allow-Origin")).toBe(false);
    expect(evil.headers.has("Access-Control-Allow-Credentials")).toBe(false);
    expect(evil.headers.get("Vary")).toBe("Accept, Origin");
    const app = await ep(actualRequest(spaRequest(APP), "grant_type=urn:ietf:params:oauth:grant-type:token-exchange"));
    expect(app.headers.get("Access-Control-Allow-Origin")).toBe(APP);
    expect(app.headers.has("Access-Control-Allow-Credentials")).toBe(false);
  });
});

describe("cors: what is not a preflight", () => {
  it("OPTIONS without Access-Control-Request-Method is answered 405 like any other method", async () => {
    const response = await endpoint()(new Request(URL_, { method: "OPTIONS", headers: { Origin: APP } }));
    expect(response.status).toBe(405);
    expect(response.headers.get("Allow")).toBe("POST");
    expect(corsCheck(response, spaRequest(APP))).toEqual({ ok: true });
  });

  it("without the cors option, a preflight gets 405 and no answer carries a CORS header or Vary", async () => {
    const ep = endpoint({ cors: undefined });
    const request = spaRequest(APP);
    const preflight = await ep(preflightRequest(URL_, request));
    expect(preflight.status).toBe(405);
    authlete.enqueue("", tokenResult("OK", { responseContent: TOKENS }));
    const post = await ep(actualRequest(request));
    for (const response of [preflight, post]) {
      expect([...response.headers.keys()].filter((name) => name.startsWith("access-control-"))).toEqual([]);
      expect(response.headers.has("Vary")).toBe(false);
    }
  });
});

describe("cors: configuration", () => {
  it.each([
    ["*", ["*"]],
    ["a trailing slash", ["https://app.example.com/"]],
    ["a path", ["https://app.example.com/app"]],
    ["a query", ["https://app.example.com?x=1"]],
    ["upper case", ["https://App.example.com"]],
    ["a default port", ["https://app.example.com:443"]],
    ["no scheme", ["app.example.com"]],
    ["a scheme other than http(s)", ["chrome-extension://abcdef"]],
    ["the opaque origin", ["null"]],
    ["user info", ["https://user@app.example.com"]],
    ["a non-string", [42]],
    ["a string instead of a list", "https://app.example.com"],
    ["an object", { origins: [APP] }],
  ])("refuses %s at creation with AuthleteConfigurationError", (_name, cors) => {
    expect(() => endpoint({ cors: cors as TokenEndpointOptions["cors"] })).toThrow(AuthleteConfigurationError);
  });

  it("names the serialized origin when a value only differs from one", () => {
    expect(() => endpoint({ cors: ["https://app.example.com/"] })).toThrow('did you mean "https://app.example.com"?');
  });

  it("accepts exact origins with ports, IPv6 and punycode hosts, and an empty list that allows nothing", async () => {
    expect(() =>
      endpoint({ cors: ["http://localhost:5173", "http://[::1]:8080", "https://xn--bcher-kva.example"] }),
    ).not.toThrow();
    const none = endpoint({ cors: [] });
    const response = await none(preflightRequest(URL_, spaRequest(APP)));
    expect(response.status).toBe(405);
    expect(response.headers.get("Vary")).toBe("Origin");
  });
});

describe("cors through toNodeHandler on a loopback server", () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer(toNodeHandler(endpoint()));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("answers the preflight and the POST as a browser needs", async () => {
    const request = spaRequest(APP);
    const preflight = preflightRequest(`${base}/token`, request);
    const answer = await fetch(preflight);
    expect(answer.status).toBe(204);
    expect(preflightCheck(answer, request)).toEqual({ ok: true });

    authlete.enqueue("", tokenResult("OK", { responseContent: TOKENS, dpopNonce: "nonce-n" }));
    const post = await fetch(`${base}/token`, {
      method: "POST",
      headers: { ...request.headers, Origin: APP },
      body: "grant_type=authorization_code&code=C",
    });
    expect(post.status).toBe(200);
    expect(corsCheck(post, request)).toEqual({ ok: true });
    expect(readableHeaders(post, request)).toContain("dpop-nonce");
    expect(await post.text()).toBe(TOKENS);
  });
});
