import type { DuesCategory, MemberStatus, Membership, TransferStatus } from '@/api/types';

export const MEMBERSHIPS: Membership[] = ['full', 'probationary'];
export const DUES: DuesCategory[] = ['employee', 'retiree', 'farmer', 'student', 'unemployed'];
export const MEMBER_STATUSES: MemberStatus[] = ['active', 'mobile', 'transferred_out', 'deceased', 'left'];
export const TRANSFER_STATUSES: TransferStatus[] = ['pending', 'accepted', 'rejected', 'cancelled'];
export const STATUS_TAGS: Record<MemberStatus, 'success' | 'warning' | 'info' | 'danger'> = {
  active: 'success',
  mobile: 'warning',
  transferred_out: 'info',
  deceased: 'info',
  left: 'danger',
};
