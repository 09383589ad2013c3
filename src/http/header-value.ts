/**
 * What the client and the token endpoint both need to know about HTTP fields: one home below
 * both, so neither imports the other.
 */

/**
 * Whether `value` can be sent as an HTTP field value (RFC 9110 section 5.5): no CR, LF or NUL,
 * nothing above U+00FF (`Headers` would throw), no leading or trailing whitespace (it would be
 * stripped, so a different value would be sent).
 *
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-5.5
 */
export function isHeaderValue(value: string): boolean {
  return FIELD_VALUE.test(value);
}

const FIELD_VALUE = /^[\x21-\x7e\x80-\xff](?:[\t\x20-\x7e\x80-\xff]*[\x21-\x7e\x80-\xff])?$/;
