import { describe, expect, it } from 'vitest';

import { htmlToText, makeBold, prefixLines, textToHtml } from './articleText';

describe('the article editor text', () => {
  it('turns paragraphs, headings, lists, quotes and bold into HTML', () => {
    const text = [
      '## 学习要点',
      '',
      '全体**党员**要加强理论学习，',
      '做到学思用贯通。',
      '',
      '- 学党章',
      '- 学党规',
      '',
      '1. 第一条',
      '2. 第二条',
      '',
      '> 不忘初心，牢记使命',
    ].join('\n');
    expect(textToHtml(text)).toBe(
      [
        '<h3>学习要点</h3>',
        '<p>全体<strong>党员</strong>要加强理论学习，<br>做到学思用贯通。</p>',
        '<ul><li>学党章</li><li>学党规</li></ul>',
        '<ol><li>第一条</li><li>第二条</li></ol>',
        '<blockquote><p>不忘初心，牢记使命</p></blockquote>',
      ].join('\n'),
    );
  });

  it('escapes everything that is not one of its marks', () => {
    expect(textToHtml('<script>alert(1)</script> & <b>x</b>')).toBe(
      '<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;x&lt;/b&gt;</p>',
    );
    expect(textToHtml('**<img src=x onerror=alert(1)>**')).toBe(
      '<p><strong>&lt;img src=x onerror=alert(1)&gt;</strong></p>',
    );
  });

  it('ignores blank input and Windows line ends', () => {
    expect(textToHtml('  \n\n ')).toBe('');
    expect(textToHtml('甲\r\n\r\n乙')).toBe('<p>甲</p>\n<p>乙</p>');
  });

  it('reads saved HTML back into the same text', () => {
    const text = '## 标题\n\n第一段**重点**内容\n第二行\n\n- 甲\n- 乙\n\n> 引文';
    expect(htmlToText(textToHtml(text))).toBe(text);
    expect(htmlToText('<p>纯文本<b>加粗</b></p><div>另一段</div>松散文字')).toBe(
      '纯文本**加粗**\n\n另一段\n\n松散文字',
    );
  });

  it('wraps the selection in bold marks and prefixes the chosen lines', () => {
    expect(makeBold('学习党章', 2, 4)).toEqual({ text: '学习**党章**', start: 4, end: 6 });
    const listed = prefixLines('甲\n乙\n丙', 0, 3, '- ');
    expect(listed.text).toBe('- 甲\n- 乙\n丙');
    expect(prefixLines(listed.text, 0, 3, '- ').text).toBe('甲\n- 乙\n丙');
    expect(prefixLines('标题', 1, 1, '## ').text).toBe('## 标题');
  });
});
