/**
 * Stripe's request encoding: `application/x-www-form-urlencoded` with bracketed keys for nested
 * objects and indexed arrays (`metadata[payoutItemId]=…`, `expand[0]=…`), the same in query
 * strings. Parsed into plain nested objects; indexed keys become arrays.
 */
export type FormValue = string | FormObject | FormValue[];
export interface FormObject {
  [key: string]: FormValue;
}

function decode(text: string): string {
  return decodeURIComponent(text.replace(/\+/g, ' '));
}

/** `a[b][0]` → `['a', 'b', '0']`. */
function pathOf(key: string): string[] {
  const head = /^[^[]*/.exec(key)![0];
  const rest = [...key.slice(head.length).matchAll(/\[([^\]]*)\]/g)].map((m) => m[1]);
  return [head, ...rest];
}

function toArrays(value: FormValue): FormValue {
  if (typeof value === 'string' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  const entries = keys.map((k) => [k, toArrays(value[k])] as const);
  if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
    return entries.sort(([a], [b]) => Number(a) - Number(b)).map(([, v]) => v);
  }
  return Object.fromEntries(entries);
}

export function parseForm(body: string): FormObject {
  const root: FormObject = {};
  for (const pair of body.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const key = decode(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decode(pair.slice(eq + 1));
    const path = pathOf(key);
    let node = root;
    for (let i = 0; i < path.length - 1; i++) {
      const next = node[path[i]];
      if (typeof next !== 'object' || Array.isArray(next)) node[path[i]] = {};
      node = node[path[i]] as FormObject;
    }
    node[path[path.length - 1]] = value;
  }
  return toArrays(root) as FormObject;
}
