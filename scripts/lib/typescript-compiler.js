// @ts-check
import { Worker } from "node:worker_threads";

/**
 * What the worker gives back: the TypeScript, the SHA-256 of the bundled spec it was made from,
 * and every file the spec is made of.
 * @typedef {{ code: string, hash: string, files: string[] }} Compiled
 */
/** @typedef {{ resolve: (compiled: Compiled) => void, reject: (error: Error) => void }} Pending */

/** @type {Worker | undefined} */
let worker;
/** @type {Map<number, Pending>} */
const pending = new Map();
let nextId = 0;

/**
 * Starts the TypeScript worker (and its imports) now, so it is ready by the time a bundled
 * document arrives. Safe to call more than once.
 */
export function warmUpTypeScript() {
  getWorker();
}

/**
 * Bundles the spec at `root` and compiles it to TypeScript source in the worker thread.
 * @param {string} root absolute path of the spec's root file
 * @param {import("openapi-typescript").OpenAPITSOptions} options
 * @param {import("./spec-guard.js").SpecPolicy} policy what the bundler may read
 * @returns {Promise<Compiled>}
 */
export function compileTypeScript(root, options, policy) {
  const thread = getWorker();
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    // Held only while a request is out: an idle worker must not keep the process alive.
    thread.ref();
    thread.postMessage({ id, root, options, policy });
  });
}

/**
 * Stops the worker. Called once the command is done: Node does not exit on its own while an
 * unused worker is still importing.
 */
export async function shutDownTypeScript() {
  const thread = worker;
  worker = undefined;
  if (thread) await thread.terminate();
}

function getWorker() {
  if (worker) return worker;
  const thread = new Worker(new URL("./typescript-worker.js", import.meta.url));
  thread.unref();
  thread.on("message", (/** @type {{ id: number, error?: string, stack?: string } & Partial<Compiled>} */ reply) => {
    const request = pending.get(reply.id);
    if (!request) return;
    pending.delete(reply.id);
    if (pending.size === 0) thread.unref();
    if (reply.error !== undefined) {
      const error = new Error(reply.error);
      if (reply.stack) error.stack = reply.stack; // the worker's, for --verbose
      request.reject(error);
    } else request.resolve({ code: reply.code ?? "", hash: reply.hash ?? "", files: reply.files ?? [] });
  });
  const fail = (/** @type {Error} */ error) => {
    for (const request of pending.values()) request.reject(error);
    pending.clear();
    if (worker === thread) worker = undefined;
  };
  thread.on("error", fail);
  thread.on("exit", (code) => {
    // A thread that is gone must not be handed the next request (it would never answer).
    if (worker === thread) worker = undefined;
    if (pending.size > 0) fail(new Error(`the TypeScript worker exited with code ${code}`));
  });
  worker = thread;
  return thread;
}
