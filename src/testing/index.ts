/**
 * `authlete-token/testing`: a fake Authlete token API for testing a token endpoint without an
 * Authlete account. Import it in tests only; it is not part of the main entry.
 * @module
 */
export type { FakeCall } from "./calls.js";
export type { FakeAction, FakeClient, FakeClientAuthMethod } from "./decide.js";
export {
  createFakeAuthlete,
  FAKE_ACCESS_TOKEN,
  FAKE_BASE_URL,
  FAKE_SERVICE_ID,
  type FakeAuthlete,
  type FakeAuthleteOptions,
  type FakeAuthleteServer,
  type HttpFaultOptions,
} from "./fake-authlete.js";
export type { FakeGrantActions, FakeGrantOperation, FakeGrantResponses } from "./grants.js";
