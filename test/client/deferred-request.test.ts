// The Request the client hands to openapi-fetch: cheap for what openapi-fetch reads, a real
// Request for anything else.
import { describe, expect, it } from "vitest";
import { DeferredRequest } from "../../src/deferred-request.js";

describe("DeferredRequest", () => {
  it("keeps url, method and init as given, and reads every other Request member from a real Request", async () => {
    const init = { method: "POST", headers: { "X-Test": "1" }, body: '{"a":1}', redirect: "manual" as const };
    const request = new DeferredRequest("https://authlete.invalid/api/1/auth/token", init);
    expect([request.url, request.method, request.init]).toEqual([
      "https://authlete.invalid/api/1/auth/token",
      "POST",
      init,
    ]);
    expect(request.headers.get("x-test")).toBe("1");
    expect(request.redirect).toBe("manual");
    expect(request.signal).toBeInstanceOf(AbortSignal);
    expect(request.clone()).toBeInstanceOf(Request);
    expect(await request.text()).toBe('{"a":1}');
    expect(request.bodyUsed).toBe(true);
  });
});
