export type {
  AuthorizationDetailsElement,
  AuthzDetails,
  CimdOptions,
  components,
  GrantType,
  IdTokenReissueRequest,
  IdTokenReissueResponse,
  NativeSsoRequest,
  NativeSsoResponse,
  operations,
  Pair,
  Property,
  paths,
  Result,
  TokenCreateRequest,
  TokenCreateResponse,
  TokenFailRequest,
  TokenFailResponse,
  TokenInfo,
  TokenIssueRequest,
  TokenIssueResponse,
  TokenRequest,
  TokenResponse,
  TokenType,
} from "../generated/authlete-token.js";
export {
  type AccessTokenSource,
  type AuthleteFetchClient,
  type CallOptions,
  createAuthleteFetchClient,
  createTokenClient,
  type FetchLike,
  type TokenClient,
  type TokenClientOptions,
} from "./client.js";
export {
  type BasicCredentials,
  type BasicCredentialsOptions,
  encodeBasicCredentials,
  parseBasicCredentials,
} from "./endpoint/basic-credentials.js";
export {
  type ClientCertificateSource,
  type ClientCertificates,
  derToPem,
  readClientCertificate,
} from "./endpoint/client-certificate.js";
export {
  CORS_ALLOWED_HEADERS,
  CORS_EXPOSED_HEADERS,
  CORS_MAX_AGE_SECONDS,
  type CorsOrigins,
} from "./endpoint/cors.js";
export type { DpopTargetOptions } from "./endpoint/dpop-target.js";
export type {
  GrantCalls,
  GrantContext,
  GrantDecision,
  GrantHook,
  IdTokenReissueDecision,
  IdTokenReissueHook,
  JsonObjectInput,
  NativeSsoDecision,
  NativeSsoHook,
} from "./endpoint/grants.js";
export {
  answerNodeProtocolErrors,
  type FetchHandler,
  type NodeHandlerOptions,
  type NodeRequestLike,
  type NodeResponseLike,
  type NodeServerLike,
  type NodeSocketLike,
  onNodeCheckExpectation,
  onNodeClientError,
  toNodeHandler,
} from "./endpoint/node-adapter.js";
export {
  DEFAULT_MAX_BODY_BYTES,
  type ParseTokenRequestOptions,
  parseTokenRequest,
} from "./endpoint/parse-token-request.js";
export {
  type AuthleteTokenResult,
  type ToTokenResponseOptions,
  toTokenResponse,
} from "./endpoint/to-token-response.js";
export {
  type AuthenticatedUser,
  createTokenEndpoint,
  type TokenEndpoint,
  type TokenEndpointLogDetails,
  type TokenEndpointLogger,
  type TokenEndpointOptions,
} from "./endpoint/token-endpoint.js";
export {
  TokenEndpointError,
  type TokenEndpointErrorCode,
  type TokenEndpointErrorOptions,
} from "./endpoint/token-endpoint-error.js";
export {
  TOKEN_ISSUED_VISIBLE_PARAMETERS,
  type TokenIssuedAction,
  type TokenIssuedEvent,
  type TokenIssuedRequest,
} from "./endpoint/token-issued.js";
export {
  AuthleteApiError,
  AuthleteConfigurationError,
  AuthleteError,
  type AuthleteErrorCode,
  AuthleteFetchError,
  AuthleteInvalidResponseError,
  AuthleteNetworkError,
  AuthleteRedirectError,
  AuthleteTimeoutError,
  type InvalidResponseReason,
} from "./errors.js";
export { AUTHLETE_SERVERS, type AuthleteRegion } from "./regions.js";
export { DEFAULT_MAX_RESPONSE_BYTES } from "./response.js";
export type {
  IdTokenReissueResult,
  NativeSsoResult,
  ResultByAction,
  TokenCreateResult,
  TokenFailResult,
  TokenIssueResult,
  TokenResult,
  UnknownAction,
} from "./results.js";
export { DEFAULT_RETRY, parseRetryAfter, type Retries, type RetryOptions, withRetries } from "./retry.js";
export { VERSION } from "./version.js";
