import { useI18n } from 'vue-i18n';

/** A figure's label in the UI language; the server's (Chinese) label for a figure the UI does not know. */
export function useFigureLabel(): (key: string, fallback?: string) => string {
  const { t, te } = useI18n();
  return (key, fallback = key) => (te(`dashboard.figures.${key}`) ? t(`dashboard.figures.${key}`) : fallback);
}
