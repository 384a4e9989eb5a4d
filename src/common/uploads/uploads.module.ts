import { Global, Module } from '@nestjs/common';
import { UploadSlots } from './upload-slots';

/** One count of uploads in progress per process, shared by every upload route. */
@Global()
@Module({ providers: [UploadSlots], exports: [UploadSlots] })
export class UploadsModule {}
