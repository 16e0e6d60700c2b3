import { ref } from 'vue';

import { useLoad } from '@/composables/useLoad';
import { download } from '@/shared/desktop/actions';
import { queryString } from '@/shared/files';
import { lastYearEnd, type AnnualReport } from '@/shared/reports/annualReport';

/** The report's query: the snapshot date, and the page's own filters (the group's `tenant`). */
type Query = { date: string; tenant?: number };

/**
 * The annual statistics report (统计年报) of the console (one party committee) and of the group
 * (all of them, or one): the snapshot date (default: the last 31 December), the report loaded
 * for it, and the Excel workbook with the same query. `fetch` calls the endpoint with the query;
 * `path` is the same endpoint for the download; `extra` adds the page's own filters.
 */
export function useAnnualReport(options: {
  path: string;
  fetch: (query: Query) => Promise<AnnualReport>;
  extra?: () => Omit<Query, 'date'>;
  filename: (date: string) => string;
}) {
  const date = ref(lastYearEnd());
  const query = (): Query => ({ date: date.value, ...(options.extra?.() ?? {}) });
  const report = useLoad<AnnualReport | null>(() => options.fetch(query()), null);

  const downloading = ref(false);
  async function downloadWorkbook(): Promise<void> {
    downloading.value = true;
    try {
      await download(`${options.path}${queryString({ ...query(), format: 'xlsx' })}`, options.filename(date.value));
    } finally {
      downloading.value = false;
    }
  }

  return { date, report, downloading, downloadWorkbook };
}
