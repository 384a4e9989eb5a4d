/** RSL 1.0 (https://rslstandard.org/rsl): the names this service writes and reads. */
export const RSL_NAMESPACE = 'https://rslstandard.org/rsl';
/** Our extension attributes (offer id, pricing units…), so a document round-trips exactly. */
export const RL_NAMESPACE = 'https://rights-ledger.dev/ns/rsl/1';
export const RSL_CONTENT_TYPE = 'application/rsl+xml; charset=utf-8';
/** The one route that reads XML bodies. */
export const RSL_IMPORT_ROUTE = '/v1/licence-offers/import-rsl';
/** Bodies accepted by the import, read whole as a string. */
export const RSL_BODY_TYPES = ['application/rsl+xml', 'application/xml', 'text/xml'];

/** The most `<content>` elements one document holds (ordered by URL; a comment says when cut). */
export const RSL_MAX_CONTENT = 5000;

/** `<payment type>` values of RSL 1.0. */
export const RSL_PAYMENT_TYPES = [
  'free',
  'purchase',
  'subscription',
  'training',
  'crawl',
  'use',
  'contribution',
  'attribution',
] as const;
export type RslPaymentType = (typeof RSL_PAYMENT_TYPES)[number];

/**
 * Usage tokens of early RSL drafts (and the IETF AI-preferences vocabulary they borrowed),
 * still found in published files, read as their RSL 1.0 equivalent.
 */
export const EARLY_DRAFT_USAGES: Readonly<Record<string, string>> = {
  'train-ai': 'ai-train',
  'train-genai': 'ai-train',
  'ai-use': 'ai-input',
  'ai-summarize': 'ai-input',
  'ai-include': 'ai-input',
};

/** Early-draft payment types, read as their RSL 1.0 equivalent. */
export const EARLY_DRAFT_PAYMENTS: Readonly<Record<string, RslPaymentType>> = {
  inference: 'use',
};
