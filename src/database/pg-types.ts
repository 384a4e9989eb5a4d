import { types } from 'pg';

// A calendar date is a date, not an instant: keep PostgreSQL `date` as its `YYYY-MM-DD` text
// instead of node-postgres's Date at local midnight, which shifts with the process time zone.
const DATE_OID = 1082;
types.setTypeParser(DATE_OID, (value: string) => value);
