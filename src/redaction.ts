/**
 * The one home of credential masking: what counts as a credential in a token request's form body,
 * and how a masked value reads. Used by `parseTokenRequest` (its `util.inspect` view) and by the
 * request records of `authlete-token/testing`.
 */

/** What a masked credential reads as. */
export const REDACTED = "[REDACTED]";

/**
 * Form parameters that carry a credential: a client secret sent with `client_secret_post`
 * (RFC 6749 §2.3.1), a resource owner's password (§4.3.2), and the codes, tokens and assertions
 * that stand for a grant.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1
 */
const CREDENTIAL_PARAMETERS: ReadonlySet<string> = new Set([
  "client_secret",
  "password",
  "code",
  "code_verifier",
  "refresh_token",
  "client_assertion",
  "assertion",
  "subject_token",
  "actor_token",
  "device_code",
  "auth_req_id",
]);

/** The form body with the value of every credential parameter replaced by `[REDACTED]`. */
export function redactParameters(parameters: string): string {
  return parameters
    .split("&")
    .map((pair) => {
      const equals = pair.indexOf("=");
      const rawName = equals < 0 ? pair : pair.slice(0, equals);
      let name: string;
      try {
        name = decodeURIComponent(rawName.replaceAll("+", " "));
      } catch {
        // A name that cannot be decoded could still be one of them: hide its value.
        return equals < 0 ? pair : `${rawName}=${REDACTED}`;
      }
      return equals >= 0 && CREDENTIAL_PARAMETERS.has(name) ? `${rawName}=${REDACTED}` : pair;
    })
    .join("&");
}

/**
 * Makes `target` show `view()` instead of itself to `util.inspect` (and so `console.log`),
 * `JSON.stringify` and `String()`, with non-enumerable members so its own fields stay as they are.
 */
export function showRedacted<T extends object>(target: T, view: () => Record<string, unknown>): T {
  Object.defineProperties(target, {
    [Symbol.for("nodejs.util.inspect.custom")]: { enumerable: false, value: view },
    toJSON: { enumerable: false, value: view },
    toString: { enumerable: false, value: () => JSON.stringify(view()) },
  });
  return target;
}
