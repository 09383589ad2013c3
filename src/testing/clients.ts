/**
 * How the fake Authlete authenticates clients at the token endpoint (RFC 6749 §2.3), and how it
 * reports them.
 */
import type * as api from "../index.js";
import { type ClientFields, defaultError, errorAnswer } from "./bodies.js";
import type { Authority } from "./decide.js";

/** How a registered client authenticates at the token endpoint. */
export type FakeClientAuthMethod = "CLIENT_SECRET_BASIC" | "CLIENT_SECRET_POST" | "NONE";

/** A client registration: with any, the fake authenticates clients against them like Authlete. */
export interface FakeClient {
  /** The `client_id` the client sends: Authlete's numeric ID or an alias. */
  clientId: string;
  /** The secret of a confidential client. */
  clientSecret?: string | undefined;
  /**
   * The registered `token_endpoint_auth_method` (RFC 7591 §2): `CLIENT_SECRET_BASIC` by default
   * for a client with a secret, `NONE` for one without.
   * @see https://www.rfc-editor.org/rfc/rfc7591#section-2
   */
  authMethod?: FakeClientAuthMethod | undefined;
}

type ClientCheck = { client: ClientFields } | { error: api.TokenResponse };

/**
 * Authenticates the client like Authlete (RFC 6749 §2.3): one method only, its ID from Basic or
 * `client_id`, its method from where the secret was sent; against the registrations when there
 * are any.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export function authenticateClient(
  authority: Authority,
  request: api.TokenRequest,
  form: URLSearchParams,
): ClientCheck {
  // RFC 6749 §2.3: "The client MUST NOT use more than one authentication method in each request";
  // §5.2 makes that an invalid_request, which is what Authlete answers.
  const methods = [request.clientSecret !== undefined, form.has("client_secret"), form.has("client_assertion")];
  if (methods.filter(Boolean).length > 1) {
    return {
      error: errorAnswer(
        "BAD_REQUEST",
        "A054205",
        "invalid_request",
        "The client used more than one client authentication method.",
      ),
    };
  }
  const formId = form.get("client_id");
  const id = request.clientId ?? formId;
  if (id === null || id === "") {
    return { error: errorAnswer("INVALID_CLIENT", "A054201", "invalid_client", "The client is not identified.") };
  }
  if (request.clientId !== undefined && formId !== null && formId !== request.clientId) {
    return {
      error: errorAnswer("BAD_REQUEST", "A054202", "invalid_request", "The client IDs of Basic and the form differ."),
    };
  }
  const method: FakeClientAuthMethod =
    request.clientSecret !== undefined
      ? "CLIENT_SECRET_BASIC"
      : form.has("client_secret")
        ? "CLIENT_SECRET_POST"
        : "NONE";
  const client = clientFields(id, method);
  if (authority.clients === undefined) return { client };
  const registered = authority.clients.get(id);
  if (registered === undefined) {
    return { error: errorAnswer("INVALID_CLIENT", "A054201", "invalid_client", "The client does not exist.") };
  }
  const expected = registered.authMethod ?? (registered.clientSecret === undefined ? "NONE" : "CLIENT_SECRET_BASIC");
  if (method !== expected) {
    return {
      error: errorAnswer(
        "INVALID_CLIENT",
        "A054204",
        "invalid_client",
        `The client authentication method ${method} is not the registered one.`,
      ),
    };
  }
  const secret = method === "CLIENT_SECRET_BASIC" ? request.clientSecret : form.get("client_secret");
  if (method !== "NONE" && secret !== registered.clientSecret) {
    return { error: defaultError("INVALID_CLIENT") };
  }
  return { client };
}

/** A client as Authlete reports it: a numeric ID, and the alias when the client used one. */
export function clientFields(id: string, clientAuthMethod: FakeClientAuthMethod): ClientFields {
  const numeric = /^[1-9][0-9]{0,14}$/.test(id);
  return {
    clientId: numeric ? Number(id) : stableNumber(id),
    clientIdAlias: numeric ? null : id,
    clientIdAliasUsed: !numeric,
    clientAuthMethod,
  };
}

/** A stable 13-digit number for an alias (FNV-1a), so the same alias always has the same ID. */
function stableNumber(text: string): number {
  let hash = 0x811c9dc5;
  for (const unit of new TextEncoder().encode(text)) hash = Math.imul(hash ^ unit, 0x01000193) >>> 0;
  return 1_000_000_000_000 + hash;
}
