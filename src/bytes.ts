/**
 * The one home of reading bytes: a body read under a size cap, strict UTF-8 and Base64. Used by
 * the client (Authlete's answers) and the token endpoint (the client's request, Basic credentials,
 * certificates).
 */

// `fatal`: invalid UTF-8 is an error, never silently replaced by U+FFFD. One decoder of each kind
// serves every call: decode() without `stream` is stateless.
const UTF8_KEEP_BOM = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const UTF8_STRIP_BOM = new TextDecoder("utf-8", { fatal: true });

/**
 * Decodes UTF-8 strictly. A leading BOM is kept as content (a form body is passed on byte for
 * byte) unless `stripBom` (JSON, where a BOM is packaging).
 *
 * @throws {TypeError} on bytes that are not valid UTF-8.
 * @see https://encoding.spec.whatwg.org/#utf-8-decode-without-bom-or-fail
 */
export function decodeUtf8(bytes: Uint8Array, stripBom = false): string {
  return (stripBom ? UTF8_STRIP_BOM : UTF8_KEEP_BOM).decode(bytes);
}

/** How far {@link readAtMost} got, for messages about a read that failed midway. */
export interface ReadProgress {
  bytes: number;
}

const EMPTY = new Uint8Array(0);

/**
 * Reads a whole stream, at most `limit` bytes of it: past that the stream is cancelled (so the
 * connection is released at once) and `tooLarge()` is thrown. Errors of the stream itself are
 * passed on for the caller to map; `progress.bytes` says how much arrived.
 */
export async function readAtMost(
  stream: ReadableStream<Uint8Array> | null | undefined,
  limit: number,
  tooLarge: () => Error,
  progress: ReadProgress = { bytes: 0 },
): Promise<Uint8Array> {
  if (!stream) return EMPTY;
  // The lock is never released: nothing reads the stream after this, and releasing it costs more
  // than the rest of a small read. One chunk, the usual case for small bodies, needs no array.
  const reader = stream.getReader();
  let first: Uint8Array | undefined;
  let rest: Uint8Array[] | undefined;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    progress.bytes += value.byteLength;
    if (progress.bytes > limit) {
      reader.cancel().catch(ignore);
      throw tooLarge();
    }
    if (first === undefined) first = value;
    else if (rest === undefined) rest = [value];
    else rest.push(value);
  }
  if (first === undefined || rest === undefined) return first ?? EMPTY;
  const whole = new Uint8Array(progress.bytes);
  whole.set(first);
  let offset = first.byteLength;
  for (const chunk of rest) {
    whole.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return whole;
}

/** Cancels a body that will not be read, so the connection is released now rather than at GC. */
export function discard(stream: ReadableStream<Uint8Array> | null | undefined): void {
  if (stream && !stream.locked) stream.cancel().catch(ignore);
}

function ignore(): void {}

/**
 * Base64 to bytes through the platform's `atob`; throws on input that is not Base64.
 *
 * @see https://www.rfc-editor.org/rfc/rfc4648#section-4
 */
export function base64ToBytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Bytes to Base64 through the platform's `btoa`. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  // Chunked: spreading a large array into one call can overflow the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
