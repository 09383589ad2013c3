/**
 * Opt-in retries of calls to Authlete ({@link withRetries}), and the `Retry-After` parser that
 * every error answer uses.
 *
 * A token request is not idempotent (an authorization code is redeemed once), so a call is
 * retried only when Authlete provably did not process it: a 429 or 503 answer, or a connection
 * that failed before the request was sent. Waits grow exponentially with full jitter and count
 * against the call's `timeoutMs`.
 *
 * @see docs/client.md#retries (the rule in full, and why)
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-10.5
 */

import { AuthleteApiError, AuthleteConfigurationError, AuthleteError, AuthleteNetworkError } from "./errors.js";

/**
 * The options of {@link withRetries}.
 * @see docs/client.md#retries (when a call is retried, and why only then)
 */
export interface RetryOptions {
  /** How many times a call may be repeated after its first attempt. Defaults to 2; `0` turns retries off. */
  limit?: number | undefined;
  /** The wait before the first retry grows from this: `baseDelayMs × 2^n` before retry n + 1, jittered. Defaults to 250. */
  baseDelayMs?: number | undefined;
  /**
   * The longest wait before any one retry, in milliseconds, `Retry-After` included: an answer
   * asking to wait longer is not retried. Defaults to 3 000.
   */
  maxDelayMs?: number | undefined;
  /**
   * The random source of the jitter, returning a number in [0, 1). Defaults to `Math.random`;
   * tests pass a fixed one to get predictable waits.
   */
  random?: (() => number) | undefined;
}

/**
 * A retry strategy for {@link createTokenClient}'s `retry` option, made by {@link withRetries}:
 * runs `attempt` and repeats it while the rule allows, until `deadline` (milliseconds since the
 * epoch; `Infinity` for none) or until `signal` aborts.
 * @see docs/client.md#retries
 */
export type Retries = <T>(attempt: () => Promise<T>, signal: AbortSignal | undefined, deadline: number) => Promise<T>;

/** {@link RetryOptions} with every default applied and checked. */
interface RetryPolicy {
  readonly limit: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly random: () => number;
}

/** The defaults of {@link RetryOptions}. */
export const DEFAULT_RETRY: Readonly<{ limit: number; baseDelayMs: number; maxDelayMs: number }> =
  /* @__PURE__ */ Object.freeze({
    limit: 2,
    baseDelayMs: 250,
    maxDelayMs: 3_000,
  });

/**
 * Opt-in retries for {@link createTokenClient} (`retry: withRetries()`) or one call
 * (`process(request, { retry: withRetries({ limit: 1 }) })`): a call is repeated only when Authlete
 * provably did not process it (a 429 or 503 answer, or a connection that failed before the request
 * was sent), after a jittered exponential wait that counts against the call's `timeoutMs`. A
 * program that does not import this function does not bundle the retry code.
 *
 * @throws {AuthleteConfigurationError} when an option is out of range.
 * @see docs/client.md#retries (the rule in full, and why)
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-10.5
 */
export function withRetries(options: RetryOptions = {}): Retries {
  if (typeof options !== "object" || options === null) {
    throw new AuthleteConfigurationError("withRetries() takes an options object");
  }
  const policy = resolveRetryPolicy(options);
  return async (attempt, signal, deadline) => {
    for (let retries = 0; ; retries++) {
      try {
        return await attempt();
      } catch (error) {
        // Failures of the exchange arrive as AuthleteErrors; anything else (a token function that
        // threw) is the caller's own and would fail the same way again.
        if (signal?.aborted || !(error instanceof AuthleteError)) throw error;
        const failure = error;
        const delay = retryDelayMs(failure, retries, policy);
        // A wait that would end past the time limit is not started: the real failure is more
        // useful to the caller than a timeout.
        if (delay === undefined || Date.now() + delay >= deadline) throw failure;
        await sleep(delay, signal);
      }
    }
  };
}

/**
 * Checks retry options and fills in the defaults.
 *
 * @throws {AuthleteConfigurationError} when a value is out of range.
 */
export function resolveRetryPolicy(options: RetryOptions): RetryPolicy {
  const limit = options.limit ?? DEFAULT_RETRY.limit;
  const baseDelayMs = options.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs;
  const maxDelayMs = options.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs;
  const random = options.random ?? Math.random;
  if (!Number.isInteger(limit) || limit < 0 || limit > 10) {
    throw new AuthleteConfigurationError("retry.limit must be an integer from 0 to 10");
  }
  if (!Number.isFinite(baseDelayMs) || baseDelayMs < 0) {
    throw new AuthleteConfigurationError("retry.baseDelayMs must be a finite number ≥ 0");
  }
  if (!Number.isFinite(maxDelayMs) || maxDelayMs < baseDelayMs) {
    throw new AuthleteConfigurationError("retry.maxDelayMs must be a finite number ≥ retry.baseDelayMs");
  }
  if (typeof random !== "function") throw new AuthleteConfigurationError("retry.random must be a function");
  return Object.freeze({ limit, baseDelayMs, maxDelayMs, random });
}

/**
 * The jittered exponential wait before retry `retry + 1` (so `retry` is 0 before the first one):
 * uniformly random in [0, min(maxDelayMs, baseDelayMs × 2^retry)), "full jitter".
 */
export function backoffDelayMs(retry: number, policy: RetryPolicy): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  const unit = policy.random();
  // A random source outside [0, 1) is clamped rather than trusted.
  return ceiling * (unit >= 0 && unit < 1 ? unit : unit >= 1 ? 1 : 0);
}

/**
 * How long to wait before repeating a call that failed with `error`, or `undefined` when it must
 * not be repeated (see docs/client.md#retries for the rule).
 *
 * @param retry How many retries were made already (0 after the first attempt).
 */
export function retryDelayMs(error: unknown, retry: number, policy: RetryPolicy): number | undefined {
  if (retry >= policy.limit) return undefined;
  if (error instanceof AuthleteApiError) {
    if (error.status !== 429 && error.status !== 503) return undefined;
    const backoff = backoffDelayMs(retry, policy);
    if (error.retryAfter === undefined) return backoff;
    const asked = error.retryAfter * 1000;
    return asked > policy.maxDelayMs ? undefined : Math.max(asked, backoff);
  }
  if (error instanceof AuthleteNetworkError && error.requestNotSent) return backoffDelayMs(retry, policy);
  return undefined;
}

/**
 * Waits `ms` milliseconds, or rejects with `signal.reason` as soon as `signal` aborts (at once if
 * it already has). The timer and the listener are removed either way.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

const MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";
// The three HTTP-date formats (RFC 9110 §5.6.7), day names not checked against the date:
// IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT" (groups 1-3: day, month, year), RFC 850
// "Sunday, 06-Nov-94 08:49:37 GMT" (4-6) and asctime "Sun Nov  6 08:49:37 1994" (7-8: month,
// day; 10: year), then the time (9), GMT for the first two and the year for asctime.
const HTTP_DATE =
  /^[A-Z][a-z]{2}(?:, (\d\d) ([A-Z][a-z]{2}) (\d{4})|[a-z]{3,6}, (\d\d)-([A-Z][a-z]{2})-(\d\d)| ([A-Z][a-z]{2}) ([ \d]\d)) (\d\d:\d\d:\d\d)(?: GMT| (\d{4}))$/;

/**
 * Parses a `Retry-After` header value (RFC 9110 §10.2.3) into whole seconds from `now`: either
 * delay-seconds (`"120"`) or an HTTP-date in any of the three formats RFC 9110 §5.6.7 requires a
 * recipient to accept (IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`, the obsolete RFC 850
 * `Sunday, 06-Nov-94 08:49:37 GMT` and asctime `Sun Nov  6 08:49:37 1994`), all in GMT. A date in
 * the past gives 0. Returns `undefined` for a missing or malformed value (which is then ignored,
 * as RFC 9110 asks), never a guess.
 *
 * @param now The time the answer arrived, in milliseconds since the epoch (defaults to now).
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-5.6.7
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value == null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const m = HTTP_DATE.exec(text);
  // The year at the end belongs to asctime alone, and GMT to the other two.
  if (!m || (m[7] === undefined) !== (m[10] === undefined)) return undefined;
  let year = Number(m[3] ?? m[6] ?? m[10]);
  if (m[6] !== undefined) {
    // A two-digit year is the most recent one with those digits not more than 50 years ahead.
    const current = new Date(now).getUTCFullYear();
    year += current - (current % 100);
    if (year > current + 50) year -= 100;
  }
  // An unknown month gives a fraction here, and so a date that does not parse.
  const month = MONTHS.indexOf(m[2] ?? m[5] ?? m[7] ?? "") / 3 + 1;
  const iso = `${year}-${pad(month)}-${pad(Number(m[1] ?? m[4] ?? m[8]))}T${m[9]}.000Z`;
  const time = Date.parse(iso);
  // Only a date that comes back as written is one: "31 Feb" and "25:00" roll over or fail to parse.
  if (new Date(time).toJSON() !== iso) return undefined;
  return Math.max(0, Math.ceil((time - now) / 1000));
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}
