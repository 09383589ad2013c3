// Fuzz: arbitrary and malformed token requests through the whole token endpoint — request parsing,
// the client, a stand-in Authlete that may misbehave, the answer — with fast-check, seeded, a fixed
// number of runs. In process (most cases) and as raw bytes over a loopback socket into
// toNodeHandler (fewer). Never a thrown exception, never a 500 that Authlete did not cause, always
// an OAuth error JSON (or the tokens), always the no-store headers.
import { createServer, type Server } from "node:http";
import { type AddressInfo, connect } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AuthleteConfigurationError,
  answerNodeProtocolErrors,
  createTokenClient,
  createTokenEndpoint,
  encodeBasicCredentials,
  type FetchLike,
  type TokenEndpointLogDetails,
  type TokenEndpointOptions,
  toNodeHandler,
} from "../../src/index.js";
import { parseOptionFields } from "../helpers/arbitraries.js";
import { type RoundBudget, recordOutcome, roundGate, roundsNote } from "../helpers/reliability.js";
import { exposeForScan } from "../helpers/secret-scan.js";
import { ISSUED_TOKEN_PREFIX, RELIABILITY_ACCESS_TOKEN, RELIABILITY_CLIENT_SECRET } from "../helpers/secrets.js";

/** Fixed: the same cases on every run, so a failure is reproducible (fast-check prints the path). */
const FUZZ_SEED = 20_261_128;
const IN_PROCESS_RUNS = 10_000;
const OVER_HTTP_RUNS = 1_500;
const ABORT_RUNS = 300;
// Each property runs its cases up to its count, none started once its time is spent (past a
// minimum): a loaded machine tries fewer cases, in the same seeded order, instead of timing out.
const IN_PROCESS_BUDGET: RoundBudget = { rounds: IN_PROCESS_RUNS, ms: 120_000, min: 2_000 };
const OVER_HTTP_BUDGET: RoundBudget = { rounds: OVER_HTTP_RUNS, ms: 120_000, min: 300 };
const ABORT_BUDGET: RoundBudget = { rounds: ABORT_RUNS, ms: 60_000, min: 60 };
const CLIENT_ID = "fuzz-client";
const ISSUED_ACCESS_TOKEN = `${ISSUED_TOKEN_PREFIX}-fuzz`;

/** RFC 6749 section 5.2 codes, plus server_error (section 4.1.2.1) for Authlete failures. */
const OAUTH_ERRORS = new Set([
  "invalid_request",
  "invalid_client",
  "invalid_grant",
  "unauthorized_client",
  "unsupported_grant_type",
  "invalid_scope",
  "server_error",
]);

// ---------------------------------------------------------------------------------------------
// Arbitraries

const b64 = (bytes: Uint8Array | string) => Buffer.from(bytes).toString("base64");
/** Any character a header value may hold in a fetch `Headers` (no NUL, CR, LF), incl. controls and obs-text. */
const headerChar = fc
  .oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
    { weight: 1, arbitrary: fc.integer({ min: 0x01, max: 0x1f }).filter((c) => c !== 0x0a && c !== 0x0d) },
    { weight: 1, arbitrary: fc.constant(0x7f) },
    { weight: 2, arbitrary: fc.integer({ min: 0x80, max: 0xff }) },
  )
  .map((c) => String.fromCharCode(c));
const anyValue = fc.string({ unit: headerChar, maxLength: 80 });
const hugeValue = fc
  .tuple(fc.constantFrom("a", "%", "=", ":", "Basic ", "\u00ff"), fc.integer({ min: 8_000, max: 70_000 }))
  .map(([unit, size]) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size));
const percentJunk = fc.constantFrom("%", "%z", "%zz", "%E0%A4%A", "%C3%28", "%FF", "%00", "%%", "+%+", "%2", "%u00e9");
const credentialPart = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: "binary", maxLength: 20 }),
  percentJunk,
  fc.constantFrom(CLIENT_ID, RELIABILITY_CLIENT_SECRET, "", ":", "a:b", "%3A"),
);
const authorization = fc.oneof(
  // Well-formed, with the right or any credentials.
  fc.constant(encodeBasicCredentials(CLIENT_ID, RELIABILITY_CLIENT_SECRET)),
  fc.tuple(credentialPart, credentialPart).map(([id, secret]) => encodeBasicCredentials(id, secret)),
  fc.tuple(credentialPart, credentialPart).map(([id, secret]) => `Basic ${b64(`${id}:${secret}`)}`),
  // Broken Base64, bytes that are not UTF-8, no colon, whitespace variants, other schemes.
  fc.uint8Array({ maxLength: 40 }).map((bytes) => `Basic ${b64(bytes)}`),
  fc
    .tuple(fc.constantFrom("Basic", "basic", "BASIC", "Basic\t", "Basic  ", "Basic,"), anyValue)
    .map(([s, v]) => `${s} ${v}`),
  fc.string({ unit: "binary", maxLength: 30 }).map((s) => `Basic ${b64(s).replace(/=+$/, "")}`),
  fc.string({ maxLength: 30 }).map((s) => `Basic ${b64(s)}===`),
  fc.constantFrom(
    "Basic",
    "Basic ",
    "Basic =",
    "Basic ====",
    "Basic !!!",
    "Basic a",
    "Basic YQ",
    "Basic Og==",
    "Basic\tOg==",
  ),
  fc
    .tuple(fc.constantFrom("Bearer", "DPoP", "Digest", "Negotiate", "", "Basicx"), anyValue)
    .map(([s, v]) => `${s} ${v}`),
  anyValue,
);
const contentType = fc.oneof(
  { weight: 5, arbitrary: fc.constant("application/x-www-form-urlencoded") },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "application/x-www-form-urlencoded; charset=UTF-8",
      "APPLICATION/X-WWW-FORM-URLENCODED",
      "application/x-www-form-urlencoded;",
      "application/x-www-form-urlencodedx",
      "application/x-www-form-urlencoded, application/json",
      "application/json",
      "multipart/form-data; boundary=x",
      "text/plain",
      "",
      "*/*",
    ),
  },
  { weight: 1, arbitrary: anyValue },
);
const certificateValue = fc.oneof(
  anyValue.map((s) => `-----BEGIN CERTIFICATE----- ${s} -----END CERTIFICATE-----`),
  fc.uint8Array({ maxLength: 60 }).map((d) => `-----BEGIN CERTIFICATE----- ${b64(d)} -----END CERTIFICATE-----`),
  fc.tuple(anyValue, percentJunk).map(([s, p]) => `-----BEGIN%20CERTIFICATE-----${s}${p}`),
  fc.uint8Array({ maxLength: 40 }).map((d) => `:${b64(d)}:`),
  fc.array(fc.uint8Array({ maxLength: 20 }), { maxLength: 4 }).map((l) => l.map((d) => `:${b64(d)}:;a=1`).join(", ")),
  fc.constantFrom("(null)", "", ":", "::", ":=:", ": :", ":YQ==:,", ":YQ==:, ,:YQ==:"),
  anyValue,
);
const forwardedValue = fc.oneof(
  fc.constantFrom(
    'for=1.2.3.4;proto=https;host="as.example.com:8443"',
    "proto=https;host=as.example.com, proto=http",
    'host="[::1]:8080";proto=HTTPS',
    'host="\\"";proto=',
    "host=a b",
    ";;;,,,",
    'proto="http',
  ),
  anyValue,
);
const headerPair = fc.oneof(
  fc.tuple(fc.constant("Authorization"), authorization),
  fc.tuple(fc.constant("Content-Type"), contentType),
  fc.tuple(
    fc.constant("Content-Length"),
    fc.oneof(fc.nat().map(String), fc.constantFrom("-1", "1e9", "99999999999999999999", " 10 ", "abc", "")),
  ),
  fc.tuple(
    fc.constantFrom("X-Ssl-Cert", "X-Ssl-Cert-Chain-0", "X-Ssl-Cert-Chain-12", "X-Ssl-Cert-Chain-99999"),
    certificateValue,
  ),
  fc.tuple(fc.constantFrom("Client-Cert", "Client-Cert-Chain"), certificateValue),
  fc.tuple(fc.constantFrom("Forwarded", "X-Forwarded-Host", "X-Forwarded-Proto"), forwardedValue),
  fc.tuple(fc.constantFrom("DPoP", "OAuth-Client-Attestation", "OAuth-Client-Attestation-PoP"), anyValue),
  fc.tuple(fc.constantFrom("Authorization", "X-Ssl-Cert", "DPoP", "Content-Type", "Forwarded"), hugeValue),
  fc.tuple(fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,20}$/), anyValue),
);
const body = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .array(
        fc.oneof(
          fc.constantFrom(
            "grant_type=client_credentials",
            "grant_type=password",
            "grant_type=",
            "grant_type=client_credentials&grant_type=password",
            `client_id=${CLIENT_ID}`,
            `client_secret=${encodeURIComponent(RELIABILITY_CLIENT_SECRET)}`,
            "scope=a+b",
            "username=john&password=x",
            "=",
            "&&",
            "a",
          ),
          fc.tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 20 })).map(([k, v]) => `${k}=${v}`),
          percentJunk.map((p) => `scope=${p}`),
        ),
        { maxLength: 6 },
      )
      .map((parts) => parts.join("&")),
  },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 300 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 300 }) },
  { weight: 1, arbitrary: fc.integer({ min: 60_000, max: 140_000 }).map((n) => "a".repeat(n)) },
  { weight: 1, arbitrary: fc.constant(null) },
);
const method = fc.oneof(
  { weight: 8, arbitrary: fc.constant("POST") },
  {
    weight: 2,
    arbitrary: fc.constantFrom("GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "post", "QUERY", "M-SEARCH"),
  },
);

/** How the stand-in Authlete behaves for one case. */
type Behaviour =
  | "judge"
  | "BAD_REQUEST"
  | "INVALID_CLIENT"
  | "INTERNAL_SERVER_ERROR"
  | "PASSWORD"
  | "TOKEN_EXCHANGE"
  | "NATIVE_SSO"
  | "UNKNOWN_ACTION"
  | "HTTP 500"
  | "HTTP 401"
  | "not JSON"
  | "network error";
const behaviour = fc.oneof(
  { weight: 8, arbitrary: fc.constant<Behaviour>("judge") },
  {
    weight: 2,
    arbitrary: fc.constantFrom<Behaviour>(
      "BAD_REQUEST",
      "INVALID_CLIENT",
      "INTERNAL_SERVER_ERROR",
      "PASSWORD",
      "TOKEN_EXCHANGE",
      "NATIVE_SSO",
      "UNKNOWN_ACTION",
      "HTTP 500",
      "HTTP 401",
      "not JSON",
      "network error",
    ),
  },
);
/** Behaviours after which a 500 is the right answer: Authlete failed, not the request. */
const AUTHLETE_FAILURES = new Set<Behaviour>([
  "INTERNAL_SERVER_ERROR",
  "UNKNOWN_ACTION",
  "HTTP 500",
  "HTTP 401",
  "not JSON",
  "network error",
]);

const endpointOptions: fc.Arbitrary<Partial<TokenEndpointOptions>> = fc
  .record(
    {
      ...parseOptionFields(fc.oneof(fc.integer({ min: 0, max: 400 }), fc.constant(65_536)), anyValue),
      tokenEndpointUrl: fc.constantFrom("https://as.example.com/token", "http://127.0.0.1:8080/token?x=1#f"),
    },
    { requiredKeys: [] },
    // tokenEndpointUrl and trustForwardedHeaders together are refused at creation: never both.
  )
  .map(({ trustForwardedHeaders, ...rest }) =>
    rest.tokenEndpointUrl === undefined ? { ...rest, trustForwardedHeaders } : rest,
  );

const arbitraryCase = fc.record({
  method,
  path: fc.constantFrom("/token", "/token?a=b", "/token#x", "/%zz", "/token?%%"),
  headers: fc.array(headerPair, { maxLength: 8 }),
  formContentType: fc.boolean(),
  body,
});
/** Nearly valid requests (a form POST with credentials) with a few things wrong, to get past the first checks. */
const nearlyValidCase = fc
  .record({
    credentials: fc.constantFrom("basic", "form", "both", "none"),
    scope: fc.oneof(fc.constant(""), fc.string({ maxLength: 20 }), percentJunk),
    extraHeaders: fc.array(headerPair, { maxLength: 3 }),
    extraBody: fc.oneof(
      fc.constant(""),
      body.map((b) => (typeof b === "string" ? `&${b}` : "")),
    ),
  })
  .map(({ credentials, scope, extraHeaders, extraBody }) => {
    const form = new URLSearchParams({ grant_type: "client_credentials" });
    if (credentials === "form" || credentials === "both") {
      form.set("client_id", CLIENT_ID);
      form.set("client_secret", RELIABILITY_CLIENT_SECRET);
    }
    const headers: [string, string][] = [];
    if (credentials === "basic" || credentials === "both") {
      headers.push(["Authorization", encodeBasicCredentials(CLIENT_ID, RELIABILITY_CLIENT_SECRET)]);
    }
    return {
      method: "POST",
      path: "/token",
      headers: [...headers, ...extraHeaders],
      formContentType: true,
      body: `${form}${scope === "" ? "" : `&scope=${scope}`}${extraBody}`,
    };
  });
const requestCase = fc.oneof(arbitraryCase, nearlyValidCase);

// ---------------------------------------------------------------------------------------------
// The stand-in Authlete behind a stub fetch (in process)

function stubAuthlete(behaviour: { current: Behaviour; calls: number }): FetchLike {
  return async (input, init) => {
    behaviour.calls++;
    const json = (status: number, value: unknown) =>
      new Response(JSON.stringify(value), { status, headers: { "Content-Type": "application/json" } });
    // Every result carries issued tokens, as Authlete's do: the scan checks none reaches a log.
    const result = (action: string, extra: Record<string, unknown> = {}) =>
      json(200, {
        resultCode: "A000001",
        resultMessage: `[A000001] ${action}`,
        action,
        accessToken: ISSUED_ACCESS_TOKEN,
        refreshToken: `${ISSUED_TOKEN_PREFIX}-refresh`,
        ...extra,
      });
    switch (behaviour.current) {
      case "network error":
        throw new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED") });
      case "HTTP 500":
        return json(500, { resultCode: "A000500", resultMessage: "down" });
      case "HTTP 401":
        return json(401, { resultCode: "A001202", resultMessage: "bad token" });
      case "not JSON":
        return new Response("<html>", { status: 200 });
      case "UNKNOWN_ACTION":
        return result("TELEPORT", { responseContent: JSON.stringify({ access_token: ISSUED_ACCESS_TOKEN }) });
      case "PASSWORD":
        return result("PASSWORD", { ticket: null, responseContent: null });
      case "TOKEN_EXCHANGE":
      case "NATIVE_SSO":
      case "INTERNAL_SERVER_ERROR":
      case "INVALID_CLIENT":
      case "BAD_REQUEST":
        return result(behaviour.current, {
          responseContent: JSON.stringify({
            error:
              behaviour.current === "BAD_REQUEST"
                ? "invalid_grant"
                : behaviour.current === "INVALID_CLIENT"
                  ? "invalid_client"
                  : "server_error",
          }),
        });
      case "judge": {
        // The client calls fetch with the platform's Request, as openapi-fetch does.
        const call = input instanceof Request ? input : new Request(input, init);
        const auth = call.headers.get("Authorization");
        if (!call.url.endsWith("/auth/token") || auth !== `Bearer ${RELIABILITY_ACCESS_TOKEN}`) {
          return json(400, { resultCode: "X", resultMessage: "unexpected call" });
        }
        const request = JSON.parse(await call.text()) as Record<string, unknown>;
        if (typeof request.parameters !== "string")
          return json(400, { resultCode: "X", resultMessage: "no parameters" });
        const parameters = new URLSearchParams(request.parameters);
        const id = request.clientId ?? parameters.get("client_id");
        const secret = request.clientSecret ?? parameters.get("client_secret");
        if (id !== CLIENT_ID || secret !== RELIABILITY_CLIENT_SECRET) {
          return result("INVALID_CLIENT", { responseContent: '{"error":"invalid_client"}' });
        }
        if (parameters.get("grant_type") !== "client_credentials") {
          return result("BAD_REQUEST", { responseContent: '{"error":"unsupported_grant_type"}' });
        }
        return result("OK", {
          responseContent: JSON.stringify({ access_token: ISSUED_ACCESS_TOKEN, token_type: "Bearer", expires_in: 60 }),
        });
      }
    }
  };
}

// ---------------------------------------------------------------------------------------------
// Checking one answer

interface Verdict {
  status: number;
  error?: string;
  description?: string;
}

/** Every answer: JSON, the token endpoint's headers, an OAuth error code unless 200. Returns status and error. */
function checkAnswer(status: number, headers: Headers, text: string, context: string): Verdict {
  expect(headers.get("content-type"), context).toBe("application/json;charset=UTF-8");
  expect(headers.get("cache-control"), context).toBe("no-store");
  expect(headers.get("pragma"), context).toBe("no-cache");
  let json: { error?: unknown; error_description?: unknown; access_token?: unknown };
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${context}: the body is not JSON: ${text.slice(0, 80)}`);
  }
  if (status === 200) {
    expect(json.access_token, context).toBe(ISSUED_ACCESS_TOKEN);
    return { status };
  }
  expect(OAUTH_ERRORS.has(String(json.error)), `${context}: error ${String(json.error)}`).toBe(true);
  if (status === 401) expect(headers.get("www-authenticate"), context).toMatch(/^Basic realm="/);
  if (status === 405) expect(headers.get("allow"), context).toBe("POST");
  const verdict: Verdict = { status, error: String(json.error) };
  if (typeof json.error_description === "string") verdict.description = json.error_description;
  return verdict;
}

function tally(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

// ---------------------------------------------------------------------------------------------

describe("fuzzing the token endpoint in process", () => {
  it(`up to ${IN_PROCESS_RUNS} arbitrary requests: no exception, no 500 of our own, an OAuth answer every time`, async () => {
    const state = { current: "judge" as Behaviour, calls: 0 };
    const logs: { message: string; details: TokenEndpointLogDetails }[] = [];
    const client = createTokenClient({
      serviceId: "715948317",
      accessToken: RELIABILITY_ACCESS_TOKEN,
      baseUrl: "http://127.0.0.1:9",
      fetch: stubAuthlete(state),
    });
    const outcomes = new Map<string, number>();
    const gate = roundGate(IN_PROCESS_BUDGET);
    let runs = 0;
    let failures = 0;
    const logger = { error: (message: string, details: TokenEndpointLogDetails) => logs.push({ message, details }) };
    try {
      await fc.assert(
        fc.asyncProperty(requestCase, endpointOptions, behaviour, async (c, options, authleteBehaviour) => {
          if (!gate.take()) return;
          runs++;
          state.current = authleteBehaviour;
          state.calls = 0;
          logs.length = 0;
          let endpoint: ReturnType<typeof createTokenEndpoint>;
          try {
            endpoint = createTokenEndpoint({ client, logger, ...options });
          } catch (error) {
            // An option that could never work (a realm no header can carry) is refused at creation,
            // never later as a 500.
            expect(error).toBeInstanceOf(AuthleteConfigurationError);
            return;
          }
          const headers = new Headers();
          if (c.formContentType) headers.set("Content-Type", "application/x-www-form-urlencoded");
          for (const [name, value] of c.headers) {
            try {
              headers.append(name, value);
            } catch {
              // A value fetch's Headers refuses cannot reach a handler.
            }
          }
          const hasBody = c.method !== "GET" && c.method !== "HEAD" && c.body !== null;
          const request = new Request(`http://127.0.0.1${c.path}`, {
            method: c.method,
            headers,
            body: hasBody ? c.body : null,
          });
          const context = `${c.method} ${authleteBehaviour}`;
          let verdict: Verdict;
          try {
            let response: Response;
            try {
              response = await endpoint(request);
            } catch (error) {
              throw new Error(`the endpoint threw: ${String(error)}`);
            }
            verdict = checkAnswer(response.status, response.headers, await response.text(), context);
            if (state.calls === 0) {
              // Rejected before Authlete: the request's fault, so 4xx, never 500, nothing logged.
              expect([400, 401, 405, 413], `${context}: ${verdict.error}`).toContain(verdict.status);
              expect(logs, context).toEqual([]);
            } else if (AUTHLETE_FAILURES.has(authleteBehaviour)) {
              expect(verdict, context).toMatchObject({ status: 500, error: "server_error" });
            } else {
              expect(verdict.status, `${context}: ${verdict.error}`).not.toBe(500);
            }
          } catch (error) {
            failures++;
            throw error;
          }
          tally(
            outcomes,
            `${state.calls === 0 ? "rejected" : authleteBehaviour} → ${verdict.status}${verdict.error ? ` ${verdict.error}` : ""}`,
          );
          exposeForScan(logs, "endpoint logger");
        }),
        { numRuns: IN_PROCESS_RUNS, seed: FUZZ_SEED, endOnFailure: true },
      );
    } finally {
      recordOutcome({
        category: "Token endpoint: fuzz",
        name: `in process, up to ${IN_PROCESS_RUNS} cases (seed ${FUZZ_SEED})`,
        tried: runs,
        passed: runs - failures,
        lost: failures,
        note: `${roundsNote(gate.made(), IN_PROCESS_BUDGET)}; outcomes: ${JSON.stringify(Object.fromEntries([...outcomes].sort((a, b) => b[1] - a[1])))}`,
      });
    }
    console.log(`fuzz in process: ${roundsNote(gate.made(), IN_PROCESS_BUDGET)}`);
    expect(runs).toBeGreaterThanOrEqual(IN_PROCESS_BUDGET.min ?? 0);
    // The cases reached every part: rejected early, judged by Authlete, tokens issued.
    const keys = [...outcomes.keys()].join("\n");
    for (const expected of [
      "rejected → 401 invalid_client",
      "rejected → 400 invalid_request",
      "rejected → 413",
      "rejected → 405",
      "judge → 200",
      "judge → 401 invalid_client",
    ]) {
      expect(keys).toContain(expected);
    }
  }, 300_000);
});

// ---------------------------------------------------------------------------------------------
// Raw bytes over a loopback socket into node:http and toNodeHandler

/** A header value as raw bytes: anything but CR and LF, NUL and other controls included. */
const rawValue = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.string({
      unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
      maxLength: 60,
    }),
  },
  { weight: 3, arbitrary: fc.string({ unit: headerChar, maxLength: 60 }) },
  {
    weight: 1,
    arbitrary: fc
      .array(
        fc.integer({ min: 0, max: 0xff }).filter((c) => c !== 0x0a && c !== 0x0d),
        { maxLength: 30 },
      )
      .map((codes) => String.fromCharCode(...codes)),
  },
  { weight: 1, arbitrary: fc.integer({ min: 9_000, max: 40_000 }).map((n) => "v".repeat(n)) },
);
const rawName = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      "Authorization",
      "Content-Type",
      "DPoP",
      "X-Ssl-Cert",
      "Client-Cert",
      "Forwarded",
      "X-Forwarded-Host",
      "Content-Length",
      "Transfer-Encoding",
      "Host",
      "Expect",
    ),
  },
  { weight: 2, arbitrary: fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,16}$/) },
  { weight: 1, arbitrary: fc.constantFrom("", " X", "X Y", "X:Y", "\u00e9", "X\t", "(x)") },
);
const rawCase = fc.record({
  method: fc.oneof(
    { weight: 6, arbitrary: fc.constant("POST") },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        "GET",
        "PUT",
        "DELETE",
        "OPTIONS",
        "HEAD",
        "PATCH",
        "TRACE",
        "TRACK",
        "M-SEARCH",
        "PROPFIND",
        "QUERY",
      ),
    },
    { weight: 1, arbitrary: fc.constantFrom("post", "P0ST", "", "POST POST", "PO\u00dfT") },
  ),
  target: fc.oneof(
    { weight: 6, arbitrary: fc.constant("/token") },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        "/token?x=1",
        "*",
        "http://as.example.com/token",
        "//token",
        "/%zz",
        "/to ken",
        "/\u00ff",
        "",
        "/token#f",
      ),
    },
  ),
  version: fc.oneof(
    { weight: 8, arbitrary: fc.constant("HTTP/1.1") },
    { weight: 1, arbitrary: fc.constantFrom("HTTP/1.0", "HTTP/2.0", "HTTP/1.1 x", "http/1.1", "HTTP/9.9", "") },
  ),
  host: fc.oneof(
    { weight: 8, arbitrary: fc.constant("127.0.0.1") },
    { weight: 2, arbitrary: rawValue },
    fc.constant(null),
  ),
  credentials: fc.constantFrom("basic", "form", "none"),
  contentType: fc.oneof(
    { weight: 4, arbitrary: fc.constant("application/x-www-form-urlencoded") },
    { weight: 1, arbitrary: rawValue },
  ),
  headers: fc.array(fc.tuple(rawName, rawValue), { maxLength: 5 }),
  body: fc.oneof(
    fc.constant("grant_type=client_credentials"),
    fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString("latin1")),
    fc.string({ maxLength: 100 }),
    fc.integer({ min: 60_000, max: 80_000 }).map((n) => `grant_type=client_credentials&pad=${"p".repeat(n)}`),
  ),
  framing: fc.oneof(
    { weight: 8, arbitrary: fc.constant("length") },
    {
      weight: 3,
      arbitrary: fc.constantFrom("chunked", "bad-chunked", "none", "short-length", "both", "dup-length", "bad-length"),
    },
  ),
});
type RawCase = typeof rawCase extends fc.Arbitrary<infer T> ? T : never;

function serialize(c: RawCase): Buffer {
  const lines = [`${c.method} ${c.target} ${c.version}`];
  if (c.host !== null) lines.push(`Host: ${c.host}`);
  lines.push("Connection: close", `Content-Type: ${c.contentType}`);
  let body = c.body;
  if (c.credentials === "basic")
    lines.push(`Authorization: ${encodeBasicCredentials(CLIENT_ID, RELIABILITY_CLIENT_SECRET)}`);
  if (c.credentials === "form") {
    body += `&client_id=${CLIENT_ID}&client_secret=${encodeURIComponent(RELIABILITY_CLIENT_SECRET)}`;
  }
  for (const [name, value] of c.headers) lines.push(`${name}: ${value}`);
  const bytes = Buffer.from(body, "latin1");
  let payload: Buffer = bytes;
  switch (c.framing) {
    case "length":
      lines.push(`Content-Length: ${bytes.length}`);
      break;
    case "short-length":
      lines.push(`Content-Length: ${Math.floor(bytes.length / 2)}`);
      break;
    case "bad-length":
      lines.push("Content-Length: 12abc");
      break;
    case "dup-length":
      lines.push(`Content-Length: ${bytes.length}`, `Content-Length: ${bytes.length + 1}`);
      break;
    case "both":
      lines.push(`Content-Length: ${bytes.length}`, "Transfer-Encoding: chunked");
      payload = Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from("\r\n0\r\n\r\n")]);
      break;
    case "chunked":
      lines.push("Transfer-Encoding: chunked");
      payload = Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from("\r\n0\r\n\r\n")]);
      break;
    case "bad-chunked":
      lines.push("Transfer-Encoding: chunked");
      payload = Buffer.concat([Buffer.from("zz\r\n"), bytes, Buffer.from("\r\n0\r\n\r\n")]);
      break;
    case "none":
      break;
  }
  return Buffer.concat([Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1"), payload]);
}

interface RawAnswer {
  status: number;
  headers: Headers;
  body: string;
}

/** Sends raw bytes, reads until the server closes (or 5 s), parses the first HTTP response. */
function exchange(port: number, bytes: Buffer): Promise<RawAnswer | "closed without an answer"> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, "127.0.0.1");
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error("no answer within 5 s"));
    }, 5_000);
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", () => {
      // ECONNRESET after the server answered and closed while we were still sending: read what came.
    });
    socket.on("close", () => {
      clearTimeout(timer);
      const data = Buffer.concat(chunks);
      const end = data.indexOf("\r\n\r\n");
      if (data.length === 0 || end < 0) return resolve("closed without an answer");
      const [statusLine = "", ...headerLines] = data.subarray(0, end).toString("latin1").split("\r\n");
      const headers = new Headers();
      for (const line of headerLines) {
        const colon = line.indexOf(":");
        headers.append(line.slice(0, colon), line.slice(colon + 1).trim());
      }
      const length = Number(headers.get("content-length") ?? Number.NaN);
      const rest = data.subarray(end + 4);
      const body = (Number.isNaN(length) ? rest : rest.subarray(0, length)).toString("utf8");
      resolve({ status: Number(statusLine.split(" ")[1]), headers, body });
    });
    socket.write(bytes, () => {
      // Not half-closing: a half-closed request is the client giving up, not a malformed one.
    });
  });
}

/** A well-formed token request over loopback still gets its 200 (the server survived the fuzzing). */
async function expectStillServing(port: number): Promise<void> {
  const ok = await fetch(`http://127.0.0.1:${port}/token`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Authorization: encodeBasicCredentials(CLIENT_ID, RELIABILITY_CLIENT_SECRET),
    },
    body: "grant_type=client_credentials",
  });
  expect(ok.status).toBe(200);
  await ok.text();
}

describe("fuzzing the token endpoint over loopback HTTP (raw bytes into toNodeHandler)", () => {
  let server: Server;
  let port: number;
  const state = { current: "judge" as Behaviour, calls: 0 };
  const logs: { message: string; details: TokenEndpointLogDetails }[] = [];
  beforeAll(async () => {
    const endpoint = createTokenEndpoint({
      client: createTokenClient({
        serviceId: "715948317",
        accessToken: RELIABILITY_ACCESS_TOKEN,
        baseUrl: "http://127.0.0.1:9",
        fetch: stubAuthlete(state),
      }),
      logger: { error: (message, details) => logs.push({ message, details }) },
      clientCertificate: "x-ssl-cert",
    });
    server = answerNodeProtocolErrors(createServer(toNodeHandler(endpoint)));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    exposeForScan(logs, "endpoint logger");
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it(`up to ${OVER_HTTP_RUNS} raw requests: an OAuth answer every time, never a 500, the server keeps serving`, async () => {
    const outcomes = new Map<string, number>();
    const gate = roundGate(OVER_HTTP_BUDGET);
    let runs = 0;
    let lost = 0;
    try {
      await fc.assert(
        fc.asyncProperty(rawCase, async (c) => {
          if (!gate.take()) return;
          runs++;
          logs.length = 0;
          const context = `${JSON.stringify(c.method)} ${JSON.stringify(c.target)} ${c.framing}`;
          const answer = await exchange(port, serialize(c));
          if (answer === "closed without an answer") {
            lost++;
            throw new Error(`${context}: the connection closed without an answer`);
          }
          let verdict: Verdict;
          try {
            if (c.method === "HEAD" && answer.body === "") {
              // A response to HEAD has no body by definition: the endpoint's headers and a 4xx only.
              expect([400, 405, 413, 417], context).toContain(answer.status);
              expect(answer.headers.get("content-type"), context).toBe("application/json;charset=UTF-8");
              expect(answer.headers.get("cache-control"), context).toBe("no-store");
              tally(outcomes, `${answer.status} (HEAD, no body)`);
              return;
            }
            verdict = checkAnswer(answer.status, answer.headers, answer.body, context);
            expect(verdict.status, `${context}: ${answer.body}`).not.toBe(500);
            expect(logs, context).toEqual([]);
          } catch (error) {
            lost++;
            throw error;
          }
          const layer = /^The request (?:is not valid HTTP|headers are too large)/.test(verdict.description ?? "")
            ? " (refused by Node's parser)"
            : "";
          tally(outcomes, `${verdict.status}${verdict.error ? ` ${verdict.error}` : ""}${layer}`);
        }),
        { numRuns: OVER_HTTP_RUNS, seed: FUZZ_SEED, endOnFailure: true },
      );
    } finally {
      recordOutcome({
        category: "Token endpoint: fuzz",
        name: `raw HTTP over loopback into toNodeHandler, up to ${OVER_HTTP_RUNS} cases (seed ${FUZZ_SEED})`,
        tried: runs,
        passed: runs - lost,
        lost,
        note: `${roundsNote(gate.made(), OVER_HTTP_BUDGET)}; outcomes: ${JSON.stringify(Object.fromEntries([...outcomes].sort((a, b) => b[1] - a[1])))}`,
      });
    }
    console.log(`fuzz over HTTP: ${roundsNote(gate.made(), OVER_HTTP_BUDGET)}`);
    // Still serving after all that.
    await expectStillServing(port);
    expect([...outcomes.keys()]).toContain("200");
  }, 300_000);

  it(`up to ${ABORT_RUNS} clients that hang up mid-request or mid-answer: no crash, no connection left, still serving`, async () => {
    const gate = roundGate(ABORT_BUDGET);
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        rawCase,
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.nat({ max: 15 }),
        async (c, cut, delay) => {
          if (!gate.take()) return;
          runs++;
          const bytes = serialize({ ...c, framing: "length" });
          await new Promise<void>((resolve) => {
            const socket = connect(port, "127.0.0.1", () => {
              socket.write(bytes.subarray(0, Math.floor(bytes.length * cut)));
              setTimeout(() => {
                socket.destroy();
                resolve();
              }, delay);
            });
            socket.on("error", () => {});
          });
        },
      ),
      { numRuns: ABORT_RUNS, seed: FUZZ_SEED, endOnFailure: true },
    );
    // Every hung-up connection is gone, and the server still answers.
    let open = -1;
    for (let waited = 0; waited < 5_000 && open !== 0; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      open = await new Promise<number>((resolve) => server.getConnections((_error, count) => resolve(count)));
    }
    expect(open).toBe(0);
    await expectStillServing(port);
    recordOutcome({
      category: "Token endpoint: fuzz",
      name: `clients hanging up mid-request over loopback, up to ${ABORT_RUNS} cases (seed ${FUZZ_SEED})`,
      tried: runs,
      passed: open === 0 ? runs : 0,
      lost: open === 0 ? 0 : runs,
      note: `${roundsNote(gate.made(), ABORT_BUDGET)}; no crash or unhandled rejection, every connection closed, the server still answers afterwards`,
    });
  }, 300_000);
});
