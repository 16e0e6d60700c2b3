/**
 * The checks a form makes before sending: each failed check puts its message on its field.
 * Returns true when one failed (the form then shows them all at once and sends nothing).
 */
export function refuse<F extends string>(
  fieldErrors: Partial<Record<F, string>>,
  checks: readonly (readonly [field: F, failed: boolean, message: string])[],
): boolean {
  let refused = false;
  for (const [field, failed, message] of checks) {
    if (!failed) continue;
    fieldErrors[field] ??= message;
    refused = true;
  }
  return refused;
}
