import { ApiError } from '@/api/errors';
import type { SheetMappingProposal } from '@/api/types';
import { fileForm } from '@/shared/files';

/** The field value for "do not import this column". */
export const IGNORE = 'ignore';
export const MAPPING_REQUIRED = 'sheets.mapping_required';

/** The column-mapping proposal an import answered with, or null for any other error. */
export function mappingProposalOf(error: unknown): SheetMappingProposal | null {
  if (!(error instanceof ApiError) || error.code !== MAPPING_REQUIRED) return null;
  const proposal = error.body.proposal as SheetMappingProposal | undefined;
  return proposal && Array.isArray(proposal.columns) ? proposal : null;
}

/** {sheet column: field} as the server proposed it. */
export function initialMapping(proposal: SheetMappingProposal): Record<string, string> {
  return Object.fromEntries(proposal.columns.map((item) => [item.column, item.field]));
}

/** The required fields no column is mapped to yet. */
export function missingFields(
  proposal: SheetMappingProposal,
  mapping: Record<string, string>,
): SheetMappingProposal['fields'] {
  const chosen = new Set(Object.values(mapping));
  return proposal.fields.filter((field) => field.required && !chosen.has(field.key));
}

/** The first few values of a column in the preview, for the person choosing its field. */
export function samplesOf(proposal: SheetMappingProposal, index: number, count = 3): string {
  return proposal.preview
    .map((row) => row[index] ?? '')
    .filter((value) => value !== '')
    .slice(0, count)
    .join('、');
}

/** The multipart body of an import upload, with the columns mapped by hand when there are some. */
export function importForm(file: File, mapping?: Record<string, string>): { file: string } {
  const fields: Record<string, string> = mapping ? { mapping: JSON.stringify(mapping) } : {};
  return fileForm(file, fields);
}
