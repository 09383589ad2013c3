// The fake's request records keep the real values for assertions but never show a credential
// when printed, serialized or turned into a string.
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { createTokenClient, createTokenEndpoint, encodeBasicCredentials } from "../../src/index.js";
import { createFakeAuthlete } from "../../src/testing/index.js";
import { exposeForScan } from "../helpers/secret-scan.js";
import { TESTING_ACCESS_TOKEN, TESTING_CLIENT_SECRET } from "../helpers/secrets.js";

const USER_PASSWORD = "user-password-Rk2m";

describe("calls", () => {
  it("records path, parsed body and the headers that matter, by lower-case name", async () => {
    const fake = createFakeAuthlete({ accessToken: TESTING_ACCESS_TOKEN });
    const client = createTokenClient({ ...fake, userAgent: "my-as/1.0" });
    await client.process({
      parameters: "grant_type=client_credentials&client_id=a&client_secret=b",
      accessTokenDuration: 60,
    });
    expect(fake.calls).toHaveLength(1);
    expect({ ...fake.calls[0] }).toEqual({
      method: "POST",
      path: `/api/${fake.serviceId}/auth/token`,
      operation: "token",
      api: "/auth/token",
      body: { parameters: "grant_type=client_credentials&client_id=a&client_secret=b", accessTokenDuration: 60 },
      rawBody: JSON.stringify({
        parameters: "grant_type=client_credentials&client_id=a&client_secret=b",
        accessTokenDuration: 60,
      }),
      headers: {
        authorization: `Bearer ${TESTING_ACCESS_TOKEN}`,
        "content-type": "application/json",
        accept: "application/json",
        "user-agent": "my-as/1.0",
      },
      status: 200,
      action: "OK",
    });
  });

  it("masks the bearer token, the client secret and form credentials in inspect, JSON and toString", async () => {
    const fake = createFakeAuthlete({ accessToken: TESTING_ACCESS_TOKEN });
    const endpoint = createTokenEndpoint({ client: createTokenClient(fake), authenticateUser: () => "1001" });
    const form = new URLSearchParams({ grant_type: "password", username: "john", password: USER_PASSWORD });
    await endpoint(
      new Request("https://as.example/token", {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          Authorization: encodeBasicCredentials("app", TESTING_CLIENT_SECRET),
        },
        body: form,
      }),
    );
    const [call] = fake.calls;
    // The values are there for assertions...
    expect(call?.headers.authorization).toBe(`Bearer ${TESTING_ACCESS_TOKEN}`);
    expect(call?.body).toMatchObject({ clientSecret: TESTING_CLIENT_SECRET });
    // ...and hidden from every rendering.
    const renderings = {
      inspect: inspect(fake.calls, { depth: 10, showHidden: true }),
      json: JSON.stringify(fake.calls),
      string: String(call),
      template: `${call}`,
      fake: inspect(fake, { depth: 10 }) + JSON.stringify(fake) + String(fake),
    };
    for (const [how, text] of Object.entries(renderings)) {
      for (const secret of [TESTING_ACCESS_TOKEN, TESTING_CLIENT_SECRET, USER_PASSWORD]) {
        expect(text, `${how} shows a secret`).not.toContain(secret);
      }
    }
    expect(renderings.json).toContain("Bearer [REDACTED]");
    expect(renderings.json).toContain('"clientSecret":"[REDACTED]"');
    expect(renderings.json).toContain("password=[REDACTED]");
    expect(renderings.inspect).toContain("username=john");
    exposeForScan(fake.calls, "fake Authlete calls");
    exposeForScan(fake, "fake Authlete");
  });

  it("records a body that breaks the request schema as raw text only, so `body` is always the API's request", async () => {
    const fake = createFakeAuthlete();
    const response = await fake.fetch(`${fake.baseUrl}/api/${fake.serviceId}/auth/token/issue`, {
      method: "POST",
      headers: { Authorization: `Bearer ${fake.accessToken}`, "Content-Type": "application/json" },
      body: '{"ticket":7}',
    });
    expect(response.status).toBe(400);
    expect(fake.calls[0]).toMatchObject({ api: "/auth/token/issue", body: undefined, rawBody: '{"ticket":7}' });
  });

  it("records a body that is not JSON as raw text, and reset() empties the record", async () => {
    const fake = createFakeAuthlete();
    const response = await fake.fetch(`${fake.baseUrl}/api/${fake.serviceId}/auth/token`, {
      method: "POST",
      headers: { Authorization: `Bearer ${fake.accessToken}`, "Content-Type": "application/json" },
      body: "{not json",
    });
    expect(response.status).toBe(400);
    expect(fake.calls[0]).toMatchObject({ body: undefined, rawBody: "{not json", status: 400 });
    fake.reset();
    expect(fake.calls).toEqual([]);
  });
});
