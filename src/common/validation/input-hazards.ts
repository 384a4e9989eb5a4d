/**
 * What no route can take, whatever its own rules: text PostgreSQL cannot store (U+0000, a lone
 * UTF-16 surrogate — JSON can carry both escaped) and values nested deeper than any request of
 * this API needs, which would overflow the validators' recursion. Checked once, for every route,
 * on the parsed body, query and path (see input-guard.ts), before any route code sees them.
 */

/** Deeper than any body of this API (offer terms nest 4 levels; work metadata is free JSON). */
export const MAX_INPUT_DEPTH = 32;

export interface InputHazard {
  code: 'invalid-characters' | 'input-too-deep';
  /** Dotted path of the offending value, e.g. `identifiers.0.value` (a body's) or `query.q`. */
  field: string;
  message: string;
}

// With the `u` flag a well-formed pair is one code point, so only a lone surrogate matches.
const LONE_SURROGATE = /\p{Cs}/u;

const named = (field: string) => field || 'The body';

function textHazard(text: string, field: string): InputHazard | undefined {
  if (text.includes('\u0000')) {
    return {
      code: 'invalid-characters',
      field,
      message: `${named(field)} contains a NUL character (U+0000), which text cannot hold`,
    };
  }
  if (LONE_SURROGATE.test(text)) {
    return {
      code: 'invalid-characters',
      field,
      message: `${named(field)} contains a lone UTF-16 surrogate, which is not a character`,
    };
  }
  return undefined;
}

/** The first hazard in `value` (depth-first, iterative: its own depth cannot overflow it). */
export function findInputHazard(
  value: unknown,
  root: string,
  maxDepth = MAX_INPUT_DEPTH,
): InputHazard | undefined {
  const stack: { value: unknown; field: string; depth: number }[] = [
    { value, field: root, depth: 0 },
  ];
  while (stack.length) {
    const item = stack.pop()!;
    if (typeof item.value === 'string') {
      const hazard = textHazard(item.value, item.field);
      if (hazard) return hazard;
      continue;
    }
    if (item.value === null || typeof item.value !== 'object') continue;
    if (item.depth >= maxDepth) {
      return {
        code: 'input-too-deep',
        field: item.field,
        message: `${named(item.field)} nests deeper than ${maxDepth} levels`,
      };
    }
    for (const [key, child] of Object.entries(item.value)) {
      const field = item.field ? `${item.field}.${key}` : key;
      const hazard = textHazard(key, field);
      if (hazard) return hazard;
      stack.push({ value: child, field, depth: item.depth + 1 });
    }
  }
  return undefined;
}
