/**
 * The PostgreSQL server a bench runs on: its databases made, copied from a template and dropped,
 * a client for a piece of work, and the set-up writes several benches share (COPY with the
 * triggers off, the publishers' default payees, the agreements accepting every offer would write).
 */
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

/** CREATE/DROP DATABASE run on this database of the server unless DATABASE_URL names another. */
export const DEFAULT_SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export class PostgresServer {
  /**
   * `url`: a database on the server to run CREATE/DROP DATABASE from; `applicationName`: what
   * pg_stat_activity calls the bench's connections (undefined: pg's default).
   */
  constructor(
    readonly url: string,
    private readonly applicationName?: string,
  ) {}

  /** The URL of database `name` on this server. */
  databaseUrl(name: string): string {
    const url = new URL(this.url);
    url.pathname = `/${name}`;
    return url.toString();
  }

  /** `work` on a fresh connection to `url`, closed afterwards whatever happens. */
  async withClient<T>(
    url: string,
    work: (client: Client) => Promise<T>,
    applicationName = this.applicationName,
  ): Promise<T> {
    const client = new Client({ connectionString: url, application_name: applicationName });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** `work` on the server's own database (CREATE/DROP DATABASE, pg_settings…). */
  admin<T>(work: (client: Client) => Promise<T>): Promise<T> {
    return this.withClient(this.url, work);
  }

  async drop(name: string): Promise<void> {
    await this.admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  }

  /** Drops `name` if it is there and creates it again, empty or as a copy of `template`. */
  async recreate(name: string, template?: string): Promise<void> {
    await this.admin(async (client) => {
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
    });
  }
}

/** A quoted SQL string literal. */
export function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/**
 * `COPY … FROM STDIN` of `text` into the database at `url`, on its own connection, with the
 * triggers off; resolves with the rows written.
 */
export function copyWithoutTriggers(
  server: PostgresServer,
  url: string,
  sql: string,
  text: NodeJS.ReadableStream,
): Promise<number> {
  return server.withClient(url, async (client) => {
    // The statement-level reference checks and foreign keys are triggers: skipped here.
    await client.query(`SET session_replication_role = replica`);
    const stream = client.query(copyFrom(sql));
    await pipeline(text, stream);
    return stream.rowCount;
  });
}

/** Each organization with its default payee (the one its creation made), in the order given. */
export async function defaultPayees(
  server: PostgresServer,
  url: string,
  organizations: { organizationId: string }[],
): Promise<{ organizationId: string; payeeId: string }[]> {
  return server.withClient(url, async (client) => {
    const rows: { organizationId: string; payeeId: string }[] = [];
    for (const { organizationId } of organizations) {
      const { rows: payees } = await client.query<{ id: string }>(
        'SELECT id FROM payees WHERE organization_id = $1 AND is_default',
        [organizationId],
      );
      if (payees.length !== 1) throw new Error('a publisher has no default payee');
      rows.push({ organizationId, payeeId: payees[0].id });
    }
    return rows;
  });
}

/**
 * What accepting each offer would write, for the licensee $1: its terms as they are, active, the
 * term's dates.
 */
export const ACCEPT_EVERY_OFFER_SQL = `INSERT INTO agreements (id, licensee_id, publisher_id, offer_id, offer_version, terms,
                               terms_hash, status, starts_on, ends_on, accepted_by_principal_id)
       SELECT md5(o.id::text || $1::text)::uuid, $1::uuid, o.organization_id, o.id, o.version,
              o.terms, o.terms_hash, 'active', (o.terms->'term'->>'start')::date,
              (o.terms->'term'->>'end')::date,
              (SELECT p.id FROM principals p WHERE p.organization_id = $1::uuid ORDER BY p.id LIMIT 1)
         FROM licence_offers o
        ORDER BY o.id`;
