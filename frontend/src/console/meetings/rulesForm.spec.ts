import { describe, expect, it } from 'vitest';

import type { Requirement, RuleVersion } from '@/api/meetings';

import { blankRow, checkDraft, draftFrom, droppedKinds, inForce, newest, ruleBody, rowState } from './rulesForm';

const req = (kind: number, period: Requirement['period'], minimum: number, applies_to: Requirement['applies_to']) => ({
  kind,
  kind_code: `k${kind}`,
  kind_name: `kind ${kind}`,
  period,
  minimum,
  applies_to,
});

const BUILTIN: RuleVersion = {
  id: 1,
  version: '2018.1',
  effective_from: '2018-10-28',
  source: '中国共产党支部工作条例（试行）',
  local: false,
  committee_threshold: 7,
  requirements: [
    req(1, 'quarter', 1, 'branch'),
    req(2, 'month', 1, 'branch_with_committee'),
    req(3, 'month', 1, 'party_group'),
  ],
};
const LOCAL: RuleVersion = {
  id: 2,
  version: '2026.本单位',
  effective_from: '2026-07-01',
  source: 'local',
  local: true,
  committee_threshold: 9,
  requirements: [...BUILTIN.requirements, req(9, 'month', 1, 'committee')],
};
// The server answers newest first; the helpers do not rely on it.
const RULES = [BUILTIN, LOCAL];

describe('rule versions', () => {
  it('finds the newest version and the one in force on a day', () => {
    expect(newest(RULES)?.id).toBe(2);
    expect(inForce(RULES, new Date(2026, 5, 30))?.id).toBe(1);
    expect(inForce(RULES, new Date(2026, 6, 1))?.id).toBe(2);
    expect(inForce(RULES, new Date(2017, 0, 1))).toBeNull();
    expect(inForce([], new Date())).toBeNull();
  });

  it('on the same day the later id is in force', () => {
    const again = { ...LOCAL, id: 3, version: 'again' };
    expect(inForce([LOCAL, again], new Date(2026, 7, 1))?.id).toBe(3);
  });
});

describe('new local version', () => {
  const today = new Date(2026, 11, 7);

  it('starts from a copy of the newest version rows, in force from today', () => {
    const draft = draftFrom(RULES, today, '2027.本单位');
    expect(draft.version).toBe('2027.本单位');
    expect(draft.effective_from).toBe('2026-12-07');
    expect(draft.committee_threshold).toBe(9);
    expect(draft.rows.map(({ kind, period, minimum, applies_to }) => [kind, period, minimum, applies_to])).toEqual([
      [1, 'quarter', 1, 'branch'],
      [2, 'month', 1, 'branch_with_committee'],
      [3, 'month', 1, 'party_group'],
      [9, 'month', 1, 'committee'],
    ]);
    expect(new Set(draft.rows.map((row) => row.key)).size).toBe(4);
    // A copy: editing the draft leaves the loaded version alone.
    draft.rows[0].minimum = 2;
    expect(LOCAL.requirements[0].minimum).toBe(1);
    expect(checkDraft(draft, RULES, today)).toEqual([]);
  });

  it('marks added and changed rows and posts every row with the removed kinds dropped', () => {
    const draft = draftFrom(RULES, today, '2027.本单位');
    draft.rows[0].minimum = 2; // general meeting twice a quarter
    draft.rows.splice(2, 1); // no more party group meetings
    const added = blankRow(11);
    added.applies_to = 'committee';
    draft.rows.push(added); // 中心组学习 monthly for committees
    expect(draft.rows.map((row) => rowState(row, RULES))).toEqual(['changed', 'same', 'same', 'new']);
    expect(droppedKinds(draft, RULES)).toEqual([3]);
    expect(ruleBody(draft, RULES)).toEqual({
      version: '2027.本单位',
      effective_from: '2026-12-07',
      source: '',
      committee_threshold: 9,
      requirements: [
        { kind: 1, period: 'quarter', minimum: 2, applies_to: 'branch' },
        { kind: 2, period: 'month', minimum: 1, applies_to: 'branch_with_committee' },
        { kind: 9, period: 'month', minimum: 1, applies_to: 'committee' },
        { kind: 11, period: 'month', minimum: 1, applies_to: 'committee' },
        { kind: 3, period: 'month', minimum: 0, applies_to: 'party_group' },
      ],
    });
  });

  it('starts empty when there is no version yet', () => {
    const draft = draftFrom([], today);
    expect(draft.rows).toEqual([]);
    expect(draft.committee_threshold).toBe(7);
    draft.version = 'first';
    draft.rows.push(blankRow(4));
    expect(ruleBody(draft, []).requirements).toEqual([{ kind: 4, period: 'month', minimum: 1, applies_to: 'branch' }]);
  });

  it('refuses a missing or taken name, a day before this year, a bad threshold and bad rows before sending', () => {
    const draft = draftFrom(RULES, today, ' 2018.1 ');
    draft.effective_from = '2025-12-31';
    draft.committee_threshold = 2;
    draft.rows.push(blankRow(null));
    expect(checkDraft(draft, RULES, today)).toEqual([
      { field: 'version', check: 'versionTaken' },
      { field: 'effective_from', check: 'beforeThisYear' },
      { field: 'committee_threshold', check: 'badThreshold' },
      { field: 'requirements', check: 'rowKind' },
    ]);
    draft.version = '  ';
    draft.effective_from = '';
    draft.committee_threshold = 7;
    draft.rows.pop();
    draft.rows.push(blankRow(1));
    expect(checkDraft(draft, RULES, today)).toEqual([
      { field: 'version', check: 'required' },
      { field: 'effective_from', check: 'required' },
      { field: 'requirements', check: 'duplicateKind' },
    ]);
    draft.rows.pop();
    draft.rows[1].minimum = 0;
    expect(checkDraft(draft, RULES, today)).toContainEqual({ field: 'requirements', check: 'badMinimum' });
    draft.rows[1].minimum = 32;
    expect(checkDraft(draft, RULES, today)).toContainEqual({ field: 'requirements', check: 'badMinimum' });
  });
});
