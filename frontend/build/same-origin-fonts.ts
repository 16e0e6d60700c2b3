import type { Plugin } from 'vite';

// A font fallback on another host: Vant's icon font is embedded (data: woff2) but also lists
// a woff on at.alicdn.com, which Chromium fetches anyway. The apps run under
// `font-src 'self' data:` (platform/partycloud/core/csp.py): members' browsers contact no third
// party, and intranet installs have none to reach. The remote fallback is dropped.
const REMOTE_FONT_FALLBACK = /,\s*url\((?:https?:)?\/\/[^)]+\)\s*format\(["']woff["']\)/g;

export function sameOriginFonts(): Plugin {
  return {
    name: 'partycloud-same-origin-fonts',
    enforce: 'pre',
    transform(code, id) {
      if (!id.includes('/vant/') || !id.endsWith('.css') || !REMOTE_FONT_FALLBACK.test(code)) return null;
      REMOTE_FONT_FALLBACK.lastIndex = 0;
      return { code: code.replace(REMOTE_FONT_FALLBACK, ''), map: null };
    },
  };
}
