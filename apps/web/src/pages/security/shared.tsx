import { Tag, type TablePaginationConfig } from 'antd';
import type { PaginationConfig } from 'antd/es/pagination';
import type { TFunction } from 'i18next';
import dayjs from 'dayjs';
import { useSyncExternalStore, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { saveBlob } from '../../api/client';

const PHONE_QUERY = '(max-width: 767px)';

/** Below antd's md breakpoint the security and audit pages show cards and full-width drawers instead of wide tables. */
export function useIsPhone(): boolean {
  return useSyncExternalStore(
    (cb) => {
      const mq = window.matchMedia(PHONE_QUERY);
      mq.addEventListener('change', cb);
      return () => mq.removeEventListener('change', cb);
    },
    () => window.matchMedia(PHONE_QUERY).matches,
  );
}

export const fmtTime = (v: string | null | undefined, withSeconds = false) =>
  v ? dayjs(v).format(withSeconds ? 'YYYY-MM-DD HH:mm:ss' : 'YYYY-MM-DD HH:mm') : '—';

/** Copies text; falls back to a selected textarea where the Clipboard API is missing (plain http on an intranet address). */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the textarea
  }
  const ta = document.createElement('textarea');
  ta.value = text;
  ta.setAttribute('readonly', '');
  ta.style.position = 'fixed';
  ta.style.opacity = '0';
  document.body.appendChild(ta);
  ta.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  ta.remove();
  return ok;
}

/** Saves text as a .txt file on the user's device, with Windows line ends so Notepad shows the lines. */
export function downloadText(name: string, text: string) {
  saveBlob(new Blob(['\ufeff' + text.replace(/\r?\n/g, '\r\n')], { type: 'text/plain;charset=utf-8' }), name);
}

/** A short name for the device of a session: browser (or the WeChat / DingTalk in-app browser) and system. */
export function describeUserAgent(ua: string | null | undefined, t: TFunction): string {
  if (!ua) return '—';
  const app = /MicroMessenger|wxwork/i.test(ua)
    ? /wxwork/i.test(ua)
      ? t('security.ua.wecom')
      : t('security.ua.wechat')
    : /DingTalk/i.test(ua)
      ? t('security.ua.dingtalk')
      : /Edg\//.test(ua)
        ? 'Edge'
        : /Firefox\//.test(ua)
          ? 'Firefox'
          : /Chrome\/|Chromium\//.test(ua)
            ? 'Chrome'
            : /Safari\//.test(ua)
              ? 'Safari'
              : null;
  const os = /iPhone|iPad/.test(ua)
    ? 'iOS'
    : /HarmonyOS/i.test(ua)
      ? 'HarmonyOS'
      : /Android/.test(ua)
        ? 'Android'
        : /Windows/.test(ua)
          ? 'Windows'
          : /Mac OS X|Macintosh/.test(ua)
            ? 'macOS'
            : /Linux/.test(ua)
              ? 'Linux'
              : null;
  const parts = [app, os].filter(Boolean);
  return parts.length ? parts.join(' · ') : ua.slice(0, 40);
}

const DUTY_COLORS = { system: 'geekblue', security: 'volcano', audit: 'purple' } as const;

/** The 三员 duty of an account, as a tag. */
export function DutyTag({ duty }: { duty: keyof typeof DUTY_COLORS | null }) {
  const { t } = useTranslation();
  if (!duty) return null;
  return <Tag color={DUTY_COLORS[duty]}>{t(`security.duty.${duty}`)}</Tag>;
}

/** A table's server pagination, for the card list that replaces the table on a phone. */
export function cardPagination(p: TablePaginationConfig): PaginationConfig {
  return { current: p.current, pageSize: p.pageSize, total: p.total, onChange: p.onChange, showTotal: p.showTotal, size: 'small', align: 'center', showSizeChanger: false };
}

/** "label：value" with the colon of the language (full-width in Chinese). */
export function Fact({ label, children }: { label: string; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <div>
      {label}
      {t('security.colon')}
      {children}
    </div>
  );
}

/** Where and when a session began, was last used and will end: the card of a session on a phone. */
export function SessionFacts({ s }: { s: { ip: string | null; createdAt: string; lastSeenAt: string; expiresAt: string } }) {
  const { t } = useTranslation();
  return (
    <div style={{ fontSize: 12 }}>
      <Fact label={t('accountSecurity.ip')}>{s.ip ?? '—'}</Fact>
      <Fact label={t('accountSecurity.createdAt')}>{fmtTime(s.createdAt)}</Fact>
      <Fact label={t('accountSecurity.lastSeenAt')}>{fmtTime(s.lastSeenAt)}</Fact>
      <Fact label={t('accountSecurity.sessionExpiresAt')}>{fmtTime(s.expiresAt)}</Fact>
    </div>
  );
}
