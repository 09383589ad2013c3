/**
 * The fake Authlete's request validation: the subset of JSON Schema the spec's request bodies use,
 * so a body Prism would refuse with 400 is refused here too. The schemas themselves are derived
 * from the spec by `npm run generate` (generated/authlete-token.request-schemas.ts); the test
 * suite checks every verdict against ajv.
 */

/** A request schema as scripts/lib/compile/request-schemas.js keeps it: validation keywords only. */
export interface RequestSchema {
  type?: string | readonly string[];
  required?: readonly string[];
  properties?: Readonly<Record<string, RequestSchema>>;
  items?: RequestSchema;
  enum?: readonly unknown[];
  minLength?: number;
  format?: string;
}

/**
 * The first way `value` breaks `schema`, as `"/pointer must …"`, or `undefined` when it is valid.
 * Formats other than `uri` only annotate here (`int64` is covered by `integer`).
 */
export function firstViolation(schema: RequestSchema, value: unknown, pointer = ""): string | undefined {
  const where = pointer === "" ? "the body" : pointer;
  if (schema.type !== undefined) {
    const types = typeof schema.type === "string" ? [schema.type] : schema.type;
    if (!types.some((type) => hasType(value, type))) return `${where} must be ${types.join(" or ")}`;
  }
  if (schema.enum !== undefined && !schema.enum.includes(value)) {
    return `${where} must be one of ${schema.enum.map((v) => JSON.stringify(v)).join(", ")}`;
  }
  if (typeof value === "string") {
    // JSON Schema counts code points, not UTF-16 units.
    if (schema.minLength !== undefined && [...value].length < schema.minLength) {
      return `${where} must have at least ${schema.minLength} character${schema.minLength === 1 ? "" : "s"}`;
    }
    if (schema.format === "uri" && !isUri(value)) return `${where} must be a URI`;
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    for (const [index, item] of value.entries()) {
      const violation = firstViolation(schema.items, item, `${pointer}/${index}`);
      if (violation !== undefined) return violation;
    }
  }
  if (isObject(value)) {
    for (const name of schema.required ?? []) {
      if (!Object.hasOwn(value, name)) return `${where} must have the property "${name}"`;
    }
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      if (!Object.hasOwn(value, name)) continue;
      const violation = firstViolation(property, value[name], `${pointer}/${escapePointer(name)}`);
      if (violation !== undefined) return violation;
    }
  }
  return undefined;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "boolean":
      return typeof value === "boolean";
    case "array":
      return Array.isArray(value);
    case "object":
      return isObject(value);
    case "null":
      return value === null;
    default:
      return false;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A `pchar` of RFC 3986 §3.3, and the characters of `userinfo` and `reg-name` (§3.2). */
const PCHAR = "(?:[a-z0-9\\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})";
const USERINFO = "(?:[a-z0-9\\-._~!$&'()*+,;=:]|%[0-9a-f]{2})";
const REG_NAME = "(?:[a-z0-9\\-._~!$&'()*+,;=]|%[0-9a-f]{2})";
const IP_LITERAL = "\\[(?<ip>[0-9a-f:.]+|v[0-9a-f]+\\.[a-z0-9\\-._~!$&'()*+,;=:]+)\\]";
/**
 * The `uri` format as JSON Schema validators (ajv-formats, so Prism) check it: RFC 3986's
 * `URI` rule, with a non-empty path or an authority.
 * @see https://www.rfc-editor.org/rfc/rfc3986#appendix-A
 */
const URI = new RegExp(
  `^[a-z][a-z0-9+\\-.]*:(?:\\/?\\/(?:${USERINFO}*@)?(?:${IP_LITERAL}|${REG_NAME}*)(?::\\d*)?(?:\\/${PCHAR}*)*` +
    `|\\/(?:${PCHAR}+(?:\\/${PCHAR}*)*)?|${PCHAR}+(?:\\/${PCHAR}*)*)(?:\\?(?:${PCHAR}|[/?])*)?(?:#(?:${PCHAR}|[/?])*)?$`,
  "i",
);

function isUri(value: string): boolean {
  const ip = URI.exec(value)?.groups?.ip;
  if (ip === undefined) return URI.test(value);
  // An IPv6 address is checked by the URL parser, which knows its grammar exactly.
  return ip.startsWith("v") || ip.startsWith("V") || URL.canParse(`http://[${ip}]/`);
}

function escapePointer(name: string): string {
  return name.replaceAll("~", "~0").replaceAll("/", "~1");
}
