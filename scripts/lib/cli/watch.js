// @ts-check
import { dirname, resolve } from "node:path";
import { watch as chokidarWatch } from "chokidar";

/**
 * Runs a generation pass now and again whenever a file of any spec, or the config, changes.
 * Changes are debounced so that an editor's save (often several writes) gives one pass, and a
 * burst of saves gives a pass at its end (plus one for a save that lands while a pass runs).
 * A pass that fails prints its problems and leaves the last good output alone; watching goes on
 * until the process is stopped (Ctrl-C: run/interrupt.js) or `signal` aborts.
 *
 * The directories of those files are watched, not the files: a watcher on a file ends with that
 * file, so a spec file deleted and then created again (or replaced by an editor's
 * write-and-rename save) would never be seen again. Events are kept only for the files the
 * specs are made of, so the pass's own writes (temporary files, outputs) never trigger one.
 * "watching" is printed only once every directory is really watched: a save made right after it
 * must start a pass, not fall into the moment before the new directories' watchers exist.
 * @param {string} configPath
 * @param {(configPath: string, options: { check: boolean }) => Promise<{ code: number, files: Set<string> }>} run
 * @param {{ debounceMs?: number, signal?: AbortSignal }} [options]
 */
export async function watch(configPath, run, { debounceMs = 150, signal } = {}) {
  const config = resolve(configPath);
  /** @type {import("chokidar").FSWatcher[]} */
  const watchers = [];
  /** @type {Set<string>} */
  let watched = new Set([config]);
  /** @type {Set<string>} */
  const dirs = new Set([dirname(config)]);
  let running = Promise.resolve();
  /** @type {NodeJS.Timeout | undefined} */
  let timer;

  let passes = 0;
  const pass = async () => {
    console.log(passes++ === 0 ? "… generating" : "… change detected, regenerating");
    let files = new Set([config]);
    try {
      const result = await run(configPath, { check: false });
      files = new Set([config, ...result.files]);
    } catch (error) {
      // A broken config or an unexpected failure must not end the watch: say it and wait for the next edit.
      console.error(`✗ ${error instanceof Error ? error.message : String(error)}`);
      files = new Set([...watched]);
    }
    // Files are only added: one that failed to load this time (deleted, a broken $ref to it) is
    // still watched, so saving it again starts the next pass.
    watched = new Set([...watched, ...files]);
    const added = [...new Set([...files].map(dirname))].filter((d) => !dirs.has(d));
    for (const dir of added) dirs.add(dir);
    if (added.length > 0) await watchDirectories(added);
    console.log(`… watching ${watched.size} file(s); Ctrl-C to stop`);
  };
  let stopped = false;
  /** @type {Promise<void>} */
  const stopping = new Promise((done) => {
    const stop = () => {
      stopped = true;
      clearTimeout(timer);
      void Promise.all(watchers.map((watcher) => watcher.close())).then(() => done());
    };
    if (signal?.aborted) stop();
    else signal?.addEventListener("abort", stop, { once: true });
  });
  const schedule = () => {
    if (stopped) return; // late file events after stopping must not start a pass
    clearTimeout(timer);
    timer = setTimeout(() => {
      running = running.then(pass);
    }, debounceMs);
  };

  /**
   * Watches more directories; resolves once chokidar reports them ready (it says so once per
   * watcher, and `add()` returns before its watchers exist, hence a watcher per batch).
   * @param {string[]} directories
   */
  const watchDirectories = async (directories) => {
    if (stopped) return;
    const watcher = chokidarWatch(directories, { ignoreInitial: true, depth: 0, awaitWriteFinish: false });
    watchers.push(watcher);
    watcher.on("all", (_event, path) => {
      if (watched.has(resolve(path))) schedule();
    });
    // Without a listener an 'error' event would throw and end the watch (e.g. too many watched files).
    watcher.on("error", (error) => {
      console.error(`✗ watching: ${error instanceof Error ? error.message : String(error)}`);
    });
    // A watcher closed before it is ready never says so.
    await Promise.race([new Promise((ready) => watcher.once("ready", () => ready(undefined))), stopping]);
  };
  running = running.then(() => watchDirectories([...dirs])).then(pass);
  await stopping;
  await running;
}
