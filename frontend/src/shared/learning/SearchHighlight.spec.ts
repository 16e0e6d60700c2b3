import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';

import { highlightParts, safeHighlightHtml } from './highlight';
import SearchHighlight from './SearchHighlight.vue';

const render = (fragment: string | null) => mount(SearchHighlight, { props: { fragment } });

/** Whatever the input, the rendered DOM holds only text and <em>s without attributes. */
function expectOnlyTextAndEm(element: Element): void {
  for (const child of element.querySelectorAll('*')) {
    expect(child.tagName).toBe('EM');
    // Only the scope id of the component's style (data-v-…), nothing else.
    expect([...child.attributes].filter((attribute) => !attribute.name.startsWith('data-v-'))).toEqual([]);
    expect(child.children.length).toBe(0);
  }
}

const NASTY = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<em onclick="alert(1)">党</em>',
  '<em><img src=x onerror=alert(1)></em>',
  '<EM>党</EM>',
  '<em >党</em >',
  '<em>党',
  '党</em>',
  '</em><em>',
  '<em><em>党</em></em>',
  '<svg/onload=alert(1)>',
  '"><script>alert(1)</script>',
  '&lt;script&gt;alert(1)&lt;/script&gt;',
  '&lt;em&gt;fake&lt;/em&gt;',
  '&#60;img src=x onerror=alert(1)&#62;',
  '&amp;lt;script&amp;gt;',
  '<em>a</em><style>em{color:blue}</style>',
  '<a href="javascript:alert(1)">x</a>',
  '<!-- <em>x</em> -->',
  '<![CDATA[<em>x</em>]]>',
  '<<em>>x<</em>>',
  '<em>x</em' + '>'.repeat(3),
];

describe('SearchHighlight', () => {
  it('shows the matches as <em> in the text', () => {
    const wrapper = render('学习<em>习近平</em>新时代中国特色社会主义<em>思想</em>');
    expect(wrapper.html()).toContain('学习<em');
    expect(wrapper.findAll('em').map((em) => em.text())).toEqual(['习近平', '思想']);
    expect(wrapper.text()).toBe('学习习近平新时代中国特色社会主义思想');
  });

  it("decodes the server's escaping once, so text reads as written", () => {
    const wrapper = render('A &amp; B &lt;党章&gt; &quot;引号&quot; it&#39;s <em>党</em>');
    expect(wrapper.text()).toBe('A & B <党章> "引号" it\'s 党');
    expect(wrapper.findAll('em')).toHaveLength(1);
  });

  it.each(NASTY)('renders %s as text and plain <em>s only', (fragment) => {
    const wrapper = render(fragment);
    expectOnlyTextAndEm(wrapper.element);
    expect(wrapper.find('script').exists()).toBe(false);
    expect(wrapper.find('img').exists()).toBe(false);
    // The HTML string version obeys the same rules.
    const host = document.createElement('div');
    host.innerHTML = safeHighlightHtml(fragment);
    expectOnlyTextAndEm(host);
    expect(host.textContent).toBe(wrapper.text());
  });

  it('keeps tags that are not exact <em> pairs as visible text', () => {
    expect(render('<script>alert(1)</script>').text()).toBe('<script>alert(1)</script>');
    expect(render('<em onclick="x">党</em>').text()).toBe('<em onclick="x">党</em>');
    expect(render('<EM>党</EM>').findAll('em')).toHaveLength(0);
    expect(render('<em>党').text()).toBe('<em>党');
    expect(render('党</em>').text()).toBe('党</em>');
    // An escaped tag is text the document contained: it stays text.
    const escaped = render('&lt;em&gt;fake&lt;/em&gt;');
    expect(escaped.findAll('em')).toHaveLength(0);
    expect(escaped.text()).toBe('<em>fake</em>');
  });

  it('opens one match at a time', () => {
    expect(highlightParts('<em><em>党</em></em>')).toEqual([
      { text: '<em>党', em: true },
      { text: '</em>', em: false },
    ]);
    expect(highlightParts('</em><em>x</em>')).toEqual([
      { text: '</em>', em: false },
      { text: 'x', em: true },
    ]);
  });

  it('escapes the HTML string version', () => {
    expect(safeHighlightHtml('<img src=x onerror=alert(1)><em>党</em> & "x"')).toBe(
      '&lt;img src=x onerror=alert(1)&gt;<em>党</em> &amp; &quot;x&quot;',
    );
    expect(safeHighlightHtml('&lt;em&gt;')).toBe('&lt;em&gt;');
    expect(safeHighlightHtml('&#0; &#xD800; &#1114112; &bogus;')).toBe(
      '&amp;#0; &amp;#xD800; &amp;#1114112; &amp;bogus;',
    );
  });

  it('renders nothing for an empty fragment and uses the tag asked for', () => {
    expect(render(null).text()).toBe('');
    const wrapper = mount(SearchHighlight, { props: { fragment: '<em>党</em>', tag: 'p' } });
    expect(wrapper.element.tagName).toBe('P');
    expect(wrapper.classes()).toContain('pc-search-highlight');
  });
});
