#!/usr/bin/env node
// @ts-check
// Row 6: the cost of the libraries alone. `fetch` is a stub answering every call with a fresh
// `Response` over prebuilt bytes, so what is measured is request building, headers, middleware,
// body serialisation and parsing. Each round runs a tinybench Bench over every variant (order
// rotating) and also times a batch of calls per variant with `process.cpuUsage()` (run with
// --expose-gc to start each batch from a collected heap).
//   node bench/lib/stub-bench.js '{"clientEntry":…,"rounds":5,"time":300,"batch":5000}'
//   add "only":"project" to run one variant in a loop (for profiling)
import { Bench } from "tinybench";
import { makeVariants, TOKEN_RESPONSE } from "./clients.js";

const options = JSON.parse(process.argv[2] ?? "{}");
const { clientEntry, rounds = 5, time = 300, batch = 5000, only } = options;
const bytes = new TextEncoder().encode(TOKEN_RESPONSE);
const init = { status: 200, headers: { "Content-Type": "application/json" } };
/** @type {import("./clients.js").FetchLike} */
const stub = () => Promise.resolve(new Response(bytes, init));
const variants = await makeVariants({ clientEntry, baseUrl: "https://us.authlete.com", fetch: stub });

if (only) {
  const v = variants.find((x) => x.name === only);
  if (!v) throw new Error(`no variant ${only}`);
  for (let i = 0; i < batch * rounds; i++) await v.call();
  process.exit(0);
}

/** @type {Record<string, { medianUs: number[], cpuUsPerCall: number[] }>} */
const results = Object.fromEntries(variants.map((v) => [v.name, { medianUs: [], cpuUsPerCall: [] }]));
for (let round = 0; round < rounds; round++) {
  const order = variants.map(
    (_, i) => /** @type {import("./clients.js").Variant} */ (variants[(i + round) % variants.length]),
  );
  const bench = new Bench({ time, warmupTime: Math.min(100, time), iterations: 64 });
  for (const v of order) bench.add(v.name, v.call);
  await bench.run();
  for (const task of bench.tasks) {
    const result = /** @type {any} */ (task.result);
    if (result?.state !== "completed") throw new Error(`${task.name}: ${result?.error ?? result?.state}`);
    results[task.name]?.medianUs.push(result.latency.p50 * 1000);
  }
  for (const v of order) {
    // Start every batch from a clean heap, so no batch pays for the garbage of the one before.
    /** @type {any} */ (globalThis).gc?.();
    const before = process.cpuUsage();
    for (let i = 0; i < batch; i++) await v.call();
    const used = process.cpuUsage(before);
    results[v.name]?.cpuUsPerCall.push((used.user + used.system) / batch);
  }
}
console.log(JSON.stringify(results));
