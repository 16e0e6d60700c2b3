import { describe, expect, it } from 'vitest';

import { canSubmit, capState, decisionPayload, excellentCap, lineProblems, type DecisionLine } from './decision';

const line = (participant: number, grade: DecisionLine['grade'], extra: Partial<DecisionLine> = {}): DecisionLine => ({
  participant,
  grade,
  unqualified_reasons: '',
  follow_up: '',
  follow_up_deadline: null,
  ...extra,
});

describe('the cap on 优秀 (one third of the full members graded, rounded down)', () => {
  it.each([
    [0, 0],
    [1, 0],
    [2, 0],
    [3, 1],
    [5, 1],
    [6, 2],
    [7, 2],
    [9, 3],
  ])('%i full members → at most %i', (graded, cap) => {
    expect(excellentCap(graded, 1, 3)).toBe(cap);
  });

  it('follows a local rule version', () => {
    expect(excellentCap(10, 1, 4)).toBe(2);
    expect(excellentCap(10, 0, 3)).toBe(0);
    expect(excellentCap(10, 1, 0)).toBe(0);
  });

  it('counts live and is over only past the cap', () => {
    const lines = [line(1, 'excellent'), line(2, 'qualified'), line(3, '')];
    expect(capState(lines, 1)).toEqual({ excellent: 1, cap: 1, over: false, full: true });
    lines[2] = line(3, 'excellent');
    expect(capState(lines, 1)).toEqual({ excellent: 2, cap: 1, over: true, full: true });
    expect(capState([line(1, 'qualified')], 1)).toEqual({ excellent: 0, cap: 1, over: false, full: false });
  });
});

describe('the lines', () => {
  it('needs a grade', () => {
    expect(lineProblems(line(1, ''))).toEqual(['grade']);
    expect(lineProblems(line(1, 'basically_qualified'))).toEqual([]);
  });

  it('不合格 needs the reasons and a follow-up, 限期改正 a deadline', () => {
    expect(lineProblems(line(1, 'unqualified'))).toEqual(['reasons', 'followUp']);
    expect(lineProblems(line(1, 'unqualified', { unqualified_reasons: '  ' }))).toEqual(['reasons', 'followUp']);
    expect(
      lineProblems(line(1, 'unqualified', { unqualified_reasons: '长期不参加组织生活', follow_up: 'rectify' })),
    ).toEqual(['deadline']);
    expect(
      lineProblems(
        line(1, 'unqualified', {
          unqualified_reasons: '长期不参加组织生活',
          follow_up: 'rectify',
          follow_up_deadline: '2027-06-30',
        }),
      ),
    ).toEqual([]);
    expect(lineProblems(line(1, 'unqualified', { unqualified_reasons: '理由', follow_up: 'remove' }))).toEqual([]);
  });

  it('submits only complete lines within the cap', () => {
    expect(canSubmit([], 1)).toBe(false);
    expect(canSubmit([line(1, 'excellent'), line(2, 'qualified'), line(3, 'qualified')], 1)).toBe(true);
    expect(canSubmit([line(1, 'excellent'), line(2, 'excellent'), line(3, 'qualified')], 1)).toBe(false);
    expect(canSubmit([line(1, 'excellent'), line(2, ''), line(3, 'qualified')], 1)).toBe(false);
  });

  it('sends the reasons, follow-up and deadline only where they belong', () => {
    const stale = { unqualified_reasons: '旧的原因', follow_up: 'rectify' as const, follow_up_deadline: '2027-01-01' };
    expect(
      decisionPayload([line(1, 'qualified', stale), line(2, 'unqualified', { ...stale, follow_up: 'remove' })]),
    ).toEqual([line(1, 'qualified'), line(2, 'unqualified', { unqualified_reasons: '旧的原因', follow_up: 'remove' })]);
  });
});
