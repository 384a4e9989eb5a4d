import { Payee } from './payee.entity';
import { Work } from './work.entity';

export const catalogueEntities = [Payee, Work];
