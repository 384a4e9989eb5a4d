import { Injectable } from '@nestjs/common';
import { RecoverySweeper, requeueEach } from '../../queue/recovery-sweeper';
import { CatalogueImportLoader } from './catalogue-import-loader';
import { CatalogueImportService } from './catalogue-import.service';

/**
 * Redis holds only the queue; the database holds the truth. At start and every minute, every
 * unfinished import gets its job again (the job id makes that a no-op when it is queued).
 */
@Injectable()
export class CatalogueImportRecovery extends RecoverySweeper {
  constructor(
    private readonly loader: CatalogueImportLoader,
    private readonly imports: CatalogueImportService,
  ) {
    super({ everyMs: 60_000, failure: 'import recovery sweep failed' });
  }

  protected recover(): Promise<void> {
    return requeueEach(
      () => this.loader.unfinished(),
      (id) => this.imports.enqueue(id),
    );
  }
}
