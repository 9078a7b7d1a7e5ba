import { App, Button, DatePicker, Descriptions, Drawer, Empty, Form, Input, Modal, Select, Space, Spin, Table, Tag, Tooltip, Typography } from 'antd';
import type { TableProps } from 'antd';
import { APPEAL_STATUSES, EVENT_KINDS, PERIOD_KINDS } from '@luoshi/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useCan } from '../../api/auth';
import { api } from '../../api/client';
import {
  GRADE_COLORS,
  parsePeriodKey,
  periodKeyOf,
  periodKeys,
  periodLabel,
  pointsKeys,
  pointsUrls,
  signed,
  type PeriodKind,
  type PointAppeal,
  type PointEvent,
} from '../../api/points';
import { useShowError } from '../../components/errors';
import { useGuardedSubmit } from '../../components/useGuardedSubmit';
import './points.css';

export function GradeTag({ grade }: { grade: string | null | undefined }) {
  if (!grade) return <>—</>;
  return <Tag color={GRADE_COLORS[grade] ?? 'default'}>{grade}</Tag>;
}

/** An amount coloured by its sign: additions green, deductions red. */
export function Pts({ value, strong }: { value: string; strong?: boolean }) {
  const n = Number(value);
  const cls = n > 0 ? 'pts pts-plus' : n < 0 ? 'pts pts-minus' : 'pts';
  return <span className={cls} style={strong ? { fontWeight: 600 } : undefined}>{signed(value)}</span>;
}

/** 考核周期: year, kind and the period itself; the key is worked out here, the server knows the same keys. */
export function PeriodPicker({ value, onChange, kinds }: { value: string; onChange: (key: string) => void; kinds?: PeriodKind[] }) {
  const p = parsePeriodKey(value) ?? { kind: 'quarter' as const, year: dayjs().year(), seq: 1 };
  const allowed = kinds ?? (Object.keys(PERIOD_KINDS) as PeriodKind[]);
  const pick = (kind: PeriodKind, year: number) => {
    const now = dayjs();
    // The current period when the year is this year, else the year's last one.
    onChange(year === now.year() ? periodKeyOf(kind, now) : periodKeys(kind, year).at(-1)!);
  };
  return (
    <Space.Compact>
      <DatePicker picker="year" allowClear={false} value={dayjs().year(p.year)} onChange={(d) => d && pick(p.kind, d.year())} style={{ width: 100 }} />
      <Select
        value={p.kind}
        style={{ width: 86 }}
        onChange={(k: PeriodKind) => pick(k, p.year)}
        options={allowed.map((k) => ({ value: k, label: PERIOD_KINDS[k] }))}
      />
      {p.kind !== 'year' && (
        <Select value={value} style={{ width: 150 }} onChange={onChange} options={periodKeys(p.kind, p.year).map((k) => ({ value: k, label: periodLabel(k) }))} />
      )}
    </Space.Compact>
  );
}

export const KIND_COLORS: Record<PointEvent['kind'], string> = { auto: 'geekblue', manual: 'purple', reversal: 'magenta' };

/** Where a ledger line came from, opened on its own page when it has one. */
export function SourceCell({ e }: { e: PointEvent }) {
  const { t } = useTranslation();
  const label = e.sourceLabel ?? (e.claimId ? t('points.event.fromClaim') : '—');
  return e.sourceLink ? <Link to={e.sourceLink}>{label}</Link> : <>{label}</>;
}

/** The marks a ledger line carries: 更正, 依上限核减, 冲正 and what it reverses, an appeal. */
export function EventFlags({ e }: { e: PointEvent }) {
  const { t } = useTranslation();
  return (
    <Space size={4} wrap>
      <Tag color={KIND_COLORS[e.kind]}>{EVENT_KINDS[e.kind]}</Tag>
      {e.late && (
        <Tooltip title={t('points.event.lateHint', { date: e.occurredOn })}>
          <Tag color="gold">{t('points.event.late')}</Tag>
        </Tooltip>
      )}
      {e.capped && (
        <Tooltip title={t('points.event.cappedHint')}>
          <Tag color="orange">{t('points.event.capped')}</Tag>
        </Tooltip>
      )}
      {e.reversesEventId !== null && (
        <Link to={`/points/events?id=${e.reversesEventId}`}>{t('points.event.reverses', { id: e.reversesEventId })}</Link>
      )}
      {e.reversedByEventId !== null && (
        <Link to={`/points/events?id=${e.reversedByEventId}`}>
          <Tag color="default">{t('points.event.reversedBy', { id: e.reversedByEventId })}</Tag>
        </Link>
      )}
      {e.appealStatus && <Tag color={e.appealStatus === 'pending' ? 'processing' : e.appealStatus === 'upheld' ? 'success' : 'default'}>{t('points.event.appeal', { s: APPEAL_STATUSES[e.appealStatus] })}</Tag>}
    </Space>
  );
}

/** Whether a line may still be appealed today by this user. */
export function useCanAppeal() {
  const can = useCan('points:appeal:submit');
  const today = dayjs().format('YYYY-MM-DD');
  return (e: PointEvent) => can && !!e.appealUntil && e.appealUntil >= today && !e.appealStatus && e.kind !== 'reversal' && e.reversedByEventId === null;
}

/** The ledger lines as every points page lists them. */
export function EventTable({
  rows,
  showSubject = true,
  onAppeal,
  onOpen,
  ...props
}: { rows: PointEvent[]; showSubject?: boolean; onAppeal?: (e: PointEvent) => void; onOpen?: (e: PointEvent) => void } & Omit<TableProps<PointEvent>, 'dataSource' | 'columns'>) {
  const { t } = useTranslation();
  const canAppeal = useCanAppeal();
  return (
    <Table<PointEvent>
      rowKey="id"
      size="small"
      dataSource={rows}
      rowClassName={(e) => (e.reversedByEventId !== null ? 'event-reversed' : '')}
      {...props}
      columns={[
        {
          title: t('points.event.id'),
          dataIndex: 'id',
          width: 70,
          render: (v: number, e) => (onOpen ? <Typography.Link onClick={() => onOpen(e)}>#{v}</Typography.Link> : <Link to={`/points/events?id=${v}`}>#{v}</Link>),
        },
        {
          title: t('points.event.date'),
          dataIndex: 'occurredOn',
          width: 110,
          render: (v: string, e) =>
            e.bookedOn !== v ? (
              <Tooltip title={t('points.event.bookedOn', { date: e.bookedOn })}>
                <span>{v}</span>
              </Tooltip>
            ) : (
              v
            ),
        },
        ...(showSubject
          ? [
              {
                title: t('points.event.subject'),
                key: 'subject',
                width: 180,
                render: (_: unknown, e: PointEvent) => (
                  <>
                    {e.subjectName}
                    {e.subjectType === 'person' && (
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        （{e.unitName}）
                      </Typography.Text>
                    )}
                  </>
                ),
              },
            ]
          : []),
        {
          title: t('points.event.item'),
          key: 'item',
          render: (_, e) => (
            <>
              <Typography.Text type="secondary">{e.ruleCode}</Typography.Text> {e.item}
              {Number(e.quantity) !== 1 && <Typography.Text type="secondary"> ×{e.quantity}</Typography.Text>}
              <div>
                <EventFlags e={e} />
              </div>
            </>
          ),
        },
        { title: t('points.event.points'), dataIndex: 'points', width: 80, align: 'right', render: (v: string) => <Pts value={v} strong /> },
        { title: t('points.event.source'), key: 'source', width: 240, render: (_, e) => <SourceCell e={e} /> },
        ...(onAppeal
          ? [
              {
                title: t('common.actions'),
                key: 'a',
                width: 80,
                render: (_: unknown, e: PointEvent) =>
                  canAppeal(e) && (
                    <Button type="link" size="small" onClick={() => onAppeal(e)}>
                      {t('points.appeal.submit')}
                    </Button>
                  ),
              },
            ]
          : []),
      ]}
    />
  );
}

/** 申诉: why this line is wrong; an arbiter upholds (a reversal books) or dismisses it. */
export function AppealModal({ event, onClose }: { event: PointEvent; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ reason: string }>();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const m = useMutation({
    mutationFn: (v: { reason: string }) => api.post<PointAppeal>(pointsUrls.appeals, { eventId: event.id, reason: v.reason }),
    onSuccess: () => {
      void message.success(t('points.appeal.submitted'));
      void qc.invalidateQueries({ queryKey: pointsKeys.all });
      onClose();
    },
    onError: (e) => showError(e, form),
  });
  const submit = useGuardedSubmit(m);
  return (
    <Modal open title={t('points.appeal.title')} onCancel={onClose} onOk={() => form.submit()} okText={t('points.appeal.submit')} okButtonProps={{ loading: m.isPending }} destroyOnHidden>
      <Descriptions column={1} size="small" style={{ marginBottom: 12 }}>
        <Descriptions.Item label={t('points.event.subject')}>{event.subjectName}</Descriptions.Item>
        <Descriptions.Item label={t('points.event.item')}>
          {event.ruleCode} {event.item}
        </Descriptions.Item>
        <Descriptions.Item label={t('points.event.points')}>
          <Pts value={event.points} strong />
        </Descriptions.Item>
        <Descriptions.Item label={t('points.appeal.until')}>{event.appealUntil}</Descriptions.Item>
      </Descriptions>
      <Form form={form} layout="vertical" onFinish={(v) => submit(v)}>
        <Form.Item name="reason" label={t('points.appeal.reason')} rules={[{ required: true, whitespace: true, min: 4, message: t('points.appeal.reasonRequired') }]}>
          <Input.TextArea rows={4} maxLength={2000} showCount />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** One ledger line with everything it records. */
export function EventDrawer({ id, onClose }: { id: number | null; onClose: () => void }) {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: [...pointsKeys.events, 'one', id], queryFn: () => api.get<PointEvent>(pointsUrls.event(id!)), enabled: id !== null });
  const e = q.data;
  return (
    <Drawer open={id !== null} onClose={onClose} size={640} title={t('points.event.detailTitle', { id: id ?? '' })} destroyOnHidden>
      {q.isLoading && <Spin />}
      {q.error && <Empty description={(q.error as Error).message} />}
      {e && (
        <Descriptions column={2} size="small" bordered styles={{ label: { width: 110, whiteSpace: 'nowrap' } }}>
          <Descriptions.Item label={t('points.event.subject')} span={2}>
            {e.subjectName}
            {e.subjectType === 'person' ? `（${e.unitName}）` : ''}
          </Descriptions.Item>
          <Descriptions.Item label={t('points.event.item')} span={2}>
            {e.category} · {e.ruleCode} {e.item}
            <Typography.Text type="secondary"> {t('points.event.ruleVersion', { v: e.ruleVersion })}</Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t('points.event.points')}>
            <Pts value={e.points} strong />
          </Descriptions.Item>
          <Descriptions.Item label={t('points.event.quantity')}>{e.quantity}</Descriptions.Item>
          <Descriptions.Item label={t('points.event.occurredOn')}>{e.occurredOn}</Descriptions.Item>
          <Descriptions.Item label={t('points.event.bookedOnLabel')}>{e.bookedOn}</Descriptions.Item>
          <Descriptions.Item label={t('points.event.marks')} span={2}>
            <EventFlags e={e} />
          </Descriptions.Item>
          <Descriptions.Item label={t('points.event.source')} span={2}>
            <SourceCell e={e} />
          </Descriptions.Item>
          {e.claimId && (
            <Descriptions.Item label={t('points.event.claim')} span={2}>
              <Link to={`/points/claims?open=${e.claimId}`}>{t('points.event.openClaim')}</Link>
            </Descriptions.Item>
          )}
          <Descriptions.Item label={t('points.event.note')} span={2}>
            {e.note ?? '—'}
          </Descriptions.Item>
          <Descriptions.Item label={t('points.event.createdBy')}>{e.createdByName ?? t('points.event.system')}</Descriptions.Item>
          <Descriptions.Item label={t('points.event.createdAt')}>{dayjs(e.createdAt).format('YYYY-MM-DD HH:mm')}</Descriptions.Item>
          <Descriptions.Item label={t('points.appeal.until')} span={2}>
            {e.appealUntil ?? '—'}
          </Descriptions.Item>
        </Descriptions>
      )}
    </Drawer>
  );
}
