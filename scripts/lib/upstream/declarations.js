// @ts-check
// Declared deviations: where our fragment deliberately differs from the vendor's description, the
// schema says so with `x-authlete-deviation`, next to the field:
//
//   x-authlete-deviation:
//     - kind: type-changed        # one of KINDS (compare.js)
//       upstream: string          # what the vendor's spec says, as the report prints it
//       reason: Authlete takes an array of {key, value, hidden} objects on the wire.
//       property: "*"             # optional, on an object: for this property ("*": every property)
//
// A declaration covers the findings of its kind whose upstream value is exactly `upstream`, on the
// node it sits on (or on the object's property it names). When the vendor changes what it says, the
// finding is no longer covered (it is drift again) and the declaration goes stale, once the field
// it sits on was compared and found equal (a field that was not compared says nothing).

import { DeclarationError } from "../errors.js";
import { KINDS } from "./compare.js";
import { escapeSegment, isObject } from "./schema-view.js";

/** The extension's name. */
export const DEVIATION_KEY = "x-authlete-deviation";

/**
 * @typedef {object} Declaration
 * @property {string} pointer the node it sits on, in our bundled document
 * @property {number} index its position in the node's list
 * @property {string} kind
 * @property {string} upstream
 * @property {string} reason
 * @property {string | undefined} property
 */

/**
 * Every declaration in a bundled document.
 * @param {unknown} document
 * @returns {Declaration[]}
 */
export function collectDeclarations(document) {
  /** @type {Declaration[]} */
  const found = [];
  /** @type {[unknown, string][]} */
  const stack = [[document, "#"]];
  const seen = new Set();
  while (stack.length > 0) {
    const [node, pointer] = /** @type {[unknown, string]} */ (stack.pop());
    if (node === null || typeof node !== "object" || seen.has(node)) continue;
    seen.add(node);
    if (Array.isArray(node)) {
      node.forEach((child, i) => {
        stack.push([child, `${pointer}/${i}`]);
      });
      continue;
    }
    const record = /** @type {Record<string, unknown>} */ (node);
    if (DEVIATION_KEY in record) found.push(...parse(record[DEVIATION_KEY], pointer));
    for (const [key, child] of Object.entries(record)) {
      if (key !== DEVIATION_KEY) stack.push([child, `${pointer}/${escapeSegment(key)}`]);
    }
  }
  return found.sort((a, b) => (a.pointer < b.pointer ? -1 : a.pointer > b.pointer ? 1 : a.index - b.index));
}

/**
 * @param {unknown} value
 * @param {string} pointer
 * @returns {Declaration[]}
 */
function parse(value, pointer) {
  const list = Array.isArray(value) ? value : [value];
  return list.map((entry, index) => {
    const where = `${pointer}/${DEVIATION_KEY}${Array.isArray(value) ? `/${index}` : ""}`;
    if (!isObject(entry))
      throw new DeclarationError(`${where}: a deviation is a mapping with kind, upstream and reason`);
    for (const key of Object.keys(entry)) {
      if (!["kind", "upstream", "reason", "property"].includes(key)) {
        throw new DeclarationError(`${where}: unknown key "${key}" (expected kind, upstream, reason, property)`);
      }
    }
    if (typeof entry.kind !== "string" || !KINDS.includes(entry.kind)) {
      throw new DeclarationError(
        `${where}: kind must be one of ${KINDS.join(", ")}; got ${JSON.stringify(entry.kind)}`,
      );
    }
    for (const key of ["upstream", "reason"]) {
      if (typeof entry[key] !== "string" || entry[key].trim() === "") {
        throw new DeclarationError(`${where}: ${key} must be a non-empty string`);
      }
    }
    if (entry.property !== undefined && (typeof entry.property !== "string" || entry.property === "")) {
      throw new DeclarationError(`${where}: property must be a property name or "*"`);
    }
    return {
      pointer,
      index,
      kind: entry.kind,
      upstream: entry.upstream,
      reason: entry.reason,
      property: entry.property,
    };
  });
}

/**
 * Marks each finding declared or not, counts what each declaration covers, and lists the
 * declarations that cover nothing: stale when the node they sit on was compared (and found equal
 * to upstream), not compared when it was not (an operation or media type upstream lacks): nothing
 * says the difference is gone.
 * @param {import("./compare.js").Finding[]} findings
 * @param {Declaration[]} declarations
 * @param {Set<string>} compared the pointers of our document that were compared (see compareDocuments)
 */
export function applyDeclarations(findings, declarations, compared) {
  /** @type {Map<Declaration, number>} */
  const covers = new Map(declarations.map((d) => [d, 0]));
  const judged = findings.map((finding) => {
    const declaration = declarations.find(
      (d) =>
        d.kind === finding.kind &&
        (d.upstream === "*" || d.upstream === finding.upstream.value) &&
        finding.anchors.some((a) => a.pointer === d.pointer && a.property === d.property),
    );
    if (declaration) covers.set(declaration, (covers.get(declaration) ?? 0) + 1);
    return { finding, declaration };
  });
  const unused = declarations.filter((d) => covers.get(d) === 0);
  const stale = unused.filter((d) => compared.has(d.pointer));
  const notCompared = unused.filter((d) => !compared.has(d.pointer));
  return { judged, stale, notCompared, covers };
}

/**
 * One line for a declaration: where it is, what it declares.
 * @param {Declaration} d
 */
export function describeDeclaration(d) {
  const target = d.property === undefined ? "" : d.property === "*" ? " (every property)" : ` (property ${d.property})`;
  return `${d.pointer}${target}: ${d.kind}, upstream ${JSON.stringify(d.upstream)}`;
}
