/**
 * The fake Authlete's request validation: the subset of JSON Schema the spec's request bodies use,
 * so a body Prism would refuse with 400 is refused here too. The schemas themselves are derived
 * from the spec (request-schemas.ts); the test suite checks every verdict against ajv.
 */

/** A request schema as scripts/testing-schemas.js keeps it: validation keywords only. */
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

/** RFC 3986 URI: a scheme, then no whitespace or characters that must always be escaped. */
function isUri(value: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:[^\s"<>\\^`{|}]*$/.test(value);
}

function escapePointer(name: string): string {
  return name.replaceAll("~", "~0").replaceAll("/", "~1");
}
