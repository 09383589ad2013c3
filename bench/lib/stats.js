// @ts-check
// Small statistics helpers shared by the timers and the report.

/** @param {number[]} values */
export function median(values) {
  return quantile(values, 0.5);
}

/**
 * Linear-interpolated quantile (the same definition as numpy's default).
 * @param {number[]} values
 * @param {number} q between 0 and 1
 */
export function quantile(values, q) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = /** @type {number} */ (sorted[lo]);
  const b = /** @type {number} */ (sorted[hi]);
  return a + (b - a) * (pos - lo);
}

/**
 * Ratios pair by pair (`candidate[i] / baseline[i]`), for runs measured side by side.
 * @param {number[]} candidate
 * @param {number[]} baseline
 */
export function pairRatios(candidate, baseline) {
  const n = Math.min(candidate.length, baseline.length);
  const out = [];
  for (let i = 0; i < n; i++) out.push(/** @type {number} */ (candidate[i]) / /** @type {number} */ (baseline[i]));
  return out;
}

/**
 * Median of pair ratios with the spread (min–max) as a note.
 * @param {number[]} ratios
 */
export function summariseRatios(ratios) {
  return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
}

/** @param {number} ms */
export function formatMs(ms) {
  if (!Number.isFinite(ms)) return "n/a";
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${ms.toFixed(0)} ms`;
  return `${ms.toFixed(1)} ms`;
}

/** @param {number} us */
export function formatUs(us) {
  if (!Number.isFinite(us)) return "n/a";
  return us >= 100 ? `${us.toFixed(0)} µs` : `${us.toFixed(1)} µs`;
}

/** @param {number} kb */
export function formatKb(kb) {
  if (!Number.isFinite(kb)) return "n/a";
  return kb >= 1024 ? `${(kb / 1024).toFixed(0)} MB` : `${kb.toFixed(0)} KB`;
}

/** @param {number} ratio */
export function formatRatio(ratio) {
  return Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : "n/a";
}
