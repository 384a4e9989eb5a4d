import { XMLValidator } from 'fast-xml-parser';
import { storedTerms } from '../../../test/factories/offer-terms.factory';
import { renderRsl, RslOffer, RslUrlWork } from './render-rsl';

const LINK = 'https://api.example/v1/licence-offers/';

const terms = storedTerms;

function work(id: string, url: string, kind = 'article'): RslUrlWork {
  return { id, kind, identifiers: [`url:${url}`], url };
}

describe('renderRsl: one offer over all works', () => {
  it('writes one <content> per URL with the licence, amounts in major units', () => {
    const offer: RslOffer = { id: 'o1', version: 3, terms: terms() };
    const xml = renderRsl({
      publisherName: 'Northwind & Sons <Press>',
      offers: [offer],
      urlWorks: [work('w2', 'https://nw.example/b'), work('w1', 'https://nw.example/a?x=1&y=2')],
      offerLinkBase: LINK,
    });
    expect(xml).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rsl xmlns="https://rslstandard.org/rsl" xmlns:rl="https://rights-ledger.dev/ns/rsl/1">',
        '  <content url="https://nw.example/a?x=1&amp;y=2">',
        '    <copyright type="organization">Northwind &amp; Sons &lt;Press&gt;</copyright>',
        '    <license rl:offer="o1" rl:version="3" rl:title="AI training, 2027" rl:scope="all" rl:start="2027-01-01" rl:end="2027-12-31">',
        '      <permits type="usage">ai-input ai-train</permits>',
        '      <payment type="training" rl:component="rate" rl:usage="ai-train" rl:unit="token" rl:per="1000">',
        '        <custom>https://api.example/v1/licence-offers/o1</custom>',
        '        <amount currency="EUR">0.000125</amount>',
        '      </payment>',
        '    </license>',
        '  </content>',
        '  <content url="https://nw.example/b">',
        '    <copyright type="organization">Northwind &amp; Sons &lt;Press&gt;</copyright>',
        '    <license rl:offer="o1" rl:version="3" rl:title="AI training, 2027" rl:scope="all" rl:start="2027-01-01" rl:end="2027-12-31">',
        '      <permits type="usage">ai-input ai-train</permits>',
        '      <payment type="training" rl:component="rate" rl:usage="ai-train" rl:unit="token" rl:per="1000">',
        '        <custom>https://api.example/v1/licence-offers/o1</custom>',
        '        <amount currency="EUR">0.000125</amount>',
        '      </payment>',
        '    </license>',
        '  </content>',
        '</rsl>',
        '',
      ].join('\n'),
    );
    expect(XMLValidator.validate(xml)).toBe(true);
  });
});

describe('renderRsl: every pricing component, limits and prohibitions', () => {
  it('maps each component to an RSL payment type', () => {
    const offer: RslOffer = {
      id: 'o2',
      version: 1,
      terms: terms({
        title: 'Quote " and\nnewline',
        scope: { type: 'works', workIds: ['w1'] },
        usages: ['ai-all', 'search', 'x-acme:finetune'],
        prohibits: ['ai-train'],
        territories: ['DE', 'EU'],
        userTypes: ['commercial', 'education'],
        term: { durationMonths: 12 },
        currency: 'JPY',
        pricing: {
          rates: [
            { usage: 'ai-input', unit: 'request', per: 1, rate: '2.5' },
            { usage: 'search', unit: 'crawl', per: 100, rate: '10' },
          ],
          flatFee: { amount: 50000, period: 'month' },
          minimumGuarantee: { amount: 100000, period: 'quarter' },
          advance: { amount: 1000000 },
          revenueShareBps: 1500,
        },
        attributionRequired: true,
      }),
    };
    const xml = renderRsl({
      publisherName: 'P',
      offers: [offer],
      urlWorks: [work('w1', 'https://p.example/1'), work('w9', 'https://p.example/9')],
      offerLinkBase: LINK,
    });
    expect(xml).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rsl xmlns="https://rslstandard.org/rsl" xmlns:rl="https://rights-ledger.dev/ns/rsl/1">',
        '  <content url="https://p.example/1">',
        '    <copyright type="organization">P</copyright>',
        '    <license rl:offer="o2" rl:version="1" rl:title="Quote &quot; and&#10;newline" rl:scope="works" rl:duration-months="12">',
        '      <permits type="usage">ai-all search x-acme:finetune</permits>',
        '      <permits type="user">commercial education</permits>',
        '      <permits type="geo">DE EU</permits>',
        '      <prohibits type="usage">ai-train</prohibits>',
        '      <payment type="use" rl:component="rate" rl:usage="ai-input" rl:unit="request" rl:per="1">',
        '        <custom>https://api.example/v1/licence-offers/o2</custom>',
        '        <amount currency="JPY">2.5</amount>',
        '      </payment>',
        '      <payment type="crawl" rl:component="rate" rl:usage="search" rl:unit="crawl" rl:per="100">',
        '        <custom>https://api.example/v1/licence-offers/o2</custom>',
        '        <amount currency="JPY">10</amount>',
        '      </payment>',
        '      <payment type="subscription" rl:component="flat-fee" rl:period="month">',
        '        <custom>https://api.example/v1/licence-offers/o2</custom>',
        '        <amount currency="JPY">50000</amount>',
        '      </payment>',
        '      <payment type="subscription" rl:component="minimum-guarantee" rl:period="quarter">',
        '        <custom>https://api.example/v1/licence-offers/o2</custom>',
        '        <amount currency="JPY">100000</amount>',
        '      </payment>',
        '      <payment type="purchase" rl:component="advance">',
        '        <custom>https://api.example/v1/licence-offers/o2</custom>',
        '        <amount currency="JPY">1000000</amount>',
        '      </payment>',
        '      <payment type="use" rl:component="revenue-share" rl:bps="1500">',
        '        <custom>https://api.example/v1/licence-offers/o2</custom>',
        '      </payment>',
        '      <payment type="attribution"/>',
        '    </license>',
        '  </content>',
        '</rsl>',
        '',
      ].join('\n'),
    );
    expect(XMLValidator.validate(xml)).toBe(true);
  });
});

describe('renderRsl: several offers, filters and the bound', () => {
  const all: RslOffer = { id: 'a', version: 1, terms: terms({ title: 'All' }) };
  const books: RslOffer = {
    id: 'b',
    version: 1,
    terms: terms({ title: 'Books', scope: { type: 'filter', kinds: ['book'] } }),
  };
  const works = [
    work('w1', 'https://p.example/c', 'book'),
    work('w2', 'https://p.example/a', 'article'),
    work('w3', 'https://p.example/b', 'book'),
  ];

  it('lists under each URL the licences of the offers that cover it, in offer order', () => {
    const xml = renderRsl({
      publisherName: 'P',
      offers: [books],
      urlWorks: works,
      offerLinkBase: LINK,
    });
    expect([...xml.matchAll(/<content url="([^"]+)"/g)].map((m) => m[1])).toEqual([
      'https://p.example/b',
      'https://p.example/c',
    ]);
    expect(xml).toContain('rl:scope="filter" rl:kinds="book"');
    const both = renderRsl({
      publisherName: 'P',
      offers: [all, books],
      urlWorks: works,
      offerLinkBase: LINK,
    });
    const offersPerUrl = both
      .split('<content ')
      .slice(1)
      .map((part) => [...part.matchAll(/rl:offer="(\w+)"/g)].map((m) => m[1]));
    expect(offersPerUrl).toEqual([['a'], ['a', 'b'], ['a', 'b']]);
  });

  it('keeps the first URLs up to the bound and says it cut the rest', () => {
    const xml = renderRsl({
      publisherName: 'P',
      offers: [all],
      urlWorks: works,
      offerLinkBase: LINK,
      maxContent: 2,
    });
    expect([...xml.matchAll(/<content url="([^"]+)"/g)].map((m) => m[1])).toEqual([
      'https://p.example/a',
      'https://p.example/b',
    ]);
    expect(xml).toContain('<!-- Truncated: the first 2 URLs in order;');
    expect(XMLValidator.validate(xml)).toBe(true);
  });

  it('writes an empty document when no offer covers a URL work', () => {
    expect(
      renderRsl({ publisherName: 'P', offers: [], urlWorks: works, offerLinkBase: LINK }),
    ).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<rsl xmlns="https://rslstandard.org/rsl" xmlns:rl="https://rights-ledger.dev/ns/rsl/1">\n</rsl>\n',
    );
  });

  it('drops characters XML cannot hold', () => {
    const xml = renderRsl({
      publisherName: 'P\u0001\uFFFE',
      offers: [all],
      urlWorks: [works[0]],
      offerLinkBase: LINK,
    });
    expect(xml).toContain('<copyright type="organization">P</copyright>');
  });
});
