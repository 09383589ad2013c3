// @ts-check
// The four ways to make one token-API call that the client rows compare, each built once and then
// called many times: raw `fetch` + JSON, plain `openapi-fetch`, the project's client (as built by
// the package's build: `clientEntry` is the compiled src/index.js) and the official SDK (standalone function + AuthleteCore, the form
// its docs recommend for size).
import { pathToFileURL } from "node:url";
import { resolveInCorpus } from "../../test/tools/corpus.js";

export const SERVICE_ID = "715948317";
export const ACCESS_TOKEN = "bench-access-token-0123456789";
/** What a token endpoint forwards to Authlete. */
export const TOKEN_REQUEST = {
  parameters:
    "grant_type=authorization_code&code=Xv_su944auuBgc5mfUnxXayiiQU9Z4-T_Yae_UfExmo&redirect_uri=https%3A%2F%2Fclient.example.org%2Fcb",
  clientId: "26478243745571",
  clientSecret: "gXz97ISgLs4HuXwOZWch8GEmgL4YMvUJwu3er_kDVVGcA0UOhA9avLPbEmoeZdagi9yC_-tEiT2BdRyH9dbrQQ",
};
/** Authlete's answer (a successful authorization-code exchange), as bytes the server sends. */
export const TOKEN_RESPONSE = JSON.stringify({
  resultCode: "A050001",
  resultMessage: "[A050001] The token request (grant_type=authorization_code) was processed successfully.",
  action: "OK",
  responseContent:
    '{"access_token":"Z5a40R6dWvw2gMkCOBFdZcM95q4HC0Z-T0YKD9-nR6F","refresh_token":"7bQ1dwZn3c7cgEG0HbJ5fNi7bR-wPKEUf-ZXAFKKfSc","scope":"history.read timeline.read","id_token":"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJqb2huIn0.c2lnbmF0dXJl","token_type":"Bearer","expires_in":86400}',
  accessToken: "Z5a40R6dWvw2gMkCOBFdZcM95q4HC0Z-T0YKD9-nR6F",
  accessTokenExpiresAt: 1735689600000,
  accessTokenDuration: 86400,
  refreshToken: "7bQ1dwZn3c7cgEG0HbJ5fNi7bR-wPKEUf-ZXAFKKfSc",
  refreshTokenExpiresAt: 1736294400000,
  refreshTokenDuration: 864000,
  idToken: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJqb2huIn0.c2lnbmF0dXJl",
  grantType: "AUTHORIZATION_CODE",
  clientId: 26478243745571,
  clientIdAliasUsed: false,
  subject: "john",
  scopes: ["history.read", "timeline.read"],
  properties: [{ key: "example_parameter", value: "example_value", hidden: false }],
});

/** @typedef {(input: any, init?: any) => Promise<Response>} FetchLike */
/** @typedef {{ name: string, label: string, call: () => Promise<unknown> }} Variant */

export const VARIANT_NAMES = ["raw", "openapi-fetch", "project", "sdk"];
export const VARIANT_LABELS = /** @type {Record<string, string>} */ ({
  raw: "raw fetch + JSON",
  "openapi-fetch": "plain openapi-fetch",
  project: "this project's client",
  sdk: "@authlete/typescript-sdk",
});

/**
 * @param {{ clientEntry: string, baseUrl: string, fetch?: FetchLike | undefined }} options
 * @returns {Promise<Variant[]>}
 */
export async function makeVariants({ clientEntry, baseUrl, fetch: fetchImpl }) {
  const f = fetchImpl ?? globalThis.fetch;
  const url = `${baseUrl}/api/${SERVICE_ID}/auth/token`;
  const headers = {
    "Content-Type": "application/json",
    Accept: "application/json",
    Authorization: `Bearer ${ACCESS_TOKEN}`,
  };

  const raw = async () => {
    const response = await f(url, { method: "POST", headers, body: JSON.stringify(TOKEN_REQUEST) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return JSON.parse(await response.text());
  };

  const { default: createClient } = await import("openapi-fetch");
  const plain = createClient({
    baseUrl,
    headers: { Authorization: `Bearer ${ACCESS_TOKEN}` },
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
  const openapiFetch = async () => {
    const { data, error } = await /** @type {any} */ (plain).POST("/api/{serviceId}/auth/token", {
      params: { path: { serviceId: SERVICE_ID } },
      body: TOKEN_REQUEST,
    });
    if (error) throw new Error("API error");
    return data;
  };

  const projectModule = await import(pathToFileURL(clientEntry).href);
  const client = projectModule.createTokenClient({
    serviceId: SERVICE_ID,
    accessToken: ACCESS_TOKEN,
    baseUrl,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
  const project = () => client.process(TOKEN_REQUEST);

  // The SDK is not a devDependency: the `bench` corpus (test/tools/corpus.js) installs it on demand.
  const sdkModule = async (/** @type {string} */ path) =>
    import(await resolveInCorpus("bench", `@authlete/typescript-sdk/${path}`));
  const { AuthleteCore } = await sdkModule("core.js");
  const { tokenProcess } = await sdkModule("funcs/tokenProcess.js");
  const { HTTPClient } = await sdkModule("lib/http.js");
  const core = new AuthleteCore({
    bearer: ACCESS_TOKEN,
    serverURL: baseUrl,
    ...(fetchImpl ? { httpClient: new HTTPClient({ fetcher: fetchImpl }) } : {}),
  });
  const sdk = async () => {
    const result = await tokenProcess(core, { serviceId: SERVICE_ID, tokenRequest: TOKEN_REQUEST });
    if (!result.ok) throw result.error;
    return result.value;
  };

  /** @type {Record<string, () => Promise<unknown>>} */
  const calls = { raw, "openapi-fetch": openapiFetch, project, sdk };
  const variants = VARIANT_NAMES.map((name) => ({
    name,
    label: /** @type {string} */ (VARIANT_LABELS[name]),
    call: /** @type {() => Promise<unknown>} */ (calls[name]),
  }));
  // Every variant must really work before it is timed.
  for (const v of variants) {
    const result = /** @type {{ action?: unknown }} */ (await v.call());
    if (result?.action !== "OK") throw new Error(`${v.name}: unexpected result ${JSON.stringify(result)}`);
  }
  return variants;
}
