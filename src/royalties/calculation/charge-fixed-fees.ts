import { EntityManager } from 'typeorm';
import { FixedCharge } from '../fixed-charges';
import { spreadOverWorks } from './spread-over-works';

/**
 * A flat fee, then a minimum guarantee's shortfall, spread over the agreement's works in
 * proportion to their usage charges; without usage, one line for the publisher itself. Each
 * agreement's fixed charges for the period are kept (run_fixed) for its advance.
 */
export const reads = ['run_charges (temp)'];
export const writes = ['run_fixed (temp)', 'run_charges (temp)'];

export async function chargeFixedFees(manager: EntityManager, fixed: FixedCharge[]): Promise<void> {
  await manager.query(
    `CREATE TEMP TABLE run_fixed ON COMMIT DROP AS
       SELECT * FROM jsonb_to_recordset($1::jsonb)
         AS f(agreement_id uuid, licensee_id uuid, publisher_id uuid, currency text,
              flat_fee numeric, minimum numeric, advance numeric)`,
    [
      JSON.stringify(
        fixed.map((charge) => ({
          agreement_id: charge.agreementId,
          licensee_id: charge.licenseeId,
          publisher_id: charge.publisherId,
          currency: charge.currency,
          flat_fee: charge.flatFee,
          minimum: charge.minimum,
          advance: charge.advance,
        })),
      ),
    ],
  );
  for (const kind of ['flat-fee', 'minimum-guarantee'] as const) {
    const amount =
      kind === 'flat-fee'
        ? 'f.flat_fee'
        : `GREATEST(f.minimum - COALESCE((SELECT sum(c.exact) FROM run_charges c
                                            WHERE c.agreement_id = f.agreement_id), 0), 0)`;
    await manager.query(
      spreadOverWorks({
        kind: `'${kind}'`,
        with: `due AS (
           SELECT f.agreement_id, f.licensee_id, f.publisher_id, f.currency, ${amount} AS amount
             FROM run_fixed f),
         `,
        from: { source: 'due', alias: 'd' },
        amount: 'd.amount',
        where: 'd.amount > 0',
      }),
    );
  }
}
