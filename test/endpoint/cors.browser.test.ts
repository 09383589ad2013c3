import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createTokenClient,
  createTokenEndpoint,
  encodeBasicCredentials,
  type TokenIssuedEvent,
  toNodeHandler,
} from "../../src/index.js";
import { launchChromium, skipWithoutChromium } from "../helpers/chromium.js";
import { type FakeAuthlete, startFakeAuthlete, tokenResult } from "../helpers/fake-authlete.js";
import { startServer } from "../helpers/http-server.js";
import { ENDPOINT_ACCESS_TOKEN as ACCESS_TOKEN, ENDPOINT_CLIENT_SECRET as CLIENT_SECRET } from "../helpers/secrets.js";

const skipBrowser = skipWithoutChromium("CORS browser checks");

const TOKENS = '{"access_token":"AT","token_type":"DPoP","expires_in":3600}';
const PAGE = "<!doctype html><title>app</title><p>app</p>";

/** What the page's `fetch` ended with: the parts a script can see, or the error it rejected with. */
type Outcome =
  | { ok: true; status: number; body: string; nonce: string | null; challenge: string | null; allHeaders: string[] }
  | { ok: false; error: string };

let authlete: FakeAuthlete;
let endpointServer: Server;
let endpointUrl: string;
let app: Awaited<ReturnType<typeof startServer>>;
let other: Awaited<ReturnType<typeof startServer>>;
let seen: { method: string; origin: string | null }[];
let events: TokenIssuedEvent[];
let chromium: Awaited<ReturnType<typeof launchChromium>> | undefined;
let context: BrowserContext | undefined;

beforeAll(async () => {
  authlete = await startFakeAuthlete();
  // Two page origins on their own ports: one allowed, one not.
  app = await startServer((_request, response) => {
    response.setHeader("Content-Type", "text/html");
    response.end(PAGE);
  });
  other = await startServer((_request, response) => {
    response.setHeader("Content-Type", "text/html");
    response.end(PAGE);
  });
  const endpoint = createTokenEndpoint({
    client: createTokenClient({ serviceId: authlete.serviceId, accessToken: ACCESS_TOKEN, baseUrl: authlete.baseUrl }),
    cors: [app.url],
    onTokenIssued: (event) => {
      events.push(event);
    },
  });
  endpointServer = createServer(
    toNodeHandler((request) => {
      seen.push({ method: request.method, origin: request.headers.get("Origin") });
      return endpoint(request);
    }),
  );
  await new Promise<void>((resolve) => endpointServer.listen(0, "127.0.0.1", resolve));
  endpointUrl = `http://127.0.0.1:${(endpointServer.address() as AddressInfo).port}/token`;
  if (skipBrowser) return;
  chromium = await launchChromium();
  context = chromium.context;
});
afterAll(async () => {
  await chromium?.close();
  endpointServer?.closeAllConnections();
  await new Promise((resolve) => endpointServer?.close(resolve));
  await app?.close();
  await other?.close();
  await authlete?.close();
});
beforeEach(() => {
  authlete.reset();
  seen = [];
  events = [];
});

async function pageAt(origin: string): Promise<Page> {
  if (!context) throw new Error("Chromium did not start");
  const page = await context.newPage();
  await page.goto(`${origin}/`);
  return page;
}

/** Runs `fetch` in the page, as a single-page app's token request would. */
function tokenFetch(page: Page, headers: Record<string, string>, body: string): Promise<Outcome> {
  return page.evaluate(
    async ({ url, headers, body }) => {
      try {
        const response = await fetch(url, { method: "POST", headers, body });
        return {
          ok: true as const,
          status: response.status,
          body: await response.text(),
          nonce: response.headers.get("DPoP-Nonce"),
          challenge: response.headers.get("WWW-Authenticate"),
          allHeaders: [...response.headers.keys()],
        };
      } catch (error) {
        return { ok: false as const, error: String(error) };
      }
    },
    { url: endpointUrl, headers, body },
  );
}

/** Basic client authentication and a DPoP proof: both make the browser send a preflight first. */
const spaHeaders = () => ({
  "Content-Type": "application/x-www-form-urlencoded",
  Authorization: encodeBasicCredentials("spa", CLIENT_SECRET),
  DPoP: "eyJ0eXAiOiJkcG9wK2p3dCJ9.e30.proof",
});

describe.skipIf(skipBrowser)("a browser client on an allowed origin (Chromium)", () => {
  it("gets through the preflight and reads the tokens and DPoP-Nonce of its POST; onTokenIssued is told once", async () => {
    authlete.enqueue(
      "",
      tokenResult("OK", {
        responseContent: TOKENS,
        dpopNonce: "nonce-b1",
        grantType: "AUTHORIZATION_CODE",
        subject: "u1",
      }),
    );
    const page = await pageAt(app.url);
    const outcome = await tokenFetch(page, spaHeaders(), "grant_type=authorization_code&code=C&code_verifier=V");
    await page.close();
    expect(outcome).toEqual({
      ok: true,
      status: 200,
      body: TOKENS,
      nonce: "nonce-b1",
      challenge: null,
      allHeaders: expect.any(Array),
    });
    // Only the safelisted and exposed headers reach the script.
    if (outcome.ok) expect(outcome.allHeaders.filter((name) => name.startsWith("access-control-"))).toEqual([]);
    expect(seen).toEqual([
      { method: "OPTIONS", origin: app.url },
      { method: "POST", origin: app.url },
    ]);
    expect(events).toEqual([
      expect.objectContaining({ action: "OK", subject: "u1", request: expect.objectContaining({ origin: app.url }) }),
    ]);
  });

  it("reads an error answer and its WWW-Authenticate challenge", async () => {
    authlete.enqueue("", tokenResult("INVALID_CLIENT", { responseContent: '{"error":"invalid_client"}' }));
    const page = await pageAt(app.url);
    const outcome = await tokenFetch(page, spaHeaders(), "grant_type=authorization_code&code=C");
    await page.close();
    expect(outcome).toMatchObject({
      ok: true,
      status: 401,
      body: '{"error":"invalid_client"}',
      challenge: 'Basic realm="token"',
    });
    expect(seen.at(-1)).toEqual({ method: "POST", origin: app.url });
    expect(events).toEqual([]);
  });
});

describe.skipIf(skipBrowser)("a page on an origin that is not allowed (Chromium)", () => {
  it("fails its preflight, so its token request is never sent", async () => {
    const page = await pageAt(other.url);
    const outcome = await tokenFetch(page, spaHeaders(), "grant_type=authorization_code&code=C");
    await page.close();
    expect(outcome).toEqual({ ok: false, error: expect.stringContaining("TypeError") });
    expect(seen).toEqual([{ method: "OPTIONS", origin: other.url }]);
    expect(authlete.calls).toEqual([]);
  });

  it("cannot read the answer of a request that needs no preflight", async () => {
    authlete.enqueue("", tokenResult("OK", { responseContent: TOKENS }));
    const page = await pageAt(other.url);
    const outcome = await tokenFetch(
      page,
      { "Content-Type": "application/x-www-form-urlencoded" },
      "grant_type=client_credentials&client_id=spa",
    );
    await page.close();
    // The browser sent it (a "simple" request) but, without CORS headers on the answer, hides it.
    expect(seen).toEqual([{ method: "POST", origin: other.url }]);
    expect(outcome).toEqual({ ok: false, error: expect.stringContaining("TypeError") });
  });
});
