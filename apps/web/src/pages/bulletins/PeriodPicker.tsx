import { DatePicker, Select, Space } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import isoWeek from 'dayjs/plugin/isoWeek';
import quarterOfYear from 'dayjs/plugin/quarterOfYear';
import { useTranslation } from 'react-i18next';

dayjs.extend(isoWeek);
dayjs.extend(quarterOfYear);

export type PeriodKind = 'week' | 'month' | 'quarter' | 'half' | 'year';

const pad = (n: number) => String(n).padStart(2, '0');

/** The period key the server reads: 2026-W12, M2026-03, Q2026-1, H2026-1, Y2026. */
export function periodKeyOf(kind: PeriodKind, d: Dayjs, half = 1): string {
  switch (kind) {
    case 'week':
      return `${d.isoWeekYear()}-W${pad(d.isoWeek())}`;
    case 'month':
      return `M${d.format('YYYY-MM')}`;
    case 'quarter':
      return `Q${d.year()}-${d.quarter()}`;
    case 'half':
      return `H${d.year()}-${half}`;
    case 'year':
      return `Y${d.year()}`;
  }
}

/** The first day of a period key, for showing a key in the picker again. */
export function dateOfKey(key: string): { kind: PeriodKind; date: Dayjs; half: number } {
  if (/^\d{4}-W\d{2}$/.test(key)) {
    const d = dayjs(`${key.slice(0, 4)}-01-04`).isoWeek(Number(key.slice(6))).isoWeekday(1);
    return { kind: 'week', date: d, half: 1 };
  }
  const y = Number(key.slice(1, 5));
  if (key.startsWith('M')) return { kind: 'month', date: dayjs(`${key.slice(1)}-01`), half: 1 };
  if (key.startsWith('Q')) return { kind: 'quarter', date: dayjs(`${y}-${pad(Number(key.slice(6)) * 3 - 2)}-01`), half: 1 };
  if (key.startsWith('H')) return { kind: 'half', date: dayjs(`${y}-01-01`), half: Number(key.slice(6)) };
  return { kind: 'year', date: dayjs(`${y}-01-01`), half: 1 };
}

/** Picks a period of one kind (or, with `kinds`, of a kind chosen first) and reports its key. */
export function PeriodPicker({ value, onChange, kinds }: { value?: string; onChange?: (key: string) => void; kinds: PeriodKind[] }) {
  const { t } = useTranslation();
  const current = value ? dateOfKey(value) : { kind: kinds[0], date: dayjs().subtract(1, 'month'), half: 1 };
  const kind = kinds.includes(current.kind) ? current.kind : kinds[0];
  const emit = (k: PeriodKind, d: Dayjs | null, half = current.half) => d && onChange?.(periodKeyOf(k, d, half));
  const picker = kind === 'half' ? 'year' : kind === 'week' ? 'week' : kind;
  return (
    <Space wrap>
      {kinds.length > 1 && (
        <Select
          style={{ width: 110 }}
          value={kind}
          onChange={(k: PeriodKind) => emit(k, current.date)}
          options={kinds.map((k) => ({ value: k, label: t(`bulletins.period.${k}`) }))}
        />
      )}
      <DatePicker picker={picker} value={value ? current.date : null} onChange={(d) => emit(kind, d)} allowClear={false} />
      {kind === 'half' && (
        <Select
          style={{ width: 100 }}
          value={current.half}
          onChange={(h: number) => emit('half', current.date, h)}
          options={[
            { value: 1, label: t('bulletins.period.h1') },
            { value: 2, label: t('bulletins.period.h2') },
          ]}
        />
      )}
    </Space>
  );
}
