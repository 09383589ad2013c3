import { describe, expect, it } from "vitest";
import { roundGate, roundsNote, runRounds } from "../helpers/reliability.js";

describe("reliability budgets: rounds and time", () => {
  it("runRounds makes every planned round while there is time", async () => {
    const seen: number[] = [];
    const budget = { rounds: 5, ms: 3_600_000 };
    const made = await runRounds(budget, async (i) => {
      seen.push(i);
    });
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(made).toEqual({ made: 5, planned: 5, outOfTime: false });
    expect(roundsNote(made, budget)).toBe("5 rounds");
  });

  it("runRounds stops at the minimum once the time is spent, and says so", async () => {
    const budget = { rounds: 21, ms: 0, min: 6 };
    let count = 0;
    const made = await runRounds(budget, async () => {
      count++;
    });
    expect(count).toBe(6);
    expect(made).toEqual({ made: 6, planned: 21, outOfTime: true });
    expect(roundsNote(made, budget)).toBe("6 of 21 rounds (time budget of 0 s reached)");
  });

  it("runRounds never makes more than planned, even with a minimum above it", async () => {
    let count = 0;
    await runRounds({ rounds: 2, ms: 0, min: 10 }, async () => {
      count++;
    });
    expect(count).toBe(2);
  });

  it("roundGate lets the minimum through after the time is spent, then closes for good", () => {
    const gate = roundGate({ rounds: 100, ms: 0, min: 3 });
    const taken = Array.from({ length: 10 }, () => gate.take());
    expect(taken).toEqual([true, true, true, false, false, false, false, false, false, false]);
    expect(gate.made()).toEqual({ made: 3, planned: 100, outOfTime: true });
  });

  it("roundGate stops at the planned rounds while there is time", () => {
    const gate = roundGate({ rounds: 4, ms: 3_600_000 });
    const taken = Array.from({ length: 6 }, () => gate.take());
    expect(taken.filter(Boolean)).toHaveLength(4);
    expect(gate.made()).toEqual({ made: 4, planned: 4, outOfTime: false });
  });
});
