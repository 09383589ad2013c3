// @ts-check
// One API's types in a fresh openapi-typescript module (see typescript.js: `dedupeEnums`).
import { parentPort, workerData } from "node:worker_threads";
import { toTypeScript } from "./typescript.js";

try {
  parentPort?.postMessage({ code: await toTypeScript(workerData.document, workerData.options) });
} catch (error) {
  const { message, stack } = error instanceof Error ? error : new Error(String(error));
  parentPort?.postMessage({ error: { message, stack } });
}
