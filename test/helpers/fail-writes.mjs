// Loaded with `node --import` by test/generator/bad-specs.reliability.test.ts: a disk that fills up. Every
// write of a temporary file (the `.<name>.<pid>.<hex>.tmp` files atomic-write renames into place)
// puts its first bytes on disk and then fails with ENOSPC, as a full file system does. Nothing in
// scripts/ knows about this hook: it swaps `fs.promises.writeFile` and `fs.promises.open` (whose
// handle's `writeFile` is how atomic-write fills its temporary file) before the generator loads.
import fs from "node:fs";
import { syncBuiltinESMExports } from "node:module";

const code = process.env.FAIL_WRITES_CODE ?? "ENOSPC";
const reasons = { ENOSPC: "no space left on device", EDQUOT: "disk quota exceeded", EIO: "i/o error" };
const original = fs.promises.writeFile;
const originalOpen = fs.promises.open;

/** @param {unknown} file */
const isTemp = (file) => typeof file === "string" && /\.tmp$/.test(file) && !file.includes("node_modules");

/** The first bytes of `data`, as a full disk lets through before it refuses the rest. */
const firstBytes = (/** @type {unknown} */ data) =>
  typeof data === "string" ? data.slice(0, 16) : Buffer.from(/** @type {Uint8Array} */ (data)).subarray(0, 16);

function diskFull() {
  const reason = reasons[/** @type {keyof typeof reasons} */ (code)] ?? "injected failure";
  return Object.assign(new Error(`${code}: ${reason}, write`), { code, syscall: "write" });
}

/** @type {typeof fs.promises.writeFile} */
async function writeFile(file, data, options) {
  if (isTemp(file)) {
    await original(file, firstBytes(data), options);
    throw diskFull();
  }
  return original(file, data, options);
}

/** @type {typeof fs.promises.open} */
async function open(file, flags, mode) {
  const handle = await originalOpen(file, flags, mode);
  if (isTemp(file)) {
    const write = handle.writeFile.bind(handle);
    handle.writeFile = async (data, options) => {
      await write(firstBytes(data), options);
      throw diskFull();
    };
  }
  return handle;
}

fs.promises.writeFile = writeFile;
fs.promises.open = open;
syncBuiltinESMExports();
