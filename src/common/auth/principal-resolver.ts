import { Principal } from './principal';

/**
 * Turns a presented API key into a principal, or null when the key is unknown or revoked.
 * The organizations module provides it; the guard in common/ only knows this contract.
 */
export abstract class PrincipalResolver {
  abstract resolve(apiKey: string, requestId: string): Promise<Principal | null>;
}
