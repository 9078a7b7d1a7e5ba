import { Card, Col, Empty, Row, Space, Spin, Statistic, Table, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import * as echarts from 'echarts/core';
import { BarChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { periodKeyOf, parsePeriodKey, periodLabel, pointsKeys, pointsUrls, type MyPoints } from '../../api/points';
import { GradeTag, PeriodPicker } from './shared';

echarts.use([BarChart, GridComponent, TooltipComponent, CanvasRenderer]);

/** The year's months side by side; deductions below the axis in red. */
function MonthBars({ months }: { months: MyPoints['months'] }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current);
    chart.setOption({
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'category', data: months.map((m) => t('points.me.monthN', { n: parsePeriodKey(m.periodKey)?.seq ?? m.periodKey })) },
      yAxis: { type: 'value' },
      series: [
        {
          type: 'bar',
          barMaxWidth: 28,
          data: months.map((m) => ({ value: Number(m.total), itemStyle: { color: Number(m.total) < 0 ? '#cf1322' : '#c8161d' } })),
          label: { show: true, position: 'top' },
        },
      ],
    });
    const onResize = () => chart.resize();
    window.addEventListener('resize', onResize);
    return () => {
      window.removeEventListener('resize', onResize);
      chart.dispose();
    };
  }, [months, t]);
  return <div ref={ref} style={{ width: '100%', height: 260 }} role="img" aria-label={t('points.me.months')} />;
}

/** 我的积分: a person's total, rank in the unit, grade, by category and by month, and the lines behind them. */
export function MyPointsPage() {
  const { t } = useTranslation();
  const [periodKey, setPeriodKey] = useState(() => periodKeyOf('quarter'));
  const q = useQuery({ queryKey: [...pointsKeys.all, 'me', periodKey], queryFn: () => api.get<MyPoints>(pointsUrls.me, { periodKey }) });
  const d = q.data;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card>
        <h2 className="page-title">{t('points.me.title')}</h2>
        <div className="toolbar">
          <PeriodPicker value={periodKey} onChange={setPeriodKey} />
          {d && <Link to={`/points/events?subjectId=${d.personId}&periodKey=${periodKey}`}>{t('points.me.myEvents')}</Link>}
        </div>
        {q.isLoading && <Spin />}
        {q.error && <Empty description={(q.error as Error).message} />}
        {d && (
          <Row gutter={16}>
            <Col span={6}>
              <Statistic title={t('points.me.total', { period: periodLabel(d.period.key) })} value={d.total} />
            </Col>
            <Col span={6}>
              <Statistic title={t('points.me.rank', { unit: d.unitName })} value={d.rank ?? '—'} suffix={d.rank ? `/ ${d.peerSize}` : undefined} />
            </Col>
            <Col span={6}>
              <Space orientation="vertical" size={4}>
                <Typography.Text type="secondary">{t('points.results.grade')}</Typography.Text>
                <span style={{ fontSize: 20 }}>
                  <GradeTag grade={d.grade} />
                </span>
              </Space>
            </Col>
            <Col span={6}>
              <Statistic title={t('points.me.events')} value={d.byCategory.reduce((s, c) => s + c.events, 0)} />
            </Col>
          </Row>
        )}
      </Card>
      {d && (
        <Row gutter={16}>
          <Col span={10}>
            <Card title={t('points.me.byCategory')}>
              <Table
                rowKey="category"
                size="small"
                dataSource={d.byCategory}
                pagination={false}
                locale={{ emptyText: t('points.me.noEvents') }}
                columns={[
                  { title: t('points.rules.category'), dataIndex: 'category' },
                  { title: t('points.results.events'), dataIndex: 'events', width: 90, align: 'right' },
                  { title: t('points.results.total'), dataIndex: 'total', width: 100, align: 'right', render: (v: string) => <b>{v}</b> },
                ]}
              />
            </Card>
          </Col>
          <Col span={14}>
            <Card title={t('points.me.months')}>{d.months.length ? <MonthBars months={d.months} /> : <Empty description={t('points.me.noEvents')} />}</Card>
          </Col>
        </Row>
      )}
    </Space>
  );
}
