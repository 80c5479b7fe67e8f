// The HTML-to-text converter of web_fetch, table-driven: what must go, what must stay.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { htmlToText, decodeEntities } from '../../src/tools/web-fetch-html.ts';

const md = (html: string, base = 'https://ex.test/dir/page') => htmlToText(html, 'markdown', base).text;
const txt = (html: string) => htmlToText(html, 'text').text;

test('markdown: structure kept, noise dropped', () => {
  const cases: Array<[string, string]> = [
    ['<h1>Title</h1><p>Para</p>', '# Title\n\nPara'],
    ['<h3>  Spaced   out  </h3>', '### Spaced out'],
    ['<p>a <a href="/x?a=1&amp;b=2">link</a>.</p>', 'a [link](https://ex.test/x?a=1&b=2).'],
    ['<a href="javascript:alert(1)">js</a> <a href="data:text/html,x">data</a>', 'js data'],
    ['<a href="#top"> </a>end', 'end'],
    ['<ul><li>One</li><li>Two <ol><li>a</li><li>b</li></ol></li></ul>', '- One\n- Two\n  1. a\n  2. b'],
    ['<pre>\n  x = 1;\n    y &lt; 2\n</pre>', '```\n  x = 1;\n    y < 2\n```'],
    ['use <code>f()</code> here', 'use `f()` here'],
    ['<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>', 'A | B\n1 | 2'],
    ['one<br>two<br/>three', 'one\ntwo\nthree'],
    ['a<hr>b', 'a\n\n---\n\nb'],
    ['<img src="x.png" alt="A cat"> sits', '[image: A cat] sits'],
    ['<script>alert("x")</script><style>p{}</style><noscript>n</noscript>ok', 'ok'],
    ['<script>document.write("</div><p>inside</p>")</script>after', 'after'],
    ['<!-- hidden <p>comment</p> -->shown', 'shown'],
    ['<div hidden>h</div><p style="display: none">d</p><span aria-hidden="true">a</span><p style="visibility:hidden">v</p>seen', 'seen'],
    ['<div hidden><div>nested</div> still hidden</div>seen', 'seen'],
    ['<template><p>t</p></template><svg><text>s</text></svg><iframe src="x">i</iframe>ok', 'ok'],
    ['<!DOCTYPE html><?xml version="1.0"?><html><body>x</body></html>', 'x'],
    ['3 < 4 and 5 > 4', '3 < 4 and 5 > 4'],
    ['<p>  lots \n\n of \t space  </p>', 'lots of space'],
    ['<p>unclosed <b>tags', 'unclosed tags'],
    ['<p>a</p>\n\n\n<p>b</p>', 'a\n\nb'],
  ];
  for (const [html, want] of cases) assert.equal(md(html), want, html);
});

test('text mode: the same content without markup', () => {
  const cases: Array<[string, string]> = [
    ['<h1>Title</h1><p>Para with <a href="/x">link</a></p>', 'Title\n\nPara with link'],
    ['<pre>  a\n  b</pre>', '  a\n  b'],
    ['<code>x</code>', 'x'],
    ['<img alt="pic">', 'pic'],
    ['a<hr>b', 'a\n\nb'],
  ];
  for (const [html, want] of cases) assert.equal(txt(html), want, html);
});

test('the title is read from <title>, decoded and collapsed', () => {
  assert.equal(htmlToText('<head><title>\n A &amp; B </title></head><body>x</body>', 'text').title, 'A & B');
  assert.equal(htmlToText('<title>no end', 'text').title, 'no end');
  assert.equal(htmlToText('<p>none</p>', 'text').title, '');
});

test('entities: named, decimal, hex; invalid code points become U+FFFD; unknown names stay', () => {
  const cases: Array<[string, string]> = [
    ['&lt;&gt;&amp;&quot;&apos;', '<>&"\''],
    ['caf&eacute; &euro;5 &mdash; &hellip;', 'café €5 — …'],
    ['&#65;&#x42;&#X43;', 'ABC'],
    ['&#128512;&#x1F600;', '😀😀'],
    ['&#0;&#xD800;&#x110000;', '\ufffd\ufffd\ufffd'],
    ['&unknown; &amp', '&unknown; &'],
    ['a&nbsp;b', 'a b'],
  ];
  for (const [input, want] of cases) assert.equal(decodeEntities(input), want, input);
});

test('property: any input converts without throwing, and never shows script content', () => {
  const fragment = fc.oneof(
    fc.constantFrom('<p>', '</p>', '<a href="/x">', '</a>', '<ul>', '<li>', '</ul>', '<pre>', '</pre>', '<br>', '<!--', '-->', '<', '>', '&amp;', '&#x', '<div hidden>', '</div>', '<h2>', '</h2>', '<td>', '<tr>'),
    fc.string({ maxLength: 8 }),
  );
  fc.assert(fc.property(fc.array(fragment, { maxLength: 40 }), fc.constantFrom('markdown', 'text'), (parts, mode) => {
    const html = `<p>x</p><script>SECRET_SCRIPT</script>${parts.join('')}`;
    const out = htmlToText(html, mode as 'markdown' | 'text', 'https://ex.test/');
    assert.equal(typeof out.text, 'string');
    assert.ok(!out.text.includes('SECRET_SCRIPT'), html);
  }), { numRuns: 500 });
});
