import { ref } from 'vue';
import type { RouteLocationNormalizedLoaded, Router } from 'vue-router';

import type { CompliancePeriod } from '@/api/meetingsGroup';

const PERIODS: CompliancePeriod[] = ['quarter', 'month', 'year'];

/** The year and period of the organizational-life pages, kept in the URL (`?year=&period=`). */
export function usePeriodQuery(route: RouteLocationNormalizedLoaded, router: Router) {
  const thisYear = new Date().getFullYear();
  const fromQuery = Number(route.query.year);
  const year = ref(Number.isInteger(fromQuery) && fromQuery > 2000 && fromQuery <= thisYear ? fromQuery : thisYear);
  const period = ref<CompliancePeriod>(PERIODS.find((value) => value === route.query.period) ?? 'quarter');
  // The rules date from 2018: the selector offers the years since (at most the last ten).
  const years = Array.from({ length: Math.min(10, thisYear - 2017) }, (_, index) => thisYear - index);

  function sync(): void {
    void router.replace({ query: { ...route.query, year: year.value, period: period.value } });
  }

  return { year, period, years, periods: PERIODS, sync };
}
