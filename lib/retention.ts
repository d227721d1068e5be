/**
 * How long a deleted workspace stays in the trash before a job purges it
 * (seed 002: 30 days), configurable for installations that keep less or more.
 */
export const PURGE_AFTER_DAYS = Math.max(1, Number(process.env.PURGE_AFTER_DAYS) || 30);
