/**
 * Notifications (`tenants.notifications`): the member's inbox and settings, Web Push
 * subscriptions (portal), and the deliveries log (console).
 */
import { api, call } from './client';
import type { Body, Query } from './operation';

// ---- inbox (portal)
export function listNotifications(query: Query<'/api/v1/notifications'>) {
  return call(api.GET('/api/v1/notifications', { params: { query } }));
}

export function getUnreadCount() {
  return call(api.GET('/api/v1/notifications/unread-count'));
}

/** Mark one read; answers the unread count. */
export function markNotificationRead(id: number) {
  return call(api.POST('/api/v1/notifications/{id}/read', { params: { path: { id } } }));
}

export function markAllNotificationsRead() {
  return call(api.POST('/api/v1/notifications/read-all'));
}

// ---- settings and Web Push (portal)
export function getNotificationSettings() {
  return call(api.GET('/api/v1/notifications/settings'));
}

export function saveNotificationSettings(body: Body<'/api/v1/notifications/settings', 'put'>) {
  return call(api.PUT('/api/v1/notifications/settings', { body }));
}

export function addPushSubscription(body: Body<'/api/v1/notifications/push-subscriptions'>) {
  return call(api.POST('/api/v1/notifications/push-subscriptions', { body }));
}

export function removePushSubscription(body: Body<'/api/v1/notifications/push-subscriptions/remove'>) {
  return call(api.POST('/api/v1/notifications/push-subscriptions/remove', { body }));
}

// ---- deliveries (console)
export function listDeliveries(query: Query<'/api/v1/notification-deliveries'>) {
  return call(api.GET('/api/v1/notification-deliveries', { params: { query } }));
}

export function getDeliverySummary() {
  return call(api.GET('/api/v1/notification-deliveries/summary'));
}

export function retryDelivery(id: number) {
  return call(api.POST('/api/v1/notification-deliveries/{id}/retry', { params: { path: { id } } }));
}
