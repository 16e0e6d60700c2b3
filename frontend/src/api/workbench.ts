/** The console's workbench (`tenants.workbench`): to-dos, figures and links for the signed-in user. */
import { api, call } from './client';

export function getWorkbench() {
  return call(api.GET('/api/v1/workbench'));
}
