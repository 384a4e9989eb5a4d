import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { AppConfig } from '../config/app-config';
import { LicenceReceiptKeys, ReceiptKeyRing } from './licence-receipt-keys';
import { receiptId, ReceiptSubject } from './receipt-id';
import { signReceipt } from './sign-receipt';
import { LicenceReceiptClaims } from './verify-receipt';

/** A licensed answer a receipt is made for. */
export interface ReceiptRequest extends ReceiptSubject {
  /** The publisher whose work it is: the receipt's audience. */
  publisherId: string;
  /** The identifier as asked, normalized. */
  identifier: string;
  rate: LicenceReceiptClaims['rate'];
}

export interface IssuedReceipt {
  id: string;
  token: string;
  validFrom: string;
  validUntil: string;
}

const DAY_SECONDS = 86_400;

/**
 * Receipts for licensed answers. A receipt never outlives the key that signs it: a retired key
 * stays published RECEIPT_KEY_VERIFY_DAYS, so a receipt is made for a day of use up to that many
 * days ahead (today counting as the first); a later day gets none (null). A receipt is the same for the whole day it covers (its claims
 * hold no time of issue), so issued receipts are kept in the process (RECEIPT_CACHE_ENTRIES, least
 * recently used first out), by everything that makes them — the key and id secret versions, the
 * subject and the identifier asked (the publisher and rate follow from the work and agreement
 * version): a crawler asking again about the same work and use that day is answered without
 * signing again, nor computing the id's four HMACs. A rotation of either key issues anew.
 */
@Injectable()
export class LicenceReceipts {
  private readonly issued: LRUCache<string, IssuedReceipt>;
  private readonly issuer: string;
  private readonly daysAhead: number;

  constructor(
    private readonly keys: LicenceReceiptKeys,
    config: AppConfig,
  ) {
    this.issued = new LRUCache({ max: config.get('RECEIPT_CACHE_ENTRIES') });
    this.issuer = config.get('PUBLIC_BASE_URL');
    this.daysAhead = config.get('RECEIPT_KEY_VERIFY_DAYS') - 1;
  }

  /** Each request's receipt, or null for a day too far ahead. */
  async issue(requests: ReceiptRequest[]): Promise<(IssuedReceipt | null)[]> {
    if (!requests.length) return [];
    const ring = await this.keys.ring();
    const lastDay = new Date(Date.now() + this.daysAhead * DAY_SECONDS * 1000)
      .toISOString()
      .slice(0, 10);
    return requests.map((request) => (request.day > lastDay ? null : this.one(ring, request)));
  }

  private one(ring: ReceiptKeyRing, request: ReceiptRequest): IssuedReceipt {
    const cacheKey = [
      ring.signing.kid,
      ring.idVersion,
      request.licenseeId,
      request.workId,
      request.usage,
      request.day,
      request.agreementId,
      request.agreementVersion,
      request.identifier,
    ].join('\n');
    let receipt = this.issued.get(cacheKey);
    if (!receipt) {
      receipt = this.make(ring, request);
      this.issued.set(cacheKey, receipt);
    }
    return receipt;
  }

  private make(ring: ReceiptKeyRing, request: ReceiptRequest): IssuedReceipt {
    const secret = ring.idSecrets.get(ring.idVersion)!;
    const id = receiptId(secret, ring.idVersion, request);
    const nbf = Date.parse(`${request.day}T00:00:00Z`) / 1000;
    const exp = nbf + DAY_SECONDS;
    const token = signReceipt(ring.signing, {
      jti: id,
      iss: this.issuer,
      sub: request.licenseeId,
      aud: request.publisherId,
      nbf,
      exp,
      day: request.day,
      work: request.workId,
      identifier: request.identifier,
      usage: request.usage,
      agreement: request.agreementId,
      agreementVersion: request.agreementVersion,
      rate: request.rate,
    });
    return {
      id,
      token,
      validFrom: new Date(nbf * 1000).toISOString(),
      validUntil: new Date(exp * 1000).toISOString(),
    };
  }
}
