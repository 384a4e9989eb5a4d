export const USAGE_REPORT_QUEUE = 'usage-reports';
export const PROCESS_REPORT_JOB = 'process';

export interface ProcessReportJob {
  reportId: string;
}
