export const TERRITORY_ALL = 'worldwide';
export const USER_TYPES = [
  'commercial',
  'non-commercial',
  'education',
  'government',
  'personal',
] as const;
export const RATE_UNITS = ['token', 'request', 'retrieval', 'crawl', 'work', 'byte'] as const;
export const PERIODS = ['month', 'quarter', 'year'] as const;
/** A rate: a non-negative decimal with at most 12 fractional digits, as a string. */
export const DECIMAL_RATE = /^(0|[1-9]\d{0,17})(\.\d{1,12})?$/;
