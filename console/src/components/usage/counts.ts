/** A count as the API gives it (a number, or a string of digits past 2^53), grouped: "99,880". */
export function formatCount(count: number | string): string {
  if (typeof count === 'number') return count.toLocaleString('en');
  return /^\d+$/.test(count) ? BigInt(count).toLocaleString('en') : count;
}
