import { Global, Module } from '@nestjs/common';
import { UploadQuota } from './upload-quota';
import { UploadSlots } from './upload-slots';

/**
 * One count of uploads in progress per process, and the organizations' upload quota, shared by
 * every upload route.
 */
@Global()
@Module({ providers: [UploadSlots, UploadQuota], exports: [UploadSlots, UploadQuota] })
export class UploadsModule {}
