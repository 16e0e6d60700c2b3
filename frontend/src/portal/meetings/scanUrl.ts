/**
 * What a scanned QR code may open: only a sign-in URL of this portal's own host
 * (`https://<this host>/meetings/<id>/sign-in?code=<code>`). Anything else — another site,
 * another tenant's host, another page of this one — is refused, so a code on a poster cannot
 * take a member anywhere but a sign-in here.
 */

export interface SignInTarget {
  meeting: number;
  code: string;
  /** The portal route to open: `/meetings/<id>/sign-in?code=<code>`. */
  path: string;
}

const SIGN_IN_PATH = /^\/meetings\/(\d{1,12})\/sign-in\/?$/;
// The server's codes are url-safe base32/base64 text; anything else is not one of ours.
const CODE = /^[A-Za-z0-9_-]{4,128}$/;

/**
 * The sign-in the scanned `text` points to, or null. `hostname` is this page's
 * (`location.hostname`): the port and the scheme may differ (a proxy in front, http in tests),
 * the host may not.
 */
export function signInTarget(text: string, hostname: string): SignInTarget | null {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  if (url.username || url.password) return null;
  if (url.hostname.toLowerCase() !== hostname.toLowerCase()) return null;
  const match = SIGN_IN_PATH.exec(url.pathname);
  if (!match) return null;
  const code = url.searchParams.get('code') ?? '';
  if (!CODE.test(code)) return null;
  const meeting = Number(match[1]);
  if (!Number.isSafeInteger(meeting) || meeting <= 0) return null;
  return { meeting, code, path: `/meetings/${meeting}/sign-in?code=${encodeURIComponent(code)}` };
}
