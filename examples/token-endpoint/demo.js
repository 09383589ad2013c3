// @ts-check
// `npm run demo`: builds the package, then serves the example token endpoint in this process.
//
// npm runs a script through a shell (`sh -c`), and forwards SIGTERM and SIGINT to that shell only;
// the shell ends without passing the signal on, which used to leave the server running. So the
// demo also ends when the shell that started it is gone: it then stops like on SIGTERM.
import { spawnSync } from "node:child_process";

const parent = process.ppid;

// The package manager running this script (npm_execpath), or npm from PATH.
const runner = process.env.npm_execpath;
const built = runner
  ? spawnSync(process.execPath, [runner, "run", "build"], { stdio: "inherit" })
  : spawnSync("npm", ["run", "build"], { stdio: "inherit", shell: process.platform === "win32" });
if (built.status !== 0) process.exit(built.status ?? 1);

const { main } = await import("./server.js");
await main();
// A process whose parent ends is handed to another one (init or a subreaper): its ppid changes.
setInterval(() => {
  if (process.ppid !== parent) process.kill(process.pid, "SIGTERM");
}, 200).unref();
