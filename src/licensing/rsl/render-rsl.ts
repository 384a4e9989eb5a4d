import { minorToMajor, currencyExponent } from '../../common/money/minor-units';
import { scopeCovers } from '../licence-check';
import { OfferTerms } from '../offer-terms';
import { TERRITORY_ALL } from '../offer-vocabulary';
import { RL_NAMESPACE, RSL_MAX_CONTENT, RSL_NAMESPACE, RslPaymentType } from './rsl-vocabulary';
import { xmlAttribute, xmlText } from './xml-text';

export interface RslOffer {
  id: string;
  version: number;
  terms: OfferTerms;
}

/** One URL of one of the publisher's active works (a work with two URLs gives two rows). */
export interface RslUrlWork {
  id: string;
  kind: string;
  identifiers: string[];
  url: string;
}

export interface RslDocumentInput {
  publisherName: string;
  /** Active offers, in the order their licences are listed. */
  offers: RslOffer[];
  /** The publisher's active works with a `url` identifier, in any order. */
  urlWorks: RslUrlWork[];
  /** Prefix of an offer's link (`<custom>`): the offer id is appended. */
  offerLinkBase: string;
  /** Set when the caller left out URL works past its own bound: the document says it is cut. */
  moreUrlWorks?: boolean;
  maxContent?: number;
}

const INDENT = '  ';

function attributes(pairs: [string, string | number | undefined][]): string {
  return pairs
    .filter((pair): pair is [string, string | number] => pair[1] !== undefined)
    .map(([name, value]) => ` ${name}="${xmlAttribute(String(value))}"`)
    .join('');
}

function element(
  depth: number,
  name: string,
  attrs: [string, string | number | undefined][],
  text?: string,
): string {
  const open = `${INDENT.repeat(depth)}<${name}${attributes(attrs)}`;
  return text === undefined ? `${open}/>` : `${open}>${xmlText(text)}</${name}>`;
}

/** Which RSL payment type a per-unit rate is: crawls are `crawl`, training `training`, the rest `use`. */
export function paymentTypeOfRate(rate: { usage: string; unit: string }): RslPaymentType {
  if (rate.unit === 'crawl') return 'crawl';
  if (rate.usage === 'ai-train') return 'training';
  return 'use';
}

function paymentLines(offer: RslOffer, link: string, depth: number): string[] {
  const { pricing, currency } = offer.terms;
  const exponent = currencyExponent(currency);
  const lines: string[] = [];
  const payment = (
    type: RslPaymentType,
    attrs: [string, string | number | undefined][],
    minorAmount?: string,
  ) => {
    lines.push(`${INDENT.repeat(depth)}<payment${attributes([['type', type], ...attrs])}>`);
    lines.push(element(depth + 1, 'custom', [], link));
    if (minorAmount !== undefined) {
      lines.push(
        element(depth + 1, 'amount', [['currency', currency]], minorToMajor(minorAmount, exponent)),
      );
    }
    lines.push(`${INDENT.repeat(depth)}</payment>`);
  };
  for (const rate of pricing.rates ?? []) {
    payment(
      paymentTypeOfRate(rate),
      [
        ['rl:component', 'rate'],
        ['rl:usage', rate.usage],
        ['rl:unit', rate.unit],
        ['rl:per', rate.per],
      ],
      rate.rate,
    );
  }
  if (pricing.flatFee) {
    payment(
      'subscription',
      [
        ['rl:component', 'flat-fee'],
        ['rl:period', pricing.flatFee.period],
      ],
      String(pricing.flatFee.amount),
    );
  }
  if (pricing.minimumGuarantee) {
    payment(
      'subscription',
      [
        ['rl:component', 'minimum-guarantee'],
        ['rl:period', pricing.minimumGuarantee.period],
      ],
      String(pricing.minimumGuarantee.amount),
    );
  }
  if (pricing.advance) {
    payment('purchase', [['rl:component', 'advance']], String(pricing.advance.amount));
  }
  if (pricing.revenueShareBps !== undefined) {
    payment('use', [
      ['rl:component', 'revenue-share'],
      ['rl:bps', pricing.revenueShareBps],
    ]);
  }
  if (offer.terms.attributionRequired) {
    lines.push(element(depth, 'payment', [['type', 'attribution']]));
  }
  return lines;
}

/** The `<license>` of one offer; the same lines under every `<content>` the offer covers. */
function licenseLines(offer: RslOffer, offerLinkBase: string, depth: number): string[] {
  const { terms } = offer;
  const scope = terms.scope;
  const lines = [
    `${INDENT.repeat(depth)}<license${attributes([
      ['rl:offer', offer.id],
      ['rl:version', offer.version],
      ['rl:title', terms.title],
      ['rl:scope', scope.type],
      ['rl:kinds', scope.type === 'filter' ? scope.kinds?.join(' ') : undefined],
      [
        'rl:identifier-schemes',
        scope.type === 'filter' ? scope.identifierSchemes?.join(' ') : undefined,
      ],
      ['rl:start', terms.term.start],
      ['rl:end', terms.term.end],
      ['rl:duration-months', terms.term.durationMonths],
    ])}>`,
    element(depth + 1, 'permits', [['type', 'usage']], terms.usages.join(' ')),
  ];
  if (terms.userTypes.length) {
    lines.push(element(depth + 1, 'permits', [['type', 'user']], terms.userTypes.join(' ')));
  }
  if (!terms.territories.includes(TERRITORY_ALL)) {
    lines.push(element(depth + 1, 'permits', [['type', 'geo']], terms.territories.join(' ')));
  }
  if (terms.prohibits.length) {
    lines.push(element(depth + 1, 'prohibits', [['type', 'usage']], terms.prohibits.join(' ')));
  }
  lines.push(...paymentLines(offer, offerLinkBase + offer.id, depth + 1));
  lines.push(`${INDENT.repeat(depth)}</license>`);
  return lines;
}

/**
 * A publisher's active offers as an RSL 1.0 document: one `<content url>` per distinct URL of
 * an active work that at least one offer covers (URL order, at most `maxContent`), holding one
 * `<license>` per covering offer. Pure: same input, same bytes.
 */
export function renderRsl(input: RslDocumentInput): string {
  const max = input.maxContent ?? RSL_MAX_CONTENT;
  const licenses = new Map(
    input.offers.map((offer) => [offer.id, licenseLines(offer, input.offerLinkBase, 2)]),
  );
  const byUrl = new Map<string, Set<string>>();
  for (const work of input.urlWorks) {
    const candidate = {
      id: work.id,
      organizationId: '',
      kind: work.kind,
      status: 'active' as const,
      identifiers: work.identifiers,
    };
    for (const offer of input.offers) {
      if (!scopeCovers(offer.terms.scope, candidate)) continue;
      const offers = byUrl.get(work.url) ?? new Set<string>();
      offers.add(offer.id);
      byUrl.set(work.url, offers);
    }
  }
  const urls = [...byUrl.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const kept = urls.slice(0, max);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<rsl xmlns="${RSL_NAMESPACE}" xmlns:rl="${RL_NAMESPACE}">`,
  ];
  if (urls.length > max || input.moreUrlWorks) {
    lines.push(
      `${INDENT}<!-- Truncated: the first ${kept.length} URLs in order; each offer is listed in full at its <custom> link. -->`,
    );
  }
  for (const url of kept) {
    lines.push(`${INDENT}<content${attributes([['url', url]])}>`);
    lines.push(element(2, 'copyright', [['type', 'organization']], input.publisherName));
    for (const offer of input.offers) {
      if (byUrl.get(url)!.has(offer.id)) lines.push(...licenses.get(offer.id)!);
    }
    lines.push(`${INDENT}</content>`);
  }
  lines.push('</rsl>', '');
  return lines.join('\n');
}
