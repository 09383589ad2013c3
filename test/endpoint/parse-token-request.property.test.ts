import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ParseTokenRequestOptions, parseTokenRequest, TokenEndpointError } from "../../src/index.js";
import { parseOptionFields } from "../helpers/arbitraries.js";

// Any byte a header value may hold (no NUL, CR or LF), including obs-text.
const headerChar = fc
  .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.constant(0x09), fc.integer({ min: 0x80, max: 0xff }))
  .map((c) => String.fromCharCode(c));
const anyValue = fc.string({ unit: headerChar, maxLength: 120 });
const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
// Values shaped like what each header expects, so parsing gets past the first check.
const shapedValue = fc.oneof(
  anyValue,
  fc.string({ unit: "binary", maxLength: 40 }).map((s) => `Basic ${b64(s)}`),
  fc.uint8Array({ maxLength: 40 }).map((b) => `:${Buffer.from(b).toString("base64")}:`),
  fc
    .array(fc.uint8Array({ maxLength: 20 }), { maxLength: 3 })
    .map((l) => l.map((b) => `:${Buffer.from(b).toString("base64")}:`).join(", ")),
  anyValue.map((s) => `-----BEGIN CERTIFICATE----- ${s} -----END CERTIFICATE-----`),
  anyValue.map((s) => `-----BEGIN%20CERTIFICATE-----${s}`),
  fc.constantFrom("(null)", "application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=utf-8"),
);
const headerName = fc.constantFrom(
  "Authorization",
  "Content-Type",
  "Content-Length",
  "DPoP",
  "Forwarded",
  "X-Forwarded-Proto",
  "X-Forwarded-Host",
  "X-Ssl-Cert",
  "X-Ssl-Cert-Chain-0",
  "X-Ssl-Cert-Chain-7",
  "Client-Cert",
  "Client-Cert-Chain",
  "OAuth-Client-Attestation",
  "OAuth-Client-Attestation-PoP",
);
const body = fc.oneof(
  fc.constant(null),
  fc.string({ unit: "binary", maxLength: 200 }),
  fc.uint8Array({ maxLength: 200 }),
);
const options: fc.Arbitrary<ParseTokenRequestOptions> = fc.record(
  parseOptionFields(fc.integer({ min: 0, max: 300 }), anyValue),
  { requiredKeys: [] },
);

describe("parseTokenRequest (property)", () => {
  it("returns a TokenRequest or throws a TokenEndpointError for any headers and body, nothing else", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("POST", "POST", "POST", "GET", "PUT"),
        fc.array(fc.tuple(headerName, shapedValue), { maxLength: 8 }),
        fc.boolean(),
        body,
        options,
        async (method, pairs, formContentType, content, opts) => {
          const headers = new Headers();
          if (formContentType) headers.set("Content-Type", "application/x-www-form-urlencoded");
          for (const [name, value] of pairs) headers.append(name, value);
          const request = new Request("http://127.0.0.1/token?q=1", {
            method,
            headers,
            body: method === "GET" ? null : content,
          });
          try {
            const result = await parseTokenRequest(request, opts);
            expect(typeof result.parameters).toBe("string");
            for (const value of Object.values(result)) expect(value).not.toBeUndefined();
            if (result.htu !== undefined) expect(new URL(result.htu).search).toBe("");
          } catch (error) {
            if (!(error instanceof TokenEndpointError)) throw error;
            expect([400, 401, 405, 413]).toContain(error.status);
            const response = error.toResponse();
            expect(response.headers.get("Cache-Control")).toBe("no-store");
            expect(typeof (await response.json()).error).toBe("string");
          }
        },
      ),
      { numRuns: 1500 },
    );
  });
});
