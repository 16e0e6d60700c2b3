/** A dues record for a member is refused before posting when the member picker is empty. */
export function memberRequired(
  form: { member?: number | null },
  t: (key: string) => string,
): { field: 'member'; message: string } | null {
  return form.member ? null : { field: 'member', message: t('console.dues.memberRequired') };
}
