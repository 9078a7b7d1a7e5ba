import type { ReactNode } from 'react';
import { Link } from 'react-router';

/** A number that opens the records behind it when there is a page for them. */
export function Num({ to, children }: { to?: string | null; children: ReactNode }) {
  return to ? <Link to={to}>{children}</Link> : <>{children}</>;
}

export const pctText = (v: number | null) => (v === null ? '—' : `${v}%`);
export const LEVELS = ['县级', '市级', '省级', '中央'] as const;
export const COLORS = { done: '#389e0d', open: '#d9d9d9', overdue: '#cf1322', main: '#c8161d', blue: '#1677ff', gold: '#d48806' };
export const LEVEL_COLORS = ['#91caff', '#1677ff', '#d48806', '#c8161d'];
