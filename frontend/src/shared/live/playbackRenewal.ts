/**
 * Signed playback URLs expire (`expires_at`, 10 minutes by default): the player asks for a new
 * one before that, and hls.js keeps playing by loading every later request (playlist reloads,
 * segments) under the new URL's prefix — it still asks for the URLs of the first playlist, so
 * requests are rewritten in its `xhrSetup`. The token sits in the path (nginx secure_link), so
 * the playlist's directory is what changes.
 */

/** Renew this long before expiry at least (network, a slow server)… */
export const RENEW_LEAD_MS = 60_000;
/** …or a fifth of the lifetime when that is longer. */
export const RENEW_LEAD_SHARE = 0.2;
/** Never sooner than this (a clock far off, an URL already expired). */
export const RENEW_MIN_DELAY_MS = 5_000;
/** After a failed renewal, try again this soon. */
export const RENEW_RETRY_MS = 10_000;

/** Milliseconds from `now` until the URL expiring at `expiresAt` should be renewed. */
export function renewalDelay(expiresAt: string | Date, now: number = Date.now()): number {
  const expires = typeof expiresAt === 'string' ? Date.parse(expiresAt) : expiresAt.getTime();
  if (!Number.isFinite(expires)) return RENEW_MIN_DELAY_MS;
  const remaining = expires - now;
  const lead = Math.max(RENEW_LEAD_MS, remaining * RENEW_LEAD_SHARE);
  return Math.max(RENEW_MIN_DELAY_MS, Math.round(remaining - lead));
}

function split(url: string): { dir: string; query: string } {
  const cut = url.search(/[?#]/);
  const path = cut === -1 ? url : url.slice(0, cut);
  const query = cut === -1 ? '' : url.slice(cut).replace(/#.*$/, '');
  return { dir: path.slice(0, path.lastIndexOf('/') + 1), query };
}

/**
 * `url` (a request hls.js makes, resolved against the first playlist `original`) under the
 * current playlist `current`: the same file in the current URL's directory, with the current
 * query when the original one carried it. Other URLs are left alone.
 */
export function rewritePlaybackUrl(url: string, original: string, current: string): string {
  if (original === current) return url;
  if (url === original) return current;
  const from = split(original);
  const to = split(current);
  if (!url.startsWith(from.dir)) return url;
  const rest = url.slice(from.dir.length);
  const { dir: restDir, query: restQuery } = split(rest);
  const file = rest.slice(restDir.length).replace(/[?#].*$/, '');
  const query = restQuery && restQuery === from.query ? to.query : restQuery;
  return `${to.dir}${restDir}${file}${query}`;
}
