import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Client } from 'pg';
import { AppConfig } from '../config/app-config';

/**
 * A payload names what changed; `null` means "notifications may have been missed" (the listening
 * connection was lost), so a subscriber must forget everything it cached.
 */
export type ChangeHandler = (payload: string | null) => void;

const RECONNECT_MS = 1000;

/**
 * PostgreSQL LISTEN/NOTIFY for in-process caches: triggers `pg_notify` when rows change, and
 * PostgreSQL delivers the notification only once the change is committed. One dedicated
 * connection per process, opened on first use, so processes that cache nothing never open it.
 *
 * A cache may trust its entries only while `isListening()`: a connection lost is a window in
 * which changes were missed, so subscribers are told to reset, and stay uncached until the
 * connection is back.
 */
@Injectable()
export class ChangeFeed implements OnApplicationShutdown {
  private readonly logger = new Logger(ChangeFeed.name);
  private readonly handlers = new Map<string, Set<ChangeHandler>>();
  private client: Client | null = null;
  private connecting: Promise<void> | null = null;
  private listening = false;
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | null = null;

  constructor(private readonly config: AppConfig) {}

  subscribe(channel: string, handler: ChangeHandler): void {
    if (!/^[a-z_]+$/.test(channel)) throw new Error(`invalid channel name ${channel}`);
    const handlers = this.handlers.get(channel) ?? new Set<ChangeHandler>();
    const added = !this.handlers.has(channel);
    handlers.add(handler);
    this.handlers.set(channel, handlers);
    // A channel added while listening is listened to from now on (earlier changes are missed).
    if (added && this.client) {
      this.client.query(`LISTEN ${channel}`).catch((error: unknown) => {
        this.logger.warn({ err: error, channel }, 'change feed: could not listen');
      });
    }
  }

  /**
   * For the writer's own process, after its commit: tells this process's subscribers now, as
   * the notification will, so a request that follows the write never reads an entry it made stale.
   */
  announce(channel: string, payload: string): void {
    this.dispatch(channel, payload);
  }

  isListening(): boolean {
    return this.listening;
  }

  /** Opens the listening connection if it is not open; resolves when listening or failed. */
  async ensureListening(): Promise<boolean> {
    if (this.listening || this.closed) return this.listening;
    this.connecting ??= this.connect().finally(() => (this.connecting = null));
    await this.connecting;
    return this.listening;
  }

  private async connect(): Promise<void> {
    const client = new Client({
      connectionString: this.config.databaseUrl,
      application_name: 'rights-ledger-change-feed',
    });
    client.on('notification', (message) => this.dispatch(message.channel, message.payload ?? ''));
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      for (const channel of this.handlers.keys()) await client.query(`LISTEN ${channel}`);
      this.client = client;
      this.listening = true;
    } catch (error) {
      this.logger.warn({ err: error }, 'change feed: could not listen; caches stay off');
      await client.end().catch(() => undefined);
      this.scheduleReconnect();
    }
  }

  private lost(client: Client, error?: Error): void {
    if (this.client !== client) return;
    this.client = null;
    this.listening = false;
    for (const handlers of this.handlers.values()) for (const handler of handlers) handler(null);
    if (this.closed) return;
    this.logger.warn({ err: error }, 'change feed: connection lost; caches reset');
    void client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.ensureListening();
    }, RECONNECT_MS);
    this.reconnectTimer.unref();
  }

  private dispatch(channel: string, payload: string): void {
    for (const handler of this.handlers.get(channel) ?? []) handler(payload);
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    this.listening = false;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }
}
