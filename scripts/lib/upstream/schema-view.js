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
 * @property {boolean} variantTypes `types` are its `oneOf`/`anyOf` branches' (it has no `type` of its own)
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
 * The schema at `start` as the comparer sees it. Loops (`$ref`, `allOf`, single-branch `oneOf`
 * that lead back to themselves) end where they repeat; nothing here recurses, so neither a deep
 * nor a cyclic schema can exhaust the stack.
 * @param {unknown} document
 * @param {Located} start
 * @param {Map<string, SchemaView>} [cache] views already built for this document, by pointer: a
 *   schema used from many places (or merged into many `allOf`s) is then read once per comparison
 * @returns {SchemaView}
 */
export function viewSchema(document, start, cache = new Map()) {
  const followed = follow(document, start);
  // `oneOf: [X, {type: null}]` is how 3.1 writes a nullable X, and `oneOf: [X]` is X: the view is
  // X's, reached through this node (declarations may sit on either).
  const chain = [...followed.chain];
  let node = followed.node;
  let nullable = false;
  const seen = new Set([chain.at(-1)]);
  for (;;) {
    const only = singleBranch(document, node, /** @type {string} */ (chain.at(-1)));
    if (!only) break;
    nullable ||= only.nullable || node.nullable === true || typesOf(node.type).nullable;
    const next = follow(document, only.member);
    if (seen.has(next.chain.at(-1))) break;
    seen.add(next.chain.at(-1));
    chain.push(...next.chain);
    node = next.node;
  }
  const pointer = /** @type {string} */ (chain.at(-1));
  let view = cache.get(pointer);
  if (!view) {
    view = mergedView(document, node, pointer);
    cache.set(pointer, view);
  }
  return { ...view, chain, nullable: view.nullable || nullable };
}

/**
 * The one branch that is not `null` of the first `oneOf`/`anyOf` that has any (undefined when it
 * has several), and whether a `null` branch was there.
 * @param {unknown} document
 * @param {Record<string, any>} node
 * @param {string} pointer
 * @returns {{ member: Located, nullable: boolean } | undefined}
 */
function singleBranch(document, node, pointer) {
  let nullBranch = false;
  for (const keyword of ["oneOf", "anyOf"]) {
    if (!Array.isArray(node[keyword])) continue;
    const { members, nullable } = branches(document, node[keyword], `${pointer}/${keyword}`);
    nullBranch ||= nullable;
    if (members.length > 1) return undefined;
    if (members.length === 1) return { member: /** @type {Located} */ (members[0]), nullable: nullBranch };
  }
  return undefined;
}

/**
 * The branches of a `oneOf`/`anyOf` that are not `null`, and whether one was.
 * @param {unknown} document
 * @param {unknown[]} list
 * @param {string} pointer
 */
function branches(document, list, pointer) {
  /** @type {Located[]} */
  const members = [];
  let nullable = false;
  for (const [i, member] of list.entries()) {
    const located = { node: member, pointer: `${pointer}/${i}` };
    const { node: target } = follow(document, located);
    if (target.type === "null" || (Array.isArray(target.enum) && target.enum.length === 1 && target.enum[0] === null)) {
      nullable = true;
    } else {
      members.push(located);
    }
  }
  return { members, nullable };
}

/**
 * @param {unknown} type a schema's `type`
 * @returns {{ types: string[], nullable: boolean }}
 */
function typesOf(type) {
  const list = Array.isArray(type) ? type : type === undefined ? [] : [type];
  return {
    types: list.filter((t) => typeof t === "string" && t !== "null"),
    nullable: list.includes("null"),
  };
}

/**
 * The view of one schema node: its own keywords, then every `allOf` member's (and theirs, in
 * document order, each schema once), since every member applies. A member's nullability counts:
 * `allOf: [{ $ref: X }]` with a nullable X accepts `null`.
 * @param {unknown} document
 * @param {Record<string, any>} root
 * @param {string} pointer
 * @returns {SchemaView}
 */
function mergedView(document, root, pointer) {
  /** @type {SchemaView} */
  const view = {
    pointer,
    chain: [pointer],
    types: [],
    variantTypes: false,
    nullable: false,
    properties: new Map(),
    required: new Set(),
    enum: undefined,
    items: undefined,
    additional: undefined,
    variants: undefined,
  };
  /** @type {Set<string>} */
  const types = new Set();
  // Depth-first, in document order, without recursion: the stack holds what is still to merge.
  /** @type {{ node: Record<string, any>, pointer: string }[]} */
  const stack = [{ node: root, pointer }];
  const merged = new Set([pointer]);
  let first = true;
  while (stack.length > 0) {
    const { node, pointer: at } = /** @type {{ node: Record<string, any>, pointer: string }} */ (stack.pop());
    const own = typesOf(node.type);
    for (const t of own.types) types.add(t);
    if (own.nullable || node.nullable === true) view.nullable = true;
    const values = Array.isArray(node.enum) ? node.enum : "const" in node ? [node.const] : undefined;
    if (values) {
      if (values.includes(null)) view.nullable = true;
      view.enum ??= values.filter((v) => v !== null);
    }
    addProperties(view, node, at);
    if (node.items !== undefined && !Array.isArray(node.items))
      view.items ??= { node: node.items, pointer: `${at}/items` };
    if (isObject(node.additionalProperties)) {
      view.additional ??= { node: node.additionalProperties, pointer: `${at}/additionalProperties` };
    }
    /** @type {{ node: Record<string, any>, pointer: string }[]} */
    const next = [];
    // A member that is a single-branch `oneOf`/`anyOf` is that branch (nullable if a null one is there).
    const only = first ? undefined : singleBranch(document, node, at);
    if (only) {
      if (only.nullable) view.nullable = true;
      const target = follow(document, only.member);
      next.push({ node: target.node, pointer: /** @type {string} */ (target.chain.at(-1)) });
    }
    if (Array.isArray(node.allOf)) {
      for (const [i, member] of node.allOf.entries()) {
        const target = follow(document, { node: member, pointer: `${at}/allOf/${i}` });
        next.push({ node: target.node, pointer: /** @type {string} */ (target.chain.at(-1)) });
      }
    }
    if (first) {
      for (const keyword of ["oneOf", "anyOf"]) {
        if (!Array.isArray(node[keyword])) continue;
        const { members, nullable } = branches(document, node[keyword], `${at}/${keyword}`);
        if (nullable) view.nullable = true;
        if (members.length > 0) view.variants ??= { keyword, members };
      }
    }
    first = false;
    for (const member of next.reverse()) {
      if (merged.has(member.pointer)) continue;
      merged.add(member.pointer);
      stack.push(member);
    }
  }
  if (types.size === 0 && view.properties.size > 0) types.add("object");
  if (types.size === 0 && view.items) types.add("array");
  // An enum without `type` says its type through its values.
  if (types.size === 0 && view.enum) for (const value of view.enum) types.add(jsonType(value));
  // A `oneOf`/`anyOf` without `type` (a discriminated union, typically) has its branches' types.
  if (types.size === 0 && view.variants) {
    view.variantTypes = true;
    for (const member of view.variants.members) for (const t of shallowTypes(document, member)) types.add(t);
  }
  view.types = types.size === 0 ? ["any"] : [...types].sort();
  return view;
}

/**
 * The types a branch states itself (`type`, or implied by `properties`, `items`, `enum`), without
 * walking into it: enough to tell an object union from a scalar.
 * @param {unknown} document
 * @param {Located} member
 * @returns {string[]}
 */
function shallowTypes(document, member) {
  const { node } = follow(document, member);
  const own = typesOf(node.type).types;
  if (own.length > 0) return own;
  if (isObject(node.properties)) return ["object"];
  if (node.items !== undefined) return ["array"];
  if (Array.isArray(node.enum)) return node.enum.filter((v) => v !== null).map(jsonType);
  return [];
}

/**
 * The JSON type of a value, as a schema's `type` names it.
 * @param {unknown} value
 */
function jsonType(value) {
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  if (value === null) return "null";
  return typeof value === "object" ? "object" : typeof value;
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
