import {
  type CallOptions,
  createAuthleteFetchClient,
  createTokenClient,
  type TokenClientOptions,
  type TokenEndpointOptions,
} from "../../src/index.js";

type Client = TokenEndpointOptions["client"];
type Calls = Required<Pick<Client, "createToken" | "nativeSso" | "reissueIdToken">>;

/**
 * The client the grant tests give the endpoint: `createTokenClient`'s, with `createToken`,
 * `nativeSso` and `reissueIdToken` from it where it has them, otherwise made with the typed
 * `openapi-fetch` client over the same options (real HTTP calls either way).
 */
export function clientWithGrants(options: TokenClientOptions): Client {
  const client = createTokenClient(options) as ReturnType<typeof createTokenClient> & Partial<Calls>;
  if (typeof client.createToken === "function") return client as Client;
  const raw = createAuthleteFetchClient(options);
  const path = { serviceId: String(options.serviceId) };
  const data = <T>(result: { data?: T; response: Response }): T => {
    if (result.data === undefined) throw new Error(`Authlete answered HTTP ${result.response.status}`);
    return result.data;
  };
  const signal = (callOptions?: CallOptions) => (callOptions?.signal ? { signal: callOptions.signal } : {});
  return {
    process: client.process,
    issue: client.issue,
    fail: client.fail,
    createToken: async (body, callOptions) =>
      data(await raw.POST("/api/{serviceId}/auth/token/create", { params: { path }, body, ...signal(callOptions) })),
    nativeSso: async (body, callOptions) =>
      data(await raw.POST("/api/{serviceId}/nativesso", { params: { path }, body, ...signal(callOptions) })),
    reissueIdToken: async (body, callOptions) =>
      data(await raw.POST("/api/{serviceId}/idtoken/reissue", { params: { path }, body, ...signal(callOptions) })),
  };
}
