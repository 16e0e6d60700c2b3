/**
 * Web Push on this device: the service worker (pwa/sw.js) subscribes with the platform's VAPID
 * key and shows what arrives; the server keeps the subscription per person and device.
 *
 * iOS delivers Web Push only to a PWA added to the home screen (iOS/iPadOS 16.4+); in a Safari
 * tab the PushManager is missing, so we tell the person to install first.
 */
import { addPushSubscription, removePushSubscription } from '@/api/notifications';

export type PushSupport = 'ok' | 'unsupported' | 'install-first' | 'denied';

function isAppleMobile(): boolean {
  return (
    /iPhone|iPad|iPod/.test(navigator.userAgent) || (navigator.maxTouchPoints > 1 && /Mac/.test(navigator.userAgent))
  );
}

function isStandalone(): boolean {
  return window.matchMedia?.('(display-mode: standalone)').matches || 'standalone' in navigator;
}

export function pushSupport(): PushSupport {
  const capable = 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
  if (!capable) return isAppleMobile() && !isStandalone() ? 'install-first' : 'unsupported';
  return Notification.permission === 'denied' ? 'denied' : 'ok';
}

/** The VAPID key as the PushManager wants it (base64url → bytes). */
export function applicationServerKey(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = (base64url + '='.repeat((4 - (base64url.length % 4)) % 4)).replace(/-/g, '+').replace(/_/g, '/');
  const raw = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i += 1) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

async function registration(): Promise<ServiceWorkerRegistration> {
  // The worker is registered by main.ts in production builds; register here too so that a
  // development build (where it is not) can still subscribe.
  return (
    (await navigator.serviceWorker.getRegistration('/')) ?? navigator.serviceWorker.register('/sw.js', { scope: '/' })
  );
}

/** This device's current subscription, if push is on here. */
export async function currentSubscription(): Promise<PushSubscription | null> {
  if (pushSupport() !== 'ok') return null;
  const worker = await navigator.serviceWorker.getRegistration('/');
  return (await worker?.pushManager.getSubscription()) ?? null;
}

/** Ask for permission, subscribe and register the subscription; returns the number of devices. */
export async function enablePush(publicKey: string): Promise<number | 'denied'> {
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') return 'denied';
  const worker = await registration();
  await navigator.serviceWorker.ready;
  const subscription =
    (await worker.pushManager.getSubscription()) ??
    (await worker.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: applicationServerKey(publicKey),
    }));
  const { endpoint, keys } = subscription.toJSON();
  const state = await addPushSubscription({
    endpoint: endpoint ?? '',
    keys: { p256dh: keys?.p256dh ?? '', auth: keys?.auth ?? '' },
  });
  return state.devices;
}

/** Stop push on this device (here and at the push service). */
export async function disablePush(): Promise<number> {
  const subscription = await currentSubscription();
  if (!subscription) return 0;
  const state = await removePushSubscription({ endpoint: subscription.endpoint });
  await subscription.unsubscribe();
  return state.devices;
}
