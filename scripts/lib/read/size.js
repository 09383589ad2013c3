// @ts-check
// Sizes as the generator's limits are written (`--max-spec-size 64MB`, `max-spec-size: 512 KiB`)
// and as its messages print them. Apart from the spec guard so that parsing the command line does
// not load the guard.

/**
 * Parses a size such as `67108864`, `64MB`, `512 KiB` or `1.5g` (K, M, G are powers of 1024).
 * @param {unknown} value
 * @returns {number | undefined} bytes, or undefined when it is not a size
 */
export function parseSize(value) {
  if (typeof value === "number") return Number.isFinite(value) && value > 0 ? Math.floor(value) : undefined;
  if (typeof value !== "string") return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(?:([kmg])(?:i?b)?|b)?\s*$/i.exec(value);
  if (!match) return undefined;
  const unit = (match[2] ?? "").toLowerCase();
  const scale = unit === "k" ? 1024 : unit === "m" ? 1024 ** 2 : unit === "g" ? 1024 ** 3 : 1;
  const bytes = Math.floor(Number(match[1]) * scale);
  return bytes > 0 ? bytes : undefined;
}

/** @param {number} bytes */
export function formatSize(bytes) {
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1).replace(/\.0$/, "")} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1).replace(/\.0$/, "")} KB`;
  return `${bytes} bytes`;
}
