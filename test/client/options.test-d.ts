import { describe, expectTypeOf, it } from "vitest";
import type {
  AuthleteApiError,
  AuthleteInvalidResponseError,
  AuthleteNetworkError,
  CallOptions,
  InvalidResponseReason,
  RetryOptions,
  TokenClientOptions,
} from "../../src/index.js";
import { parseRetryAfter } from "../../src/index.js";

describe("client options and error fields for faults and retries", () => {
  it("take retry as options, a limit or a boolean, on the client and per call", () => {
    expectTypeOf<TokenClientOptions["retry"]>().toEqualTypeOf<RetryOptions | number | boolean | undefined>();
    expectTypeOf<CallOptions["retry"]>().toEqualTypeOf<RetryOptions | number | boolean | undefined>();
    expectTypeOf<TokenClientOptions["maxResponseBytes"]>().toEqualTypeOf<number | undefined>();
    const options: RetryOptions = { limit: 2, baseDelayMs: 100, maxDelayMs: 1_000, random: () => 0.5 };
    // @ts-expect-error the random source returns a number
    const wrong: RetryOptions = { random: () => "0.5" };
    void [options, wrong];
  });

  it("expose retryAfter, reason and requestNotSent", () => {
    expectTypeOf<AuthleteApiError["retryAfter"]>().toEqualTypeOf<number | undefined>();
    expectTypeOf<AuthleteInvalidResponseError["reason"]>().toEqualTypeOf<InvalidResponseReason>();
    expectTypeOf<AuthleteNetworkError["requestNotSent"]>().toEqualTypeOf<boolean>();
    expectTypeOf<"TOO_LARGE">().toExtend<InvalidResponseReason>();
    expectTypeOf(parseRetryAfter).returns.toEqualTypeOf<number | undefined>();
  });
});
