import { describe, expect, it } from 'vitest';

import { chartScale, kindRows, monthBars, monthOf, niceMax, thisMonthPoints } from './breakdown';

describe('the chart scale', () => {
  it('rounds the top up to 1, 2 or 5 times a power of ten, at least 5', () => {
    expect([0, 1, 5, 6, 10, 11, 20, 21, 50, 51, 100, 101, 740].map(niceMax)).toEqual([
      5, 5, 5, 10, 10, 20, 20, 50, 50, 100, 100, 200, 1000,
    ]);
    expect(niceMax(Number.NaN)).toBe(5);
  });
});

describe('the bars of a year', () => {
  const today = new Date(2026, 4, 20); // 20 May 2026

  it('runs from January to this month, empty months as zero, scaled to the round top', () => {
    const bars = monthBars(
      [
        { month: '2026-01', points: 12 },
        { month: '2026-03', points: 40 },
        { month: '2026-05', points: 3 },
        { month: '2025-12', points: 99 }, // another year: ignored
      ],
      2026,
      today,
    );
    expect(bars.map((bar) => [bar.month, bar.number, bar.points, bar.height])).toEqual([
      ['2026-01', 1, 12, 24],
      ['2026-02', 2, 0, 0],
      ['2026-03', 3, 40, 80],
      ['2026-04', 4, 0, 0],
      ['2026-05', 5, 3, 6],
    ]);
    expect(chartScale(bars)).toEqual({ top: 50, middle: 25 });
  });

  it('shows all twelve months of a past year and none of a future one', () => {
    expect(monthBars([], 2025, today)).toHaveLength(12);
    expect(monthBars([], 2025, today).every((bar) => bar.height === 0)).toBe(true);
    expect(monthBars([{ month: '2027-01', points: 1 }], 2027, today)).toEqual([]);
  });

  it('adds up a month sent twice and never draws a bar above the chart', () => {
    const bars = monthBars(
      [
        { month: '2025-06', points: 30 },
        { month: '2025-06', points: 70 },
      ],
      2025,
      today,
    );
    expect(bars[5]).toEqual({ month: '2025-06', number: 6, points: 100, height: 100 });
    expect(Math.max(...bars.map((bar) => bar.height))).toBeLessThanOrEqual(100);
  });

  it("takes this month's points from the year's months, only for this year", () => {
    const months = [
      { month: '2026-04', points: 9 },
      { month: '2026-05', points: 7 },
    ];
    expect(thisMonthPoints(months, 2026, today)).toBe(7);
    expect(thisMonthPoints([], 2026, today)).toBe(0);
    expect(thisMonthPoints(months, 2025, today)).toBeNull();
  });

  it('names the month of a day', () => {
    expect(monthOf(new Date(2026, 0, 31))).toBe('2026-01');
    expect(monthOf(new Date(2026, 11, 1))).toBe('2026-12');
  });
});

describe('points by kind', () => {
  it('puts the largest first with its share, marks capped kinds and leaves out empty ones', () => {
    const rows = kindRows([
      { kind: 'video_watched', points: 6, capped: 2 },
      { kind: 'article_read', label: '阅读文章', points: 12, capped: 0 },
      { kind: 'meeting_attended', points: 6 },
      { kind: 'quiz_completed', points: 0 },
      { kind: 'reading_time', points: 0, capped: 3 }, // all cut: still shown, marked
    ]);
    expect(rows).toEqual([
      { kind: 'article_read', label: '阅读文章', points: 12, share: 50, capped: false },
      { kind: 'meeting_attended', label: 'meeting_attended', points: 6, share: 25, capped: false },
      { kind: 'video_watched', label: 'video_watched', points: 6, share: 25, capped: true },
      { kind: 'reading_time', label: 'reading_time', points: 0, share: 0, capped: true },
    ]);
  });

  it('has no shares without points', () => {
    expect(kindRows([])).toEqual([]);
    expect(kindRows([{ kind: 'login', points: 0, capped: 1 }])).toEqual([
      { kind: 'login', label: 'login', points: 0, share: 0, capped: true },
    ]);
  });

  it('rounds shares to one decimal', () => {
    const rows = kindRows([
      { kind: 'a', points: 1 },
      { kind: 'b', points: 2 },
    ]);
    expect(rows.map((row) => row.share)).toEqual([66.7, 33.3]);
  });
});
