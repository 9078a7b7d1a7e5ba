import { Badge, Card, Col, Empty, Row, Space, Statistic, Table, Tag, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { useCan, useMe } from '../../api/auth';
import { api } from '../../api/client';
import { periodLabel, type PointInterview } from '../../api/points';
import type { Campaign, Task } from '../../api/types';
import { PercentBarChart } from '../../components/BarChart';
import { DeadlineCell, TaskFlags } from '../campaigns/TaskTreeTable';

/** How many rows a list would answer, read from the envelope's total. */
function useCount(key: string, url: string, query: Record<string, string>, enabled: boolean) {
  return useQuery({
    queryKey: ['home', key],
    queryFn: async () => (await api.list<unknown>(url, { ...query, pageSize: 1 })).total,
    enabled,
    retry: false,
  });
}

function Stat({ title, value, to, danger }: { title: string; value: number | undefined; to: string; danger?: boolean }) {
  const navigate = useNavigate();
  return (
    <Card hoverable onClick={() => navigate(to)}>
      <Statistic title={title} value={value ?? '—'} styles={{ content: danger && value ? { color: '#cf1322' } : undefined }} />
    </Card>
  );
}

export function HomePage() {
  const { t } = useTranslation();
  const { data: me } = useMe();
  const canTasks = useCan('campaigns:task:read');
  const canReview = useCan('campaigns:report:review');
  const canCampaigns = useCan('campaigns:campaign:read');
  const mine = useCount('mine', '/api/tasks', { mine: 'true', status: 'in_progress' }, canTasks);
  const unitTasks = useCount('unit', '/api/tasks', { leadUnitId: me?.unit?.id ?? '', status: 'in_progress' }, canTasks && !!me?.unit);
  const overdue = useCount('overdue', '/api/tasks', { overdue: 'true' }, canTasks);
  const toReview = useCount('toReview', '/api/reports', { toReview: 'true' }, canReview);
  const active = useCount('active', '/api/campaigns', { status: 'active' }, canCampaigns);
  const canInfoReview = useCan('info:item:review');
  const infoTodo = useCount('infoTodo', '/api/info/items', { todo: 'true' }, canInfoReview);
  const campaigns = useQuery({
    queryKey: ['home', 'campaigns'],
    queryFn: () => api.list<Campaign>('/api/campaigns', { status: 'active', pageSize: 12, sort: '-startDate' }),
    enabled: canCampaigns,
    retry: false,
  });
  const overdueList = useQuery({
    queryKey: ['home', 'overdueList'],
    queryFn: () => api.list<Task>('/api/tasks', { overdue: 'true', pageSize: 8, sort: 'deadline' }),
    enabled: canTasks,
    retry: false,
  });
  const canPoints = useCan('points:ledger:read');
  // 约谈 that a closed period opened and nobody has recorded yet stay on the dashboard until they are.
  const interviews = useQuery({
    queryKey: ['home', 'interviews'],
    queryFn: () => api.list<PointInterview>('/api/points/interviews', { status: 'pending', pageSize: 12, sort: 'createdAt' }),
    enabled: canPoints,
    retry: false,
  });
  const chartItems = useMemo(
    () => (campaigns.data?.data ?? []).map((c) => ({ name: c.name, value: c.progress, danger: c.overdueCount > 0 })),
    [campaigns.data],
  );
  return (
    <>
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {t('home.greeting', { name: me?.person?.name ?? me?.user.username })}
      </Typography.Title>
      <Row gutter={[16, 16]}>
        {canTasks && (
          <Col flex="1 1 200px">
            <Stat title={t('home.myTasks')} value={mine.data} to="/my-tasks?scope=mine" />
          </Col>
        )}
        {canTasks && me?.unit && (
          <Col flex="1 1 200px">
            <Stat title={t('home.unitTasks')} value={unitTasks.data} to="/my-tasks?scope=unit" />
          </Col>
        )}
        {canTasks && (
          <Col flex="1 1 200px">
            <Stat title={t('home.overdue')} value={overdue.data} to="/my-tasks?scope=all&overdue=1" danger />
          </Col>
        )}
        {canReview && (
          <Col flex="1 1 200px">
            <Stat title={t('home.toReview')} value={toReview.data} to="/reviews" />
          </Col>
        )}
        {canCampaigns && (
          <Col flex="1 1 200px">
            <Stat title={t('home.activeCampaigns')} value={active.data} to="/campaigns" />
          </Col>
        )}
        {canInfoReview && (
          <Col flex="1 1 200px">
            <Stat title={t('home.infoTodo')} value={infoTodo.data} to="/info/todo" />
          </Col>
        )}
      </Row>
      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        {canCampaigns && (
          <Col xs={24} xl={14}>
            <Card title={t('home.progressChart')}>
              {chartItems.length ? (
                <PercentBarChart items={chartItems} height={Math.max(220, chartItems.length * 40)} />
              ) : (
                <Empty description={t('home.noCampaigns')} />
              )}
            </Card>
          </Col>
        )}
        {canPoints && !!interviews.data?.total && (
          <Col xs={24} xl={10}>
            <Card
              title={
                <Space>
                  {t('home.pendingInterviews')}
                  <Badge count={interviews.data.total} />
                </Space>
              }
              extra={<Link to="/points/interviews">{t('home.allInterviews')}</Link>}
            >
              <Typography.Paragraph type="secondary">{t('home.pendingInterviewsHint', { n: interviews.data.total })}</Typography.Paragraph>
              <Space wrap size={[4, 8]}>
                {interviews.data.data.map((i) => (
                  <Tag key={i.id} color={i.grade === '差' ? 'red' : 'orange'}>
                    {i.unitName}（{periodLabel(i.periodKey)} {i.grade}）
                  </Tag>
                ))}
              </Space>
            </Card>
          </Col>
        )}
        {canTasks && (
          <Col xs={24} xl={10}>
            <Card title={t('home.overdueList')}>
              <Table<Task>
                rowKey="id"
                size="small"
                pagination={false}
                dataSource={overdueList.data?.data ?? []}
                locale={{ emptyText: t('home.noOverdue') }}
                columns={[
                  {
                    title: t('task.title'),
                    dataIndex: 'title',
                    render: (v: string, r) => (
                      <>
                        {r.campaignId ? <Link to={`/campaigns/${r.campaignId}`}>{v}</Link> : <Link to="/key-tasks">{v}</Link>} <TaskFlags task={r} />
                      </>
                    ),
                  },
                  { title: t('task.leadUnit'), dataIndex: 'leadUnitName', width: 120 },
                  { title: t('task.deadline'), dataIndex: 'deadline', width: 110, render: (_, r) => <DeadlineCell task={r} /> },
                ]}
              />
            </Card>
          </Col>
        )}
      </Row>
    </>
  );
}
