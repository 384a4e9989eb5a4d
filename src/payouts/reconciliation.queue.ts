export const RECONCILIATION_QUEUE = 'reconciliations';
export const RECONCILE_JOB = 'reconcile';
export const SCHEDULED_RECONCILIATION_JOB = 'scheduled';
export const RECONCILIATION_SCHEDULER = 'daily-reconciliation';

export interface ReconcileJob {
  reconciliationId: string;
}
