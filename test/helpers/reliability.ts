import { appendFileSync } from "node:fs";

/**
 * One line of `test/RELIABILITY.md`: how many cases of a kind a reliability test tried, how many
 * kept every promise, and how many lost something (a torn or changed output, a leaked secret,
 * a hang, an unhandled rejection). `lost` must be 0.
 */
export interface Outcome {
  /** The section of the report, e.g. "Pipeline: bad specs", "Client: faults". */
  category: string;
  /** The row within it, e.g. "dangling local $ref" or "SIGKILL while writing". */
  name: string;
  tried: number;
  passed: number;
  lost: number;
  /** A short note for the report (what "lost" means here, what was measured). */
  note?: string;
}

/**
 * Records an outcome for `npm run test:reliability`, which sets `RELIABILITY_LOG` to a JSON-lines
 * file and builds the report from it. In a plain `npm test` the variable is unset and this does
 * nothing: the test's own assertions are what fail it.
 */
export function recordOutcome(outcome: Outcome): void {
  const log = process.env.RELIABILITY_LOG;
  if (!log) return;
  appendFileSync(log, `${JSON.stringify(outcome)}\n`);
}
