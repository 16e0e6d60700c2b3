/**
 * Search highlights. The server sends fragments whose text is HTML-escaped and whose matches
 * are wrapped in `<em>…</em>` — but a fragment is never trusted: only exact, paired `<em>` and
 * `</em>` tags are markup; everything else is text, escaped again before it reaches the page.
 */

export interface HighlightPart {
  text: string;
  /** A match: shown in `<em>`. */
  em: boolean;
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/**
 * The text of an escaped fragment (`&lt;` → `<`, `&#39;` → `'`). Unknown entities and bare `&`
 * stay as they are, so an unescaped fragment (PostgreSQL's ts_headline) reads right too.
 */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,6});/gi, (entity: string, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      const valid = code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff);
      return valid ? String.fromCodePoint(code) : entity;
    }
    return NAMED[body.toLowerCase()] ?? entity;
  });
}

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * The fragment as text runs and matches. Only a lowercase `<em>` followed later by a `</em>`
 * opens a match (no attributes, no nesting); any other tag, a lone `<em>` or a stray `</em>` is
 * text. Parts with `em: false` that sit next to each other are merged.
 */
export function highlightParts(fragment: string | null | undefined): HighlightPart[] {
  const parts: HighlightPart[] = [];
  const push = (text: string, em: boolean) => {
    if (!text) return;
    const last = parts[parts.length - 1];
    if (last && !last.em && !em) last.text += text;
    else parts.push({ text, em });
  };
  const tokens = (fragment ?? '').split(/(<\/?em>)/);
  let open = false;
  let buffer = '';
  tokens.forEach((token, index) => {
    if (token === '<em>' && !open && tokens.indexOf('</em>', index + 1) !== -1) {
      push(decodeEntities(buffer), false);
      buffer = '';
      open = true;
    } else if (token === '</em>' && open) {
      push(decodeEntities(buffer), true);
      buffer = '';
      open = false;
    } else {
      buffer += token;
    }
  });
  push(decodeEntities(buffer), false); // An <em> only opens when a </em> follows: nothing is left open.
  return parts;
}

/**
 * The fragment as safe HTML: everything escaped, then only the paired `<em>`s put back. For
 * places that need an HTML string; in templates prefer `<SearchHighlight>` (no v-html at all).
 */
export function safeHighlightHtml(fragment: string | null | undefined): string {
  return highlightParts(fragment)
    .map((part) => (part.em ? `<em>${escapeHtml(part.text)}</em>` : escapeHtml(part.text)))
    .join('');
}
