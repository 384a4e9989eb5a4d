import { Module } from '@nestjs/common';
import { CatalogueModule } from './catalogue.module';
import { CatalogueImportRecovery } from './imports/catalogue-import-recovery';
import { CatalogueImportProcessor } from './imports/catalogue-import.processor';

/** The catalogue's background work: loading imports. Runs where workers run (WORKER_MODULES). */
@Module({
  imports: [CatalogueModule],
  providers: [CatalogueImportProcessor, CatalogueImportRecovery],
})
export class CatalogueWorkersModule {}
