// The fake's request records keep the real values for assertions but never show a credential
// when printed, serialized or turned into a string.
import { request as httpRequest } from "node:http";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { createTokenClient, createTokenEndpoint, encodeBasicCredentials } from "../../src/index.js";
import { createFakeAuthlete, FAKE_MAX_BODY_BYTES, type FakeCall } from "../../src/testing/index.js";
import { exposeForScan } from "../helpers/secret-scan.js";
import {
  REDACTION_MINTED_TOKEN,
  REDACTION_PRE_AUTHORIZED_CODE,
  TESTING_ACCESS_TOKEN,
  TESTING_CLIENT_SECRET,
} from "../helpers/secrets.js";

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
      // A string cannot hide itself when printed: rawBody holds the body with its credentials masked.
      rawBody: JSON.stringify({
        parameters: "grant_type=client_credentials&client_id=a&client_secret=[REDACTED]",
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

  it("masks every credential at every depth: headers, body, rawBody, DPoP, attestation, ticket, minted token", async () => {
    const fake = createFakeAuthlete({ accessToken: TESTING_ACCESS_TOKEN });
    const client = createTokenClient(fake);
    const DPOP = "eyJ0eXAiOiJkcG9wK2p3dCJ9.dpop-proof-Wq8.sig";
    const ATTESTATION = "eyJ0eXAiOiJ3YWxsZXQifQ.attestation-Kd3.sig";
    const POP = "eyJ0eXAiOiJwb3AifQ.attestation-pop-Zr6.sig";
    const parameters = new URLSearchParams({
      grant_type: "password",
      username: "john",
      password: USER_PASSWORD,
      client_id: "app",
      client_secret: TESTING_CLIENT_SECRET,
      "pre-authorized_code": REDACTION_PRE_AUTHORIZED_CODE,
      tx_code: "tx-code-Hy72",
    }).toString();
    const token = await client.process({
      parameters,
      dpop: DPOP,
      htm: "POST",
      htu: "https://as.example/token",
      oauthClientAttestation: ATTESTATION,
      oauthClientAttestationPop: POP,
    });
    expect(token.action).toBe("PASSWORD");
    const ticket = token.ticket ?? "";
    await client.issue({ ticket, subject: "1001", accessToken: REDACTION_MINTED_TOKEN });
    const [first, second] = fake.calls as [FakeCall, FakeCall];
    // The real values stay for assertions...
    expect(first.body).toMatchObject({ dpop: DPOP, oauthClientAttestationPop: POP });
    expect(second.body).toMatchObject({ ticket, accessToken: REDACTION_MINTED_TOKEN });
    // ...and no rendering of a call or of any of its parts shows one.
    const secrets = [TESTING_ACCESS_TOKEN, TESTING_CLIENT_SECRET, USER_PASSWORD, DPOP, ATTESTATION, POP, ticket];
    secrets.push(REDACTION_MINTED_TOKEN, "tx-code-Hy72", encodeURIComponent(REDACTION_PRE_AUTHORIZED_CODE));
    for (const call of [first, second]) {
      for (const part of [call, call.headers, call.body, call.rawBody]) {
        const renderings = [inspect(part, { depth: 10, showHidden: true }), JSON.stringify(part), String(part)];
        for (const text of renderings) for (const secret of secrets) expect(text).not.toContain(secret);
      }
    }
    expect(inspect(first.headers)).toContain("Bearer [REDACTED]");
    expect(JSON.parse(first.rawBody)).toMatchObject({ dpop: "[REDACTED]", htm: "POST" });
    expect(JSON.parse(first.rawBody).parameters).toContain("username=john&password=[REDACTED]");
    expect(JSON.parse(first.rawBody).parameters).toContain("pre-authorized_code=[REDACTED]&tx_code=[REDACTED]");
    exposeForScan(fake.calls, "fake Authlete calls");
  });
});

describe("listen(): request bodies are capped", () => {
  /** Posts `size` bytes, declared or chunked, with or without the right bearer token. */
  function post(url: string, size: number, options: { chunked: boolean; token?: string }) {
    return new Promise<{ status: number | undefined; body: string }>((resolve, reject) => {
      const headers: Record<string, string> = { "Content-Type": "application/json" };
      if (options.token !== undefined) headers.Authorization = `Bearer ${options.token}`;
      if (!options.chunked) headers["Content-Length"] = String(size);
      const request = httpRequest(`${url}/api/715948317/auth/token`, { method: "POST", headers }, (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          body += chunk;
        });
        response.on("end", () => resolve({ status: response.statusCode, body }));
      });
      // The server may close the connection once it has answered: what was not sent is not needed.
      request.on("error", (error: NodeJS.ErrnoException) => {
        if (error.code === "EPIPE" || error.code === "ECONNRESET") return;
        reject(error);
      });
      const chunk = Buffer.alloc(64 * 1024, "a");
      let sent = 0;
      const write = () => {
        while (sent < size) {
          const n = Math.min(chunk.length, size - sent);
          sent += n;
          if (!request.write(chunk.subarray(0, n))) {
            request.once("drain", write);
            return;
          }
        }
        request.end();
      };
      write();
    });
  }

  for (const chunked of [false, true]) {
    it(`answers an oversized ${chunked ? "chunked" : "declared"} body 413 before the bearer check, and keeps none of it`, async () => {
      const fake = createFakeAuthlete({ accessToken: TESTING_ACCESS_TOKEN });
      const server = await fake.listen();
      try {
        const size = 4 * FAKE_MAX_BODY_BYTES;
        const unauthenticated = await post(server.url, size, { chunked });
        expect(unauthenticated.status).toBe(413);
        expect(JSON.parse(unauthenticated.body)).toMatchObject({ resultCode: "A001201" });
        const authenticated = await post(server.url, size, { chunked, token: TESTING_ACCESS_TOKEN });
        expect(authenticated.status).toBe(413);
        expect(fake.calls.map((call) => [call.status, call.rawBody, call.body])).toEqual([
          [413, "", undefined],
          [413, "", undefined],
        ]);
        // A body at the limit is still read and checked as before.
        expect((await post(server.url, FAKE_MAX_BODY_BYTES, { chunked })).status).toBe(401);
      } finally {
        await server.close();
      }
    });
  }
});
