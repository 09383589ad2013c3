import { describe, expectTypeOf, it } from "vitest";
import type {
  AuthleteApiError,
  AuthleteInvalidResponseError,
  AuthleteNetworkError,
  CallOptions,
  InvalidResponseReason,
  Retries,
  RetryOptions,
  TokenClientOptions,
} from "../../src/index.js";
import { parseRetryAfter, withRetries } from "../../src/index.js";

describe("client options and error fields for faults and retries", () => {
  it("take retry as a withRetries() strategy on the client, and per call (or false)", () => {
    expectTypeOf<TokenClientOptions["retry"]>().toEqualTypeOf<Retries | undefined>();
    expectTypeOf<CallOptions["retry"]>().toEqualTypeOf<Retries | false | undefined>();
    expectTypeOf(withRetries).parameter(0).toEqualTypeOf<RetryOptions | undefined>();
    expectTypeOf(withRetries).returns.toEqualTypeOf<Retries>();
    // @ts-expect-error options go through withRetries(), not straight into `retry`
    const direct: TokenClientOptions["retry"] = { limit: 2 };
    expectTypeOf<TokenClientOptions["maxResponseBytes"]>().toEqualTypeOf<number | undefined>();
    const options: RetryOptions = { limit: 2, baseDelayMs: 100, maxDelayMs: 1_000, random: () => 0.5 };
    // @ts-expect-error the random source returns a number
    const wrong: RetryOptions = { random: () => "0.5" };
    void [options, wrong, direct];
  });

  it("expose retryAfter, reason and requestNotSent", () => {
    expectTypeOf<AuthleteApiError["retryAfter"]>().toEqualTypeOf<number | undefined>();
    expectTypeOf<AuthleteInvalidResponseError["reason"]>().toEqualTypeOf<InvalidResponseReason>();
    expectTypeOf<AuthleteNetworkError["requestNotSent"]>().toEqualTypeOf<boolean>();
    expectTypeOf<"TOO_LARGE">().toExtend<InvalidResponseReason>();
    expectTypeOf(parseRetryAfter).returns.toEqualTypeOf<number | undefined>();
  });
});
