import { describe, expect, it } from 'vitest';

import { ApiError } from '@/api/errors';
import type { SheetMappingProposal } from '@/api/types';

import { initialMapping, mappingProposalOf, missingFields, samplesOf } from './sheetMapping';

const proposal: SheetMappingProposal = {
  header_row: 2,
  columns: [
    { column: '序号', field: 'ignore' },
    { column: '人员', field: 'ignore' },
    { column: '证件', field: 'id_card_number' },
  ],
  preview: [
    ['1', '李红', '110101198506121234'],
    ['2', '', '110101198506121242'],
  ],
  fields: [
    { key: 'name', header: '姓名', required: true },
    { key: 'id_card_number', header: '身份证号', required: true },
    { key: 'job', header: '工作岗位', required: false },
  ],
  missing: [{ key: 'name', header: '姓名' }],
};

describe('sheet mapping', () => {
  it('reads the proposal of a mapping_required error only', () => {
    const error = new ApiError(400, {
      code: 'sheets.mapping_required',
      message: 'm',
      field: 'mapping',
      proposal,
    } as never);
    expect(mappingProposalOf(error)).toEqual(proposal);
    expect(mappingProposalOf(new ApiError(400, { code: 'other', message: 'm', field: null }))).toBeNull();
    expect(mappingProposalOf(new Error('x'))).toBeNull();
  });

  it('starts from the proposal and says which required fields are still unmapped', () => {
    const mapping = initialMapping(proposal);
    expect(mapping).toEqual({ 序号: 'ignore', 人员: 'ignore', 证件: 'id_card_number' });
    expect(missingFields(proposal, mapping).map((field) => field.key)).toEqual(['name']);
    expect(missingFields(proposal, { ...mapping, 人员: 'name' })).toEqual([]);
  });

  it('shows the non-empty values of a column as samples', () => {
    expect(samplesOf(proposal, 1)).toBe('李红');
    expect(samplesOf(proposal, 0)).toBe('1、2');
  });
});
