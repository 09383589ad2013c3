#!/usr/bin/env node
// @ts-check
// Row 5, the client side: every variant calls the loopback server in turn (the order rotating each
// round). Per round and variant: CPU time of this process (`process.cpuUsage()`) around `calls`
// sequential calls, then wall-clock throughput of `throughputCalls` calls with `concurrency` in
// flight. Prints one JSON object.
//   node bench/lib/loopback-client.js '{"clientEntry":…,"port":…,"rounds":5,"calls":2000,…}'
import { makeVariants } from "./clients.js";

const options = JSON.parse(process.argv[2] ?? "{}");
const {
  clientEntry,
  port,
  rounds = 5,
  calls = 2000,
  throughputCalls = 4000,
  concurrency = 32,
  warmup = 500,
  only,
} = options;
const variants = await makeVariants({ clientEntry, baseUrl: `http://127.0.0.1:${port}` });

if (only) {
  // One variant in a loop, for profiling.
  const v = variants.find((x) => x.name === only);
  if (!v) throw new Error(`no variant ${only}`);
  for (let i = 0; i < calls * rounds; i++) await v.call();
  process.exit(0);
}

/** @type {Record<string, { cpuUsPerCall: number[], callsPerSecond: number[] }>} */
const results = Object.fromEntries(variants.map((v) => [v.name, { cpuUsPerCall: [], callsPerSecond: [] }]));

for (const v of variants) for (let i = 0; i < warmup; i++) await v.call();

for (let round = 0; round < rounds; round++) {
  const order = variants.map((_, i) => variants[(i + round) % variants.length]);
  for (const v of order) {
    if (!v) continue;
    const r = /** @type {{ cpuUsPerCall: number[], callsPerSecond: number[] }} */ (results[v.name]);
    const before = process.cpuUsage();
    for (let i = 0; i < calls; i++) await v.call();
    const used = process.cpuUsage(before);
    r.cpuUsPerCall.push((used.user + used.system) / calls);
    let next = 0;
    const started = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next++ < throughputCalls) await v.call();
      }),
    );
    r.callsPerSecond.push(throughputCalls / (Number(process.hrtime.bigint() - started) / 1e9));
  }
}
console.log(JSON.stringify(results));
