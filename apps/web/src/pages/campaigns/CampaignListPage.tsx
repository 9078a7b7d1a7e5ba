import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, Input, Progress, Select, Space, Table, Tag, Typography } from 'antd';
import { CAMPAIGN_STATUSES } from '@luoshi/contract';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useCan } from '../../api/auth';
import type { Campaign } from '../../api/types';
import { ExportButton } from '../../components/ExportButton';
import { usePagedList } from '../../components/usePagedList';
import { CampaignFormModal } from './CampaignFormModal';

export function CampaignListPage() {
  const { t } = useTranslation();
  const canWrite = useCan('campaigns:campaign:write');
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<string | undefined>();
  const [creating, setCreating] = useState(false);
  const { query, rows, pagination, resetPage } = usePagedList<Campaign>(['campaigns', 'list'], '/api/campaigns', { q, status, sort: '-startDate' });
  return (
    <Card>
      <h2 className="page-title">{t('campaign.listTitle')}</h2>
      <div className="toolbar">
        <Space wrap>
          <Input.Search
            allowClear
            placeholder={t('campaign.search')}
            onSearch={(v) => {
              setQ(v.trim());
              resetPage();
            }}
            style={{ width: 260 }}
          />
          <Select
            allowClear
            placeholder={t('campaign.status')}
            style={{ width: 140 }}
            value={status}
            onChange={(v) => {
              setStatus(v);
              resetPage();
            }}
            options={Object.entries(CAMPAIGN_STATUSES).map(([value, label]) => ({ value, label }))}
          />
        </Space>
        <Space>
          <ExportButton url={'/api/campaigns/export'} filters={{ q, status, sort: '-startDate' }} fallbackName="专项行动.xlsx" />
          {canWrite && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              {t('campaign.create')}
            </Button>
          )}
        </Space>
      </div>
      <Table<Campaign>
        rowKey="id"
        loading={query.isFetching}
        dataSource={rows}
        pagination={pagination}
        locale={{ emptyText: query.error ? (query.error as Error).message : t('campaign.empty') }}
        columns={[
          {
            title: t('campaign.name'),
            dataIndex: 'name',
            render: (v: string, r) => (
              <Space orientation="vertical" size={2}>
                <Link to={`/campaigns/${r.id}`}>{v}</Link>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {r.unitName}
                </Typography.Text>
              </Space>
            ),
          },
          {
            title: t('campaign.dimensions'),
            dataIndex: 'dimensions',
            width: 170,
            render: (d: string[]) => d.map((x) => <Tag key={x} color="volcano">{x}</Tag>),
          },
          { title: t('campaign.period'), key: 'period', width: 210, render: (_, r) => `${r.startDate} ${t('common.to')} ${r.endDate}` },
          { title: t('campaign.taskCount'), dataIndex: 'taskCount', width: 90, align: 'right' },
          {
            title: t('campaign.overdueCount'),
            dataIndex: 'overdueCount',
            width: 90,
            align: 'right',
            render: (n: number) => (n > 0 ? <span className="text-danger">{n}</span> : n),
          },
          {
            title: t('campaign.progress'),
            dataIndex: 'progress',
            width: 180,
            render: (p: number, r) => (
              <Progress percent={p} size="small" format={(v) => `${v}%`} status={r.overdueCount > 0 ? 'exception' : p >= 100 ? 'success' : 'normal'} />
            ),
          },
          {
            title: t('campaign.status'),
            dataIndex: 'status',
            width: 90,
            render: (s: Campaign['status']) => <Tag color={s === 'active' ? 'processing' : 'default'}>{CAMPAIGN_STATUSES[s]}</Tag>,
          },
        ]}
      />
      {creating && <CampaignFormModal onClose={() => setCreating(false)} />}
    </Card>
  );
}
