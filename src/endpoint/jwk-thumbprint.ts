/**
 * The thumbprints that bind an access token to its holder: the JWK SHA-256 thumbprint of a DPoP
 * key (RFC 7638, RFC 9449) and the SHA-256 thumbprint of a mutual-TLS client certificate
 * (RFC 8705). WebCrypto only, so they run on every runtime.
 */
import { base64ToBytes, bytesToBase64 } from "../bytes.js";

/**
 * The members of each key type that enter its thumbprint, in lexicographic order.
 * @see https://www.rfc-editor.org/rfc/rfc7638#section-3.2
 * @see https://www.rfc-editor.org/rfc/rfc8037#section-2
 */
const REQUIRED_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  EC: ["crv", "kty", "x", "y"],
  RSA: ["e", "kty", "n"],
  OKP: ["crv", "kty", "x"],
  oct: ["k", "kty"],
};

/**
 * The RFC 7638 JWK thumbprint (SHA-256, base64url without padding) of a public key: the hash of
 * the JSON object of its required members only, in lexicographic order, without whitespace.
 * Throws a `TypeError` for a key that is not an object, of an unknown `kty`, or missing a member.
 * @see https://www.rfc-editor.org/rfc/rfc7638#section-3
 */
export async function jwkThumbprint(jwk: unknown): Promise<string> {
  if (typeof jwk !== "object" || jwk === null || Array.isArray(jwk)) throw new TypeError("the JWK is not an object");
  const key = jwk as Record<string, unknown>;
  const members = typeof key.kty === "string" ? REQUIRED_MEMBERS[key.kty] : undefined;
  if (members === undefined) throw new TypeError("the JWK has no supported kty");
  const canonical: Record<string, string> = {};
  for (const name of members) {
    const value = key[name];
    if (typeof value !== "string") throw new TypeError(`the JWK lacks "${name}"`);
    canonical[name] = value;
  }
  // JSON.stringify keeps insertion order, which is the lexicographic one of `members`.
  return sha256Base64Url(new TextEncoder().encode(JSON.stringify(canonical)));
}

/**
 * The thumbprint of the public key of a DPoP proof (its `jwk` header parameter), or throws a
 * `TypeError` when the proof is not a JWS with such a header.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.2
 */
export async function dpopProofKeyThumbprint(proof: string): Promise<string> {
  const header = proof.split(".")[0] ?? "";
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(base64UrlToBytes(header)));
  } catch {
    throw new TypeError("the DPoP proof has no readable JOSE header");
  }
  return jwkThumbprint((parsed as { jwk?: unknown } | null)?.jwk);
}

/**
 * The `x5t#S256` thumbprint of a certificate in PEM: SHA-256 of its DER, base64url.
 * @see https://www.rfc-editor.org/rfc/rfc8705#section-3.1
 */
export async function certificateThumbprint(pem: string): Promise<string> {
  const body = pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, "").replace(/\s+/g, "");
  return sha256Base64Url(base64ToBytes(body));
}

async function sha256Base64Url(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
  return bytesToBase64(digest).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function base64UrlToBytes(text: string): Uint8Array {
  const base64 = text.replaceAll("-", "+").replaceAll("_", "/");
  return base64ToBytes(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
}
