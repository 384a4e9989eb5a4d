import { ApiKey } from './api-key.entity';
import { AuditEvent } from './audit-event.entity';
import { Organization } from './organization.entity';
import { PrincipalRecord } from './principal.entity';

export const organizationEntities = [Organization, PrincipalRecord, ApiKey, AuditEvent];
