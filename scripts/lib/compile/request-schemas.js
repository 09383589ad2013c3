// @ts-check
// The request schemas stage: from the dereferenced bundle of an API that asks for them
// (`apis.<name>.x-authlete-token.request-schemas` in redocly.yaml), the request body schemas the
// fake Authlete of `authlete-token/testing` validates against (src/testing/validate.ts), written
// by `npm run generate` next to the types. test/testing/request-validation.test.ts cross-checks
// the fake's verdicts on them with ajv.
import { escapeLineSeparators } from "./comments.js";

/** The operations the fake serves, by the last segment of their path. */
const OPERATIONS = {
  token: "/api/{serviceId}/auth/token",
  issue: "/api/{serviceId}/auth/token/issue",
  fail: "/api/{serviceId}/auth/token/fail",
  create: "/api/{serviceId}/auth/token/create",
  nativesso: "/api/{serviceId}/nativesso",
  reissue: "/api/{serviceId}/idtoken/reissue",
};

/** The validation keywords the fake's checker implements; everything else (descriptions, examples) is dropped. */
const KEPT = ["type", "required", "properties", "items", "enum", "minLength", "format"];

/**
 * Keeps the validation keywords of a dereferenced schema, in the spec's order.
 * @param {any} schema
 * @param {string} where the schema's JSON pointer, for the message
 * @returns {any}
 */
function compact(schema, where) {
  for (const key of Object.keys(schema)) {
    // Extensions (x-authlete-deviation, …) describe the schema; they never constrain a value.
    if (key.startsWith("x-")) continue;
    if (!KEPT.includes(key) && !["title", "description", "examples", "example", "default"].includes(key)) {
      // A keyword the checker does not know would be silently ignored: refuse instead.
      throw new Error(
        `request schema keyword "${key}" at ${where} is not supported by the fake's checker (src/testing/validate.ts)`,
      );
    }
  }
  /** @type {Record<string, unknown>} */
  const out = {};
  for (const key of KEPT) {
    if (!(key in schema)) continue;
    if (key === "properties") {
      out.properties = Object.fromEntries(
        Object.entries(schema.properties).map(([name, s]) => [name, compact(s, `${where}/properties/${name}`)]),
      );
    } else if (key === "items") {
      out.items = compact(schema.items, `${where}/items`);
    } else {
      out[key] = schema[key];
    }
  }
  return out;
}

/**
 * The TypeScript of the request schemas, without the banner: one `as const` object, so the file
 * needs no import and its types say exactly what the spec says.
 * @param {any} spec the API's bundle with every `$ref` replaced
 * @returns {string}
 */
export function deriveRequestSchemas(spec) {
  const lines = Object.entries(OPERATIONS).map(([name, path]) => {
    const schema = spec?.paths?.[path]?.post?.requestBody?.content?.["application/json"]?.schema;
    if (schema === undefined) throw new Error(`request schemas: the spec has no JSON request body for POST ${path}`);
    // One line per operation: data derived from the spec, read through openapi/, not here.
    return `  ${name}: ${JSON.stringify(compact(schema, `#/paths/${path.replaceAll("/", "~1")}`))},`;
  });
  return escapeLineSeparators(
    [
      "/** The request body schemas of the operations the fake Authlete serves, validation keywords only. */",
      "export const REQUEST_SCHEMAS = {",
      ...lines,
      "} as const;",
      "",
    ].join("\n"),
  );
}
