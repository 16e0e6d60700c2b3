/**
 * The article editor writes plain text with a few marks, turned into HTML here:
 *
 *   paragraphs are separated by a blank line (a single line break stays a line break),
 *   `## 小标题` is a heading, lines starting with `- ` a list, `1. ` a numbered list,
 *   `> ` a quotation, and `**加粗**` bold.
 *
 * Everything else is text: it is escaped, so no markup can slip through (the server sanitizes
 * the HTML again anyway). `htmlToText` goes back, to edit an article saved before.
 */
import { escapeHtml } from '@/shared/learning/highlight';

const BOLD = /\*\*(.+?)\*\*/g;

function inline(text: string): string {
  return escapeHtml(text).replace(BOLD, '<strong>$1</strong>');
}

const lines = (block: string) => block.split('\n');
const every = (block: string, pattern: RegExp) => lines(block).every((line) => pattern.test(line));

function blockHtml(block: string): string {
  if (/^#{1,6}\s+/.test(block) && !block.includes('\n')) return `<h3>${inline(block.replace(/^#{1,6}\s+/, ''))}</h3>`;
  if (every(block, /^[-*•]\s+/)) {
    return `<ul>${lines(block)
      .map((line) => `<li>${inline(line.replace(/^[-*•]\s+/, ''))}</li>`)
      .join('')}</ul>`;
  }
  if (every(block, /^\d+[.、)]\s*/)) {
    return `<ol>${lines(block)
      .map((line) => `<li>${inline(line.replace(/^\d+[.、)]\s*/, ''))}</li>`)
      .join('')}</ol>`;
  }
  if (every(block, /^>\s?/)) {
    const quoted = lines(block).map((line) => line.replace(/^>\s?/, ''));
    return `<blockquote><p>${quoted.map(inline).join('<br>')}</p></blockquote>`;
  }
  return `<p>${lines(block).map(inline).join('<br>')}</p>`;
}

/** The editor's text as article HTML (empty text: empty string). */
export function textToHtml(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((block) =>
      lines(block)
        .map((line) => line.trimEnd())
        .join('\n')
        .replace(/^\n+|\n+$/g, ''),
    )
    .filter((block) => block.trim())
    .map(blockHtml)
    .join('\n');
}

function inlineText(node: Node): string {
  if (node.nodeType === Node.TEXT_NODE) return (node.textContent ?? '').replace(/\s*\n\s*/g, ' ');
  if (!(node instanceof Element)) return '';
  const tag = node.tagName.toLowerCase();
  if (tag === 'br') return '\n';
  const inner = Array.from(node.childNodes, inlineText).join('');
  return (tag === 'strong' || tag === 'b') && inner.trim() ? `**${inner}**` : inner;
}

function blockText(element: Element): string {
  const tag = element.tagName.toLowerCase();
  if (/^h[1-6]$/.test(tag)) return `## ${inlineText(element).trim()}`;
  if (tag === 'ul' || tag === 'ol') {
    return Array.from(element.querySelectorAll(':scope > li'), (item, index) => {
      const mark = tag === 'ul' ? '-' : `${index + 1}.`;
      return `${mark} ${inlineText(item).trim()}`;
    }).join('\n');
  }
  if (tag === 'blockquote') {
    return inlineText(element)
      .trim()
      .split('\n')
      .map((line) => `> ${line.trim()}`)
      .join('\n');
  }
  return inlineText(element).trim();
}

/** Saved article HTML back to the editor's text (what the editor cannot show becomes text). */
export function htmlToText(html: string): string {
  const body = new DOMParser().parseFromString(html, 'text/html').body;
  const blocks: string[] = [];
  let loose = '';
  const flush = () => {
    if (loose.trim()) blocks.push(loose.trim());
    loose = '';
  };
  for (const node of Array.from(body.childNodes)) {
    if (node instanceof Element && /^(p|div|h[1-6]|ul|ol|blockquote|section|article|pre|table)$/i.test(node.tagName)) {
      flush();
      const text = blockText(node);
      if (text.trim()) blocks.push(text);
    } else {
      loose += inlineText(node);
    }
  }
  flush();
  return blocks.join('\n\n');
}

/** Text edits of the toolbar: each returns the new text and the selection to restore. */
export interface Edit {
  text: string;
  start: number;
  end: number;
}

/** Wrap the selection in `**…**` (or insert an empty pair with the caret inside). */
export function makeBold(text: string, start: number, end: number): Edit {
  const selected = text.slice(start, end);
  const next = `${text.slice(0, start)}**${selected}**${text.slice(end)}`;
  return { text: next, start: start + 2, end: end + 2 };
}

/** Put `prefix` before every line the selection touches (toggling it off when all have it). */
export function prefixLines(text: string, start: number, end: number, prefix: string): Edit {
  const from = text.lastIndexOf('\n', start - 1) + 1;
  const lineEnd = text.indexOf('\n', end);
  const to = lineEnd === -1 ? text.length : lineEnd;
  const chosen = text.slice(from, to).split('\n');
  const all = chosen.every((line) => line.startsWith(prefix));
  const changed = chosen.map((line) => (all ? line.slice(prefix.length) : prefix + line)).join('\n');
  const next = text.slice(0, from) + changed + text.slice(to);
  return { text: next, start: from, end: from + changed.length };
}
