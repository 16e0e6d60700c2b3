import { createI18n } from 'vue-i18n';

import en from './en';
import zhCN, { type MessageSchema } from './zh-CN';

export type AppLocale = 'zh-CN' | 'en';

export const LOCALES: { code: AppLocale; label: string }[] = [
  { code: 'zh-CN', label: '简体中文' },
  { code: 'en', label: 'English' },
];

const STORAGE_KEY = 'pc.locale';

function isAppLocale(value: unknown): value is AppLocale {
  return value === 'zh-CN' || value === 'en';
}

/** The language the user picked on this device, if any. */
export function storedLocale(): AppLocale | null {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return isAppLocale(value) ? value : null;
  } catch {
    return null;
  }
}

export const i18n = createI18n<[MessageSchema], AppLocale, false>({
  legacy: false,
  locale: storedLocale() ?? 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
});

export function currentLocale(): AppLocale {
  return i18n.global.locale.value;
}

/** Switch the UI language; `remember` keeps the choice on this device. */
export function setLocale(locale: AppLocale, { remember = true } = {}): void {
  i18n.global.locale.value = locale;
  document.documentElement.lang = locale;
  if (remember) {
    try {
      localStorage.setItem(STORAGE_KEY, locale);
    } catch {
      // Private mode: the choice lasts for this page only.
    }
  }
}

/** A party committee's default language (`zh-hans`/`en`), unless the user chose one. */
export function adoptSiteLocale(serverLocale: string | undefined): void {
  if (storedLocale()) return;
  setLocale(serverLocale === 'en' ? 'en' : 'zh-CN', { remember: false });
}

/** The Accept-Language the API should answer in (Django's language codes). */
export function serverLanguage(): 'zh-hans' | 'en' {
  return currentLocale() === 'en' ? 'en' : 'zh-hans';
}
