/**
 * What configuration errors may print. A message names the variable and the rule it breaks,
 * never a secret's value, and a URL is shown without its password.
 */

/** The URL with its password (and a username-only credential) replaced by `***`. */
export function redactUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // Not a URL we can take apart: hide whatever sits between "//" and "@".
    return value.replace(/\/\/[^/@]*@/, '//***@');
  }
  if (!url.password && !url.username) return value;
  if (url.password) url.password = '***';
  else url.username = '***';
  return url.toString();
}

/** Values shorter than this are not secrets worth hiding, and would garble the message. */
const SHORTEST_SCRUBBED = 8;

/** The message with every occurrence of the value (and of its URL password) replaced. */
export function scrubValue(message: string, value: unknown): string {
  if (typeof value !== 'string') return message;
  let scrubbed =
    value.length >= SHORTEST_SCRUBBED ? message.split(value).join('[redacted]') : message;
  try {
    const password = new URL(value).password;
    if (password.length >= 3) {
      scrubbed = scrubbed
        .split(password)
        .join('***')
        .split(decodeURIComponent(password))
        .join('***');
    }
  } catch {
    // not a URL: nothing more to hide
  }
  return scrubbed;
}
