import { CopyOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, DatePicker, Empty, Row, Space, Spin, Statistic, Table, Typography } from 'antd';
import type { StudyStats as StudyStatsS } from '@luoshi/contract';
import { useQuery } from '@tanstack/react-query';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { api } from '../../api/client';
import { studyKeys } from '../../api/study';
import { ExportButton } from '../../components/ExportButton';
import { UnitTreeSelect } from '../../components/UnitTreeSelect';

type StudyStats = z.infer<typeof StudyStatsS>;
type ByType = StudyStats['sessionsByType'][number];
const hours = (m: number) => (m / 60).toFixed(1).replace(/\.0$/, '');
const pct = (v: number | null) => (v === null ? '—' : `${v}%`);

/** 学习统计: a unit's study over a period, and the sentence its report quotes. */
export function StatsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [unitId, setUnitId] = useState<string | undefined>();
  const [range, setRange] = useState<[Dayjs, Dayjs]>(() => [dayjs().startOf('year'), dayjs()]);
  const q = { unitId, from: range[0].format('YYYY-MM-DD'), to: range[1].format('YYYY-MM-DD') };
  const stats = useQuery({ queryKey: [...studyKeys.all, 'stats', q], queryFn: () => api.get<StudyStats>('/api/study/stats', q) });
  const s = stats.data;
  return (
    <Card>
      <h2 className="page-title">{t('stats.title')}</h2>
      <div className="toolbar">
        <Space wrap>
          <UnitTreeSelect allowClear value={unitId} onChange={(v) => setUnitId((v as string) ?? undefined)} style={{ width: 240 }} />
          <DatePicker.RangePicker allowClear={false} value={range} onChange={(v) => v && v[0] && v[1] && setRange([v[0], v[1]])} />
          <ExportButton url="/api/study/stats/export" filters={q} fallbackName="学习统计.xlsx" />
        </Space>
      </div>
      {stats.isLoading && <Spin />}
      {stats.error && <Empty description={(stats.error as Error).message} />}
      {s && (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          <Alert
            type="info"
            title={t('stats.summary')}
            description={<Typography.Paragraph style={{ margin: 0, fontSize: 15 }}>{s.summary}</Typography.Paragraph>}
            action={
              <Button
                size="small"
                icon={<CopyOutlined />}
                onClick={() =>
                  void navigator.clipboard
                    ?.writeText(s.summary)
                    .then(() => message.success(t('stats.copied')))
                    .catch(() => undefined)
                }
              >
                {t('stats.copy')}
              </Button>
            }
          />
          <Row gutter={[16, 16]}>
            <Col span={4}>
              <Statistic title={t('stats.sessions')} value={s.sessions} />
            </Col>
            <Col span={4}>
              <Statistic title={t('stats.hours')} value={hours(s.minutes)} />
            </Col>
            <Col span={4}>
              <Statistic title={t('stats.attendanceRate')} value={pct(s.attendanceRate)} />
            </Col>
            <Col span={4}>
              <Statistic title={t('stats.coverageRate')} value={pct(s.coverageRate)} />
            </Col>
            <Col span={4}>
              <Statistic title={t('stats.missedWeeks')} value={s.missedWeeks} valueStyle={s.missedWeeks ? { color: '#cf1322' } : undefined} />
            </Col>
            <Col span={4}>
              <Statistic title={t('stats.lateOrUnfiled')} value={s.lateOrUnfiled} valueStyle={s.lateOrUnfiled ? { color: '#fa8c16' } : undefined} />
            </Col>
            <Col span={4}>
              <Statistic title={t('stats.reflections')} value={s.reflections} />
            </Col>
            <Col span={4}>
              <Statistic title={t('stats.excellent')} value={s.reflectionsExcellent} />
            </Col>
            <Col span={4}>
              <Statistic title={t('stats.books')} value={s.booksRead} />
            </Col>
          </Row>
          <Table<ByType>
            rowKey="typeCode"
            size="middle"
            dataSource={s.sessionsByType}
            pagination={{ defaultPageSize: 20, hideOnSinglePage: true }}
            locale={{ emptyText: t('stats.empty') }}
            columns={[
              { title: t('stats.type'), dataIndex: 'typeName' },
              { title: t('stats.sessions'), dataIndex: 'sessions', width: 140, align: 'right' },
              { title: t('stats.hours'), dataIndex: 'minutes', width: 140, align: 'right', render: hours },
            ]}
          />
        </Space>
      )}
    </Card>
  );
}
