// @ts-check
// Which upstream operation each of ours is compared with: the same method and path template, else
// Authlete's 2.x path form, else the same operationId.
import { escapeSegment, follow } from "./schema-view.js";

/** The HTTP methods of a path item, in the order operations are listed. */
export const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/**
 * How one of our operations was found upstream: `path` (same method and path template, path
 * parameters by position), `prefix` (Authlete's 2.x form: `/api/auth/token` for
 * `/api/{serviceId}/auth/token`), `operationId`, or not at all (undefined).
 * @typedef {{ operation: string, upstream: string | undefined, matchedBy: "path" | "prefix" | "operationId" | undefined }} OperationMatch
 */

/** How a matching is named in reports. */
export const MATCHINGS = Object.freeze({
  path: "method and path",
  prefix: "Authlete's 2.x path form (no {serviceId})",
  operationId: "operationId",
});

/**
 * @typedef {{ method: string, path: string, pointer: string, node: Record<string, any> }} UpstreamOperation
 * @typedef {{ byTemplate: Map<string, UpstreamOperation>, byPrefix: Map<string, UpstreamOperation>, byId: Map<string, UpstreamOperation> }} OperationIndex
 */

/**
 * Every upstream operation by method and path template, by method and 2.x path form, by operationId.
 * @param {Record<string, any>} upstream
 * @returns {OperationIndex}
 */
export function indexOperations(upstream) {
  /** @type {OperationIndex} */
  const index = { byTemplate: new Map(), byPrefix: new Map(), byId: new Map() };
  for (const [path, rawItem] of Object.entries(upstream.paths ?? {})) {
    const item = follow(upstream, { node: rawItem, pointer: `#/paths/${escapeSegment(path)}` });
    for (const method of METHODS) {
      const node = item.node[method];
      if (node === null || typeof node !== "object") continue;
      const operation = { method, path, pointer: /** @type {string} */ (item.chain.at(-1)), node };
      // The first one wins: two upstream paths of one template are the vendor's ambiguity, not ours.
      const add = (/** @type {Map<string, UpstreamOperation>} */ map, /** @type {string} */ key) => {
        if (!map.has(key)) map.set(key, operation);
      };
      add(index.byTemplate, `${method} ${templateKey(path)}`);
      add(index.byPrefix, `${method} ${prefixKey(path)}`);
      if (typeof node.operationId === "string") add(index.byId, node.operationId);
    }
  }
  return index;
}

/**
 * @param {OperationIndex} index
 * @param {string} method
 * @param {string} path
 * @param {unknown} operationId
 * @returns {(UpstreamOperation & { matchedBy: "path" | "prefix" | "operationId" }) | undefined}
 */
export function matchOperation(index, method, path, operationId) {
  const byPath = index.byTemplate.get(`${method} ${templateKey(path)}`);
  if (byPath) return { ...byPath, matchedBy: "path" };
  const byPrefix = index.byPrefix.get(`${method} ${prefixKey(path)}`);
  if (byPrefix) return { ...byPrefix, matchedBy: "prefix" };
  const byId = typeof operationId === "string" ? index.byId.get(operationId) : undefined;
  if (byId) return { ...byId, matchedBy: "operationId" };
  return undefined;
}

/**
 * `/api/{serviceId}/x` and `/api/{id}/x` are the same path: parameters match by position.
 * @param {string} path
 */
function templateKey(path) {
  return path.replace(/\{[^}]*\}/g, "{}");
}

/**
 * Authlete 2.x has no service in the path (the API key names it): `/api/auth/token` is 3.x's
 * `/api/{serviceId}/auth/token`. Both forms give the same key.
 * @param {string} path
 */
function prefixKey(path) {
  return templateKey(path).replace(/^\/api\/\{\}(?=\/)/, "/api");
}
