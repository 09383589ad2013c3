// Loaded with `node --import` by test/reliability/bad-specs.test.ts: a disk that fills up. Every
// write of a temporary file (the `.<name>.<pid>.<hex>.tmp` files atomic-write renames into place)
// puts its first bytes on disk and then fails with ENOSPC, as a full file system does. Nothing in
// scripts/ knows about this hook: it swaps `fs.promises.writeFile` before the generator loads.
import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";

const code = process.env.FAIL_WRITES_CODE ?? "ENOSPC";
const reasons = { ENOSPC: "no space left on device", EDQUOT: "disk quota exceeded", EIO: "i/o error" };
const original = fs.promises.writeFile;
/** @type {typeof fs.promises.writeFile} */
async function writeFile(file, data, options) {
  if (typeof file === "string" && /\.tmp$/.test(file) && !file.includes("node_modules")) {
    const part = typeof data === "string" ? data.slice(0, 16) : data;
    await original(
      file,
      typeof part === "string" ? part : Buffer.from(/** @type {Uint8Array} */ (part)).subarray(0, 16),
      options,
    );
    const reason = reasons[/** @type {keyof typeof reasons} */ (code)] ?? "injected failure";
    throw Object.assign(new Error(`${code}: ${reason}, write`), { code, syscall: "write" });
  }
  return original(file, data, options);
}
fs.promises.writeFile = writeFile;
syncBuiltinESMExports();
