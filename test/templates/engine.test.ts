import { describe, expect, it } from 'vitest';
import { createLiquidEngine, defaultLimits } from '../../src/core/templates/liquid-engine.js';
import { localeChain, resolveText } from '../../src/core/templates/locale.js';
import { blockRefsIn, expandPlaceholders, textKeysIn } from '../../src/core/templates/placeholders.js';

describe('the template engine', () => {
  it('stops output past the output limit even when the memory limit allows it', () => {
    const engine = createLiquidEngine({ ...defaultLimits, memoryLimit: 1e9, outputLimit: 1000 });
    const loop = engine.parse('{% for i in (1..200) %}{{ s }}{% endfor %}', 'html');
    expect(engine.render(loop, 'html', { s: 'xxxxx' })).toHaveLength(1000);
    expect(() => engine.render(loop, 'html', { s: 'xxxxxx' })).toThrow('the rendered output is larger than 1000 characters');
  });

  it('refuses partials and layouts at parse time and reads no files', () => {
    const engine = createLiquidEngine();
    for (const source of ["{% include 'x' %}", "{% render 'x' %}", "{% layout 'x' %}", '{% block a %}{% endblock %}']) {
      expect(() => engine.parse(source, 'html')).toThrow(/is not available/);
    }
  });

  it('escapes HTML output but not text output', () => {
    const engine = createLiquidEngine();
    const scope = { v: `<a href="x">&'</a>` };
    expect(engine.render(engine.parse('{{ v }}', 'html'), 'html', scope)).toBe('&lt;a href=&#34;x&#34;&gt;&amp;&#39;&lt;/a&gt;');
    expect(engine.render(engine.parse('{{ v }}', 'text'), 'text', scope)).toBe(scope.v);
  });
});

describe('placeholders and the locale chain', () => {
  it('finds and expands text, block and param placeholders, with or without spaces and trim markers', () => {
    const source = '{{text:a}} {{- text:b.c -}} {{ block:1234-ab }} {{ param:name | upcase }} {{ text:a }}';
    expect(textKeysIn(source)).toEqual(['a', 'b.c']);
    expect(blockRefsIn(source)).toEqual(['1234-ab']);
    expect(expandPlaceholders(source, { text: (k) => `T(${k})`, block: (u) => `B(${u})` })).toBe('T(a) T(b.c) B(1234-ab) {{ name | upcase }} T(a)');
  });

  it('orders exact, language, project default and its language, without repeats', () => {
    expect(localeChain('de-AT', 'en-GB')).toEqual(['de-AT', 'de', 'en-GB', 'en']);
    expect(localeChain('de', 'de-DE')).toEqual(['de', 'de-DE']);
    expect(localeChain(null, 'fr')).toEqual(['fr']);
    expect(localeChain(null, undefined)).toEqual([]);
    const translations = { fr: { a: 'fr' }, de: { a: 'de', b: 'de-b' } };
    expect(resolveText(translations, 'a', ['it', 'de'])).toBe('de');
    expect(resolveText(translations, 'b', ['fr'])).toBe('de-b');
    expect(resolveText(translations, 'a', [])).toBe('fr');
    expect(resolveText(translations, 'zzz', ['de'])).toBeUndefined();
  });
});
