import { inspect } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { createTokenClient } from "../../src/index.js";
import { createFakeAuthlete } from "../../src/testing/index.js";
import { ISSUED_TOKEN_PREFIX } from "../helpers/secrets.js";
import { type Answer, recordingFetch, responseChecker } from "../helpers/testing-fake.js";

// The fake's answers to the calls that finish a grant: spec-valid by default, scriptable with
// next({ path }), recorded and masked like the others.

let checkResponses: Awaited<ReturnType<typeof responseChecker>>;
beforeAll(async () => {
  checkResponses = await responseChecker();
});

function setUp() {
  const fake = createFakeAuthlete({ now: () => 1_764_315_000_000 });
  const answers: Answer[] = [];
  const client = createTokenClient({ ...fake, fetch: recordingFetch(fake.fetch, answers) });
  return { fake, answers, client };
}

describe("the fake's grant-finishing calls", () => {
  it("answer each call with the default OK, valid against the spec's response schemas", async () => {
    const { answers, client } = setUp();
    const created = await client.createToken({
      grantType: "TOKEN_EXCHANGE",
      clientId: 1001,
      subject: "john",
      scopes: ["profile"],
      accessTokenDuration: 600,
      dpopKeyThumbprint: "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs",
    });
    expect(created).toMatchObject({
      action: "OK",
      grantType: "TOKEN_EXCHANGE",
      subject: "john",
      scopes: ["profile"],
      expiresIn: 600,
      expiresAt: 1_764_315_600_000,
      tokenType: "DPoP",
    });
    const sso = await client.nativeSso({ accessToken: "at", refreshToken: "rt", deviceSecret: "ds" });
    expect(sso?.action).toBe("OK");
    expect(JSON.parse(sso?.responseContent ?? "{}")).toMatchObject({ access_token: "at", device_secret: "ds" });
    const reissued = await client.reissueIdToken({ accessToken: "at", refreshToken: "rt", sub: "john" });
    expect(reissued?.action).toBe("OK");
    expect(JSON.parse(reissued?.responseContent ?? "{}")).toMatchObject({
      refresh_token: "rt",
      id_token: reissued?.idToken,
    });
    expect(answers.map((a) => a.operation)).toEqual(["create", "nativesso", "reissue"]);
    expect(checkResponses(answers)).toEqual([]);
  });

  it("refuses /auth/token/create without a subject for a grant that needs one, as Authlete does", async () => {
    const { client } = setUp();
    expect((await client.createToken({ grantType: "JWT_BEARER", clientId: 1 }))?.action).toBe("BAD_REQUEST");
    expect((await client.createToken({ grantType: "CLIENT_CREDENTIALS", clientId: 1 }))?.action).toBe("OK");
  });

  it("answers what next({ path }) scripted, once, valid against the spec", async () => {
    const { fake, answers, client } = setUp();
    fake
      .next({ path: "/auth/token/create", action: "FORBIDDEN" })
      .next({ path: "/nativesso", action: "OK", fields: { idToken: "scripted" } })
      .next({ path: "/idtoken/reissue", action: "CALLER_ERROR" });
    expect((await client.createToken({ grantType: "JWT_BEARER", subject: "s" }))?.action).toBe("FORBIDDEN");
    expect((await client.nativeSso({ accessToken: "a", deviceSecret: "d" }))?.idToken).toBe("scripted");
    expect((await client.reissueIdToken({ accessToken: "a", refreshToken: "r" }))?.action).toBe("CALLER_ERROR");
    expect((await client.reissueIdToken({ accessToken: "a", refreshToken: "r" }))?.action).toBe("OK");
    expect(checkResponses(answers)).toEqual([]);
    expect(() => fake.next({ path: "/idtoken/nope" as "/nativesso", action: "OK" })).toThrow(TypeError);
  });

  it("refuses a body the spec refuses with 400, and masks tokens and device secrets in calls", async () => {
    const { fake, client } = setUp();
    await expect(client.nativeSso({ accessToken: "a" } as never)).rejects.toMatchObject({
      name: "AuthleteApiError",
      status: 400,
    });
    const access = `${ISSUED_TOKEN_PREFIX}-access-Tk9`;
    const refresh = `${ISSUED_TOKEN_PREFIX}-refresh-Tk9`;
    const device = `${ISSUED_TOKEN_PREFIX}-device-Tk9`;
    await client.nativeSso({ accessToken: access, refreshToken: refresh, deviceSecret: device });
    const printed = inspect(fake.calls, { depth: 10 }) + JSON.stringify(fake.calls);
    for (const secret of [access, refresh, device]) expect(printed).not.toContain(secret);
    expect(fake.calls[1]?.body).toMatchObject({ deviceSecret: device });
    expect(fake.calls.map((call) => [call.operation, call.status])).toEqual([
      ["nativesso", 400],
      ["nativesso", 200],
    ]);
  });
});
