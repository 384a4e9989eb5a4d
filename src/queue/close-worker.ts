import { Worker } from 'bullmq';

/**
 * A hand-made BullMQ worker closed at shutdown: jobs in flight get a few seconds to finish, then
 * are left (an abandoned job is taken over by another worker when its lock expires, and every
 * job here starts by reading where its work stands, so nothing is done twice).
 */
export async function closeWorker(worker: Worker | undefined): Promise<void> {
  if (!worker) return;
  // Closed while its Redis connections are still connecting, BullMQ would emit their failure
  // where no one listens (an app stopped right after it started, as in tests).
  await Promise.race([
    worker.waitUntilReady().catch(() => undefined),
    new Promise((resolve) => setTimeout(resolve, 2000).unref()),
  ]);
  const closed = worker.close();
  const late = await Promise.race([
    closed.then(() => false),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 4000).unref()),
  ]);
  if (late) await worker.close(true);
}
