import { missing, type Refusal } from '@/shared/crud/useCrudDialog';

/** A dues record for a member is refused before posting when the member picker is empty. */
export function memberRequired(
  form: { member?: number | null },
  t: (key: string) => string,
): { field: 'member'; message: string } | null {
  return form.member ? null : { field: 'member', message: t('console.dues.memberRequired') };
}

/** A dues base names the member, the base and the date it applies from: all empty ones at once. */
export function baseRequired(
  form: { member?: number | null; amount: string; effective_from: string },
  t: (key: string) => string,
): Refusal<'member' | 'amount' | 'effective_from'>[] {
  return missing(form, [
    ['member', t('console.dues.memberRequired')],
    ['amount', t('console.dues.baseRequired')],
    ['effective_from', t('console.dues.effectiveFromRequired')],
  ] as const);
}
