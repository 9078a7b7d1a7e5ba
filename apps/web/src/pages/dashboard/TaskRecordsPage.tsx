import { Card, Space, Table, Tag, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../api/client';
import type { Task } from '../../api/types';

/**
 * The tasks behind a dashboard number: led by one unit, optionally of a campaign, done or overdue, with their
 * deadline in the dashboard's period (the dashboard counts tasks by deadline).
 */
export function TaskRecordsPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const from = params.get('from') ?? undefined;
  const to = params.get('to') ?? undefined;
  const filters = {
    leadUnitId: params.get('leadUnitId') ?? undefined,
    campaignId: params.get('campaignId') ?? undefined,
    status: params.get('status') ?? undefined,
    overdue: params.get('overdue') ?? undefined,
  };
  const years = from && to ? Array.from({ length: Number(to.slice(0, 4)) - Number(from.slice(0, 4)) + 1 }, (_, i) => Number(from.slice(0, 4)) + i) : [undefined];
  const q = useQuery({
    queryKey: ['dashboards', 'tasks', filters, from, to],
    queryFn: async () => {
      const out: Task[] = [];
      for (const year of years) {
        for (let page = 1; ; page++) {
          const r = await api.list<Task>('/api/tasks', { ...filters, year, page, pageSize: 100, sort: 'deadline' });
          out.push(...r.data);
          if (page * 100 >= r.total) break;
        }
      }
      return out.filter((x) => (!from || x.deadline >= from) && (!to || x.deadline <= to));
    },
    enabled: !!filters.leadUnitId,
  });
  const rows = q.data ?? [];
  return (
    <Card>
      <h2 className="page-title">{t('dashboard.taskRecords.title')}</h2>
      <Space wrap style={{ marginBottom: 12 }}>
        {rows[0] && <Tag>{rows[0].leadUnitName}</Tag>}
        {from && to && <Tag>{`${t('dashboard.taskRecords.deadline')} ${from} ${t('common.to')} ${to}`}</Tag>}
        {filters.status === 'done' && <Tag color="green">{t('dashboard.tasks.done')}</Tag>}
        {filters.overdue === 'true' && <Tag color="red">{t('dashboard.tasks.overdue')}</Tag>}
        <Typography.Text type="secondary">{t('dashboard.taskRecords.count', { n: rows.length })}</Typography.Text>
      </Space>
      <Table<Task>
        rowKey="id"
        size="small"
        loading={q.isFetching}
        dataSource={rows}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        columns={[
          { title: t('dashboard.taskRecords.task'), dataIndex: 'title', render: (v: string, r) => <Link to={`/tasks/${r.id}`}>{v}</Link> },
          { title: t('dashboard.taskRecords.campaign'), dataIndex: 'campaignName', width: 180, render: (v: string | null) => v ?? t('dashboard.taskRecords.keyList') },
          { title: t('dashboard.taskRecords.deadline'), dataIndex: 'effectiveDeadline', width: 110 },
          { title: t('dashboard.taskRecords.progress'), dataIndex: 'progress', width: 80, align: 'right', render: (v: number) => `${v}%` },
          {
            title: t('dashboard.taskRecords.status'),
            key: 's',
            width: 100,
            render: (_, r) => (r.status === 'done' ? <Tag color="green">{t('dashboard.tasks.done')}</Tag> : r.overdue ? <Tag color="red">{t('dashboard.tasks.overdue')}</Tag> : <Tag>{t('dashboard.tasks.open')}</Tag>),
          },
        ]}
      />
    </Card>
  );
}
