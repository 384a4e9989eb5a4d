export const CATALOGUE_IMPORT_QUEUE = 'catalogue-imports';
export const LOAD_IMPORT_JOB = 'load';

export interface LoadImportJob {
  importId: string;
}
