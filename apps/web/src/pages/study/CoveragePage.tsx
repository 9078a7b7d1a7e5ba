import { CheckOutlined, DownloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, DatePicker, Empty, Space, Spin, Table, Tabs, Tag, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCan } from '../../api/auth';
import { api, ApiError, download } from '../../api/client';
import { isoWeekKey, studyKeys, studyUrls, type CoverageRow, type CoverageWeekDetail } from '../../api/study';
import { useShowError } from '../../components/errors';
import { ExportButton } from '../../components/ExportButton';
import { usePagedList } from '../../components/usePagedList';

const hours = (m: number) => (m / 60).toFixed(1).replace(/\.0$/, '');

/** 未学通报: for a closed week, the branches that missed the half-day rule and those that studied without pre-filing. */
export function CoveragePage() {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const canConfirm = useCan('study:coverage:confirm');
  const [day, setDay] = useState<Dayjs>(() => dayjs().subtract(1, 'week'));
  const week = isoWeekKey(day.toDate());
  const detail = useQuery({
    queryKey: [...studyKeys.coverage, 'week', week],
    queryFn: () => api.get<CoverageWeekDetail>(studyUrls.coverageWeek(week)),
  });
  const weeks = usePagedList<CoverageWeekDetail>([...studyKeys.coverage, 'weeks'], studyUrls.coverageWeeks, { sort: '-week' }, { pageSize: 10 });
  const confirm = useMutation({
    mutationFn: () => api.post(`${studyUrls.coverageWeek(week)}/confirm`),
    onSuccess: () => {
      void message.success(t('coverage.confirmed'));
      void qc.invalidateQueries({ queryKey: studyKeys.coverage });
    },
    onError: (e) => showError(e),
  });
  const check = useMutation({
    mutationFn: () => api.post<CoverageWeekDetail>(`${studyUrls.coverageWeek(week)}/check`),
    onSuccess: () => {
      void message.success(t('coverage.checked'));
      void qc.invalidateQueries({ queryKey: studyKeys.coverage });
    },
    onError: (e) => showError(e),
  });
  const notChecked = detail.error instanceof ApiError && detail.error.status === 404;
  const d = detail.data;
  const missed = d?.rows.filter((r) => r.missed) ?? [];
  const unfiled = d?.rows.filter((r) => r.unfiledSessions > 0 || r.lateSessions > 0) ?? [];
  const unitCol = {
    title: t('coverage.unit'),
    dataIndex: 'unitName',
    render: (v: string, r: CoverageRow) => (
      <Space orientation="vertical" size={0}>
        {v}
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {r.unitPath}
        </Typography.Text>
      </Space>
    ),
  };
  const table = (rows: CoverageRow[], extra: object[], empty: string) => (
    <Table<CoverageRow>
      rowKey="unitId"
      size="middle"
      dataSource={rows}
      pagination={{ defaultPageSize: 20, showSizeChanger: true, showTotal: (n) => t('common.totalTop', { n }) }}
      locale={{ emptyText: empty }}
      columns={[{ title: t('coverage.seq'), key: 'seq', width: 70, render: (_, __, i) => i + 1 }, unitCol, ...extra]}
    />
  );
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card>
        <h2 className="page-title">{t('coverage.title')}</h2>
        <div className="toolbar">
          <Space wrap>
            <span>{t('coverage.week')}：</span>
            <DatePicker picker="week" value={day} onChange={(v) => v && setDay(v)} allowClear={false} disabledDate={(x) => x.isAfter(dayjs(), 'day')} />
            {d && (
              <Typography.Text type="secondary">
                {week}（{d.startDate} {t('common.to')} {d.endDate}）
              </Typography.Text>
            )}
          </Space>
          {d && !d.exempt && (
            <Space>
              <Button icon={<DownloadOutlined />} onClick={() => void download(`${studyUrls.coverageWeek(week)}/export.xlsx`, t('files.coverage', { week })).catch(showError)}>
                {t('common.export')}
              </Button>
              {canConfirm && !d.confirmedAt && (
                <Button loading={check.isPending} onClick={() => check.mutate()}>
                  {t('coverage.recheck')}
                </Button>
              )}
              {canConfirm && (
                <Button
                  type="primary"
                  icon={<CheckOutlined />}
                  disabled={!!d.confirmedAt}
                  loading={confirm.isPending}
                  onClick={() =>
                    modal.confirm({
                      title: t('coverage.confirmTitle', { week }),
                      content: t('coverage.confirmText', { missed: d.missedCount, unfiled: d.unfiledCount }),
                      okText: t('coverage.confirm'),
                      onOk: () => confirm.mutateAsync().catch(() => undefined),
                    })
                  }
                >
                  {d.confirmedAt ? t('coverage.confirmedAt', { at: dayjs(d.confirmedAt).format('YYYY-MM-DD HH:mm') }) : t('coverage.confirm')}
                </Button>
              )}
            </Space>
          )}
        </div>
        {detail.isLoading && <Spin />}
        {detail.error && (
          <Empty description={notChecked ? t('coverage.notChecked', { week }) : (detail.error as Error).message}>
            {notChecked && canConfirm && (
              <Button type="primary" loading={check.isPending} onClick={() => check.mutate()}>
                {t('coverage.checkNow')}
              </Button>
            )}
          </Empty>
        )}
        {d && d.exempt && <Alert type="info" showIcon title={t('coverage.exempt')} />}
        {d && !d.exempt && (
          <>
            <Alert
              type={d.missedCount ? 'warning' : 'success'}
              showIcon
              style={{ marginBottom: 16 }}
              title={t('coverage.summary', { total: d.rows.length, missed: d.missedCount, unfiled: d.unfiledCount })}
              description={t('coverage.computedAt', { at: dayjs(d.computedAt).format('YYYY-MM-DD HH:mm') })}
            />
            <Tabs
              items={[
                {
                  key: 'missed',
                  label: t('coverage.missedTab', { n: missed.length }),
                  children: table(
                    missed,
                    [
                      { title: t('coverage.minutes'), dataIndex: 'minutes', width: 160, render: (m: number) => <span className="text-danger">{t('coverage.hoursN', { n: hours(m) })}</span> },
                      { title: t('coverage.required'), dataIndex: 'requiredMinutes', width: 160, render: (m: number) => t('coverage.hoursN', { n: hours(m) }) },
                    ],
                    t('coverage.noMissed'),
                  ),
                },
                {
                  key: 'unfiled',
                  label: t('coverage.unfiledTab', { n: unfiled.length }),
                  children: table(
                    unfiled,
                    [
                      { title: t('coverage.unfiledSessions'), dataIndex: 'unfiledSessions', width: 160 },
                      { title: t('coverage.lateSessions'), dataIndex: 'lateSessions', width: 160, render: (n: number) => (n ? <Tag color="orange">{n}</Tag> : 0) },
                      { title: t('coverage.minutes'), dataIndex: 'minutes', width: 160, render: (m: number) => t('coverage.hoursN', { n: hours(m) }) },
                    ],
                    t('coverage.noUnfiled'),
                  ),
                },
              ]}
            />
          </>
        )}
      </Card>
      <Card title={t('coverage.history')} extra={<ExportButton url={`${studyUrls.coverageWeeks}/export`} filters={{ sort: '-week' }} fallbackName="每周覆盖学检查.xlsx" />}>
        <Table<CoverageWeekDetail>
          rowKey="week"
          size="small"
          loading={weeks.query.isFetching}
          dataSource={weeks.rows}
          pagination={weeks.pagination}
          locale={{ emptyText: weeks.query.error ? (weeks.query.error as Error).message : t('coverage.noWeeks') }}
          onRow={(r) => ({ onClick: () => setDay(dayjs(r.startDate)), style: { cursor: 'pointer' } })}
          columns={[
            { title: t('coverage.week'), dataIndex: 'week', width: 120 },
            { title: t('coverage.dates'), key: 'dates', render: (_, r) => `${r.startDate} ${t('common.to')} ${r.endDate}` },
            { title: t('coverage.missedCount'), dataIndex: 'missedCount', width: 120, render: (n: number, r) => (r.exempt ? <Tag>{t('coverage.exemptShort')}</Tag> : n) },
            { title: t('coverage.unfiledCount'), dataIndex: 'unfiledCount', width: 140 },
            {
              title: t('coverage.state'),
              dataIndex: 'confirmedAt',
              width: 120,
              render: (v: string | null) => (v ? <Tag color="success">{t('coverage.stateConfirmed')}</Tag> : <Tag>{t('coverage.stateOpen')}</Tag>),
            },
          ]}
        />
      </Card>
    </Space>
  );
}
