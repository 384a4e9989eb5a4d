import { OfferTerms } from '../offer-terms';
import { parseRsl, RslDocumentError } from './parse-rsl';
import { renderRsl } from './render-rsl';

function refusal(xml: string): RslDocumentError {
  try {
    parseRsl(xml);
  } catch (error) {
    if (error instanceof RslDocumentError) return error;
    throw error;
  }
  throw new Error('parsed');
}

describe('parseRsl: this service’s own export', () => {
  it('reads back every term and pricing component exactly, one licence per offer', () => {
    const terms: OfferTerms = {
      title: 'Everything & more',
      scope: { type: 'filter', kinds: ['article', 'book'] },
      usages: ['ai-input', 'ai-train', 'x-acme:finetune'],
      prohibits: ['ai-index'],
      territories: ['DE', 'EU'],
      userTypes: ['commercial'],
      term: { start: '2027-01-01', end: '2027-12-31' },
      currency: 'EUR',
      pricing: {
        rates: [
          { usage: 'ai-train', unit: 'token', per: 1000, rate: '0.0125' },
          { usage: 'ai-input', unit: 'crawl', per: 1, rate: '3' },
        ],
        flatFee: { amount: 500000, period: 'month' },
        minimumGuarantee: { amount: 100, period: 'year' },
        advance: { amount: 1000000 },
        revenueShareBps: 1500,
      },
      attributionRequired: true,
    };
    const xml = renderRsl({
      publisherName: 'P',
      offers: [{ id: 'o1', version: 2, terms }],
      urlWorks: [
        {
          id: 'w1',
          kind: 'book',
          identifiers: ['url:https://p.example/a'],
          url: 'https://p.example/a',
        },
        {
          id: 'w2',
          kind: 'article',
          identifiers: ['url:https://p.example/b'],
          url: 'https://p.example/b',
        },
      ],
      offerLinkBase: 'https://api.example/v1/licence-offers/',
    });
    const { scope, currency, ...rest } = terms;
    expect(parseRsl(xml)).toEqual([
      {
        contentUrls: ['https://p.example/a', 'https://p.example/b'],
        scope,
        terms: { ...rest, currency },
        warnings: [],
      },
    ]);
  });
});

describe('parseRsl: an early-draft document from elsewhere', () => {
  it('maps draft tokens, keeps extensions, warns about the rest', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<rsl:rsl xmlns:rsl="https://rslstandard.org/rsl">
  <rsl:content url="https://news.example/a">
    <rsl:license>
      <rsl:permits type="usage">train-ai,ai-use search X-Acme:FineTune rag</rsl:permits>
      <rsl:permits type="user">commercial all robots</rsl:permits>
      <rsl:permits type="geo">us,ca XX</rsl:permits>
      <rsl:prohibits type="usage">train-genai ai-summarize</rsl:prohibits>
      <rsl:prohibits type="geo">CN</rsl:prohibits>
      <rsl:payment type="inference"><rsl:amount currency="usd">0.001</rsl:amount></rsl:payment>
      <rsl:payment type="crawl"><rsl:amount currency="USD">0.5</rsl:amount></rsl:payment>
      <rsl:payment type="subscription"><rsl:amount currency="USD">29.99</rsl:amount></rsl:payment>
      <rsl:payment type="attribution"/>
      <rsl:payment type="purchase"><rsl:amount currency="USD">99.99</rsl:amount></rsl:payment>
    </rsl:license>
  </rsl:content>
  <rsl:content url="/premium/*">
    <rsl:license>
      <rsl:permits type="usage">train-ai,ai-use search X-Acme:FineTune rag</rsl:permits>
      <rsl:permits type="user">commercial all robots</rsl:permits>
      <rsl:permits type="geo">us,ca XX</rsl:permits>
      <rsl:prohibits type="usage">train-genai ai-summarize</rsl:prohibits>
      <rsl:prohibits type="geo">CN</rsl:prohibits>
      <rsl:payment type="inference"><rsl:amount currency="usd">0.001</rsl:amount></rsl:payment>
      <rsl:payment type="crawl"><rsl:amount currency="USD">0.5</rsl:amount></rsl:payment>
      <rsl:payment type="subscription"><rsl:amount currency="USD">29.99</rsl:amount></rsl:payment>
      <rsl:payment type="attribution"/>
      <rsl:payment type="purchase"><rsl:amount currency="USD">99.99</rsl:amount></rsl:payment>
    </rsl:license>
  </rsl:content>
</rsl:rsl>`;
    expect(parseRsl(xml)).toEqual([
      {
        contentUrls: ['https://news.example/a', '/premium/*'],
        scope: undefined,
        terms: {
          title: '',
          usages: ['ai-input', 'ai-train', 'search', 'x-acme:finetune'],
          prohibits: ['ai-input', 'ai-train'],
          territories: ['CA', 'US'],
          userTypes: ['commercial'],
          term: {},
          currency: 'USD',
          pricing: {
            rates: [
              { usage: 'ai-input', unit: 'request', per: 1, rate: '0.1' },
              { usage: 'search', unit: 'crawl', per: 1, rate: '50' },
            ],
            flatFee: { amount: 2999, period: 'month' },
          },
          attributionRequired: true,
        },
        warnings: [
          'early-draft usage "train-ai" read as "ai-train"',
          'early-draft usage "ai-use" read as "ai-input"',
          'unknown usage "rag" left out (extensions are written x-<namespace>:<token>)',
          'unknown user type "robots" left out',
          'unknown territory "XX" left out',
          'early-draft usage "train-genai" read as "ai-train"',
          'early-draft usage "ai-summarize" read as "ai-input"',
          '<prohibits type="geo"> cannot be expressed in an offer and was left out: CN',
          '<payment type="inference"> read as a rate per request for ai-input',
          '<payment type="crawl"> read as a rate per crawl for search',
          '<payment type="subscription"> gives no period; read as per month',
          '<payment type="purchase"> has no equivalent in an offer; left out',
        ],
      },
    ]);
  });
});

describe('parseRsl: refusals', () => {
  it('names line and column of malformed XML', () => {
    const error = refusal('<rsl xmlns="https://rslstandard.org/rsl">\n  <content url="a">\n</rsl>');
    expect(error.kind).toBe('malformed');
    expect(error.line).toBe(3);
    expect(error.column).toBeGreaterThan(0);
    expect(error.message).toMatch(/^The body is not well-formed XML: .* \(line 3, column \d+\)$/);
  });

  it('refuses any DTD (no entity expansion)', () => {
    const bomb =
      '<?xml version="1.0"?><!DOCTYPE rsl [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><rsl xmlns="https://rslstandard.org/rsl">&b;</rsl>';
    expect(refusal(bomb)).toMatchObject({
      kind: 'malformed',
      message:
        'The document has a DOCTYPE or ENTITY declaration; RSL documents need none and they are refused',
    });
  });

  it('refuses an empty body', () => {
    expect(refusal('  ')).toMatchObject({ kind: 'malformed', message: 'The body is empty' });
  });

  it.each([
    [
      '<feed xmlns="http://www.w3.org/2005/Atom"/>',
      '<feed> in namespace http://www.w3.org/2005/Atom',
    ],
    ['<rsl/>', '<rsl> without a namespace'],
    ['<rsl xmlns="https://example.com/rsl"/>', '<rsl> in namespace https://example.com/rsl'],
  ])('refuses a root that is not RSL: %s', (xml, named) => {
    const error = refusal(xml);
    expect(error.kind).toBe('not-rsl');
    expect(error.message).toBe(
      `The root element is ${named}; an RSL document's root is <rsl xmlns="https://rslstandard.org/rsl">`,
    );
  });

  it('decodes the predefined entities in URLs', () => {
    const [license] = parseRsl(
      '<rsl xmlns="https://rslstandard.org/rsl"><content url="https://a.example/?x=1&amp;y=2"><license><permits type="usage">all</permits></license></content></rsl>',
    );
    expect(license.contentUrls).toEqual(['https://a.example/?x=1&y=2']);
    expect(license.terms.usages).toEqual(['all']);
  });
});
