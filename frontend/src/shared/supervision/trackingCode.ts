/**
 * The reporter's tracking code (查询码): the only credential of an anonymous report. It is shown
 * once, grouped by four for writing down; typed codes may carry spaces, dashes or lower case. A
 * link may carry it in the URL's fragment (`/report/track#<code>`), which the browser never sends
 * to the server: the page reads it, drops it from the address bar and POSTs it.
 */

/** The code as issued: letters and digits, upper case, without separators. */
export function normalizeTrackingCode(raw: string): string {
  return raw.replace(/[\s-]/g, '').toUpperCase();
}

/** Whether `code` (normalized) looks like a tracking code: 12 to 40 letters or digits. */
export function isTrackingCode(code: string): boolean {
  return /^[0-9A-Z]{12,40}$/.test(code);
}

/** Grouped by four for reading and writing down: `K7QX-M2PA-9RTW-HB3C` (as the server issues it). */
export function groupTrackingCode(code: string, separator = '-'): string {
  return normalizeTrackingCode(code).replace(/(.{4})(?=.)/g, `$1${separator}`);
}

/** The code in a fragment (`#K7QX-M2PA-…`, `#code=…`), or '' when there is none. */
export function trackingCodeFromHash(hash: string): string {
  let text: string;
  try {
    text = decodeURIComponent(hash.replace(/^#/, ''));
  } catch {
    return '';
  }
  const value = text.includes('=') ? (new URLSearchParams(text).get('code') ?? '') : text;
  const code = normalizeTrackingCode(value);
  return isTrackingCode(code) ? code : '';
}
