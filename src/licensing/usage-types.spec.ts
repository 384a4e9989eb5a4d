import { coveredByAny, covers, isUsageToken } from './usage-types';

describe('usage tokens', () => {
  it('accepts the RSL vocabulary and namespaced extensions only', () => {
    expect(
      ['ai-train', 'ai-input', 'ai-index', 'search', 'ai-all', 'all', 'x-acme:finetune'].every(
        isUsageToken,
      ),
    ).toBe(true);
    expect(
      ['train-ai', 'AI-TRAIN', 'x-acme', 'acme:finetune', 'x-:a', '', 42].some(isUsageToken),
    ).toBe(false);
  });

  it('lets ai-all cover every ai- type and all cover everything', () => {
    expect(covers('ai-all', 'ai-train')).toBe(true);
    expect(covers('ai-all', 'ai-index')).toBe(true);
    expect(covers('ai-all', 'search')).toBe(false);
    expect(covers('ai-all', 'x-acme:finetune')).toBe(false);
    expect(covers('all', 'x-acme:finetune')).toBe(true);
    expect(covers('search', 'ai-index')).toBe(false);
    expect(coveredByAny(['search', 'ai-input'], 'ai-input')).toBe(true);
  });
});
