/**
 * `authlete-token/testing`: a fake Authlete token API for testing a token endpoint without an
 * Authlete account. Import it in tests only; it is not part of the main entry.
 * @module
 */
export type { FakeApiCall, FakeApiPath, FakeApis, FakeCall, FakeUnknownCall } from "./calls.js";
export type { FakeClient, FakeClientAuthMethod } from "./clients.js";
export type { FakeAction } from "./decide.js";
export {
  createFakeAuthlete,
  FAKE_ACCESS_TOKEN,
  FAKE_BASE_URL,
  FAKE_SERVICE_ID,
  type FakeAnswer,
  type FakeAuthlete,
  type FakeAuthleteOptions,
  type FakeAuthleteServer,
} from "./fake-authlete.js";
export type { HttpFault, HttpFaultOptions } from "./faults.js";
export { FAKE_MAX_BODY_BYTES } from "./request-body.js";
export type { FakeToken } from "./tokens.js";
