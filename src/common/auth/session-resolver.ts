import { Principal } from './principal';

/** A live console session and the principal it acts as (the very one its API key gives). */
export interface ResolvedSession {
  id: string;
  principal: Principal;
}

/**
 * Turns a session cookie's token into its session, or null when the token is unknown, the
 * session ended, was idle longer than SESSION_IDLE_TIMEOUT_SECONDS, is past its absolute expiry,
 * or its API key is revoked. The organizations module provides it; the guard knows this contract.
 */
export abstract class SessionResolver {
  abstract resolve(token: string, requestId: string): Promise<ResolvedSession | null>;
}
