// @ts-check
import { resolve } from "node:path";
import { watch as chokidarWatch } from "chokidar";

/**
 * Runs a generation pass now and again whenever a file of any spec, or the config, changes.
 * Changes are debounced so that an editor's save (often several writes) gives one pass. A pass
 * that fails prints its problems and leaves the last good output alone; watching goes on until
 * the process is interrupted.
 * @param {string} configPath
 * @param {(configPath: string, options: { check: boolean }) => Promise<{ code: number, files: Set<string> }>} run
 * @param {{ debounceMs?: number, signal?: AbortSignal }} [options]
 */
export async function watch(configPath, run, { debounceMs = 150, signal } = {}) {
  const config = resolve(configPath);
  const watcher = chokidarWatch(config, { ignoreInitial: true, awaitWriteFinish: false });
  /** @type {Set<string>} */
  let watched = new Set([config]);
  let running = Promise.resolve();
  /** @type {NodeJS.Timeout | undefined} */
  let timer;

  const pass = async () => {
    let files = new Set([config]);
    try {
      const result = await run(configPath, { check: false });
      files = new Set([config, ...result.files]);
    } catch (error) {
      // A broken config or an unexpected failure must not end the watch: say it and wait for the next edit.
      console.error(`✗ ${error instanceof Error ? error.message : String(error)}`);
      files = new Set([...watched]);
    }
    const added = [...files].filter((f) => !watched.has(f));
    if (added.length > 0) watcher.add(added);
    watched = new Set([...watched, ...files]);
    console.log(`… watching ${watched.size} file(s); Ctrl-C to stop`);
  };
  let stopped = false;
  const schedule = () => {
    if (stopped) return; // late file events after Ctrl-C must not start a pass
    clearTimeout(timer);
    timer = setTimeout(() => {
      running = running.then(pass);
    }, debounceMs);
  };

  watcher.on("all", schedule);
  running = running.then(pass);
  await new Promise((done) => {
    const stop = () => {
      stopped = true;
      clearTimeout(timer);
      void watcher.close().then(done);
    };
    signal?.addEventListener("abort", stop, { once: true });
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await running;
}
