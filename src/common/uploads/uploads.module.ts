import { Global, Module } from '@nestjs/common';
import { UploadQuota } from './upload-quota';
import { UploadSlots } from './upload-slots';
import { UploadStore } from './upload-store';

/**
 * One count of uploads in progress per process, the organizations' upload quota, and the path
 * that stores an upload with both, shared by every upload route.
 */
@Global()
@Module({
  providers: [UploadSlots, UploadQuota, UploadStore],
  exports: [UploadSlots, UploadQuota, UploadStore],
})
export class UploadsModule {}
