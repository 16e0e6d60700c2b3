/** Transfers of membership (`tenants.transfers`): within the tenant and to another one. */
import { api, call } from './client';
import type { Body, Query } from './operation';
import type { TransferDestination } from './types';

export function listTransfers(query: Query<'/api/v1/transfers'>) {
  return call(api.GET('/api/v1/transfers', { params: { query } }));
}

/** The tenants a member can be transferred to. */
export async function listTransferDestinations(): Promise<TransferDestination[]> {
  // The schema has the items as free-form objects.
  return (await call(api.GET('/api/v1/transfers/destinations'))).tenants as unknown as TransferDestination[];
}

export function startTransfer(body: Body<'/api/v1/transfers'>) {
  return call(api.POST('/api/v1/transfers', { body }));
}

export function acceptTransfer(id: number, body: Body<'/api/v1/transfers/{id}/accept'>) {
  return call(api.POST('/api/v1/transfers/{id}/accept', { params: { path: { id } }, body }));
}

export function rejectTransfer(id: number, body: Body<'/api/v1/transfers/{id}/reject'>) {
  return call(api.POST('/api/v1/transfers/{id}/reject', { params: { path: { id } }, body }));
}

export function cancelTransfer(id: number) {
  return call(api.POST('/api/v1/transfers/{id}/cancel', { params: { path: { id } } }));
}
