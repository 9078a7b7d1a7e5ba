import { Breadcrumb, Card, Col, Empty, Row, Select, Space, Statistic, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { useMe } from '../../api/auth';
import { api } from '../../api/client';
import { useDashboard, usePersonDashboard, type DashboardFigures, type DashboardLinks, type DashboardOverview, type DashboardRow } from '../../api/dashboards';
import { periodKeyOf } from '../../api/points';
import { ExportButton } from '../../components/ExportButton';
import { UnitTreeSelect } from '../../components/UnitTreeSelect';
import { PeriodPicker, Pts } from '../points/shared';
import { EChart, type ChartOption } from './EChart';
import { COLORS, LEVEL_COLORS, LEVELS, Num, pctText } from './figures';

type Filters = { unitId?: string; personId?: string; period?: string; from?: string; to?: string; campaignId?: string };

/** The filters live in the address, so a drill-down is a link and the browser's back goes up a level. */
function useFilters(): [Filters, (next: Filters) => void] {
  const [params, setParams] = useSearchParams();
  const f: Filters = {};
  for (const k of ['unitId', 'personId', 'period', 'from', 'to', 'campaignId'] as const) {
    const v = params.get(k);
    if (v) f[k] = v;
  }
  if (!f.period && !(f.from && f.to)) f.period = periodKeyOf('year');
  const set = (next: Filters) => {
    const out = new URLSearchParams();
    for (const [k, v] of Object.entries(next)) if (v) out.set(k, v);
    setParams(out);
  };
  return [f, set];
}

/** 统计看板: the level of the unit shown (city, county, unit, branch) or a person, with drill-down and links to the records. */
export function DashboardPage() {
  const { t } = useTranslation();
  const { data: me } = useMe();
  const [f, setF] = useFilters();
  const self = me?.scope === 'self';
  const personMode = self || !!f.personId;
  const periodQuery = f.from && f.to ? { from: f.from, to: f.to } : { period: f.period };
  const campaigns = useQuery({
    queryKey: ['dashboards', 'campaigns'],
    queryFn: () => api.list<{ id: string; name: string }>('/api/campaigns', { pageSize: 100 }),
    enabled: !self && !!me,
  });
  return (
    <Card>
      <h2 className="page-title">{t('dashboard.title')}</h2>
      <Space wrap style={{ marginBottom: 16 }}>
        <PeriodPicker value={f.period ?? periodKeyOf('year')} onChange={(period) => setF({ ...f, period, from: undefined, to: undefined })} />
        {f.from && f.to && <Tag>{`${f.from} ${t('common.to')} ${f.to}`}</Tag>}
        {!self && (
          <>
            <Select
              allowClear
              placeholder={t('dashboard.allCampaigns')}
              style={{ width: 220 }}
              value={f.campaignId}
              onChange={(campaignId?: string) => setF({ ...f, campaignId })}
              options={(campaigns.data?.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
            />
            <UnitTreeSelect
              allowClear
              style={{ width: 260 }}
              value={f.personId ? undefined : f.unitId}
              onChange={(v) => setF({ ...f, unitId: (v as string) ?? undefined, personId: undefined })}
              placeholder={t('dashboard.pickUnit')}
            />
          </>
        )}
      </Space>
      {me && (personMode ? <PersonView personId={f.personId} periodQuery={periodQuery} onUnit={(unitId) => setF({ ...f, personId: undefined, unitId })} /> : <UnitView f={f} periodQuery={periodQuery} setF={setF} />)}
    </Card>
  );
}

function UnitView({ f, periodQuery, setF }: { f: Filters; periodQuery: { period?: string; from?: string; to?: string }; setF: (n: Filters) => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const q = useDashboard({ unitId: f.unitId, campaignId: f.campaignId, ...periodQuery });
  const d = q.data;
  const open = (r: DashboardRow) => {
    if (r.kind === 'person') setF({ ...f, personId: r.id, unitId: undefined });
    else if (r.hasChildren) setF({ ...f, unitId: r.id });
  };
  if (q.error) return <Empty description={(q.error as Error).message} />;
  if (!d) return <Card loading bordered={false} />;
  const rows = d.children;
  return (
    <>
      <Breadcrumb
        style={{ marginBottom: 12 }}
        items={d.breadcrumbs.map((b, i) => ({
          title: i < d.breadcrumbs.length - 1 ? <a onClick={() => setF({ ...f, unitId: b.id })}>{b.name}</a> : <b>{b.name}</b>,
        }))}
      />
      <Space style={{ marginBottom: 12 }}>
        <Tag color="red">{t(`dashboard.level.${d.level}`)}</Tag>
        <Typography.Text type="secondary">
          {d.period.label}（{d.period.from} {t('common.to')} {d.period.to}）
        </Typography.Text>
        <ExportButton url="/api/dashboards/overview/export" filters={{ unitId: d.unit.id, campaignId: f.campaignId, ...periodQuery }} fallbackName="统计看板.xlsx" />
      </Space>
      <Totals figures={d.total} links={d.totalLinks} />
      {rows.length === 0 ? (
        <Empty description={t('dashboard.noChildren')} />
      ) : (
        <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
          <Col xs={24} xl={12}>
            <Card size="small" title={t('dashboard.chart.tasks')}>
              <EChart label={t('dashboard.chart.tasks')} option={taskChart(rows, t)} height={chartHeight(rows)} onPick={(i) => open(rows[i])} />
            </Card>
          </Col>
          <Col xs={24} xl={12}>
            <Card size="small" title={t('dashboard.chart.study')}>
              <EChart label={t('dashboard.chart.study')} option={studyChart(rows, t)} height={chartHeight(rows)} onPick={(i) => open(rows[i])} />
            </Card>
          </Col>
          <Col xs={24} xl={12}>
            <Card size="small" title={t('dashboard.chart.points')}>
              <PointsChart rows={rows} onPick={open} />
            </Card>
          </Col>
          <Col xs={24} xl={12}>
            <Card size="small" title={t('dashboard.chart.info')}>
              <EChart label={t('dashboard.chart.info')} option={infoChart(rows)} height={chartHeight(rows)} onPick={(i) => open(rows[i])} />
            </Card>
          </Col>
          <Col xs={24}>
            <Card size="small" title={t('dashboard.chart.trends')}>
              <EChart label={t('dashboard.chart.trends')} option={trendChart(d.trends, t)} height={280} />
            </Card>
          </Col>
        </Row>
      )}
      <Table<DashboardRow>
        style={{ marginTop: 16 }}
        rowKey="id"
        size="small"
        loading={q.isFetching}
        dataSource={rows}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        scroll={{ x: 1300 }}
        onRow={(r) => ({ onClick: (e) => !(e.target as HTMLElement).closest('a') && open(r), style: { cursor: r.hasChildren ? 'pointer' : undefined } })}
        columns={childColumns(d, t, navigate)}
      />
    </>
  );
}

const chartHeight = (rows: unknown[]) => Math.max(200, rows.length * 30 + 80);

function Totals({ figures: x, links }: { figures: DashboardFigures; links: DashboardLinks }) {
  const { t } = useTranslation();
  return (
    <Row gutter={[16, 16]}>
      <Col xs={12} md={6}>
        <Statistic title={t('dashboard.tasks.completion')} value={pctText(x.tasks.completion)} />
        <Typography.Text type="secondary">
          {t('dashboard.tasks.doneOfTotal', { done: x.tasks.done, total: x.tasks.total })}，
          <Num to={links.tasksOverdue}>{t('dashboard.tasks.overdueN', { n: x.tasks.overdue })}</Num>
        </Typography.Text>
      </Col>
      <Col xs={12} md={6}>
        <Statistic title={t('dashboard.study.hours')} value={x.study.hours} suffix={t('dashboard.study.hourUnit')} />
        <Typography.Text type="secondary">
          <Num to={links.sessions}>{t('dashboard.study.sessionsN', { n: x.study.sessions })}</Num>
          {x.study.weeks !== null && `，${t('dashboard.study.coverage')} ${pctText(x.study.coverage)}`}
        </Typography.Text>
      </Col>
      <Col xs={12} md={6}>
        <Statistic title={t('dashboard.points.total')} valueRender={() => <Num to={links.points}><Pts value={x.points.total} strong /></Num>} />
        {x.points.grade && <Tag color="gold">{x.points.grade}</Tag>}
      </Col>
      <Col xs={12} md={6}>
        <Statistic title={t('dashboard.info.adopted')} valueRender={() => <Num to={links.infoAdopted}>{x.info.adopted}</Num>} />
        <Typography.Text type="secondary">
          <Num to={links.infoSubmitted}>{t('dashboard.info.submittedN', { n: x.info.submitted })}</Num>（{LEVELS.map((l) => `${l} ${x.info.byLevel[l]}`).join(' · ')}）
        </Typography.Text>
      </Col>
    </Row>
  );
}

type T = (k: string, o?: Record<string, unknown>) => string;

function taskChart(rows: DashboardRow[], t: T): ChartOption {
  const names = rows.map((r) => r.name);
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0 },
    grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: names, inverse: true, axisLabel: { width: 140, overflow: 'truncate' } },
    series: [
      { name: t('dashboard.tasks.done'), type: 'bar', stack: 't', itemStyle: { color: COLORS.done }, data: rows.map((r) => r.figures.tasks.done) },
      { name: t('dashboard.tasks.open'), type: 'bar', stack: 't', itemStyle: { color: COLORS.open }, data: rows.map((r) => r.figures.tasks.total - r.figures.tasks.done - r.figures.tasks.overdue) },
      { name: t('dashboard.tasks.overdue'), type: 'bar', stack: 't', itemStyle: { color: COLORS.overdue }, data: rows.map((r) => r.figures.tasks.overdue) },
    ],
  };
}

function studyChart(rows: DashboardRow[], t: T): ChartOption {
  const withCoverage = rows.some((r) => r.figures.study.coverage !== null);
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: rows.map((r) => r.name), axisLabel: { interval: 0, rotate: rows.length > 6 ? 30 : 0, width: 90, overflow: 'truncate' } },
    yAxis: [
      { type: 'value', name: t('dashboard.study.hourUnit') },
      ...(withCoverage ? [{ type: 'value' as const, max: 100, axisLabel: { formatter: '{value}%' } }] : []),
    ],
    series: [
      { name: t('dashboard.study.hours'), type: 'bar', barMaxWidth: 24, itemStyle: { color: COLORS.blue }, data: rows.map((r) => r.figures.study.hours) },
      ...(withCoverage
        ? [{ name: t('dashboard.study.coverage'), type: 'line' as const, yAxisIndex: 1, itemStyle: { color: COLORS.main }, data: rows.map((r) => r.figures.study.coverage) }]
        : []),
    ],
  };
}

function PointsChart({ rows, onPick }: { rows: DashboardRow[]; onPick: (r: DashboardRow) => void }) {
  const { t } = useTranslation();
  const ranked = useMemo(() => [...rows].sort((a, b) => (a.figures.points.rank ?? 0) - (b.figures.points.rank ?? 0)), [rows]);
  const option = useMemo<ChartOption>(
    () => ({
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: 'value' },
      yAxis: { type: 'category', inverse: true, data: ranked.map((r) => `${r.figures.points.rank}. ${r.name}`), axisLabel: { width: 150, overflow: 'truncate' } },
      series: [
        {
          type: 'bar',
          name: t('dashboard.points.total'),
          barMaxWidth: 22,
          label: { show: true, position: 'right' },
          data: ranked.map((r) => ({ value: Number(r.figures.points.total), itemStyle: { color: Number(r.figures.points.total) < 0 ? COLORS.overdue : COLORS.main } })),
        },
      ],
    }),
    [ranked, t],
  );
  return <EChart label={t('dashboard.chart.points')} option={option} height={chartHeight(rows)} onPick={(i) => onPick(ranked[i])} />;
}

function infoChart(rows: DashboardRow[]): ChartOption {
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { top: 0 },
    grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: rows.map((r) => r.name), inverse: true, axisLabel: { width: 140, overflow: 'truncate' } },
    series: LEVELS.map((l, i) => ({ name: l, type: 'bar', stack: 'a', itemStyle: { color: LEVEL_COLORS[i] }, data: rows.map((r) => r.figures.info.byLevel[l]) })),
  };
}

export function trendChart(tr: DashboardOverview['trends'], t: T): ChartOption {
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: tr.months.map((m) => `${Number(m.slice(5))}${t('dashboard.monthSuffix')}`) },
    yAxis: [{ type: 'value' }, { type: 'value', name: t('dashboard.points.total') }],
    series: [
      { name: t('dashboard.trend.tasksDone'), type: 'line', data: tr.tasksDone, itemStyle: { color: COLORS.done } },
      { name: t('dashboard.trend.studyHours'), type: 'line', data: tr.studyHours, itemStyle: { color: COLORS.blue } },
      { name: t('dashboard.trend.infoAdopted'), type: 'line', data: tr.infoAdopted, itemStyle: { color: COLORS.gold } },
      { name: t('dashboard.trend.points'), type: 'line', yAxisIndex: 1, data: tr.points.map(Number), itemStyle: { color: COLORS.main } },
    ],
  };
}

function childColumns(d: DashboardOverview, t: T, navigate: (to: string) => void): ColumnsType<DashboardRow> {
  const person = d.childKind === 'person';
  return [
    {
      title: person ? t('dashboard.col.person') : t('dashboard.col.unit'),
      dataIndex: 'name',
      fixed: 'left',
      width: 170,
      render: (v: string, r) => (r.hasChildren && r.links.drill ? <a onClick={() => navigate(r.links.drill!)}>{v}</a> : v),
    },
    { title: t('dashboard.tasks.total'), key: 'tt', width: 70, align: 'right', render: (_, r) => <Num to={r.links.tasks}>{r.figures.tasks.total}</Num> },
    { title: t('dashboard.tasks.done'), key: 'td', width: 70, align: 'right', render: (_, r) => <Num to={r.links.tasksDone}>{r.figures.tasks.done}</Num> },
    {
      title: t('dashboard.tasks.overdue'),
      key: 'to',
      width: 70,
      align: 'right',
      render: (_, r) => <Num to={r.links.tasksOverdue}>{r.figures.tasks.overdue ? <Typography.Text type="danger">{r.figures.tasks.overdue}</Typography.Text> : 0}</Num>,
    },
    { title: t('dashboard.tasks.completion'), key: 'tc', width: 80, align: 'right', render: (_, r) => pctText(r.figures.tasks.completion) },
    { title: t('dashboard.study.sessions'), key: 'ss', width: 70, align: 'right', render: (_, r) => <Num to={r.links.sessions}>{r.figures.study.sessions}</Num> },
    { title: t('dashboard.study.hours'), key: 'sh', width: 80, align: 'right', render: (_, r) => r.figures.study.hours },
    ...(person
      ? []
      : [
          {
            title: t('dashboard.study.weeks'),
            key: 'sw',
            width: 90,
            align: 'right' as const,
            render: (_: unknown, r: DashboardRow) => (r.figures.study.weeks === null ? '—' : `${r.figures.study.weeksCovered}/${r.figures.study.weeks}`),
          },
          { title: t('dashboard.study.coverage'), key: 'sc', width: 80, align: 'right' as const, render: (_: unknown, r: DashboardRow) => pctText(r.figures.study.coverage) },
        ]),
    { title: t('dashboard.points.total'), key: 'pt', width: 80, align: 'right', render: (_, r) => <Num to={r.links.points}><Pts value={r.figures.points.total} /></Num> },
    { title: t('dashboard.points.rank'), key: 'pr', width: 60, align: 'right', render: (_, r) => r.figures.points.rank ?? '—' },
    { title: t('dashboard.points.grade'), key: 'pg', width: 60, render: (_, r) => r.figures.points.grade ?? '—' },
    { title: t('dashboard.info.submitted'), key: 'is', width: 70, align: 'right', render: (_, r) => <Num to={r.links.infoSubmitted}>{r.figures.info.submitted}</Num> },
    { title: t('dashboard.info.adopted'), key: 'ia', width: 70, align: 'right', render: (_, r) => <Num to={r.links.infoAdopted}>{r.figures.info.adopted}</Num> },
    ...LEVELS.map((l) => ({ title: l, key: l, width: 56, align: 'right' as const, render: (_: unknown, r: DashboardRow) => r.figures.info.byLevel[l] })),
  ];
}

function PersonView({ personId, periodQuery, onUnit }: { personId?: string; periodQuery: { period?: string; from?: string; to?: string }; onUnit: (unitId: string) => void }) {
  const { t } = useTranslation();
  const q = usePersonDashboard({ personId, ...periodQuery });
  const d = q.data;
  if (q.error) return <Empty description={(q.error as Error).message} />;
  if (!d) return <Card loading bordered={false} />;
  const x = d.figures;
  return (
    <>
      {d.breadcrumbs.length > 0 && (
        <Breadcrumb
          style={{ marginBottom: 12 }}
          items={[...d.breadcrumbs.map((b) => ({ title: <a onClick={() => onUnit(b.id)}>{b.name}</a> })), { title: <b>{d.person.name}</b> }]}
        />
      )}
      <Space style={{ marginBottom: 12 }}>
        <Tag color="red">{t('dashboard.level.person')}</Tag>
        <Typography.Text strong>{d.person.name}</Typography.Text>
        <Typography.Text type="secondary">
          {d.person.unitName} · {d.period.label}
        </Typography.Text>
      </Space>
      <Totals figures={x} links={d.links} />
      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24} md={8}>
          <Statistic title={t('dashboard.reflections')} value={d.reflections.submitted} suffix={t('dashboard.reflectionsExcellent', { n: d.reflections.excellent })} />
        </Col>
        <Col xs={24} md={16}>
          <Card size="small" title={t('dashboard.chart.info')}>
            <EChart
              label={t('dashboard.chart.info')}
              height={200}
              option={{
                tooltip: { trigger: 'item' },
                legend: { right: 0, orient: 'vertical' },
                series: [{ type: 'pie', radius: ['40%', '70%'], data: LEVELS.map((l, i) => ({ name: l, value: x.info.byLevel[l], itemStyle: { color: LEVEL_COLORS[i] } })) }],
              }}
            />
          </Card>
        </Col>
        <Col xs={24}>
          <Card size="small" title={t('dashboard.chart.trends')}>
            <EChart label={t('dashboard.chart.trends')} option={trendChart(d.trends, t)} height={280} />
          </Card>
        </Col>
      </Row>
    </>
  );
}
