/**
 * RSL 1.0 usage vocabulary plus namespaced extension tokens (`x-acme:finetune`). `ai-all` covers
 * every `ai-*` type; `all` covers everything, extensions included.
 */
export const RSL_USAGES = ['ai-train', 'ai-input', 'ai-index', 'search', 'ai-all', 'all'] as const;
export type RslUsage = (typeof RSL_USAGES)[number];

const EXTENSION = /^x-[a-z0-9][a-z0-9-]{0,31}:[a-z0-9][a-z0-9._-]{0,63}$/;
const KNOWN: ReadonlySet<string> = new Set(RSL_USAGES);

export function isUsageToken(token: unknown): token is string {
  return typeof token === 'string' && (KNOWN.has(token) || EXTENSION.test(token));
}

/** Whether a permission (or prohibition) for `granted` applies to a use of type `used`. */
export function covers(granted: string, used: string): boolean {
  if (granted === used || granted === 'all') return true;
  return granted === 'ai-all' && used.startsWith('ai-');
}

export function coveredByAny(tokens: readonly string[], used: string): boolean {
  return tokens.some((token) => covers(token, used));
}
