import { Principal } from './principal';

/**
 * Turns a presented API key into a principal, or null when the key is unknown or revoked.
 * The organizations module provides it; the guard in common/ only knows this contract.
 */
export abstract class PrincipalResolver {
  /**
   * `cachedOnly`: answer from memory alone (null when the key is not cached), for an address
   * blocked after too many failures — its known keys still work, unknown ones cost nothing.
   */
  abstract resolve(
    apiKey: string,
    requestId: string,
    options?: { cachedOnly?: boolean },
  ): Promise<Principal | null>;
}
