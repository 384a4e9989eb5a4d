import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { canonicalJson } from '../../common/idempotency/idempotency';
import { currencyExponent, majorToMinor } from '../../common/money/minor-units';
import { isCountryCode, isCurrencyCode } from '../../common/validation/iso-codes';
import { OfferTerms, Period, RateUnit } from '../offer-terms';
import { DECIMAL_RATE, PERIODS, RATE_UNITS, TERRITORY_ALL, USER_TYPES } from '../offer-vocabulary';
import { isUsageToken } from '../usage-types';
import {
  EARLY_DRAFT_PAYMENTS,
  EARLY_DRAFT_USAGES,
  RL_NAMESPACE,
  RSL_NAMESPACE,
  RSL_PAYMENT_TYPES,
  RslPaymentType,
} from './rsl-vocabulary';

/** Why a body is refused whole: not XML at all, or XML that is not an RSL document. */
export class RslDocumentError extends Error {
  constructor(
    readonly kind: 'malformed' | 'not-rsl',
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
  }
}

/** Offer terms read from a `<license>`: everything but the scope, which needs the catalogue. */
export type ImportedTerms = Omit<OfferTerms, 'scope' | 'currency'> & { currency?: string };

export interface ImportedLicense {
  /** The `<content url>`s this licence appears under, in document order. */
  contentUrls: string[];
  /** `rl:scope` when the document came from this service: all and filter need no URL lookup. */
  scope?: OfferTerms['scope'];
  terms: ImportedTerms;
  warnings: string[];
}

type Node = Record<string, unknown>;

/** RSL nests 5 levels (rsl › content › license › payment › amount); deeper is not RSL. */
const MAX_ELEMENT_DEPTH = 32;

const parser = new XMLParser({
  maxNestedTags: MAX_ELEMENT_DEPTH,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  alwaysCreateTextNode: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  htmlEntities: false,
  // Only the five predefined entities: a DOCTYPE is refused before parsing (no expansion bombs).
  processEntities: true,
  isArray: (_name, _path, _leaf, isAttribute) => !isAttribute,
});

/** The parser's refusals of well-formed XML (nesting past its limit) are the document's fault. */
function parseWellFormed(xml: string): Record<string, Node[]> {
  try {
    return parser.parse(xml) as Record<string, Node[]>;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new RslDocumentError(
      'malformed',
      /nested/i.test(reason)
        ? `The document nests elements deeper than ${MAX_ELEMENT_DEPTH} levels; RSL needs 5`
        : `The document could not be read: ${reason}`,
    );
  }
}

// Plain boolean checks: the guards' narrowing would leave `never` in the messages after them.
const isTerritory = (value: string): boolean => value === 'EU' || isCountryCode(value);
const isCurrency = (value: string): boolean => isCurrencyCode(value);
const isUsage = (value: string): boolean => isUsageToken(value);

/** A DTD is where entity expansion attacks live; an RSL document never needs one. */
const DTD = /<!(DOCTYPE|ENTITY)/i;

function tokens(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((token) => token.trim())
    .filter(Boolean);
}

function unique(values: string[]): string[] {
  return [...new Set(values)].sort();
}

/**
 * Reads an RSL document (RSL 1.0, early drafts, or this service's own export with its `rl:`
 * attributes) into offer terms, one per distinct licence: licences repeated under several
 * `<content>`s (same `rl:offer`, or the same terms) become one, listing every URL. What cannot
 * be carried over is left out with a warning; nothing is guessed silently.
 */
export function parseRsl(xml: string): ImportedLicense[] {
  if (xml.trim() === '') throw new RslDocumentError('malformed', 'The body is empty');
  if (DTD.test(xml)) {
    throw new RslDocumentError(
      'malformed',
      'The document has a DOCTYPE or ENTITY declaration; RSL documents need none and they are refused',
    );
  }
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    throw new RslDocumentError(
      'malformed',
      `The body is not well-formed XML: ${msg} (line ${line}, column ${col})`,
      line,
      col,
    );
  }
  const parsed = parseWellFormed(xml);
  const rootName = Object.keys(parsed).find((key) => !key.startsWith('?') && !key.startsWith('#'));
  const root = rootName ? parsed[rootName][0] : undefined;
  if (!rootName || !root) throw new RslDocumentError('not-rsl', 'The document has no root element');
  const namespaces = new Map<string, string>();
  for (const [key, value] of Object.entries(root)) {
    if (key === '@_xmlns') namespaces.set('', String(value));
    else if (key.startsWith('@_xmlns:')) namespaces.set(key.slice(8), String(value));
  }
  const colon = rootName.indexOf(':');
  const prefix = colon >= 0 ? rootName.slice(0, colon) : '';
  const local = colon >= 0 ? rootName.slice(colon + 1) : rootName;
  if (local !== 'rsl' || namespaces.get(prefix) !== RSL_NAMESPACE) {
    throw new RslDocumentError(
      'not-rsl',
      `The root element is <${rootName}>${namespaces.has(prefix) ? ` in namespace ${namespaces.get(prefix)}` : ' without a namespace'}; an RSL document's root is <rsl xmlns="${RSL_NAMESPACE}">`,
    );
  }
  const rlPrefix = [...namespaces].find(([, uri]) => uri === RL_NAMESPACE)?.[0];
  const reader = new Reader(prefix, rlPrefix);

  const groups = new Map<string, ImportedLicense>();
  for (const content of reader.children(root, 'content')) {
    const url = reader.attr(content, 'url');
    for (const license of reader.children(content, 'license')) {
      const imported = reader.license(license);
      const offerId = reader.rl(license, 'offer');
      const key = offerId ? `offer:${offerId}` : canonicalJson([imported.scope, imported.terms]);
      const group = groups.get(key) ?? { ...imported, contentUrls: [] };
      if (url && !group.contentUrls.includes(url)) group.contentUrls.push(url);
      if (!url) group.warnings.push('a <content> without a url attribute was skipped');
      groups.set(key, group);
    }
  }
  return [...groups.values()].map((group) => ({
    ...group,
    warnings: [...new Set(group.warnings)],
  }));
}

class Reader {
  constructor(
    private readonly prefix: string,
    private readonly rlPrefix: string | undefined,
  ) {}

  children(node: Node, local: string): Node[] {
    const name = this.prefix ? `${this.prefix}:${local}` : local;
    return (node[name] as Node[] | undefined) ?? [];
  }

  attr(node: Node, name: string): string | undefined {
    const value = node[`@_${name}`];
    return typeof value === 'string' ? value.trim() : undefined;
  }

  rl(node: Node, name: string): string | undefined {
    return this.rlPrefix === undefined ? undefined : this.attr(node, `${this.rlPrefix}:${name}`);
  }

  text(node: Node): string {
    const text = node['#text'];
    return typeof text === 'string' ? text : '';
  }

  license(license: Node): Omit<ImportedLicense, 'contentUrls'> {
    const warnings: string[] = [];
    const usages: string[] = [];
    const prohibits: string[] = [];
    let territories: string[] | undefined;
    const userTypes: string[] = [];
    for (const [list, element] of [
      ['permits', 'permits'],
      ['prohibits', 'prohibits'],
    ] as const) {
      for (const node of this.children(license, element)) {
        const type = (this.attr(node, 'type') ?? 'usage').toLowerCase();
        const values = tokens(this.text(node));
        if (type === 'usage') {
          const target = list === 'permits' ? usages : prohibits;
          target.push(...values.flatMap((token) => usageToken(token, warnings)));
        } else if (list === 'prohibits') {
          warnings.push(
            `<prohibits type="${type}"> cannot be expressed in an offer and was left out: ${values.join(' ')}`,
          );
        } else if (type === 'user') {
          for (const value of values.map((v) => v.toLowerCase())) {
            if ((USER_TYPES as readonly string[]).includes(value)) userTypes.push(value);
            else if (value !== 'all') warnings.push(`unknown user type "${value}" left out`);
          }
        } else if (type === 'geo' || type === 'territory') {
          territories ??= [];
          for (const value of values.map((v) => v.toUpperCase())) {
            if (isTerritory(value)) territories.push(value);
            else warnings.push(`unknown territory "${value}" left out`);
          }
        } else {
          warnings.push(`<permits type="${type}"> is not an RSL permission type; left out`);
        }
      }
    }
    const terms: ImportedTerms = {
      title: (this.rl(license, 'title') ?? '').slice(0, 200),
      usages: unique(usages),
      prohibits: unique(prohibits),
      territories: territories ? unique(territories) : [TERRITORY_ALL],
      userTypes: unique(userTypes),
      term: this.term(license),
      pricing: {},
      attributionRequired: false,
    };
    for (const payment of this.children(license, 'payment')) this.payment(payment, terms, warnings);
    return { scope: this.scope(license), terms, warnings };
  }

  private term(license: Node): OfferTerms['term'] {
    const start = this.rl(license, 'start');
    const end = this.rl(license, 'end');
    const months = this.rl(license, 'duration-months');
    return {
      ...(start ? { start } : {}),
      ...(end ? { end } : {}),
      ...(months && /^\d{1,4}$/.test(months) ? { durationMonths: Number(months) } : {}),
    };
  }

  private scope(license: Node): OfferTerms['scope'] | undefined {
    const type = this.rl(license, 'scope');
    if (type === 'all') return { type: 'all' };
    if (type !== 'filter') return undefined;
    const kinds = this.rl(license, 'kinds');
    const schemes = this.rl(license, 'identifier-schemes');
    return {
      type: 'filter',
      ...(kinds ? { kinds: tokens(kinds) } : {}),
      ...(schemes ? { identifierSchemes: tokens(schemes) } : {}),
    };
  }

  private payment(payment: Node, terms: ImportedTerms, warnings: string[]): void {
    const written = (this.attr(payment, 'type') ?? 'free').toLowerCase();
    const type: RslPaymentType | undefined =
      EARLY_DRAFT_PAYMENTS[written] ??
      (RSL_PAYMENT_TYPES as readonly string[]).find((known) => known === written);
    if (!type) {
      warnings.push(`unknown payment type "${written}" left out`);
      return;
    }
    if (type === 'free') return;
    if (type === 'attribution') {
      terms.attributionRequired = true;
      return;
    }
    const component = this.rl(payment, 'component');
    if (component === 'revenue-share') {
      const bps = this.rl(payment, 'bps') ?? '';
      if (/^\d{1,5}$/.test(bps) && Number(bps) <= 10000)
        terms.pricing.revenueShareBps = Number(bps);
      else warnings.push(`revenue share rl:bps="${bps}" is not 0–10000 basis points; left out`);
      return;
    }
    const amounts = this.children(payment, 'amount');
    if (amounts.length === 0) {
      warnings.push(`<payment type="${written}"> has no <amount>; left out`);
      return;
    }
    if (amounts.length > 1) {
      warnings.push(`<payment type="${written}"> has ${amounts.length} amounts; the first is used`);
    }
    const currency = (this.attr(amounts[0], 'currency') ?? '').toUpperCase();
    if (!isCurrency(currency)) {
      warnings.push(`<amount currency="${currency}"> is not an ISO 4217 code; payment left out`);
      return;
    }
    if (terms.currency && terms.currency !== currency) {
      warnings.push(
        `an offer has one currency: the ${currency} payment was left out (${terms.currency} came first)`,
      );
      return;
    }
    const major = this.text(amounts[0]);
    const minor = majorToMinor(major, currencyExponent(currency));
    if (minor === null) {
      warnings.push(`<amount>${major}</amount> is not a non-negative decimal; payment left out`);
      return;
    }
    terms.currency = currency;
    const whole = (what: string): number | undefined => {
      if (/^\d{1,15}$/.test(minor)) return Number(minor);
      warnings.push(`${what} ${major} ${currency} is not a whole number of minor units; left out`);
      return undefined;
    };
    const period = (): Period => {
      const written = this.rl(payment, 'period');
      if ((PERIODS as readonly string[]).includes(written ?? '')) return written as Period;
      warnings.push(`<payment type="${type}"> gives no period; read as per month`);
      return 'month';
    };
    const addRate = (usage: string, unit: RateUnit, per: number) => {
      if (!DECIMAL_RATE.test(minor)) {
        warnings.push(
          `rate ${major} ${currency} has more than 12 decimal places in minor units; left out`,
        );
        return;
      }
      (terms.pricing.rates ??= []).push({ usage, unit, per, rate: minor });
    };

    if (component === 'rate') {
      const usage = usageToken(this.rl(payment, 'usage') ?? '', warnings)[0];
      const unit = this.rl(payment, 'unit') as RateUnit;
      const per = this.rl(payment, 'per') ?? '';
      if (!usage || !(RATE_UNITS as readonly string[]).includes(unit) || !/^\d{1,13}$/.test(per))
        warnings.push(`a rate's rl:usage, rl:unit or rl:per is missing or invalid; left out`);
      else addRate(usage, unit, Number(per));
      return;
    }
    if (component === 'flat-fee' || component === 'minimum-guarantee') {
      const amount = whole(component);
      const key = component === 'flat-fee' ? 'flatFee' : 'minimumGuarantee';
      if (amount !== undefined) terms.pricing[key] = { amount, period: period() };
      return;
    }
    if (component === 'advance') {
      const amount = whole('advance');
      if (amount !== undefined) terms.pricing.advance = { amount };
      return;
    }
    // A document from elsewhere: RSL says what kind of payment, not per how many of what.
    switch (type) {
      case 'training':
        addRate('ai-train', 'work', 1);
        warnings.push(`<payment type="training"> read as a rate per work for ai-train`);
        return;
      case 'use':
        addRate('ai-input', 'request', 1);
        warnings.push(`<payment type="${written}"> read as a rate per request for ai-input`);
        return;
      case 'crawl': {
        const usage =
          ['ai-index', 'search'].find((candidate) => terms.usages.includes(candidate)) ??
          terms.usages[0] ??
          'ai-index';
        addRate(usage, 'crawl', 1);
        warnings.push(`<payment type="crawl"> read as a rate per crawl for ${usage}`);
        return;
      }
      case 'subscription': {
        const amount = whole('subscription');
        if (amount !== undefined) terms.pricing.flatFee = { amount, period: period() };
        return;
      }
      case 'purchase':
      case 'contribution':
        warnings.push(`<payment type="${type}"> has no equivalent in an offer; left out`);
        return;
    }
  }
}

/** An RSL 1.0 token or extension as is; an early-draft token as its RSL 1.0 equivalent. */
function usageToken(written: string, warnings: string[]): string[] {
  const token = written.toLowerCase();
  if (isUsage(token)) return [token];
  const mapped = EARLY_DRAFT_USAGES[token];
  if (mapped) {
    warnings.push(`early-draft usage "${token}" read as "${mapped}"`);
    return [mapped];
  }
  warnings.push(
    `unknown usage "${written}" left out (extensions are written x-<namespace>:<token>)`,
  );
  return [];
}
