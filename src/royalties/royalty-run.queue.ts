export const ROYALTY_RUN_QUEUE = 'royalty-runs';
export const CALCULATE_RUN_JOB = 'calculate';

export interface CalculateRunJob {
  runId: string;
}
