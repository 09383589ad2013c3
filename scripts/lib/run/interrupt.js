// @ts-check
// Ctrl-C (SIGINT) and SIGTERM: stop at once, but tidily. Writes under way get a moment to finish
// (each is a small file), none starts after the signal, every temporary file still there is
// removed, the lock is released, and the process exits with 128 + the signal's number (130, 143),
// as a shell reports a process a signal ended. Every output is left with its old or its new
// bytes. A second signal exits at once.
import { abortWrites, removeTempFilesSync } from "../write/atomic-write.js";
import { releaseLocksSync } from "./lock.js";

/** How long in-flight writes may take to finish after a signal. */
const WRITES_GRACE_MS = 1_000;
/** The whole cleanup: past this the process exits anyway. */
const EXIT_DEADLINE_MS = 2_000;

const CODES = { SIGINT: 130, SIGTERM: 143 };
let installed = false;
let stopping = false;

/** Installs the handlers (once). */
export function exitCleanlyOnSignals() {
  if (installed) return;
  installed = true;
  for (const [signal, code] of Object.entries(CODES)) {
    process.on(signal, () => void stop(signal, code));
  }
}

/**
 * @param {string} signal
 * @param {number} code
 */
async function stop(signal, code) {
  const exit = () => {
    removeTempFilesSync();
    releaseLocksSync();
    process.exit(code);
  };
  if (stopping) exit();
  stopping = true;
  console.error(`✗ ${signal}: stopping; every output keeps its old or its new content`);
  setTimeout(exit, EXIT_DEADLINE_MS);
  try {
    await abortWrites(WRITES_GRACE_MS);
    releaseLocksSync();
  } finally {
    exit();
  }
}
