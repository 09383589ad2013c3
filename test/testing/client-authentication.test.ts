// With client registrations, the fake authenticates clients like Authlete (RFC 6749 §2.3).
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTokenClient, createTokenEndpoint, encodeBasicCredentials } from "../../src/index.js";
import { createFakeAuthlete } from "../../src/testing/index.js";
import { TESTING_CLIENT_SECRET } from "../helpers/secrets.js";
import { type Answer, recordingFetch, responseChecker } from "../helpers/testing-fake.js";

const fake = createFakeAuthlete({
  clients: [
    { clientId: "basic-app", clientSecret: TESTING_CLIENT_SECRET },
    { clientId: "post-app", clientSecret: TESTING_CLIENT_SECRET, authMethod: "CLIENT_SECRET_POST" },
    { clientId: "26478243745571" },
  ],
});
const answers: Answer[] = [];
const endpoint = createTokenEndpoint({
  client: createTokenClient({ ...fake, fetch: recordingFetch(fake.fetch, answers) }),
  authenticateUser: () => "1001",
});
let checkResponses: Awaited<ReturnType<typeof responseChecker>>;
beforeAll(async () => {
  checkResponses = await responseChecker();
});
afterEach(() => {
  expect(checkResponses(answers)).toEqual([]);
  answers.length = 0;
  fake.reset();
});

async function token(form: Record<string, string>, basic?: [string, string]) {
  const headers: Record<string, string> = { "Content-Type": "application/x-www-form-urlencoded" };
  if (basic) headers.Authorization = encodeBasicCredentials(...basic);
  const response = await endpoint(
    new Request("https://as.example/token", { method: "POST", headers, body: new URLSearchParams(form) }),
  );
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("client authentication against registrations", () => {
  it("accepts the registered secret with the registered method", async () => {
    expect(await token({ grant_type: "client_credentials" }, ["basic-app", TESTING_CLIENT_SECRET])).toMatchObject({
      status: 200,
    });
    const post = { grant_type: "client_credentials", client_id: "post-app", client_secret: TESTING_CLIENT_SECRET };
    expect(await token(post)).toMatchObject({ status: 200 });
    expect(answers.map((a) => (a.body as { clientAuthMethod?: string }).clientAuthMethod)).toEqual([
      "CLIENT_SECRET_BASIC",
      "CLIENT_SECRET_POST",
    ]);
  });

  it("reports a numeric client ID as Authlete's client ID, with no alias", async () => {
    expect(
      await token({ grant_type: "password", username: "u", password: "p", client_id: "26478243745571" }),
    ).toMatchObject({
      status: 200,
    });
    expect(answers[0]?.body).toMatchObject({ clientId: 26478243745571, clientIdAlias: null, clientIdAliasUsed: false });
  });

  it("refuses a wrong secret, an unknown client and another method with invalid_client (401)", async () => {
    const refused = [
      await token({ grant_type: "client_credentials" }, ["basic-app", "wrong-secret"]),
      await token({ grant_type: "client_credentials" }, ["nobody", TESTING_CLIENT_SECRET]),
      await token({ grant_type: "client_credentials", client_id: "basic-app", client_secret: TESTING_CLIENT_SECRET }),
      await token({ grant_type: "client_credentials" }, ["post-app", TESTING_CLIENT_SECRET]),
      await token({ grant_type: "password", username: "u", password: "p", client_id: "basic-app" }),
    ];
    for (const answer of refused) expect(answer).toMatchObject({ status: 401, body: { error: "invalid_client" } });
    expect(answers.map((a) => (a.body as { action: string }).action)).toEqual(Array(5).fill("INVALID_CLIENT"));
  });

  it("refuses client_credentials to a public client with unauthorized_client", async () => {
    expect(await token({ grant_type: "client_credentials", client_id: "26478243745571" })).toMatchObject({
      status: 400,
      body: { error: "unauthorized_client" },
    });
  });

  it("refuses Basic and client_id naming different clients with invalid_request", async () => {
    const both = { grant_type: "client_credentials", client_id: "post-app" };
    expect(await token(both, ["basic-app", TESTING_CLIENT_SECRET])).toMatchObject({
      status: 400,
      body: { error: "invalid_request" },
    });
  });

  it("refuses two client authentication methods in one request with invalid_request (RFC 6749 §2.3)", async () => {
    const client = createTokenClient(fake);
    const basicAndPost = await client.process({
      parameters: new URLSearchParams({
        grant_type: "client_credentials",
        client_secret: TESTING_CLIENT_SECRET,
      }).toString(),
      clientId: "basic-app",
      clientSecret: TESTING_CLIENT_SECRET,
    });
    const postAndAssertion = await client.process({
      parameters: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: "post-app",
        client_secret: TESTING_CLIENT_SECRET,
        client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        client_assertion: "eyJhbGciOiJFUzI1NiJ9.e30.c2ln",
      }).toString(),
    });
    for (const answer of [basicAndPost, postAndAssertion]) {
      expect(answer.action).toBe("BAD_REQUEST");
      expect(JSON.parse(answer.responseContent ?? "")).toMatchObject({ error: "invalid_request" });
    }
  });
});
