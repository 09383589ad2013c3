// A token endpoint under test over the internal fake Authlete (scripted byte for byte), shared by
// the endpoint's test files: one fake per file, reset before each test, and everything the endpoint
// logged in a test passed through the suite-wide secret scan after it.
import { afterAll, afterEach, beforeEach } from "vitest";
import {
  createTokenClient,
  createTokenEndpoint,
  type TokenEndpoint,
  type TokenEndpointLogDetails,
  type TokenEndpointOptions,
} from "../../src/index.js";
import { type FakeAuthlete, startFakeAuthlete } from "./fake-authlete.js";
import { exposeForScan } from "./secret-scan.js";
import { ENDPOINT_ACCESS_TOKEN } from "./secrets.js";

/** One call of the endpoint's logger. */
export interface LoggedError {
  message: string;
  details: TokenEndpointLogDetails;
}

export interface EndpointHarness {
  /** The fake Authlete the endpoint's client calls, reset before each test. */
  readonly authlete: FakeAuthlete;
  /** What the endpoint logged in the current test, emptied before each test. */
  readonly logs: LoggedError[];
  /** A token endpoint calling the fake, logging into `logs`, with `defaults` then `options`. */
  endpoint(options?: Partial<TokenEndpointOptions>): TokenEndpoint;
}

/** Starts the fake for the calling test file and registers its hooks; call it at the top level. */
export async function useEndpointHarness(defaults: Partial<TokenEndpointOptions> = {}): Promise<EndpointHarness> {
  const authlete = await startFakeAuthlete();
  const logs: LoggedError[] = [];
  afterAll(() => authlete.close());
  beforeEach(() => {
    authlete.reset();
    logs.length = 0;
  });
  afterEach(() => {
    exposeForScan(logs, "endpoint logger");
  });
  return {
    authlete,
    logs,
    endpoint(options = {}) {
      const client = createTokenClient({
        serviceId: authlete.serviceId,
        accessToken: ENDPOINT_ACCESS_TOKEN,
        baseUrl: authlete.baseUrl,
      });
      return createTokenEndpoint({
        client,
        logger: { error: (message, details) => logs.push({ message, details }) },
        ...defaults,
        ...options,
      });
    },
  };
}
