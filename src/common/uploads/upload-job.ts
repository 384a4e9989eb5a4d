import { JobsOptions } from 'bullmq';

/** The queue's one method used here (a BullMQ Queue of the job's data). */
interface JobQueue<Data> {
  add(name: string, data: Data, options: JobsOptions): Promise<unknown>;
}

/**
 * Queues the job that processes a stored upload (loads an import, matches a report). Its id,
 * the upload's, makes a second add a no-op; a failure to queue goes to `refused` (the module
 * logs it: its recovery sweep adds the job again).
 */
export async function queueUploadJob<Data>(
  queue: JobQueue<Data>,
  name: string,
  data: Data,
  uploadId: string,
  refused: (error: unknown) => void,
): Promise<void> {
  try {
    await queue.add(name, data, {
      jobId: uploadId,
      attempts: 5,
      backoff: { type: 'exponential', delay: 2000 },
      removeOnComplete: true,
      removeOnFail: 1000,
    });
  } catch (error) {
    refused(error);
  }
}
