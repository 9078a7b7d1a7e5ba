import { CalendarOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, DatePicker, Form, Input, Modal, Popconfirm, Radio, Row, Space, Table, Tag, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useMe } from '../../api/auth';
import { notifyApi, notifyKeys, type CalendarDay } from '../../api/notify';
import { useShowError } from '../../components/errors';

type AdjustValues = { date: Dayjs; kind: 'holiday' | 'workday'; name: string };

function AdjustModal({ initial, onClose }: { initial?: CalendarDay; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<AdjustValues>();
  const showError = useShowError();
  const qc = useQueryClient();
  const m = useMutation({
    mutationFn: (v: AdjustValues) => notifyApi.adjust({ date: v.date.format('YYYY-MM-DD'), kind: v.kind, name: v.name }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: notifyKeys.all });
      onClose();
    },
    onError: (e) => showError(e, form),
  });
  return (
    <Modal open title={t('notify.calendar.adjust')} onCancel={onClose} onOk={() => form.submit()} okButtonProps={{ loading: m.isPending }} destroyOnHidden>
      <Form<AdjustValues> form={form} layout="vertical" initialValues={initial ? { date: dayjs(initial.date), kind: initial.kind, name: initial.name } : { kind: 'holiday' }} onFinish={(v) => m.mutate(v)}>
        <Form.Item name="date" label={t('notify.calendar.date')} rules={[{ required: true, message: t('notify.calendar.dateRequired') }]}>
          <DatePicker style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="kind" label={t('notify.calendar.kind')}>
          <Radio.Group options={[{ value: 'holiday', label: t('notify.calendar.holiday') }, { value: 'workday', label: t('notify.calendar.workday') }]} />
        </Form.Item>
        <Form.Item name="name" label={t('notify.calendar.name')} rules={[{ required: true, whitespace: true, message: t('notify.calendar.nameRequired') }]}>
          <Input maxLength={50} placeholder={t('notify.calendar.namePlaceholder')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** One month as a grid: holidays red, 调休 working days orange, adjusted days outlined. */
function MonthGrid({ year, month, days }: { year: number; month: number; days: Map<string, CalendarDay> }) {
  const { t } = useTranslation();
  const first = dayjs(`${year}-${String(month).padStart(2, '0')}-01`);
  const lead = (first.day() + 6) % 7;
  const cells: (Dayjs | null)[] = [...Array(lead).fill(null), ...Array.from({ length: first.daysInMonth() }, (_, i) => first.add(i, 'day'))];
  const weekdays = t('notify.calendar.weekdays').split(',');
  return (
    <Card size="small" title={t('notify.calendar.month', { month })} styles={{ body: { padding: 8 } }}>
      <div style={{ display: 'grid', gridTemplateColumns: 'repeat(7, 1fr)', gap: 2, fontSize: 12, textAlign: 'center' }}>
        {weekdays.map((w) => (
          <div key={w} style={{ color: '#999' }}>{w}</div>
        ))}
        {cells.map((d, i) => {
          if (!d) return <div key={`e${i}`} />;
          const key = d.format('YYYY-MM-DD');
          const info = days.get(key);
          const weekend = d.day() === 0 || d.day() === 6;
          const off = info ? info.kind === 'holiday' : weekend;
          const bg = info?.kind === 'holiday' ? '#fff1f0' : info?.kind === 'workday' ? '#fff7e6' : undefined;
          const color = info?.kind === 'holiday' ? '#cf1322' : info?.kind === 'workday' ? '#d46b08' : off ? '#999' : undefined;
          return (
            <div
              key={key}
              title={info ? `${info.name}（${info.kind === 'holiday' ? t('notify.calendar.holiday') : t('notify.calendar.workday')}，${info.source === 'official' ? t('notify.calendar.official') : t('notify.calendar.adjusted')}）` : undefined}
              style={{ background: bg, color, borderRadius: 4, padding: '2px 0', border: info?.source === 'adjusted' ? '1px dashed #1677ff' : '1px solid transparent' }}
            >
              {d.date()}
              {info && <div style={{ fontSize: 10, lineHeight: '12px' }}>{info.kind === 'holiday' ? t('notify.calendar.offShort') : t('notify.calendar.workShort')}</div>}
            </div>
          );
        })}
      </div>
    </Card>
  );
}

/** 节假日调整: the calendar deadlines and reminders are computed with, and the admin's adjustments. */
export default function CalendarPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const { data: me } = useMe();
  const canWrite = !!me?.permissions.includes('system:calendar:write');
  const [year, setYear] = useState(dayjs().year());
  const [editing, setEditing] = useState<CalendarDay | null | undefined>(undefined);
  const q = useQuery({ queryKey: notifyKeys.calendar(year), queryFn: () => notifyApi.calendar(year) });
  const days = useMemo(() => new Map((q.data?.days ?? []).map((d) => [d.date, d])), [q.data]);
  const unadjust = useMutation({
    mutationFn: (date: string) => notifyApi.unadjust(date),
    onSuccess: () => {
      void message.success(t('notify.calendar.removed'));
      void qc.invalidateQueries({ queryKey: notifyKeys.all });
    },
    onError: (e) => showError(e),
  });
  return (
    <Card
      loading={q.isLoading}
      title={
        <Space>
          <CalendarOutlined />
          {t('notify.calendar.title')}
        </Space>
      }
      extra={
        <Space>
          <DatePicker picker="year" allowClear={false} value={dayjs(`${year}-01-01`)} onChange={(d) => d && setYear(d.year())} />
          {canWrite && <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing(null)}>{t('notify.calendar.adjust')}</Button>}
        </Space>
      }
    >
      {q.data && (
        <Alert
          type={q.data.known ? 'success' : 'warning'}
          showIcon
          style={{ marginBottom: 16 }}
          title={q.data.known ? t('notify.calendar.known', { year }) : t('notify.calendar.unknown', { year })}
        />
      )}
      <Row gutter={[12, 12]}>
        <Col xs={24} xl={14}>
          <Row gutter={[8, 8]}>
            {Array.from({ length: 12 }, (_, i) => (
              <Col key={i} xs={12} md={8} lg={6} xl={8}>
                <MonthGrid year={year} month={i + 1} days={days} />
              </Col>
            ))}
          </Row>
        </Col>
        <Col xs={24} xl={10}>
          <Table<CalendarDay>
            rowKey="date"
            size="small"
            dataSource={q.data?.days ?? []}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            locale={{ emptyText: t('notify.calendar.none') }}
            columns={[
              { title: t('notify.calendar.date'), dataIndex: 'date', width: 120, render: (v: string) => `${v} ${t('notify.calendar.weekdays').split(',')[(dayjs(v).day() + 6) % 7]}` },
              { title: t('notify.calendar.kind'), dataIndex: 'kind', width: 90, render: (k: string) => (k === 'holiday' ? <Tag color="red">{t('notify.calendar.holiday')}</Tag> : <Tag color="orange">{t('notify.calendar.workday')}</Tag>) },
              { title: t('notify.calendar.name'), dataIndex: 'name' },
              { title: t('notify.calendar.source'), dataIndex: 'source', width: 80, render: (s: string) => (s === 'official' ? <Typography.Text type="secondary">{t('notify.calendar.official')}</Typography.Text> : <Tag color="blue">{t('notify.calendar.adjusted')}</Tag>) },
              ...(canWrite
                ? [
                    {
                      title: t('common.actions'),
                      key: 'a',
                      width: 110,
                      render: (_: unknown, d: CalendarDay) =>
                        d.source === 'adjusted' ? (
                          <Space size={0}>
                            <Button type="link" size="small" onClick={() => setEditing(d)}>{t('common.edit')}</Button>
                            <Popconfirm title={t('notify.calendar.confirmRemove', { date: d.date })} onConfirm={() => unadjust.mutate(d.date)}>
                              <Button type="link" size="small" danger>{t('common.remove')}</Button>
                            </Popconfirm>
                          </Space>
                        ) : (
                          <Button type="link" size="small" onClick={() => setEditing({ ...d, kind: d.kind === 'holiday' ? 'workday' : 'holiday' })}>{t('notify.calendar.override')}</Button>
                        ),
                    },
                  ]
                : []),
            ]}
          />
        </Col>
      </Row>
      {editing !== undefined && <AdjustModal initial={editing ?? undefined} onClose={() => setEditing(undefined)} />}
    </Card>
  );
}
