import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PrismMock, startPrismMock } from "../../examples/token-endpoint/prism.js";
import { AuthleteApiError, createTokenClient, type TokenRequest } from "../../src/index.js";

// The client against a Prism mock of our own bundled spec: Prism validates every request against
// the spec and answers from the spec's examples, so this proves client and spec agree.
let prism: PrismMock;
beforeAll(async () => {
  prism = await startPrismMock({ errors: true, timeoutMs: 60_000 });
});
afterAll(() => prism?.close());

function client(accessToken = "prism-test-token") {
  return createTokenClient({ serviceId: "715948317", accessToken, baseUrl: prism.baseUrl });
}

/** Reads `paths./api/{serviceId}/auth/token.post.responses[status]...examples[name].value` of the bundled spec. */
function exampleOf(status: string, name: string): unknown {
  const keys = ["paths", "/api/{serviceId}/auth/token", "post", "responses", status, "content", "application/json"];
  let node: unknown = prism.spec;
  for (const key of [...keys, "examples", name, "value"]) node = (node as Record<string, unknown>)[key];
  return node;
}

describe("contract with the spec (Prism mock, request validation on)", () => {
  it("answers a valid TokenRequest with the spec's example TokenResponse", async () => {
    const request: TokenRequest = {
      parameters: "grant_type=authorization_code&code=abc&redirect_uri=https%3A%2F%2Fclient.example.org%2Fcb",
      clientId: "26478243745571",
      clientSecret: "secret",
      clientCertificatePath: ["-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"],
      properties: [{ key: "tenant", value: "acme", hidden: true }],
      accessTokenDuration: 600,
      dpopNonceRequired: false,
    };
    const response = await client().process(request);
    expect(response).toEqual(exampleOf("200", "ok"));
    expect(response.action).toBe("OK");
  });

  it("has the request rejected by Prism when it breaks the spec", async () => {
    const invalid = [
      { clientId: "no parameters" },
      { parameters: "", accessTokenDuration: "one hour" },
      { parameters: "", properties: "key=value" },
      { parameters: "", clientCertificatePath: "-----BEGIN CERTIFICATE-----" },
    ];
    for (const body of invalid) {
      const error = await client()
        .process(body as unknown as TokenRequest)
        .catch((e: unknown) => e);
      expect(error, JSON.stringify(body)).toBeInstanceOf(AuthleteApiError);
      expect(error).toMatchObject({ status: 400 });
    }
  });

  it("names the violated rule, so the 400 is Prism's validation and not a canned answer", async () => {
    const post = (body: unknown) =>
      fetch(`${prism.baseUrl}/api/715948317/auth/token`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer t" },
        body: JSON.stringify(body),
      });
    const bad = await post({ parameters: "", accessTokenDuration: "one hour" });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("sl-violations")).toMatch(/accessTokenDuration/);
    const good = await post({ parameters: "" });
    expect(good.status).toBe(200);
    expect(good.headers.get("sl-violations")).toBeNull();
  });

  it("has the request rejected by Prism without the bearer token", async () => {
    const response = await fetch(`${prism.baseUrl}/api/715948317/auth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ parameters: "" }),
    });
    expect(response.status).toBe(401);
  });
});
