const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An id shown short. A UUID shows its last 8
 * characters: this service's ids are UUIDv7, whose first ones are the time they were made (ids
 * made the same minute would look alike); others (Stripe's tr_…) show their first 12.
 */
export function shortForm(id: string): string {
  return UUID.test(id) ? `…${id.slice(-8)}` : id.length > 12 ? `${id.slice(0, 12)}…` : id;
}
