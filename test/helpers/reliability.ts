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

/**
 * How much a reliability test may do: at most `rounds` rounds, and no new round once `ms` have
 * passed since the first began, but always at least `min` (default 1), so a loaded machine makes
 * fewer rounds instead of hitting the test's timeout, and an idle one makes them all.
 */
export interface RoundBudget {
  rounds: number;
  ms: number;
  min?: number;
}

/** What a budget allowed: the rounds made, of how many planned, and whether time cut them short. */
export interface RoundsMade {
  made: number;
  planned: number;
  outOfTime: boolean;
}

/** Runs `round(0)`, `round(1)`, … one after the other within `budget`; resolves to what it made. */
export async function runRounds(budget: RoundBudget, round: (index: number) => Promise<void>): Promise<RoundsMade> {
  const min = Math.min(budget.min ?? 1, budget.rounds);
  const deadline = performance.now() + budget.ms;
  let made = 0;
  while (made < budget.rounds && (made < min || performance.now() < deadline)) {
    await round(made);
    made++;
  }
  return { made, planned: budget.rounds, outOfTime: made < budget.rounds };
}

/** "21 rounds", or "9 of 21 rounds (time budget of 150 s reached)": for a report note or a log line. */
export function roundsNote(made: RoundsMade, budget: RoundBudget): string {
  if (!made.outOfTime) return `${made.made} rounds`;
  return `${made.made} of ${made.planned} rounds (time budget of ${Math.round(budget.ms / 1000)} s reached)`;
}

/**
 * The same budget where something else runs the loop (fast-check's `numRuns: budget.rounds`):
 * `take()` says whether this case is to run, and counts it when it is; the cases after the budget
 * return at once (the deadline starts at the first `take()`).
 */
export function roundGate(budget: RoundBudget): { take(): boolean; made(): RoundsMade } {
  const min = Math.min(budget.min ?? 1, budget.rounds);
  let deadline: number | undefined;
  let made = 0;
  let closed = false;
  return {
    take() {
      deadline ??= performance.now() + budget.ms;
      if (closed || made >= budget.rounds || (made >= min && performance.now() >= deadline)) {
        closed = true;
        return false;
      }
      made++;
      return true;
    },
    made: () => ({ made, planned: budget.rounds, outOfTime: made < budget.rounds }),
  };
}
