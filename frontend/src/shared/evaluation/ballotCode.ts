/**
 * The masses' one-time code (群众测评码). The slip's QR code opens `/ballot#<code>`: the code is in
 * the URL's fragment, which the browser never sends to the server (nor puts in a Referer); the
 * page reads it here and POSTs it. Typed codes may carry spaces, dashes or lower case.
 */

/** The code as issued: letters and digits, upper case, without separators. */
export function normalizeCode(raw: string): string {
  return raw.replace(/[\s-]/g, '').toUpperCase();
}

/** Whether `code` (normalized) looks like a code at all: 6 to 32 letters or digits. */
export function isCode(code: string): boolean {
  return /^[0-9A-Z]{6,32}$/.test(code);
}

/** The code in a fragment (`#K7QX-M2PA`, `#code=K7QXM2PA`), or '' when there is none. */
export function codeFromHash(hash: string): string {
  const text = decodeURIComponent(hash.replace(/^#/, ''));
  const value = text.includes('=') ? (new URLSearchParams(text).get('code') ?? '') : text;
  const code = normalizeCode(value);
  return isCode(code) ? code : '';
}

/** Shown grouped by four for reading aloud and typing: `K7QX M2PA`. */
export function groupCode(code: string): string {
  return normalizeCode(code).replace(/(.{4})(?=.)/g, '$1 ');
}

/** The ballot page's address (`https://host/ballot`) with the code in its fragment: what a slip's QR encodes. */
export function ballotUrl(page: string, code: string): string {
  return `${page.replace(/#.*$/, '')}#${normalizeCode(code)}`;
}
