/**
 * Whom a per-address limit counts: the IPv4 address (IPv4-mapped IPv6 unwrapped), or the /64 of
 * an IPv6 address — one subscriber usually holds a whole /64, so counting single IPv6 addresses
 * would let one client rotate through 2^64 of them. `ip` is Fastify's request.ip: the socket's
 * peer, or the client X-Forwarded-For names through the proxies TRUST_PROXY trusts.
 */
export function clientAddress(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1];
  if (!ip.includes(':')) return ip;
  const bare = ip.split('%')[0];
  const [head, tail] = bare.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const groups =
    tail === undefined
      ? headGroups
      : [
          ...headGroups,
          ...Array<string>(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill('0'),
          ...tailGroups,
        ];
  const prefix = groups
    .slice(0, 4)
    .map((group) => (/^[0-9a-f]{1,4}$/i.test(group) ? parseInt(group, 16).toString(16) : group));
  return `${prefix.join(':')}::/64`;
}
