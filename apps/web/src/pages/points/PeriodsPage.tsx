import { LockOutlined, SyncOutlined, UnlockOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, DatePicker, Empty, Form, Input, InputNumber, Modal, Row, Segmented, Space, Spin, Table, Tabs, Tag, Typography } from 'antd';
import { GRADES, PERIOD_KINDS, PERIOD_STATUSES, POINT_SUBJECTS, type PointSubject } from '@luoshi/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { periodLabel, pointsKeys, pointsUrls, type ClosePeriodResult, type GradeScheme, type PeriodKind, type PointPeriod, type PointSettings, type SyncResult } from '../../api/points';
import { useShowError } from '../../components/errors';
import { useGuardedSubmit } from '../../components/useGuardedSubmit';
import { GradeTag } from './shared';

/** 重新开启 needs a reason: a reopened period's frozen results are recomputed and the bulletin may change. */
function ReopenModal({ period, onClose }: { period: PointPeriod; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ reason: string }>();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const m = useMutation({
    mutationFn: (v: { reason: string }) => api.post<PointPeriod>(`${pointsUrls.period(period.key)}/reopen`, { reason: v.reason, version: period.version }),
    onSuccess: () => {
      void message.success(t('points.periods.reopened', { label: periodLabel(period.key) }));
      void qc.invalidateQueries({ queryKey: pointsKeys.all });
      onClose();
    },
    onError: (e) => showError(e, form),
  });
  const submit = useGuardedSubmit(m);
  return (
    <Modal open title={t('points.periods.reopenTitle', { label: periodLabel(period.key) })} onCancel={onClose} onOk={() => form.submit()} okText={t('points.periods.reopen')} okButtonProps={{ loading: m.isPending, danger: true }} destroyOnHidden>
      <Alert type="warning" showIcon style={{ marginBottom: 12 }} title={t('points.periods.reopenHint')} />
      <Form form={form} layout="vertical" onFinish={(v) => submit(v)}>
        <Form.Item name="reason" label={t('points.periods.reopenReason')} rules={[{ required: true, whitespace: true, min: 4, message: t('points.periods.reopenReasonRequired') }]}>
          <Input.TextArea rows={3} maxLength={500} showCount />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function PeriodTable({ periods, onReopen }: { periods: PointPeriod[]; onReopen: (p: PointPeriod) => void }) {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const today = dayjs().format('YYYY-MM-DD');
  const close = useMutation({
    mutationFn: (p: PointPeriod) => api.post<ClosePeriodResult>(`${pointsUrls.period(p.key)}/close`, { version: p.version }),
    onSuccess: (r) => {
      void message.success(t('points.periods.closed', { label: periodLabel(r.period.key), units: r.units, persons: r.persons, interviews: r.interviewsOpened }), 6);
      void qc.invalidateQueries({ queryKey: pointsKeys.all });
    },
    onError: (e) => showError(e),
  });
  return (
    <Table<PointPeriod>
      rowKey="key"
      size="small"
      dataSource={periods}
      pagination={false}
      columns={[
        { title: t('points.periods.period'), dataIndex: 'label', width: 160, render: (_: string, p) => <Link to={`/points/results?periodKey=${p.key}`}>{periodLabel(p.key)}</Link> },
        { title: t('points.periods.dates'), key: 'dates', width: 220, render: (_, p) => `${p.startDate} ${t('common.to')} ${p.endDate}` },
        {
          title: t('points.periods.status'),
          dataIndex: 'status',
          width: 110,
          render: (v: PointPeriod['status'], p) =>
            v === 'closed' ? (
              <Tag icon={<LockOutlined />}>{PERIOD_STATUSES.closed}</Tag>
            ) : p.startDate > today ? (
              <Tag>{t('points.periods.notStarted')}</Tag>
            ) : (
              <Tag color="processing">{PERIOD_STATUSES.open}</Tag>
            ),
        },
        {
          title: t('points.periods.closedInfo'),
          key: 'closed',
          render: (_, p) => (
            <>
              {p.closedAt && t('points.periods.closedBy', { at: dayjs(p.closedAt).format('YYYY-MM-DD HH:mm'), by: p.closedByName ?? '' })}
              {p.reopenCount > 0 && (
                <div>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t('points.periods.reopenedN', { n: p.reopenCount, reason: p.reopenReason ?? '' })}
                  </Typography.Text>
                </div>
              )}
            </>
          ),
        },
        {
          title: t('common.actions'),
          key: 'a',
          width: 120,
          render: (_, p) =>
            p.status === 'open' ? (
              <Button
                size="small"
                icon={<LockOutlined />}
                disabled={p.endDate >= today}
                title={p.endDate >= today ? t('points.periods.notEnded') : undefined}
                onClick={() =>
                  modal.confirm({
                    title: t('points.periods.closeConfirm', { label: periodLabel(p.key) }),
                    content: t('points.periods.closeConfirmText'),
                    okText: t('points.periods.close'),
                    onOk: () => close.mutateAsync(p).catch(() => undefined),
                  })
                }
              >
                {t('points.periods.close')}
              </Button>
            ) : (
              <Button size="small" danger icon={<UnlockOutlined />} onClick={() => onReopen(p)}>
                {t('points.periods.reopen')}
              </Button>
            ),
        },
      ]}
    />
  );
}

type Band = GradeScheme['bands'][number];

/** 等次设置 for one kind of subject: either point thresholds or shares of the peer ranking, four bands 好 → 差. */
function SchemeEditor({ scheme }: { scheme: GradeScheme }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const [mode, setMode] = useState(scheme.mode);
  const [bands, setBands] = useState<Band[]>(() => GRADES.map((g) => scheme.bands.find((b) => b.grade === g) ?? { grade: g, min: null, share: null }));
  const save = useMutation({
    mutationFn: () =>
      api.put<GradeScheme>(pointsUrls.gradeScheme(scheme.subjectType), {
        mode,
        version: scheme.version,
        bands: bands.map((b, i) =>
          mode === 'threshold' ? { grade: b.grade, min: i === 3 ? null : (b.min ?? null), share: null } : { grade: b.grade, share: b.share ?? 0, min: null },
        ),
      }),
    onSuccess: () => {
      void message.success(t('points.settings.schemeSaved', { s: POINT_SUBJECTS[scheme.subjectType] }));
      void qc.invalidateQueries({ queryKey: pointsKeys.settings });
    },
    onError: (e) => showError(e),
  });
  const shareSum = bands.reduce((s, b) => s + (b.share ?? 0), 0);
  const set = (i: number, patch: Partial<Band>) => setBands((bs) => bs.map((b, j) => (j === i ? { ...b, ...patch } : b)));
  return (
    <Card size="small" title={t('points.settings.schemeFor', { s: POINT_SUBJECTS[scheme.subjectType] })}>
      <Segmented
        value={mode}
        onChange={(v) => setMode(v as GradeScheme['mode'])}
        options={[
          { value: 'threshold', label: t('points.settings.threshold') },
          { value: 'share', label: t('points.settings.share') },
        ]}
        style={{ marginBottom: 12 }}
      />
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {mode === 'threshold' ? t('points.settings.thresholdHint') : t('points.settings.shareHint')}
      </Typography.Paragraph>
      <Space orientation="vertical" size={8} style={{ width: '100%' }}>
        {bands.map((b, i) => (
          <Space key={b.grade} size={8}>
            <span style={{ display: 'inline-block', width: 48 }}>
              <GradeTag grade={b.grade} />
            </span>
            {mode === 'threshold' ? (
              i === 3 ? (
                <Typography.Text type="secondary">{t('points.settings.rest')}</Typography.Text>
              ) : (
                <>
                  <Typography.Text>{t('points.settings.atLeast')}</Typography.Text>
                  <Input aria-label={t('points.settings.minOf', { g: b.grade })} style={{ width: 100 }} value={b.min ?? ''} onChange={(e) => set(i, { min: e.target.value.trim() || null })} />
                  <Typography.Text>{t('points.settings.pointsSuffix')}</Typography.Text>
                </>
              )
            ) : (
              <>
                <Typography.Text>{t('points.settings.top')}</Typography.Text>
                <InputNumber aria-label={t('points.settings.shareOf', { g: b.grade })} min={0} max={100} precision={0} style={{ width: 90 }} value={b.share ?? null} onChange={(v) => set(i, { share: v ?? 0 })} suffix="%" />
              </>
            )}
          </Space>
        ))}
      </Space>
      {mode === 'share' && shareSum !== 100 && <Alert type="warning" showIcon style={{ marginTop: 12 }} title={t('points.settings.shareSum', { n: shareSum })} />}
      <Button type="primary" style={{ marginTop: 12 }} loading={save.isPending} disabled={mode === 'share' && shareSum !== 100} onClick={() => save.mutate()}>
        {t('common.save')}
      </Button>
    </Card>
  );
}

function AppealWindow({ settings }: { settings: PointSettings }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const [days, setDays] = useState<number | null>(settings.appealWindowDays);
  const save = useMutation({
    mutationFn: () => api.put<PointSettings>(pointsUrls.settings, { appealWindowDays: days, version: settings.version }),
    onSuccess: () => {
      void message.success(t('common.saved'));
      void qc.invalidateQueries({ queryKey: pointsKeys.settings });
    },
    onError: (e) => showError(e),
  });
  return (
    <Card size="small" title={t('points.settings.appealWindow')}>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('points.settings.appealWindowHint')}
      </Typography.Paragraph>
      <Space>
        <InputNumber aria-label={t('points.settings.appealWindow')} min={1} max={90} precision={0} value={days} onChange={setDays} suffix={t('points.settings.days')} style={{ width: 120 }} />
        <Button type="primary" loading={save.isPending} disabled={!days} onClick={() => save.mutate()}>
          {t('common.save')}
        </Button>
      </Space>
    </Card>
  );
}

function Settings() {
  const { t } = useTranslation();
  const schemes = useQuery({ queryKey: [...pointsKeys.settings, 'schemes'], queryFn: () => api.get<GradeScheme[]>(pointsUrls.gradeSchemes) });
  const settings = useQuery({ queryKey: [...pointsKeys.settings, 'general'], queryFn: () => api.get<PointSettings>(pointsUrls.settings) });
  if (schemes.isLoading || settings.isLoading) return <Spin />;
  return (
    <Row gutter={16}>
      {(schemes.data ?? []).map((s) => (
        <Col span={9} key={`${s.subjectType}-${s.version}`}>
          <SchemeEditor scheme={s} />
        </Col>
      ))}
      {schemes.error && (
        <Col span={18}>
          <Empty description={(schemes.error as Error).message} />
        </Col>
      )}
      <Col span={6}>{settings.data ? <AppealWindow key={settings.data.version} settings={settings.data} /> : settings.error && <Empty description={(settings.error as Error).message} />}</Col>
    </Row>
  );
}

/** 考核周期: close a period (freezes its results, opens 约谈 for 一般/差), reopen with a reason, grade bands and sync. */
export function PeriodsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const [year, setYear] = useState(() => dayjs().year());
  const [reopening, setReopening] = useState<PointPeriod | null>(null);
  const periods = useQuery({ queryKey: [...pointsKeys.periods, year], queryFn: () => api.get<PointPeriod[]>(pointsUrls.periods, { year }) });
  const sync = useMutation({
    mutationFn: () => api.post<SyncResult>(pointsUrls.sync),
    onSuccess: (r) => {
      void message.success(r.events || r.points ? t('points.periods.synced', { events: r.events, points: r.points }) : t('points.periods.syncedNone'));
      void qc.invalidateQueries({ queryKey: pointsKeys.all });
    },
    onError: (e) => showError(e),
  });
  const list = periods.data ?? [];
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card>
        <h2 className="page-title">{t('points.periods.title')}</h2>
        <div className="toolbar">
          <DatePicker picker="year" allowClear={false} value={dayjs().year(year)} onChange={(d) => d && setYear(d.year())} />
          <Button icon={<SyncOutlined />} loading={sync.isPending} onClick={() => sync.mutate()}>
            {t('points.periods.sync')}
          </Button>
        </div>
        {periods.error && <Empty description={(periods.error as Error).message} />}
        {periods.isLoading && <Spin />}
        <Tabs
          items={(['quarter', 'half', 'year', 'month'] as PeriodKind[]).map((k) => {
            const ps = list.filter((p) => p.kind === k).sort((a, b) => a.seq - b.seq);
            const closed = ps.filter((p) => p.status === 'closed').length;
            return { key: k, label: `${PERIOD_KINDS[k]}（${closed}/${ps.length}）`, children: <PeriodTable periods={ps} onReopen={setReopening} /> };
          })}
        />
      </Card>
      <Card title={t('points.settings.title')}>
        <Settings />
      </Card>
      {reopening && <ReopenModal period={reopening} onClose={() => setReopening(null)} />}
    </Space>
  );
}
