import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The console's sign-in sessions: a person signs in once with their principal's API key and then
 * sends an HttpOnly cookie (docs/SECURITY.md, "Console sessions"). Only the SHA-256 of the
 * session token is stored; the token itself never is. A session acts as its API key does (same
 * principal, key, role and organization), so it names the key, and stops with it: the guard's
 * lookup joins the key and refuses a revoked one, and revocation also ends the key's sessions.
 * Idle expiry is computed from `last_seen_at` at lookup (SESSION_IDLE_TIMEOUT_SECONDS), so a
 * change of the setting applies to every session at once; `expires_at` is the absolute cap.
 */
export class ConsoleSessions1766400000000 implements MigrationInterface {
  name = 'ConsoleSessions1766400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE console_sessions (
        id uuid PRIMARY KEY,
        token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
        api_key_id uuid NOT NULL REFERENCES api_keys (id),
        principal_id uuid NOT NULL REFERENCES principals (id),
        organization_id uuid NOT NULL REFERENCES organizations (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        ended_at timestamptz,
        end_reason text CHECK (end_reason IN ('signed-out', 'expired', 'key-revoked')),
        created_address text NOT NULL CHECK (length(created_address) BETWEEN 1 AND 100),
        user_agent text CHECK (length(user_agent) <= 512),
        CONSTRAINT console_sessions_expires_after_creation CHECK (expires_at > created_at),
        CONSTRAINT console_sessions_end_has_reason CHECK ((ended_at IS NULL) = (end_reason IS NULL))
      )`);
    // The guard looks a session up by token_hash (its UNIQUE index); revoking a key ends its
    // open sessions.
    await queryRunner.query(
      `CREATE INDEX console_sessions_open_by_api_key ON console_sessions (api_key_id)
        WHERE ended_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX console_sessions_principal ON console_sessions (principal_id, id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE console_sessions`);
  }
}
