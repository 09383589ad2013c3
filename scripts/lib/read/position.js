// @ts-check
// Where a key of a parsed spec file is, for messages that point at it.

/**
 * The 1-based line and column of a key of a parsed file (1:1 when it has none).
 * @param {Pick<typeof import("@redocly/openapi-core"), "getLineColLocation">} core
 * @param {import("@redocly/openapi-core").Source} source
 * @param {string} pointer
 */
export function keyPosition(core, source, pointer) {
  try {
    const { start } = core.getLineColLocation({ source, pointer, reportOnKey: true });
    return { line: start.line, col: start.col };
  } catch {
    return { line: 1, col: 1 };
  }
}
