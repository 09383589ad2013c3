// fast-check arbitraries shared by the property and fuzz tests of the token endpoint.
import fc from "fast-check";

/**
 * The fields of `ParseTokenRequestOptions` as arbitraries, for `fc.record(…, { requiredKeys: [] })`:
 * every way of reading Basic credentials, forwarded headers and client certificates. The caller
 * gives the body limits and the realm values, which depend on the requests it makes.
 */
export function parseOptionFields(maxBodyBytes: fc.Arbitrary<number>, realm: fc.Arbitrary<string>) {
  return {
    maxBodyBytes,
    basicCredentialsFormEncoded: fc.boolean(),
    trustForwardedHeaders: fc.constantFrom(
      false as const,
      { header: "forwarded" as const },
      { header: "x-forwarded" as const, hops: 2 },
    ),
    clientCertificate: fc.constantFrom<"x-ssl-cert" | "client-cert">("x-ssl-cert", "client-cert"),
    realm,
  };
}
