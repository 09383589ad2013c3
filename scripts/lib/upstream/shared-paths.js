// @ts-check
// Schemas that several places share are walked once: a walk remembers where else it was reached,
// so each of its findings can name every place it is at.

/**
 * A walk of a shared pair of schemas: where it was first reached (from which walk), and the other
 * places that reached it and were not walked again.
 * @typedef {{ field: string, parent: Expansion | undefined, aliases: { field: string }[] }} Expansion
 */

/** Paths listed for a finding in a shared schema, at most; the rest are counted. */
const MAX_SHARED_PATHS = 20;

/**
 * Whether `expansion` is `ancestor` or inside it.
 * @param {Expansion | undefined} expansion
 * @param {Expansion} ancestor
 */
export function within(expansion, ancestor) {
  for (let at = expansion; at !== undefined; at = at.parent) if (at === ancestor) return true;
  return false;
}

/**
 * The other places a finding is at, when it is inside a schema that several places share and
 * that was walked once: each such place with the rest of the finding's path.
 * @param {import("./compare.js").Finding & { owner?: Expansion | undefined }} finding
 * @returns {import("./compare.js").Finding}
 */
export function withSharedPaths({ owner, ...finding }) {
  /** @type {Set<string>} */
  const paths = new Set();
  let more = 0;
  for (let at = owner; at !== undefined; at = at.parent) {
    if (at.aliases.length === 0) continue;
    // A field inside a walk extends the walk's own field.
    const rest = finding.field.slice(at.field.length);
    for (const alias of at.aliases) {
      const path = `${alias.field}${rest}`;
      if (path === finding.field || paths.has(path)) continue;
      if (paths.size < MAX_SHARED_PATHS) paths.add(path);
      else more++;
    }
  }
  return { ...finding, alsoAt: [...paths], ...(more > 0 ? { alsoAtMore: more } : {}) };
}
