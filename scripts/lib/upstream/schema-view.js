// @ts-check
// One schema of a bundled document seen the way the comparer needs it: `$ref`s followed, `allOf`
// merged, and nullability read the same way from OpenAPI 3.0 (`nullable: true`) and 3.1 (`"null"`
// in `type`, a `{ type: "null" }` branch of `oneOf`/`anyOf`, `null` in `enum`).
import { unescapePointerFragment } from "@redocly/openapi-core";

/**
 * A node of the document and where it is.
 * @typedef {{ node: unknown, pointer: string }} Located
 */

/**
 * @typedef {object} SchemaView
 * @property {string} pointer where the schema itself is, `$ref`s followed
 * @property {string[]} chain every pointer on the way there: the referencing node(s), then the schema
 * @property {string[]} types the non-null JSON types, sorted ("any" when the schema does not say)
 * @property {boolean} nullable
 * @property {Map<string, Located>} properties
 * @property {Set<string>} required
 * @property {unknown[] | undefined} enum the allowed values without `null`; undefined: no enum
 * @property {Located | undefined} items
 * @property {Located | undefined} additional a schema-valued `additionalProperties` (a map's values)
 * @property {{ keyword: string, members: Located[] } | undefined} variants `oneOf`/`anyOf` without null branches
 */

/**
 * The node a `#/...` pointer names, or undefined.
 * @param {unknown} document
 * @param {string} pointer
 */
export function nodeAt(document, pointer) {
  if (!pointer.startsWith("#")) return undefined;
  const segments = pointer.slice(1).split("/").slice(1).map(unescapePointerFragment);
  /** @type {any} */
  let node = document;
  for (const segment of segments) {
    if (node === null || typeof node !== "object" || !Object.hasOwn(node, segment)) return undefined;
    node = node[segment];
  }
  return node;
}

/** @param {string} name */
export function escapeSegment(name) {
  return name.replace(/~/g, "~0").replace(/\//g, "~1");
}

/**
 * Follows `$ref`s from a node. A `$ref` that loops back on itself ends as an empty schema.
 * @param {unknown} document
 * @param {Located} start
 * @returns {{ node: Record<string, any>, chain: string[] }}
 */
export function follow(document, start) {
  let { node, pointer } = start;
  const chain = [pointer];
  while (isObject(node) && typeof node.$ref === "string") {
    const ref = node.$ref;
    if (chain.includes(ref)) return { node: {}, chain };
    const target = nodeAt(document, ref);
    // The bundler reported unresolved refs already; an unreadable one says nothing.
    if (target === undefined) return { node: {}, chain };
    node = target;
    pointer = ref;
    chain.push(pointer);
  }
  return { node: isObject(node) ? node : {}, chain };
}

/**
 * @param {unknown} document
 * @param {Located} start
 * @returns {SchemaView}
 */
export function viewSchema(document, start) {
  const { node, chain } = follow(document, start);
  const pointer = /** @type {string} */ (chain.at(-1));
  /** @type {SchemaView} */
  const view = {
    pointer,
    chain,
    types: [],
    nullable: false,
    properties: new Map(),
    required: new Set(),
    enum: undefined,
    items: undefined,
    additional: undefined,
    variants: undefined,
  };
  const types = new Set();
  const addTypes = (/** @type {unknown} */ type) => {
    for (const t of Array.isArray(type) ? type : type === undefined ? [] : [type]) {
      if (t === "null") view.nullable = true;
      else if (typeof t === "string") types.add(t);
    }
  };
  addTypes(node.type);
  if (node.nullable === true) view.nullable = true;
  const values = Array.isArray(node.enum) ? node.enum : "const" in node ? [node.const] : undefined;
  if (values) {
    if (values.includes(null)) view.nullable = true;
    view.enum = values.filter((v) => v !== null);
  }
  addProperties(view, node, pointer);
  if (node.items !== undefined && !Array.isArray(node.items)) {
    view.items = { node: node.items, pointer: `${pointer}/items` };
  }
  if (isObject(node.additionalProperties)) {
    view.additional = { node: node.additionalProperties, pointer: `${pointer}/additionalProperties` };
  }
  // allOf: every member applies, so their properties and required lists add up.
  if (Array.isArray(node.allOf)) {
    for (const [i, member] of node.allOf.entries()) {
      const part = viewSchema(document, { node: member, pointer: `${pointer}/allOf/${i}` });
      for (const t of part.types) if (t !== "any") types.add(t);
      for (const [name, located] of part.properties) if (!view.properties.has(name)) view.properties.set(name, located);
      for (const name of part.required) view.required.add(name);
      view.items ??= part.items;
      view.additional ??= part.additional;
      view.enum ??= part.enum;
    }
  }
  for (const keyword of ["oneOf", "anyOf"]) {
    if (!Array.isArray(node[keyword])) continue;
    /** @type {Located[]} */
    const members = [];
    for (const [i, member] of node[keyword].entries()) {
      const located = { node: member, pointer: `${pointer}/${keyword}/${i}` };
      const { node: target } = follow(document, located);
      if (
        target.type === "null" ||
        (Array.isArray(target.enum) && target.enum.length === 1 && target.enum[0] === null)
      ) {
        view.nullable = true;
      } else {
        members.push(located);
      }
    }
    // `oneOf: [X, {type: null}]` is how 3.1 writes a nullable X: it is X.
    if (members.length === 1 && !view.variants) {
      const only = viewSchema(document, /** @type {Located} */ (members[0]));
      return { ...only, chain: [...chain, ...only.chain], nullable: true };
    }
    if (members.length > 0) view.variants ??= { keyword, members };
  }
  if (types.size === 0 && view.properties.size > 0) types.add("object");
  if (types.size === 0 && view.items) types.add("array");
  view.types = types.size === 0 ? ["any"] : [...types].sort();
  return view;
}

/**
 * @param {SchemaView} view
 * @param {Record<string, any>} node
 * @param {string} pointer
 */
function addProperties(view, node, pointer) {
  if (isObject(node.properties)) {
    for (const [name, schema] of Object.entries(node.properties)) {
      view.properties.set(name, { node: schema, pointer: `${pointer}/properties/${escapeSegment(name)}` });
    }
  }
  if (Array.isArray(node.required)) for (const name of node.required) view.required.add(String(name));
}

/**
 * @param {unknown} value
 * @returns {value is Record<string, any>}
 */
export function isObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
