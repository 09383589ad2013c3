export type {
  components,
  operations,
  Property,
  paths,
  Result,
  TokenRequest,
  TokenResponse,
} from "../generated/authlete-token.js";
export {
  type AccessTokenSource,
  type AuthleteFetchClient,
  type CallOptions,
  createAuthleteFetchClient,
  createTokenClient,
  type TokenClient,
  type TokenClientOptions,
} from "./client.js";
export {
  AuthleteApiError,
  AuthleteConfigurationError,
  AuthleteError,
  type AuthleteErrorCode,
  AuthleteInvalidResponseError,
  AuthleteNetworkError,
  AuthleteRedirectError,
  AuthleteTimeoutError,
} from "./errors.js";
export { AUTHLETE_SERVERS, type AuthleteRegion } from "./regions.js";
export { VERSION } from "./version.js";
