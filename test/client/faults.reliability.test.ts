import { describe, expect } from "vitest";
import {
  AuthleteApiError,
  AuthleteInvalidResponseError,
  AuthleteNetworkError,
  AuthleteRedirectError,
  AuthleteTimeoutError,
  DEFAULT_MAX_RESPONSE_BYTES,
} from "../../src/index.js";
import {
  ACCESS_TOKEN,
  CLIENT_SECRET,
  caught,
  faultClient,
  OK_BODY,
  REQUEST,
  useFaultCases,
} from "../helpers/fault-case.js";
import type { FaultServer } from "../helpers/fault-server.js";

const CATEGORY = "Client: faults";
const fault = useFaultCases(CATEGORY);

/** The server did receive the secrets, so their absence from the errors means something. */
function expectSecretsSent(server: FaultServer) {
  expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
  expect(server.requests[0]?.body).toContain(CLIENT_SECRET);
}

describe("the client against a faulty Authlete", () => {
  fault(
    "500 with a JSON error body → AuthleteApiError with Authlete's result",
    {
      script: [
        { kind: "answer", status: 500, body: { resultCode: "A001101", resultMessage: "[A001101] Server error" } },
      ],
    },
    async ({ server }) => {
      const error = await caught(faultClient(server).process(REQUEST));
      expect(error).toBeInstanceOf(AuthleteApiError);
      expect(error).toMatchObject({ code: "AUTHLETE_API_ERROR", status: 500, resultCode: "A001101" });
      expect((error as AuthleteApiError).retryAfter).toBeUndefined();
      expectSecretsSent(server);
      return [error];
    },
  );

  fault(
    "500 with an HTML body → AuthleteApiError without a result, and no HTML in the message",
    {
      script: [
        {
          kind: "answer",
          status: 500,
          headers: { "content-type": "text/html" },
          body: "<html><body><h1>502 Bad Gateway</h1>nginx</body></html>",
        },
      ],
    },
    async ({ server }) => {
      const error = await caught(faultClient(server).process(REQUEST));
      expect(error).toBeInstanceOf(AuthleteApiError);
      expect(error).toMatchObject({ status: 500, resultCode: undefined, resultMessage: undefined });
      expect((error as Error).message).toBe("Authlete answered HTTP 500");
      return [error];
    },
  );

  fault(
    "200 with a body that is not JSON → AuthleteInvalidResponseError NOT_JSON",
    { script: [{ kind: "answer", status: 200, headers: { "content-type": "text/plain" }, body: "OK then" }] },
    async ({ server }) => {
      const error = await caught(faultClient(server).process(REQUEST));
      expect(error).toBeInstanceOf(AuthleteInvalidResponseError);
      expect(error).toMatchObject({ code: "AUTHLETE_INVALID_RESPONSE", status: 200, reason: "NOT_JSON" });
      return [error];
    },
  );

  fault(
    "truncated body (Content-Length not reached, then FIN) → AuthleteInvalidResponseError TRUNCATED",
    { script: [{ kind: "truncate", declared: 400, body: '{"resultCode":"A050001","action":"O' }] },
    async ({ server }) => {
      const error = await caught(faultClient(server).process(REQUEST));
      expect(error).toBeInstanceOf(AuthleteInvalidResponseError);
      expect(error).toMatchObject({ status: 200, reason: "TRUNCATED" });
      expect((error as Error).message).toMatch(/cut short/);
      return [error];
    },
  );

  fault(
    "JSON cut short inside a complete HTTP message → AuthleteInvalidResponseError NOT_JSON",
    { script: [{ kind: "answer", status: 200, body: '{"resultCode":"A050001","action":"O' }] },
    async ({ server }) => {
      const error = await caught(faultClient(server).process(REQUEST));
      expect(error).toMatchObject({ name: "AuthleteInvalidResponseError", reason: "NOT_JSON" });
      return [error];
    },
  );

  fault(
    "connection reset mid-body → AuthleteNetworkError (request was sent)",
    { script: [{ kind: "reset-mid-body", declared: 400, body: '{"resultCode":"A050001",' }] },
    async ({ server }) => {
      const error = await caught(faultClient(server).process(REQUEST));
      expect(error).toBeInstanceOf(AuthleteNetworkError);
      expect(error).toMatchObject({ code: "AUTHLETE_NETWORK_ERROR", requestNotSent: false });
      expect((error as Error).message).toMatch(/while reading its answer/);
      return [error];
    },
  );

  fault(
    "reset mid-body of a `Connection: close` answer → TRUNCATED (undici cannot tell it from an early close)",
    { script: [{ kind: "reset-mid-body", declared: 400, body: '{"resultCode":"A050001",', connectionClose: true }] },
    async ({ server }) => {
      const error = await caught(faultClient(server).process(REQUEST));
      expect(error).toMatchObject({ name: "AuthleteInvalidResponseError", reason: "TRUNCATED" });
      return [error];
    },
  );

  fault(
    "request received, then the connection dropped without an answer → AuthleteNetworkError",
    { script: [{ kind: "drop" }, { kind: "drop", reset: true }] },
    async ({ server }) => {
      const closed = await caught(faultClient(server).process(REQUEST));
      const reset = await caught(faultClient(server).process(REQUEST));
      for (const error of [closed, reset]) {
        expect(error).toBeInstanceOf(AuthleteNetworkError);
        expect(error).toMatchObject({ requestNotSent: false });
      }
      expect(server.requests).toHaveLength(2);
      return [closed, reset];
    },
  );

  fault(
    "no answer → AuthleteTimeoutError at timeoutMs, socket released",
    { script: [{ kind: "no-answer" }], holdMs: 10_000 },
    async ({ server }) => {
      const started = performance.now();
      const error = await caught(faultClient(server, { timeoutMs: 300 }).process(REQUEST));
      const elapsed = performance.now() - started;
      expect(error).toBeInstanceOf(AuthleteTimeoutError);
      expect(error).toMatchObject({ code: "AUTHLETE_TIMEOUT", timeoutMs: 300 });
      expect(elapsed).toBeGreaterThanOrEqual(290);
      expect(elapsed).toBeLessThan(5_000);
      // The aborted connection closes at once: the server sees its end well before the 10 s hold.
      expect(await server.waitForNoSockets(2_000)).toBe(0);
      return [error];
    },
    // Here also every idle connection the fetch pool opened afterwards must close by itself
    // (undici's keep-alive timeout is 4 s): nothing is left open for good.
    { idleToo: true, releaseMs: 8_000 },
  );

  fault(
    "a slow drip past the timeout → AuthleteTimeoutError (the timer covers the body), socket released",
    // 200 chunks × 50 ms = 10 s of drip if nobody stops it; the client's limit is 400 ms.
    { script: [{ kind: "drip", intervalMs: 50, chunk: " ", maxChunks: 200 }] },
    async ({ server }) => {
      const started = performance.now();
      const error = await caught(faultClient(server, { timeoutMs: 400 }).process(REQUEST));
      const elapsed = performance.now() - started;
      expect(error).toBeInstanceOf(AuthleteTimeoutError);
      expect(elapsed).toBeLessThan(5_000);
      return [error];
    },
  );

  fault(
    "a slow drip with a Content-Length past the timeout → AuthleteTimeoutError too (not TRUNCATED)",
    { script: [{ kind: "drip", intervalMs: 50, chunk: " ", maxChunks: 200, contentLength: true }] },
    async ({ server }) => {
      const started = performance.now();
      const error = await caught(faultClient(server, { timeoutMs: 400 }).process(REQUEST));
      expect(error).toBeInstanceOf(AuthleteTimeoutError);
      expect(performance.now() - started).toBeLessThan(5_000);
      return [error];
    },
  );

  fault(
    "a 5 MB body announced by Content-Length → AuthleteInvalidResponseError TOO_LARGE before reading",
    { script: [{ kind: "big", bytes: 5_000_000, chunked: false }] },
    async ({ server }) => {
      expect(DEFAULT_MAX_RESPONSE_BYTES).toBeLessThan(5_000_000);
      const error = await caught(faultClient(server).process(REQUEST));
      expect(error).toBeInstanceOf(AuthleteInvalidResponseError);
      expect(error).toMatchObject({ status: 200, reason: "TOO_LARGE" });
      expect((error as Error).message).toMatch(/maxResponseBytes \(2097152 bytes\).*Content-Length is 5000000/);
      return [error];
    },
  );

  fault(
    "a 5 MB chunked body (no Content-Length) → TOO_LARGE once counted past the cap, stream cancelled",
    { script: [{ kind: "big", bytes: 5_000_000, chunked: true }] },
    async ({ server }) => {
      const error = await caught(faultClient(server).process(REQUEST));
      expect(error).toMatchObject({ name: "AuthleteInvalidResponseError", reason: "TOO_LARGE" });
      expect((error as Error).message).toMatch(/reading stopped/);
      return [error];
    },
  );

  fault(
    "maxResponseBytes is the exact limit: a body of that size passes, one byte more does not",
    {
      script: [
        { kind: "answer", status: 200, body: `${JSON.stringify(OK_BODY)}     ` },
        { kind: "answer", status: 200, body: `${JSON.stringify(OK_BODY)}      ` },
      ],
    },
    async ({ server }) => {
      const size = Buffer.byteLength(`${JSON.stringify(OK_BODY)}     `);
      const c = faultClient(server, { maxResponseBytes: size });
      await expect(c.process(REQUEST)).resolves.toEqual(OK_BODY);
      const error = await caught(c.process(REQUEST));
      expect(error).toMatchObject({ name: "AuthleteInvalidResponseError", reason: "TOO_LARGE" });
      expect(() => faultClient(server, { maxResponseBytes: 0 })).toThrow(/maxResponseBytes/);
      return [error];
    },
  );

  fault(
    "a 5 MB error body → AuthleteApiError with its status, body dropped unread",
    {
      script: [
        {
          kind: "answer",
          status: 503,
          headers: { "retry-after": "3" },
          body: "x".repeat(DEFAULT_MAX_RESPONSE_BYTES + 1),
        },
      ],
    },
    async ({ server }) => {
      const error = await caught(faultClient(server).process(REQUEST));
      expect(error).toBeInstanceOf(AuthleteApiError);
      expect(error).toMatchObject({ status: 503, retryAfter: 3, resultCode: undefined });
      return [error];
    },
  );

  fault(
    "invalid UTF-8 in a 200 body → AuthleteInvalidResponseError INVALID_UTF8 (never patched with U+FFFD)",
    {
      script: [
        {
          kind: "answer",
          status: 200,
          body: Buffer.concat([
            Buffer.from('{"action":"OK","resultMessage":"'),
            Buffer.from([0xc3, 0x28, 0xff]),
            Buffer.from('"}'),
          ]),
        },
      ],
    },
    async ({ server }) => {
      const error = await caught(faultClient(server).process(REQUEST));
      expect(error).toBeInstanceOf(AuthleteInvalidResponseError);
      expect(error).toMatchObject({ status: 200, reason: "INVALID_UTF8" });
      return [error];
    },
  );

  fault(
    "a redirect to another host (301/302/303/307/308) → AuthleteRedirectError, nothing reaches the other host",
    {}, // scripted below, once the other host's port is known
    async ({ server, another }) => {
      const elsewhere = await another({ host: "127.0.0.2", otherwise: { kind: "answer", status: 200, body: OK_BODY } });
      server.setScript(
        [301, 302, 303, 307, 308].map((status) => ({
          kind: "answer" as const,
          status,
          headers: { location: `${elsewhere.url}/api/715948317/auth/token` },
          body: "moved".repeat(800_000), // 4 MB: not cancelled, it would hold the connection
        })),
      );
      const errors: unknown[] = [];
      for (const status of [301, 302, 303, 307, 308]) {
        const error = await caught(faultClient(server).process(REQUEST));
        expect(error).toBeInstanceOf(AuthleteRedirectError);
        expect(error).toMatchObject({ code: "AUTHLETE_REDIRECT", status });
        errors.push(error);
      }
      expect(server.requests).toHaveLength(5);
      expect(elsewhere.requests).toHaveLength(0);
      expect(elsewhere.connections).toBe(0);
      return errors;
    },
  );

  fault(
    "a server echoing the request (token and secret in resultMessage, or in a non-JSON body) → neither shows",
    {}, // scripted below with the secrets themselves
    async ({ server }) => {
      const echo = `Authorization: Bearer ${ACCESS_TOKEN}; client_secret=${CLIENT_SECRET}`;
      server.setScript([
        { kind: "answer", status: 400, body: { resultCode: "A001201", resultMessage: `[A001201] bad: ${echo}` } },
        { kind: "answer", status: 200, body: echo },
      ]);
      const rejected = await caught(faultClient(server).process(REQUEST));
      expect(rejected).toMatchObject({ name: "AuthleteApiError", status: 400, resultCode: "A001201" });
      expect((rejected as AuthleteApiError).resultMessage).toBe(
        "[A001201] bad: Authorization: Bearer [REDACTED]; client_secret=[REDACTED]",
      );
      const garbled = await caught(faultClient(server).process(REQUEST));
      expect(garbled).toMatchObject({ name: "AuthleteInvalidResponseError", reason: "NOT_JSON" });
      expect((garbled as Error).cause).toBeInstanceOf(SyntaxError);
      return [rejected, garbled];
    },
  );

  fault(
    "twelve calls at once over mixed faults → each gets its own outcome, every socket released",
    {},
    async ({ server }) => {
      // One client, so the calls share its pool; the server answers in arrival order, so each
      // call's fault is read back from what the server recorded for its body.
      const faults = [
        { kind: "no-answer" as const },
        { kind: "drip" as const, intervalMs: 50, chunk: " ", maxChunks: 200 },
        { kind: "big" as const, bytes: 5_000_000, chunked: true },
        { kind: "reset-mid-body" as const, declared: 400, body: "{" },
        { kind: "answer" as const, status: 503, headers: { "retry-after": "1" } },
        { kind: "answer" as const, status: 200, body: OK_BODY },
      ];
      server.setScript([...faults, ...faults]);
      // Long enough for twelve requests to arrive on a loaded machine; the drip outlasts it anyway.
      const c = faultClient(server, { timeoutMs: 3_000 });
      const outcomes = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          c.process({ ...REQUEST, clientId: `client-${i}` }).then(
            (value) => ({ i, value, error: undefined as unknown }),
            (error: unknown) => ({ i, value: undefined, error }),
          ),
        ),
      );
      expect(server.requests).toHaveLength(12);
      const expected = ["AuthleteTimeoutError", "AuthleteTimeoutError", "AuthleteInvalidResponseError"];
      expected.push("AuthleteNetworkError", "AuthleteApiError", "ok");
      for (const { i, value, error } of outcomes) {
        // The n-th request to arrive got the n-th scripted fault.
        const arrival = server.requests.findIndex((request) => JSON.parse(request.body).clientId === `client-${i}`);
        expect(arrival).toBeGreaterThanOrEqual(0);
        expect(error === undefined ? "ok" : (error as Error).name).toBe(expected[arrival % faults.length]);
        if (error === undefined) expect(value).toEqual(OK_BODY);
      }
      return outcomes.map((outcome) => outcome.error);
    },
  );

  fault(
    "429 and 503 with Retry-After → AuthleteApiError with retryAfter (delay-seconds and HTTP-date)",
    {}, // scripted below, with a date computed when the case runs
    async ({ server }) => {
      const date = new Date(Math.ceil(Date.now() / 1000) * 1000 + 120_000);
      server.setScript([
        { kind: "answer", status: 429, headers: { "retry-after": "7" }, body: { resultCode: "A001301" } },
        { kind: "answer", status: 503, headers: { "retry-after": date.toUTCString() }, body: "" },
      ]);
      const tooMany = await caught(faultClient(server).process(REQUEST));
      expect(tooMany).toBeInstanceOf(AuthleteApiError);
      expect(tooMany).toMatchObject({ status: 429, retryAfter: 7, resultCode: "A001301" });
      const unavailable = await caught(faultClient(server).process(REQUEST));
      expect(unavailable).toMatchObject({ name: "AuthleteApiError", status: 503 });
      const seconds = (unavailable as AuthleteApiError).retryAfter ?? -1;
      expect(seconds).toBeGreaterThanOrEqual(115);
      expect(seconds).toBeLessThanOrEqual(121);
      // Retries are opt-in: without them each answer was one request.
      expect(server.requests).toHaveLength(2);
      return [tooMany, unavailable];
    },
  );
});
