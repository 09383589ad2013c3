// @ts-check
// A tiny block-style YAML writer for the synthetic specs: plain objects, arrays, strings, numbers,
// booleans and null. Multi-line strings become `|` block scalars (as in hand-written specs); other
// strings are written plain when that is unambiguous and double-quoted (JSON syntax) otherwise.

const PLAIN = /^[A-Za-z_/][\w ./{}()-]*$/;
const RESERVED = new Set(["true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"]);

/**
 * @param {string} value
 * @param {string} indent the indentation of block-scalar lines
 */
function scalarString(value, indent) {
  if (value.includes("\n")) {
    const body = value.endsWith("\n") ? value.slice(0, -1) : value;
    const chomp = value.endsWith("\n") ? "" : "-";
    return `|${chomp}\n${body
      .split("\n")
      .map((line) => (line === "" ? "" : indent + line))
      .join("\n")}`;
  }
  if (PLAIN.test(value) && !RESERVED.has(value.toLowerCase()) && !value.endsWith(" ") && !value.includes(": ")) {
    return value;
  }
  return JSON.stringify(value);
}

/** @param {string} key */
function keyString(key) {
  return PLAIN.test(key) && !RESERVED.has(key.toLowerCase()) ? key : JSON.stringify(key);
}

/** @param {unknown} value */
function isScalar(value) {
  return value === null || typeof value !== "object" || (Array.isArray(value) ? value.length === 0 : isEmpty(value));
}

/** @param {object} value */
function isEmpty(value) {
  return Object.keys(value).length === 0;
}

/**
 * @param {unknown} value a scalar, or an empty array/object
 * @param {string} indent
 */
function scalar(value, indent) {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return scalarString(value, indent);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return "[]";
  return "{}";
}

/**
 * @param {unknown} value
 * @param {number} depth
 * @returns {string[]}
 */
function lines(value, depth) {
  const pad = "  ".repeat(depth);
  const out = [];
  if (Array.isArray(value)) {
    for (const item of value) {
      if (isScalar(item)) out.push(`${pad}- ${scalar(item, `${pad}  `)}`);
      else {
        const inner = lines(item, depth + 1);
        out.push(`${pad}- ${(inner[0] ?? "").trimStart()}`, ...inner.slice(1));
      }
    }
    return out;
  }
  for (const [key, item] of Object.entries(/** @type {Record<string, unknown>} */ (value))) {
    if (item === undefined) continue;
    if (isScalar(item)) out.push(`${pad}${keyString(key)}: ${scalar(item, `${pad}  `)}`);
    else out.push(`${pad}${keyString(key)}:`, ...lines(item, depth + 1));
  }
  return out;
}

/**
 * Serialises a JSON-compatible value as block-style YAML.
 * @param {unknown} value
 */
export function toYaml(value) {
  return `${lines(value, 0).join("\n")}\n`;
}
