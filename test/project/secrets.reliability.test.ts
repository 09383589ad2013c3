// Secrets: every error path of the client and the token endpoint, provoked while they hold the
// Authlete access token and client secrets, goes through the suite-wide scan
// (test/helpers/secret-scan.ts), which fails this file if any secret shows up. The first block
// proves the scan can fail: it finds deliberate leaks in every channel and every encoding.
import { readdir, readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join, relative } from "node:path";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AuthleteError,
  createAuthleteFetchClient,
  createTokenClient,
  createTokenEndpoint,
  encodeBasicCredentials,
  parseTokenRequest,
  type TokenClient,
  TokenEndpointError,
  type TokenEndpointLogDetails,
  type TokenRequest,
  toNodeHandler,
} from "../../src/index.js";
import { type StatelessAuthlete, startStatelessAuthlete } from "../helpers/fake-authlete.js";
import { type Fault, type FaultServer, startFaultServer } from "../helpers/fault-server.js";
import { ROOT } from "../helpers/project.js";
import { recordOutcome } from "../helpers/reliability.js";
import { exposeForScan, renderForScan, scanState, withScratchScan } from "../helpers/secret-scan.js";
import {
  RELIABILITY_ACCESS_TOKEN as ACCESS_TOKEN,
  RELIABILITY_CLIENT_SECRET as CLIENT_SECRET,
  findSecrets,
  ISSUED_TOKEN_PREFIX,
  NEEDLES,
  SECRETS,
  UNSCANNABLE_LITERALS,
} from "../helpers/secrets.js";

const CLIENT_ID = "rel-client:1 é";
const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
/** A header value as it arrives when a client sends UTF-8: its bytes, one Latin-1 character each. */
const wire = (text: string) => Buffer.from(text, "utf8").toString("latin1");

describe("the secret scan can fail", () => {
  it("finds every secret raw, JSON-escaped, percent/form-encoded and in Base64 at any alignment", () => {
    for (const secret of SECRETS) {
      const { value } = secret;
      const forms = [
        `x ${value} y`,
        JSON.stringify({ value }),
        JSON.stringify({ value }).replace(
          /[\u0080-\uffff]/g,
          (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
        ),
        encodeURIComponent(value),
        new URLSearchParams({ client_secret: value }).toString(),
        // A Basic header echoed: Base64 of a form-encoded "id:secret", for IDs of every length mod 3.
        ...["", "a", "ab", "abc", "abcd", "abcde"].map((id) => encodeBasicCredentials(id, value)),
        ...["", "a", "ab"].map((prefix) => b64(`${prefix}${value}`)),
        ...["", "a", "ab"].map((prefix) => Buffer.from(`${prefix}${value}`).toString("base64url")),
        ...["", "a", "ab"].map((id) => `Basic ${b64(`${id}:${value}`)}`),
      ];
      for (const text of forms) {
        expect(
          findSecrets(text).filter((f) => f.secret === secret.name),
          `${secret.name} in ${text}`,
        ).not.toEqual([]);
      }
    }
  });

  it("does not find a secret that is not there: near misses and ordinary traffic", () => {
    const nearMisses = SECRETS.map((s) => `${s.value.slice(0, -1)}#`).join("\n");
    expect(findSecrets(nearMisses)).toEqual([]);
    const traffic = [
      '{"access_token":"Z5a40U6dWvw2gMoCOAFbZcM85q4HC0Z--0YKD9-Nf6Q","token_type":"Bearer","expires_in":3600}',
      '{"error":"invalid_client","error_description":"The Basic credentials are not Base64"}',
      encodeBasicCredentials("client", ["another", "secret", "entirely"].join("-")),
      "grant_type=client_credentials&client_id=c&client_secret=s",
    ].join("\n");
    expect(findSecrets(traffic)).toEqual([]);
  });

  it("sees a leak in every channel it watches", async () => {
    const secret = CLIENT_SECRET;
    const server = createServer((_req, res) => {
      res.write(`{"echo":"${b64(`x:${secret}`)}",`);
      res.end(`"again":"${secret}"}`);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const channels = async (leak: () => unknown) => Object.keys((await withScratchScan(leak, { mute: true })).channels);
    const leaks: [string, () => unknown][] = [
      ["process.stdout", () => process.stdout.write(`${secret}\n`)],
      ["process.stderr", () => process.stderr.write(Buffer.from(encodeURIComponent(secret)))],
      ["console.log", () => console.log({ deep: { deeper: { deepest: { still: { secret } } } } })],
      ["console.error", () => console.error("failed:", new Error("wrapped", { cause: new Error(secret) }))],
      ["http response body", async () => (await fetch(url)).arrayBuffer()],
      ["web Response body", () => new Response(`{"client_secret":"${secret}"}`)],
      ["web Response body read", () => new Response(new Blob([secret]).stream()).text()],
      ["exposed", () => exposeForScan(new AggregateError([new Error("x", { cause: { secret } })], "several"))],
    ];
    try {
      for (const [channel, leak] of leaks) {
        const scratch = await withScratchScan(leak, { mute: true });
        const found = scratch.findings.filter((f) => f.channel === channel);
        expect(found, `${channel} (saw ${await channels(leak)})`).not.toEqual([]);
        expect(scratch.occurrences).toBeGreaterThan(0);
      }
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    // The deliberate leaks went to scratch counters: this file's own count is still clean.
    expect(scanState().occurrences).toBe(0);
  });

  it("looks for issued tokens in logs, errors and output, but not in response bodies", async () => {
    const token = `${ISSUED_TOKEN_PREFIX}-abc`;
    const logged = await withScratchScan(() =>
      exposeForScan({ details: { result: { accessToken: token } } }, "logger"),
    );
    expect(logged.findings.map((f) => f.secret)).toEqual(["ISSUED_TOKEN_PREFIX"]);
    const printed = await withScratchScan(() => console.warn(token), { mute: true });
    expect(printed.occurrences).toBeGreaterThan(0);
    const answered = await withScratchScan(() => new Response(JSON.stringify({ access_token: token })).text());
    expect(answered.occurrences).toBe(0);
    expect(answered.items).toBe(2);
  });

  it("renders an error every way it may be logged", () => {
    const error = new Error("outer", { cause: new TypeError("inner", { cause: "a string cause" }) });
    Object.defineProperty(error, "hidden", { value: "non-enumerable detail", enumerable: false });
    const text = renderForScan(error);
    for (const part of ["outer", "inner", "a string cause", "non-enumerable detail", "at "]) {
      expect(text).toContain(part);
    }
  });
});

describe("every secret literal of the suite is scanned for", () => {
  it("finds no secret-looking literal in a test file that the scan does not know", async () => {
    const files: string[] = [];
    const walk = async (dir: string) => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path);
        else if (/\.(?:ts|js)$/.test(entry.name)) files.push(path);
      }
    };
    await walk(join(ROOT, "test"));
    await walk(join(ROOT, "examples"));
    const patterns = [
      /\b(?:accessToken|clientSecret|AUTHLETE_ACCESS_TOKEN|client_secret)\s*:\s*"([^"]+)"/g,
      /\b[A-Z_]*(?:ACCESS_TOKEN|SECRET)\s*=\s*"([^"]+)"/g,
      /ClientSecretBasic\(\s*"([^"]+)"/g,
      /encodeBasicCredentials\(\s*"[^"]*"\s*,\s*"([^"]+)"/g,
    ];
    const known = new Set([...SECRETS.map((s) => s.value), ...Object.keys(UNSCANNABLE_LITERALS)]);
    const unknown: string[] = [];
    let literals = 0;
    for (const file of files) {
      if (file.endsWith(join("helpers", "secrets.ts"))) continue;
      const source = await readFile(file, "utf8");
      for (const pattern of patterns) {
        for (const match of source.matchAll(pattern)) {
          literals++;
          const literal = match[1] ?? "";
          // Literals that never leave a unit test of encoding (short, made-up values) are fine.
          if (!known.has(literal) && literal.length >= 8) unknown.push(`${relative(ROOT, file)}: "${literal}"`);
        }
      }
    }
    expect(literals).toBeGreaterThan(5);
    expect(unknown, "add these to test/helpers/secrets.ts (SECRETS) or use its constants").toEqual([]);
    expect(NEEDLES.length).toBeGreaterThan(SECRETS.length * 4);
  });
});

/** A server that accepts a connection and never answers (for timeouts). */
function silentServer(): Promise<FaultServer> {
  return startFaultServer({ otherwise: { kind: "no-answer" }, maxRequests: 10_000, lifetimeMs: 600_000 });
}

/**
 * A server answering each path by its first segment: `/s500` a 500 (any status), `/html`, `/empty`,
 * `/array` bodies that are not a JSON object, `/redirect` a 307, `/reset` a cut connection.
 */
function scriptedServer(): Promise<FaultServer> {
  const faultFor = (path: string): Fault => {
    const [, kind] = /^\/(\w+)/.exec(path) ?? [];
    if (kind === "reset") return { kind: "drop" };
    if (kind === "html") return { kind: "answer", status: 200, body: "<html>not json</html>" };
    if (kind === "empty") return { kind: "answer", status: 200, body: "" };
    if (kind === "array") return { kind: "answer", status: 200, body: "[1,2]" };
    if (kind === "redirect") {
      return { kind: "answer", status: 307, headers: { location: "https://elsewhere.example/" }, body: "" };
    }
    const status = Number(kind?.replace("s", "")) || 500;
    return { kind: "answer", status, body: { resultCode: "A001202", resultMessage: `[A001202] HTTP ${status}` } };
  };
  return startFaultServer({ faultFor, maxRequests: 10_000, lifetimeMs: 600_000 });
}

async function failure(promise: Promise<unknown> | (() => unknown)): Promise<unknown> {
  try {
    await (typeof promise === "function" ? promise() : promise);
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

describe("no secret in any error of the client", () => {
  let scripted: FaultServer;
  let silent: FaultServer;
  let refusedUrl: string;
  beforeAll(async () => {
    scripted = await scriptedServer();
    silent = await silentServer();
    const closed = await silentServer();
    refusedUrl = closed.url;
    await closed.close();
  });
  afterAll(async () => {
    await scripted.close();
    await silent.close();
  });

  const REQUEST: TokenRequest = {
    parameters: "grant_type=client_credentials",
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
  };

  it("configuration errors: bad base URLs, bad tokens, bad options", async () => {
    const errors: unknown[] = [];
    const make = (options: Record<string, unknown>) => () =>
      createTokenClient({ serviceId: "715948317", accessToken: ACCESS_TOKEN, ...options } as never);
    for (const options of [
      { baseUrl: "not a url" },
      { baseUrl: "http://authlete.example.com" },
      { baseUrl: `https://user:${ACCESS_TOKEN}@authlete.example.com` },
      { baseUrl: "ftp://127.0.0.1" },
      { region: "mars" },
      { timeoutMs: -1 },
      { serviceId: "../715948317" },
      { accessToken: `${ACCESS_TOKEN} ${CLIENT_SECRET}` },
      { accessToken: `${ACCESS_TOKEN}\n` },
      { accessToken: 42 },
    ]) {
      errors.push(await failure(make(options)));
    }
    // A token function returning a bad token fails at call time.
    const rotating = createTokenClient({
      serviceId: "1",
      accessToken: () => `${ACCESS_TOKEN} `,
      baseUrl: scripted.url,
    });
    errors.push(await failure(rotating.process(REQUEST)));
    for (const error of errors) {
      expect(error).toBeInstanceOf(AuthleteError);
      exposeForScan(error, "client error");
    }
    record("client configuration errors", errors.length);
  });

  it("call errors: HTTP 4xx/5xx, redirects, bodies that are not JSON objects, network failures, timeouts, aborts", async () => {
    const client = (baseUrl: string, extra: Record<string, unknown> = {}): TokenClient =>
      createTokenClient({ serviceId: "715948317", accessToken: ACCESS_TOKEN, baseUrl, ...extra });
    const rawClient = (baseUrl: string) => createAuthleteFetchClient({ accessToken: ACCESS_TOKEN, baseUrl });
    const errors: unknown[] = [];
    for (const kind of [
      "s400",
      "s401",
      "s403",
      "s404",
      "s500",
      "s502",
      "s503",
      "html",
      "empty",
      "array",
      "redirect",
      "reset",
    ]) {
      const c = client(`${scripted.url}/${kind}`);
      errors.push(await failure(c.process(REQUEST)));
      errors.push(await failure(c.issue({ ticket: CLIENT_SECRET, subject: "s" })));
      errors.push(await failure(c.fail({ ticket: CLIENT_SECRET, reason: "INVALID_RESOURCE_OWNER_CREDENTIALS" })));
    }
    errors.push(await failure(client(refusedUrl).process(REQUEST)));
    errors.push(await failure(client("http://localhost:1").process(REQUEST)));
    errors.push(await failure(client(silent.url, { timeoutMs: 50 }).process(REQUEST)));
    errors.push(await failure(client(silent.url).process(REQUEST, { timeoutMs: 30 })));
    const aborter = new AbortController();
    const pending = client(silent.url).process(REQUEST, { signal: aborter.signal });
    aborter.abort(new Error("caller gave up"));
    errors.push(await failure(pending));
    // The raw openapi-fetch client with the same authentication.
    errors.push(
      await failure(
        rawClient(refusedUrl).POST("/api/{serviceId}/auth/token", {
          params: { path: { serviceId: "715948317" } },
          body: REQUEST,
        }),
      ),
    );
    for (const error of errors) exposeForScan(error, "client error");
    // The client objects themselves.
    exposeForScan(client(scripted.url), "client object");
    exposeForScan(rawClient(scripted.url), "client object");
    expect(errors.length).toBeGreaterThan(40);
    record("client call errors", errors.length);
  });
});

describe("no secret in any answer, error or log of the token endpoint", () => {
  let authlete: StatelessAuthlete;
  let scripted: FaultServer;
  let silent: FaultServer;
  const logs: { message: string; details: TokenEndpointLogDetails }[] = [];
  const logger = { error: (message: string, details: TokenEndpointLogDetails) => logs.push({ message, details }) };
  beforeAll(async () => {
    authlete = await startStatelessAuthlete({ accessToken: ACCESS_TOKEN, clients: { [CLIENT_ID]: CLIENT_SECRET } });
    scripted = await scriptedServer();
    silent = await silentServer();
  });
  afterAll(async () => {
    exposeForScan(logs, "endpoint logger");
    await authlete.close();
    await scripted.close();
    await silent.close();
  });

  const endpointFor = (baseUrl: string, accessToken = ACCESS_TOKEN, extra: Record<string, unknown> = {}) =>
    createTokenEndpoint({
      client: createTokenClient({ serviceId: authlete.serviceId, accessToken, baseUrl, timeoutMs: 2000 }),
      logger,
      clientCertificate: "x-ssl-cert",
      ...extra,
    });

  /** Requests that carry the secret in every place a client could put it, well-formed or not. */
  function requests(): { name: string; init: RequestInit }[] {
    const form = { "Content-Type": "application/x-www-form-urlencoded" };
    const basic = encodeBasicCredentials(CLIENT_ID, CLIENT_SECRET);
    const post = (headers: Record<string, string>, body: BodyInit | null = "grant_type=client_credentials") => ({
      method: "POST",
      headers,
      body,
    });
    return [
      { name: "valid Basic", init: post({ ...form, Authorization: basic }) },
      {
        name: "wrong secret",
        init: post({ ...form, Authorization: encodeBasicCredentials(CLIENT_ID, `${CLIENT_SECRET}x`) }),
      },
      {
        name: "secret in the form, wrong grant",
        init: post(
          form,
          new URLSearchParams({ grant_type: "password", client_id: CLIENT_ID, client_secret: CLIENT_SECRET }),
        ),
      },
      { name: "raw secret as Basic", init: post({ ...form, Authorization: `Basic ${wire(CLIENT_SECRET)}` }) },
      { name: "Basic, broken Base64", init: post({ ...form, Authorization: `${basic}!` }) },
      { name: "Basic, no colon", init: post({ ...form, Authorization: `Basic ${b64(CLIENT_SECRET)}` }) },
      { name: "Basic, empty ID", init: post({ ...form, Authorization: `Basic ${b64(`:${CLIENT_SECRET}`)}` }) },
      { name: "Basic, bad %", init: post({ ...form, Authorization: `Basic ${b64(`id:${CLIENT_SECRET}%zz`)}` }) },
      {
        name: "Basic, not UTF-8",
        init: post({
          ...form,
          Authorization: `Basic ${Buffer.concat([Buffer.from(`id:${CLIENT_SECRET}`), Buffer.from([0xff])]).toString("base64")}`,
        }),
      },
      { name: "Bearer with the secret", init: post({ ...form, Authorization: `Bearer ${wire(CLIENT_SECRET)}` }) },
      { name: "wrong content type", init: post({ "Content-Type": "application/json", Authorization: basic }) },
      {
        name: "secret in a non-UTF-8 body",
        init: post(form, Buffer.concat([Buffer.from(`client_secret=${CLIENT_SECRET}&x=`), Buffer.from([0xc3])])),
      },
      {
        name: "body too large",
        init: post(form, `client_secret=${encodeURIComponent(CLIENT_SECRET)}&pad=${"a".repeat(70_000)}`),
      },
      { name: "GET with credentials", init: { method: "GET", headers: { Authorization: basic } } },
      {
        name: "secret in a bad certificate",
        init: post({
          ...form,
          Authorization: basic,
          "X-Ssl-Cert": `-----BEGIN CERTIFICATE----- ${wire(CLIENT_SECRET)} -----END CERTIFICATE-----`,
        }),
      },
      {
        name: "secret in a bad escaped certificate",
        init: post({ ...form, "X-Ssl-Cert": `-----BEGIN%20${encodeURIComponent(CLIENT_SECRET)}%` }),
      },
      { name: "secret as DPoP", init: post({ ...form, Authorization: basic, DPoP: wire(CLIENT_SECRET) }) },
    ];
  }

  it("in-process and through the Node adapter, for every request shape and every Authlete failure", async () => {
    const endpoints = {
      "Authlete double": endpointFor(authlete.baseUrl),
      "wrong service token": endpointFor(authlete.baseUrl, `${ACCESS_TOKEN}-revoked`),
      "Authlete 500": endpointFor(`${scripted.url}/s500`),
      "Authlete 401": endpointFor(`${scripted.url}/s401`),
      "Authlete HTML": endpointFor(`${scripted.url}/html`),
      "Authlete redirect": endpointFor(`${scripted.url}/redirect`),
      "Authlete reset": endpointFor(`${scripted.url}/reset`),
      "Authlete timeout": createTokenEndpoint({
        client: createTokenClient({ serviceId: "1", accessToken: ACCESS_TOKEN, baseUrl: silent.url, timeoutMs: 40 }),
        logger,
      }),
    };
    const statuses = new Map<string, number>();
    let answered = 0;
    for (const [name, endpoint] of Object.entries(endpoints)) {
      const server = createServer(toNodeHandler(endpoint));
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
      try {
        for (const { name: shape, init } of requests()) {
          for (const response of [
            await endpoint(new Request("http://127.0.0.1/token", { ...init, duplex: "half" } as RequestInit)),
            await fetch(url, init),
          ]) {
            const text = await response.text();
            expect(response.status, `${name} / ${shape}`).not.toBe(0);
            expect(typeof JSON.parse(text).error === "string" || response.status === 200).toBe(true);
            statuses.set(`${name} / ${shape}`, response.status);
            answered++;
          }
        }
      } finally {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    }
    // The double really judged the credentials: the valid request got tokens, the wrong secret 401.
    expect(statuses.get("Authlete double / valid Basic")).toBe(200);
    expect(statuses.get("Authlete double / wrong secret")).toBe(401);
    expect(statuses.get("wrong service token / valid Basic")).toBe(500);
    expect(statuses.get("Authlete timeout / valid Basic")).toBe(500);
    expect(logs.length).toBeGreaterThan(10);
    for (const log of logs) exposeForScan(log, "endpoint logger");
    record("token endpoint answers and logs", answered);
  });

  it("parseTokenRequest's errors and results (inspected, not serialized: JSON must carry the secret)", async () => {
    const errors: unknown[] = [];
    // A DPoP proof is passed on verbatim and is no secret: a client putting its secret there
    // publishes it itself, so that shape is left out of the inspected TokenRequests.
    for (const { init } of requests().filter((r) => r.name !== "secret as DPoP")) {
      try {
        const tokenRequest = await parseTokenRequest(
          new Request("http://127.0.0.1/token", { ...init, duplex: "half" } as RequestInit),
          { clientCertificate: "x-ssl-cert" },
        );
        // util.inspect (what console.log prints) hides the secret; JSON is what Authlete gets.
        exposeForScan(inspect(tokenRequest, { depth: 10, showHidden: true }), "inspected TokenRequest");
        exposeForScan(String(tokenRequest), "inspected TokenRequest");
      } catch (error) {
        expect(error).toBeInstanceOf(TokenEndpointError);
        errors.push(error);
        exposeForScan(error, "endpoint error");
        exposeForScan(await (error as TokenEndpointError).toResponse().text(), "endpoint error");
      }
    }
    expect(errors.length).toBeGreaterThan(10);
    record("parseTokenRequest errors", errors.length);
  });
});

function record(name: string, tried: number): void {
  // The suite-wide scan fails this file on any find; this row counts what was provoked.
  const leaked = scanState().occurrences;
  recordOutcome({
    category: "Secrets",
    name: `provoked: ${name}`,
    tried,
    passed: leaked === 0 ? tried : 0,
    lost: leaked,
    note: "errors/answers produced with the reliability access token and client secret, each exposed to the scan",
  });
}
