export const USAGE_REPORT_QUEUE = 'usage-reports';
export const PROCESS_REPORT_JOB = 'process';

export interface ProcessReportJob {
  reportId: string;
}

/** Re-match suspended lines of every counting report; one queued at a time (fixed job id). */
export const REMATCH_JOB = 'rematch';
