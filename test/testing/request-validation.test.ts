// The fake refuses exactly the request bodies the spec refuses: its schemas are derived from the
// spec (and must be regenerated when it changes), and its checker agrees with ajv, which is what
// Prism validates with.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { bundle, loadConfig } from "@redocly/openapi-core";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { REQUEST_SCHEMAS } from "../../generated/authlete-token.request-schemas.js";
import { deriveRequestSchemas } from "../../scripts/lib/compile/request-schemas.js";
import { firstViolation } from "../../src/testing/validate.js";
import { ROOT } from "../helpers/project.js";
import { OPERATIONS, type Operation, requestValidators } from "../helpers/testing-fake.js";

let ajv: Awaited<ReturnType<typeof requestValidators>>;
beforeAll(async () => {
  ajv = await requestValidators();
});

const fakeAccepts = (operation: Operation, body: unknown) =>
  firstViolation(REQUEST_SCHEMAS[operation], body) === undefined;

/** Values of every JSON type, the edge cases of each included. */
const anyValue = fc.oneof(
  fc.string(),
  fc.constantFrom("", "https://as.example/token", "x:y", "not a uri", "http://[::1]/t", "http://[::1::]/"),
  fc.integer(),
  fc.constantFrom(0, -1, 1.5, 2 ** 53, Number.MAX_SAFE_INTEGER),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 2 }),
  fc.array(
    fc.record(
      { key: fc.oneof(fc.string(), fc.integer()), value: fc.string(), hidden: fc.oneof(fc.boolean(), fc.string()) },
      { requiredKeys: [] },
    ),
    { maxLength: 2 },
  ),
  fc.constantFrom("UNKNOWN", "INVALID_RESOURCE_OWNER_CREDENTIALS", "INVALID_TARGET", "invalid_target"),
);

/** A valid body of each operation, which the generated bodies below change one property at a time. */
const VALID: Record<Operation, Record<string, unknown>> = {
  token: { parameters: "grant_type=client_credentials" },
  issue: { ticket: "t", subject: "s" },
  fail: { ticket: "t", reason: "UNKNOWN" },
  create: { grantType: "TOKEN_EXCHANGE" },
  nativesso: { accessToken: "a", deviceSecret: "d" },
  reissue: { accessToken: "a", refreshToken: "r" },
};

/**
 * Bodies with any of the operation's properties (and an unknown one), each of any type: alone, or
 * on top of a valid body so that one wrong property decides the verdict.
 */
function bodies(operation: Operation) {
  const names = [...Object.keys(REQUEST_SCHEMAS[operation].properties ?? {}), "somethingElse"];
  const changes = fc.dictionary(fc.constantFrom(...names), anyValue, { maxKeys: 3 });
  return fc.oneof(
    changes.map((change) => ({ ...VALID[operation], ...change })),
    fc.record({ name: fc.constantFrom(...names), value: anyValue }).map(({ name, value }) => ({
      ...VALID[operation],
      [name]: value,
    })),
    fc.dictionary(fc.constantFrom(...names), anyValue, { maxKeys: names.length }),
    anyValue,
  );
}

describe("the fake's request schemas", () => {
  it("are what `npm run generate` derives from the spec now", async () => {
    const config = await loadConfig({ configPath: join(ROOT, "redocly.yaml") });
    const spec = await bundle({ ref: join(ROOT, "openapi/openapi.yaml"), config, dereference: true });
    const file = await readFile(join(ROOT, "generated/authlete-token.request-schemas.ts"), "utf8");
    expect(file.endsWith(`\n\n${deriveRequestSchemas(spec.bundle.parsed)}`)).toBe(true);
  });

  for (const operation of Object.keys(OPERATIONS) as Operation[]) {
    it(`accept and refuse the same ${operation} bodies as ajv on the bundled spec`, () => {
      const handPicked: unknown[] = [
        {},
        { parameters: "" },
        { ticket: "t", subject: "s", reason: "UNKNOWN" },
        { ticket: "", subject: "s", reason: "INVALID_TARGET" },
        { parameters: "", htu: "https://as.example/token", accessTokenDuration: 60, dpopNonceRequired: true },
        { parameters: "", htu: "/token" },
        { parameters: "", properties: [{ key: "k", value: "v", hidden: "yes" }] },
        { parameters: 1 },
        { parameters: "", accessTokenDuration: 1.5 },
        null,
        [],
      ];
      for (const body of handPicked) {
        expect(fakeAccepts(operation, body), JSON.stringify(body)).toBe(ajv[operation](body));
      }
      fc.assert(
        fc.property(bodies(operation), (body) => fakeAccepts(operation, body) === ajv[operation](body)),
        { numRuns: 3_000 },
      );
    });
  }
});
