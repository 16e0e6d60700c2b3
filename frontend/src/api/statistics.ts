/** The annual statistics report (统计年报, `partycloud.statistics`): one party committee's, the group's. */
import { api, call } from './client';
import type { Query } from './operation';
import type { components } from './schema';

type AnnualStatisticsReport = components['schemas']['AnnualStatisticsReport'];

// The schema lists two answers, the JSON report and (with `format=xlsx`) the workbook as a
// string; these ask for the JSON one (the workbook is a download: see useAnnualReport).

/** This party committee's report (console). */
export async function getAnnualReport(
  query: Omit<Query<'/api/v1/annual-report'>, 'format'>,
): Promise<AnnualStatisticsReport> {
  return (await call(api.GET('/api/v1/annual-report', { params: { query } }))) as AnnualStatisticsReport;
}

/** The group's report: all party committees, or one (`tenant`). */
export async function getGroupAnnualReport(
  query: Omit<Query<'/api/v1/group/annual-report'>, 'format'>,
): Promise<AnnualStatisticsReport> {
  return (await call(api.GET('/api/v1/group/annual-report', { params: { query } }))) as AnnualStatisticsReport;
}
