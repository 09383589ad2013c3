// HTTP-level faults of the fake surface as the client's typed errors, in process and over HTTP,
// so users can test their retry and error paths.
import { describe, expect, it } from "vitest";
import {
  AuthleteApiError,
  AuthleteNetworkError,
  AuthleteTimeoutError,
  createTokenEndpoint,
  withRetries,
} from "../../src/index.js";
import { createFakeAuthlete } from "../../src/testing/index.js";
import { exposeForScan } from "../helpers/secret-scan.js";
import { TESTING_ACCESS_TOKEN } from "../helpers/secrets.js";
import { clientOf, TRANSPORTS, useFake } from "../helpers/testing-fake.js";

const REQUEST = { parameters: "grant_type=client_credentials&client_id=app&client_secret=s" };

for (const transport of TRANSPORTS) {
  describe(`HTTP faults, ${transport.name}`, () => {
    const tested = useFake(transport, { accessToken: TESTING_ACCESS_TOKEN });
    const { fake, answers } = tested;

    async function failure(call: Promise<unknown>): Promise<unknown> {
      const error = await call.then(
        () => undefined,
        (e: unknown) => e,
      );
      exposeForScan(error, "client error");
      return error;
    }

    it("500: AuthleteApiError with Authlete's result code; the endpoint answers server_error", async () => {
      fake.failNext(500);
      const error = await failure(tested.client.process(REQUEST));
      expect(error).toBeInstanceOf(AuthleteApiError);
      expect(error).toMatchObject({ status: 500, resultCode: "A001101", retryAfter: undefined });
      fake.failNext(500);
      const response = await createTokenEndpoint({ client: tested.client })(
        new Request("https://as.example/token", {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: "grant_type=client_credentials&client_id=app",
        }),
      );
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({ error: "server_error" });
    });

    it("503 with Retry-After: the error carries it, and an opted-in retry succeeds", async () => {
      fake.failNext(503, { retryAfter: 7 });
      expect(await failure(tested.client.process(REQUEST))).toMatchObject({ status: 503, retryAfter: 7 });
      fake.failNext(503, { retryAfter: 0, times: 2 });
      const retrying = clientOf(fake, tested.opened, answers, { retry: withRetries({ limit: 2 }) });
      expect((await retrying.process(REQUEST)).action).toBe("OK");
      expect(fake.calls.slice(-3).map((call) => call.status)).toEqual([503, 503, 200]);
    });

    it("a dropped connection: AuthleteNetworkError that may have been sent, so it is not retried", async () => {
      fake.failNext("drop");
      const retrying = clientOf(fake, tested.opened, answers, { retry: withRetries({ limit: 2 }) });
      const error = await failure(retrying.process(REQUEST));
      expect(error).toBeInstanceOf(AuthleteNetworkError);
      expect(error).toMatchObject({ requestNotSent: false });
      expect(fake.calls.map((call) => call.status)).toEqual([undefined]);
      // The fake keeps serving after the drop.
      expect((await tested.client.process(REQUEST)).action).toBe("OK");
    });

    it("a slow answer: AuthleteTimeoutError at the client's time limit", async () => {
      fake.failNext(500, { delayMs: 2_000 });
      const impatient = clientOf(fake, tested.opened, answers, { timeoutMs: 100 });
      const started = Date.now();
      const error = await failure(impatient.process(REQUEST));
      expect(error).toBeInstanceOf(AuthleteTimeoutError);
      expect(Date.now() - started).toBeLessThan(1_500);
    });

    it("applies a fault to the next call on any path", async () => {
      const result = await tested.client.process({
        parameters: "grant_type=password&username=u&password=p&client_id=a",
      });
      fake.failNext(500, { body: { resultCode: "A000000", resultMessage: "[A000000] gateway" } });
      const error = await failure(tested.client.issue({ ticket: result.ticket ?? "", subject: "1001" }));
      expect(error).toMatchObject({ status: 500, resultMessage: "[A000000] gateway" });
      // The ticket was not redeemed by the failed call.
      expect((await tested.client.issue({ ticket: result.ticket ?? "", subject: "1001" })).action).toBe("OK");
    });

    it("fails only the API a fault names; the other APIs answer as usual", async () => {
      fake.failNext(500, { path: "/auth/token/issue" });
      const result = await tested.client.process({
        parameters: "grant_type=password&username=u&password=p&client_id=a",
      });
      expect(result.action).toBe("PASSWORD");
      const error = await failure(tested.client.issue({ ticket: result.ticket ?? "", subject: "1001" }));
      expect(error).toMatchObject({ status: 500, resultCode: "A001101" });
      // The default error body names the API that failed, as Authlete's do.
      expect((error as AuthleteApiError).resultMessage).toBe("[A001101] /auth/token/issue API: Authlete Server error.");
      expect((await tested.client.issue({ ticket: result.ticket ?? "", subject: "1001" })).action).toBe("OK");
    });

    it("takes the fault in one object, and keeps faults for other APIs queued", async () => {
      fake
        .failNext({ path: "/auth/token/fail", status: 503, retryAfter: 5 })
        .failNext({ path: "/auth/token", drop: true });
      const first = await failure(tested.client.process(REQUEST));
      expect(first).toBeInstanceOf(AuthleteNetworkError);
      const result = await tested.client.process({
        parameters: "grant_type=password&username=u&password=p&client_id=a",
      });
      expect(await failure(tested.client.fail({ ticket: result.ticket ?? "", reason: "UNKNOWN" }))).toMatchObject({
        status: 503,
        retryAfter: 5,
      });
      expect(fake.calls.map((call) => [call.api, call.status])).toEqual([
        ["/auth/token", undefined],
        ["/auth/token", 200],
        ["/auth/token/fail", 503],
      ]);
    });
  });
}

describe("failNext", () => {
  it("takes an HTTP error status or drop, nothing else", () => {
    const fake = createFakeAuthlete();
    for (const bad of [200, 302, 600, 1.5, "reset"]) {
      expect(() => fake.failNext(bad as never)).toThrow(/HTTP error status \(400-599\) or "drop"/);
    }
    expect(() => fake.failNext({ status: 200 })).toThrow(/HTTP error status/);
    expect(() => fake.failNext({ status: 500, drop: true })).toThrow(/a status or drop, not both/);
    expect(() => fake.failNext(500, { path: "/auth/nope" as never })).toThrow(/serves no API "\/auth\/nope"/);
  });
});
