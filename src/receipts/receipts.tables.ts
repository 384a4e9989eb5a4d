import { table } from '../database/table';

/** Receipts given, by agreement, day, work and usage (flushed by ReceiptCounts). Written by receipts; read by compliance. */
export const LICENCE_CHECK_COUNTS = table('licence_check_counts', [
  'agreement_id',
  'day',
  'work_id',
  'usage',
  'receipts',
]);

/** The Ed25519 keys that sign licence receipts. Written and read by receipts only. */
export const LICENCE_RECEIPT_KEYS = table('licence_receipt_keys', [
  'kid',
  'public_jwk',
  'private_key',
  'created_at',
  'created_by_principal_id',
  'retired_at',
  'expires_at',
]);

/** The secrets receipt ids are keyed with, by version. Written and read by receipts only. */
export const LICENCE_RECEIPT_ID_SECRETS = table('licence_receipt_id_secrets', [
  'version',
  'secret',
  'created_at',
]);
