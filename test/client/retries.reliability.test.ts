import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { failedBeforeSending } from "../../src/errors.js";
import {
  AuthleteApiError,
  AuthleteConfigurationError,
  AuthleteNetworkError,
  AuthleteTimeoutError,
  createTokenClient,
  type FetchLike,
  parseRetryAfter,
  type RetryOptions,
  type TokenClientOptions,
  withRetries,
} from "../../src/index.js";
import { backoffDelayMs, resolveRetryPolicy, retryDelayMs } from "../../src/retry.js";
import { caught, faultClient, OK_BODY, REQUEST, useFaultCases } from "../helpers/fault-case.js";
import { type Fault, type FaultServer, startFaultServer } from "../helpers/fault-server.js";

const CATEGORY = "Client: retries";
const OK: Fault = { kind: "answer", status: 200, body: OK_BODY };
/** Waits driven by the Retry-After header alone: the jitter contributes nothing. */
const NO_JITTER: RetryOptions = { limit: 3, baseDelayMs: 50, maxDelayMs: 2_000, random: () => 0 };

const retryCase = useFaultCases(CATEGORY);

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** Gaps between the arrivals of consecutive requests at the server, in ms. */
function gaps(server: FaultServer): number[] {
  return server.requests.slice(1).map((request, i) => request.at - (server.requests[i]?.at ?? 0));
}

describe("opt-in retries: what is retried", () => {
  retryCase(
    "429 with Retry-After: 1 is retried after at least 1 s, then succeeds",
    { script: [{ kind: "answer", status: 429, headers: { "retry-after": "1" }, body: { resultCode: "A001301" } }, OK] },
    async ({ server }) => {
      await expect(faultClient(server, { retry: withRetries(NO_JITTER) }).process(REQUEST)).resolves.toEqual(OK_BODY);
      expect(server.requests).toHaveLength(2);
      const [gap = 0] = gaps(server);
      expect(gap).toBeGreaterThanOrEqual(995);
      expect(gap).toBeLessThan(4_000);
      // Both attempts carried the same request, secrets included, and nothing else was sent.
      expect(server.requests[1]?.body).toBe(server.requests[0]?.body);
      return [];
    },
  );

  retryCase(
    "503 with Retry-After: 1 likewise; 503 without Retry-After is retried after a jittered backoff",
    {
      script: [
        { kind: "answer", status: 503, headers: { "retry-after": "1" }, body: "<html>down</html>" },
        OK,
        { kind: "answer", status: 503, body: "" },
        OK,
      ],
    },
    async ({ server }) => {
      await expect(faultClient(server, { retry: withRetries(NO_JITTER) }).process(REQUEST)).resolves.toEqual(OK_BODY);
      await expect(
        faultClient(server, {
          retry: withRetries({ limit: 1, baseDelayMs: 200, maxDelayMs: 200, random: () => 0.5 }),
        }).process(REQUEST),
      ).resolves.toEqual(OK_BODY);
      expect(server.requests).toHaveLength(4);
      const [afterRetryAfter = 0, , afterBackoff = 0] = gaps(server);
      expect(afterRetryAfter).toBeGreaterThanOrEqual(995);
      expect(afterBackoff).toBeGreaterThanOrEqual(98); // 0.5 × 200
      expect(afterBackoff).toBeLessThan(2_000);
      return [];
    },
  );

  retryCase(
    "Retry-After above maxDelayMs is not retried: the error, with retryAfter, goes to the caller at once",
    {
      script: [
        { kind: "answer", status: 429, headers: { "retry-after": "5" }, body: { resultCode: "A001301" } },
        OK,
        OK,
      ],
    },
    async ({ server }) => {
      const started = performance.now();
      const error = await caught(faultClient(server, { retry: withRetries(NO_JITTER) }).process(REQUEST));
      expect(performance.now() - started).toBeLessThan(1_500);
      expect(error).toBeInstanceOf(AuthleteApiError);
      expect(error).toMatchObject({ status: 429, retryAfter: 5 });
      expect(server.requests).toHaveLength(1);
      return [error];
    },
  );

  retryCase(
    "connection refused (ECONNREFUSED: the request was never sent) is retried, and succeeds once the port opens",
    {},
    async ({ server: unused }) => {
      const port = await closedPort();
      let opened: FaultServer | undefined;
      const failures: unknown[] = [];
      // The real fetch, watched: after its first failure a server starts on the port it tried.
      const watched: FetchLike = async (input, init) => {
        try {
          return await fetch(input, init);
        } catch (error) {
          failures.push(error);
          opened ??= await startFaultServer({ port, otherwise: OK });
          throw error;
        }
      };
      try {
        const c = faultClient(`http://127.0.0.1:${port}`, {
          fetch: watched,
          retry: withRetries({ limit: 2, baseDelayMs: 100, random: () => 0.5 }),
        });
        await expect(c.process(REQUEST)).resolves.toEqual(OK_BODY);
        expect(failures).toHaveLength(1);
        expect(failedBeforeSending(failures[0])).toBe(true);
        expect((failures[0] as Error & { cause?: { code?: string } }).cause?.code).toBe("ECONNREFUSED");
        expect(opened?.requests).toHaveLength(1);
        expect(unused.requests).toHaveLength(0);
      } finally {
        if (opened) {
          expect(await opened.waitForNoSockets()).toBe(0);
          await opened.close();
        }
      }
      return failures;
    },
  );

  retryCase(
    "refused on every attempt: limit + 1 attempts, then AuthleteNetworkError with requestNotSent",
    {},
    async () => {
      const port = await closedPort();
      let attempts = 0;
      const counted: FetchLike = (input, init) => {
        attempts++;
        return fetch(input, init);
      };
      const error = await caught(
        faultClient(`http://127.0.0.1:${port}`, {
          fetch: counted,
          retry: withRetries({ limit: 2, baseDelayMs: 20 }),
        }).process(REQUEST),
      );
      expect(error).toBeInstanceOf(AuthleteNetworkError);
      expect(error).toMatchObject({ requestNotSent: true });
      expect(attempts).toBe(3);
      return [error];
    },
  );

  retryCase(
    "a name that does not resolve (ENOTFOUND from a custom fetch) is retried; an error without a code is not",
    {},
    async () => {
      let calls = 0;
      const dnsFailure: FetchLike = async () => {
        calls++;
        throw new TypeError("fetch failed", {
          cause: Object.assign(new Error("getaddrinfo ENOTFOUND authlete.invalid"), {
            code: "ENOTFOUND",
            syscall: "getaddrinfo",
          }),
        });
      };
      const notFound = await caught(
        faultClient("https://authlete.invalid", {
          fetch: dnsFailure,
          retry: withRetries({ limit: 2, baseDelayMs: 10 }),
        }).process(REQUEST),
      );
      expect(notFound).toMatchObject({ name: "AuthleteNetworkError", requestNotSent: true });
      expect(calls).toBe(3);
      calls = 0;
      const opaque: FetchLike = async () => {
        calls++;
        throw new TypeError("Failed to fetch");
      };
      const unknown = await caught(
        faultClient("https://authlete.invalid", {
          fetch: opaque,
          retry: withRetries({ limit: 2, baseDelayMs: 10 }),
        }).process(REQUEST),
      );
      expect(unknown).toMatchObject({ name: "AuthleteNetworkError", requestNotSent: false });
      expect(calls).toBe(1);
      return [notFound, unknown];
    },
  );
});

describe("opt-in retries: what is never retried (Authlete may have processed it)", () => {
  retryCase("500, 502 and 504 are not retried: exactly one request each", {}, async ({ server }) => {
    const errors: unknown[] = [];
    for (const status of [500, 502, 504]) {
      server.setScript([{ kind: "answer", status, body: { resultCode: "A001101" } }, OK]);
      const before = server.requests.length;
      const error = await caught(
        faultClient(server, { retry: withRetries({ limit: 3, baseDelayMs: 10 }) }).process(REQUEST),
      );
      expect(error).toMatchObject({ name: "AuthleteApiError", status });
      await pause(100); // a retry would have come by now (baseDelayMs 10)
      expect(server.requests.length - before).toBe(1);
      errors.push(error);
    }
    return errors;
  });

  retryCase(
    "a timeout (no answer) is not retried: one request",
    { script: [{ kind: "no-answer" }], otherwise: OK },
    async ({ server }) => {
      const error = await caught(
        faultClient(server, { timeoutMs: 300, retry: withRetries({ limit: 3, baseDelayMs: 10 }) }).process(REQUEST),
      );
      expect(error).toBeInstanceOf(AuthleteTimeoutError);
      await pause(200);
      expect(server.requests).toHaveLength(1);
      return [error];
    },
  );

  retryCase(
    "a reset mid-body is not retried: one request",
    { script: [{ kind: "reset-mid-body", declared: 300, body: '{"action":"OK",' }], otherwise: OK },
    async ({ server }) => {
      const error = await caught(
        faultClient(server, { retry: withRetries({ limit: 3, baseDelayMs: 10 }) }).process(REQUEST),
      );
      expect(error).toMatchObject({ name: "AuthleteNetworkError", requestNotSent: false });
      await pause(200);
      expect(server.requests).toHaveLength(1);
      return [error];
    },
  );

  retryCase(
    "a request the server received and then dropped (FIN or RST) is not retried: one request each",
    { script: [{ kind: "drop" }, OK, { kind: "drop", reset: true }, OK] },
    async ({ server }) => {
      const c = faultClient(server, { retry: withRetries({ limit: 3, baseDelayMs: 10 }) });
      const closed = await caught(c.process(REQUEST));
      await pause(200);
      expect(server.requests).toHaveLength(1);
      server.setScript([{ kind: "drop", reset: true }, OK]);
      const reset = await caught(c.process(REQUEST));
      await pause(200);
      expect(server.requests).toHaveLength(2);
      for (const error of [closed, reset]) {
        expect(error).toMatchObject({ name: "AuthleteNetworkError", requestNotSent: false });
      }
      return [closed, reset];
    },
  );

  retryCase(
    "retries are off by default, and `retry: false` on a call turns the client's off",
    {
      script: [
        { kind: "answer", status: 429, headers: { "retry-after": "0" } },
        OK,
        { kind: "answer", status: 503, headers: { "retry-after": "0" } },
        OK,
      ],
    },
    async ({ server }) => {
      const byDefault = await caught(faultClient(server).process(REQUEST));
      expect(byDefault).toMatchObject({ status: 429 });
      expect(server.requests).toHaveLength(1);
      await expect(faultClient(server).process(REQUEST)).resolves.toEqual(OK_BODY);
      const perCall = await caught(
        faultClient(server, { retry: withRetries(NO_JITTER) }).process(REQUEST, { retry: false }),
      );
      expect(perCall).toMatchObject({ status: 503 });
      expect(server.requests).toHaveLength(3);
      return [byDefault, perCall];
    },
  );
});

describe("opt-in retries: backoff, and the time limit", () => {
  retryCase(
    "waits grow exponentially up to maxDelayMs, scaled by the random source (full jitter)",
    {},
    async ({ server }) => {
      const unavailable: Fault = { kind: "answer", status: 503, body: "" };
      const policy = { limit: 3, baseDelayMs: 100, maxDelayMs: 300 };
      server.setScript([unavailable, unavailable, unavailable, OK]);
      await expect(
        faultClient(server, { retry: withRetries({ ...policy, random: () => 0.999 }) }).process(REQUEST),
      ).resolves.toEqual(OK_BODY);
      const slow = gaps(server);
      // Ceilings 100, 200, then 300 (400 capped), each × 0.999.
      expect(slow).toHaveLength(3);
      [100, 200, 300].forEach((ceiling, i) => {
        expect(slow[i]).toBeGreaterThanOrEqual(ceiling * 0.999 - 2);
        expect(slow[i]).toBeLessThan(ceiling + 1_000);
      });
      expect(slow[2]).toBeLessThan(400 + 1_000 - 400); // capped: well under the uncapped 400 + slack
      server.setScript([unavailable, unavailable, unavailable, OK]);
      const first = server.requests.length;
      await expect(
        faultClient(server, { retry: withRetries({ ...policy, random: () => 0 }) }).process(REQUEST),
      ).resolves.toEqual(OK_BODY);
      const fast = gaps(server).slice(first);
      expect(fast).toHaveLength(3);
      // With the random source at 0 the same schedule waits (next to) nothing: the jitter is applied.
      expect(fast.reduce((a, b) => a + b, 0)).toBeLessThan(slow.reduce((a, b) => a + b, 0) - 300);
      return [];
    },
  );

  retryCase(
    "the caller's abort signal stops a pending retry at once; no further request is sent",
    { script: [{ kind: "answer", status: 429, headers: { "retry-after": "2" } }], otherwise: OK },
    async ({ server }) => {
      const controller = new AbortController();
      const reason = new Error("the OAuth client went away");
      setTimeout(() => controller.abort(reason), 300);
      const started = performance.now();
      const error = await caught(
        faultClient(server, { retry: withRetries({ ...NO_JITTER, maxDelayMs: 5_000 }) }).process(REQUEST, {
          signal: controller.signal,
        }),
      );
      expect(error).toBe(reason);
      expect(performance.now() - started).toBeLessThan(1_500);
      await pause(2_200); // past the 2 s the retry would have waited
      expect(server.requests).toHaveLength(1);
      return [error];
    },
  );

  retryCase(
    "a retry that would end past timeoutMs is not waited for: the last error comes back at once",
    { script: [{ kind: "answer", status: 503, headers: { "retry-after": "2" } }], otherwise: OK },
    async ({ server }) => {
      const started = performance.now();
      const error = await caught(
        faultClient(server, { timeoutMs: 1_500, retry: withRetries({ ...NO_JITTER, maxDelayMs: 5_000 }) }).process(
          REQUEST,
        ),
      );
      // Not a timeout 1.5 s in, nor the 503 after a 2 s wait: the 503 at once.
      expect(error).toMatchObject({ name: "AuthleteApiError", status: 503, retryAfter: 2 });
      expect(performance.now() - started).toBeLessThan(1_400);
      await pause(2_200);
      expect(server.requests).toHaveLength(1);
      return [error];
    },
  );

  retryCase(
    "timeoutMs covers the attempts and the waits together",
    { script: [{ kind: "answer", status: 503 }, { kind: "no-answer" }], otherwise: OK },
    async ({ server }) => {
      const started = performance.now();
      const error = await caught(
        faultClient(server, {
          timeoutMs: 1_500,
          retry: withRetries({ limit: 3, baseDelayMs: 300, maxDelayMs: 300, random: () => 0.999 }),
        }).process(REQUEST),
      );
      const elapsed = performance.now() - started;
      // The 503, a ~300 ms wait, then the second attempt gets no answer: the one time limit ends it.
      expect(error).toBeInstanceOf(AuthleteTimeoutError);
      expect(error).toMatchObject({ timeoutMs: 1_500 });
      expect(elapsed).toBeGreaterThanOrEqual(1_490);
      expect(elapsed).toBeLessThan(4_000);
      expect(server.requests).toHaveLength(2);
      return [error];
    },
  );
});

describe("retry building blocks", () => {
  it("parseRetryAfter reads delay-seconds and the three HTTP-date formats, and refuses the rest", () => {
    const now = Date.UTC(1994, 10, 6, 8, 49, 0); // Sun, 06 Nov 1994 08:49:00 GMT
    expect(parseRetryAfter("120", now)).toBe(120);
    expect(parseRetryAfter("0", now)).toBe(0);
    expect(parseRetryAfter(" 7 ", now)).toBe(7);
    expect(parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", now)).toBe(37);
    expect(parseRetryAfter("Sunday, 06-Nov-94 08:49:37 GMT", now)).toBe(37);
    expect(parseRetryAfter("Sun Nov  6 08:49:37 1994", now)).toBe(37);
    expect(parseRetryAfter("Sun, 06 Nov 1994 08:48:00 GMT", now)).toBe(0); // in the past
    expect(parseRetryAfter(new Date(now + 90_500).toUTCString(), now)).toBe(90);
    // RFC 850's two-digit years: the most recent such year not more than 50 years ahead.
    const in2026 = Date.UTC(2026, 10, 28, 12, 0, 0);
    expect(parseRetryAfter("Saturday, 28-Nov-26 12:00:30 GMT", in2026)).toBe(30);
    expect(parseRetryAfter("Sunday, 06-Nov-94 08:49:37 GMT", in2026)).toBe(0); // 1994, not 2094
    for (const bad of [
      null,
      undefined,
      "",
      "-1",
      "1.5",
      "soon",
      "Sun, 31 Feb 1994 08:49:37 GMT",
      "Sun, 06 Nov 1994 25:00:00 GMT",
      "Sun, 06 Nov 1994 24:00:00 GMT",
      "Sun, 06 Nov 1994 08:60:00 GMT",
      "Sun, 06 Nov 1994 08:49:37 1994",
      "Sun Nov  6 08:49:37 GMT",
      "Sunday, 31-Apr-94 08:49:37 GMT",
      "Sun, 06 Nov 1994 08:49:37 CET",
      "Sun, 06 Foo 1994 08:49:37 GMT",
      "Sun, 06 Nov 1994 8:49:37 GMT",
      "Sun, 06 Nov 1994 08:49:37",
      "0x10",
    ]) {
      expect(parseRetryAfter(bad, now)).toBeUndefined();
    }
  });

  it("backoffDelayMs is uniform in [0, min(maxDelayMs, baseDelayMs × 2^n)) for the random source given", () => {
    const fixed = (unit: number) =>
      resolveRetryPolicy({ limit: 5, baseDelayMs: 100, maxDelayMs: 1_000, random: () => unit });
    expect([0, 1, 2, 3, 4].map((n) => backoffDelayMs(n, fixed(0.5) as never))).toEqual([50, 100, 200, 400, 500]);
    expect(backoffDelayMs(10, fixed(0.999999) as never)).toBeLessThan(1_000);
    expect(backoffDelayMs(0, fixed(0) as never)).toBe(0);
    const policy = resolveRetryPolicy({ limit: 5, baseDelayMs: 100, maxDelayMs: 1_000 });
    const samples = Array.from({ length: 2_000 }, () => backoffDelayMs(2, policy));
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...samples)).toBeLessThan(400);
    const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
    expect(mean).toBeGreaterThan(170);
    expect(mean).toBeLessThan(230);
    expect(new Set(samples).size).toBeGreaterThan(1_900);
  });

  it("retryDelayMs retries only 429/503 and unsent connections, within the limit and the cap", () => {
    const policy = resolveRetryPolicy({ limit: 2, baseDelayMs: 100, maxDelayMs: 1_000, random: () => 0.5 });
    expect(retryDelayMs(new AuthleteApiError(429, {}, { retryAfter: 1 }), 0, policy)).toBe(1_000);
    expect(retryDelayMs(new AuthleteApiError(503, {}), 1, policy)).toBe(100);
    expect(retryDelayMs(new AuthleteApiError(503, {}), 2, policy)).toBeUndefined(); // limit reached
    expect(retryDelayMs(new AuthleteApiError(429, {}, { retryAfter: 2 }), 0, policy)).toBeUndefined(); // over the cap
    for (const status of [400, 401, 403, 404, 408, 500, 502, 504]) {
      expect(retryDelayMs(new AuthleteApiError(status, {}), 0, policy)).toBeUndefined();
    }
    const refused = new TypeError("fetch failed", { cause: Object.assign(new Error("x"), { code: "ECONNREFUSED" }) });
    const reset = new TypeError("fetch failed", { cause: Object.assign(new Error("x"), { code: "ECONNRESET" }) });
    const unreachableMidway = new TypeError("terminated", {
      cause: Object.assign(new Error("x"), { code: "EHOSTUNREACH", syscall: "read" }),
    });
    const unreachable = new TypeError("fetch failed", {
      cause: Object.assign(new Error("x"), { code: "EHOSTUNREACH", syscall: "connect" }),
    });
    const everyAddressRefused = new TypeError("fetch failed", {
      cause: new AggregateError([
        Object.assign(new Error("a"), { code: "ECONNREFUSED" }),
        Object.assign(new Error("b"), { code: "ECONNREFUSED" }),
      ]),
    });
    const oneAddressTimedOut = new TypeError("fetch failed", {
      cause: new AggregateError([
        Object.assign(new Error("a"), { code: "ECONNREFUSED" }),
        Object.assign(new Error("b"), { code: "ETIMEDOUT" }),
      ]),
    });
    expect(retryDelayMs(new AuthleteNetworkError(refused), 0, policy)).toBe(50);
    expect(retryDelayMs(new AuthleteNetworkError(unreachable), 0, policy)).toBe(50);
    expect(retryDelayMs(new AuthleteNetworkError(everyAddressRefused), 0, policy)).toBe(50);
    expect(retryDelayMs(new AuthleteNetworkError(reset), 0, policy)).toBeUndefined();
    expect(retryDelayMs(new AuthleteNetworkError(unreachableMidway), 0, policy)).toBeUndefined();
    expect(retryDelayMs(new AuthleteNetworkError(oneAddressTimedOut), 0, policy)).toBeUndefined();
    expect(retryDelayMs(new AuthleteNetworkError(refused, { duringBody: true }), 0, policy)).toBeUndefined();
    expect(retryDelayMs(new AuthleteTimeoutError(100), 0, policy)).toBeUndefined();
  });

  it("retry options are checked by withRetries(), and anything else as `retry` is refused", async () => {
    const make = (retry: RetryOptions) => () => withRetries(retry);
    expect(make({ limit: -1 })).toThrow(AuthleteConfigurationError);
    expect(make({ limit: 11 })).toThrow(/retry.limit/);
    expect(make({ limit: 1.5 })).toThrow(/retry.limit/);
    expect(make({ baseDelayMs: Number.NaN })).toThrow(/retry.baseDelayMs/);
    expect(make({ baseDelayMs: 500, maxDelayMs: 100 })).toThrow(/retry.maxDelayMs/);
    expect(make({ random: 0.5 as never })).toThrow(/retry.random/);
    expect(make({ limit: 0 })).not.toThrow();
    expect(() => withRetries(3 as never)).toThrow(/withRetries\(\) takes an options object/);
    expect(resolveRetryPolicy({})).toMatchObject({ limit: 2, baseDelayMs: 250, maxDelayMs: 3_000 });
    // Anything but a withRetries() strategy (the old `retry: 3` / `true` shapes included) is refused.
    for (const retry of [3, true, { limit: 2 }]) {
      const bad = { serviceId: 1, accessToken: "t", retry } as unknown as TokenClientOptions;
      expect(() => createTokenClient(bad)).toThrow(/retry must be made by withRetries\(\)/);
      const c = createTokenClient({ serviceId: 1, accessToken: "t" });
      const badCall = { retry } as unknown as { retry: false };
      await expect(c.process({ parameters: "" }, badCall)).rejects.toThrow(/retry must be made by withRetries\(\)/);
    }
    expect(() => createTokenClient({ serviceId: 1, accessToken: "t", retry: withRetries() })).not.toThrow();
  });
});
