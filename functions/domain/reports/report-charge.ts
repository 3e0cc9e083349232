import { quotaPeriod } from '../access/quota.ts';

/** A new report job costs this many AI quota units; joining a running one costs nothing. */
export const reportQuotaUnits = 1;

/**
 * The quota month a report was charged to. The generate route charges with the report's own `createdAt` as
 * the time, so a refund long after (a lost job settled by a later read) returns the unit to the same month,
 * even across a month boundary.
 */
export const reportQuotaPeriod = (report: { createdAt: string }): string => quotaPeriod(new Date(report.createdAt));
