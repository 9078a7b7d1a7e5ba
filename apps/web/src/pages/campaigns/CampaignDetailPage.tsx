import { DownloadOutlined, EditOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { App, Breadcrumb, Button, Card, Descriptions, Empty, Progress, Select, Space, Spin, Table, Tabs, Tag, Upload } from 'antd';
import { CAMPAIGN_STATUSES, DOCUMENT_KINDS } from '@luoshi/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { useCan } from '../../api/auth';
import { api, download } from '../../api/client';
import { campaignKeys, getCampaign, getTaskTree } from '../../api/campaigns';
import type { CampaignDocument } from '../../api/types';
import { useShowError } from '../../components/errors';
import { CampaignFormModal } from './CampaignFormModal';
import { TaskFormModal } from './TaskFormModal';
import { TaskTreeTable } from './TaskTreeTable';

function formatSize(n: number) {
  return n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`;
}

function Documents({ campaignId, canWrite }: { campaignId: string; canWrite: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const [kind, setKind] = useState<string>('plan');
  const docs = useQuery({
    queryKey: campaignKeys.documents(campaignId),
    queryFn: () => api.get<CampaignDocument[] | { data: CampaignDocument[] }>(`/api/campaigns/${campaignId}/documents`),
    select: (d) => (Array.isArray(d) ? d : d.data),
  });
  const up = useMutation({
    mutationFn: (file: File) => api.upload<CampaignDocument>(`/api/campaigns/${campaignId}/documents`, file, { kind }),
    onSuccess: () => {
      void message.success(t('campaign.docUploaded'));
      void qc.invalidateQueries({ queryKey: campaignKeys.documents(campaignId) });
    },
    onError: (e) => showError(e),
  });
  return (
    <>
      {canWrite && (
        <Space style={{ marginBottom: 12 }}>
          <Select
            value={kind}
            onChange={setKind}
            style={{ width: 140 }}
            options={Object.entries(DOCUMENT_KINDS).map(([value, label]) => ({ value, label }))}
            aria-label={t('campaign.docKind')}
          />
          <Upload
            showUploadList={false}
            accept=".pdf,.docx,.xlsx,.png,.jpg,.jpeg,.gif,.webp"
            beforeUpload={(f) => {
              up.mutate(f);
              return false;
            }}
          >
            <Button icon={<UploadOutlined />} loading={up.isPending}>
              {t('campaign.uploadDoc')}
            </Button>
          </Upload>
          <span style={{ color: '#888' }}>{t('campaign.docHint')}</span>
        </Space>
      )}
      <Table<CampaignDocument>
        rowKey="id"
        size="middle"
        loading={docs.isLoading}
        dataSource={docs.data ?? []}
        pagination={{ defaultPageSize: 10, hideOnSinglePage: true }}
        locale={{ emptyText: docs.error ? (docs.error as Error).message : t('campaign.noDocs') }}
        columns={[
          { title: t('campaign.docName'), dataIndex: 'fileName' },
          { title: t('campaign.docKind'), dataIndex: 'kind', width: 110, render: (k: keyof typeof DOCUMENT_KINDS) => <Tag>{DOCUMENT_KINDS[k]}</Tag> },
          { title: t('campaign.docSize'), dataIndex: 'size', width: 100, render: formatSize },
          { title: t('campaign.docUploader'), dataIndex: 'uploadedBy', width: 110, render: (v: string | null) => v ?? '—' },
          { title: t('campaign.docTime'), dataIndex: 'createdAt', width: 160, render: (v: string) => dayjs(v).format('YYYY-MM-DD HH:mm') },
          {
            title: t('common.actions'),
            width: 90,
            render: (_, d) => (
              <Button
                type="link"
                size="small"
                icon={<DownloadOutlined />}
                onClick={() => void download(`/api/campaigns/${campaignId}/documents/${d.id}/download`, d.fileName).catch(showError)}
              >
                {t('common.download')}
              </Button>
            ),
          },
        ]}
      />
    </>
  );
}

export function CampaignDetailPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const canWrite = useCan('campaigns:campaign:write');
  const canTask = useCan('campaigns:task:write');
  const [editing, setEditing] = useState(false);
  const [creatingTask, setCreatingTask] = useState(false);
  const [exporting, setExporting] = useState(false);
  const showError = useShowError();
  const campaign = useQuery({ queryKey: campaignKeys.detail(id), queryFn: () => getCampaign(id) });
  const tasks = useQuery({ queryKey: ['tasks', 'tree', 'campaign', id], queryFn: () => getTaskTree({ campaignId: id }) });
  if (campaign.isLoading) return <Spin />;
  if (campaign.error || !campaign.data) {
    return (
      <Card>
        <Empty description={(campaign.error as Error | null)?.message ?? t('common.notFound')} />
      </Card>
    );
  }
  const c = campaign.data;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Breadcrumb items={[{ title: <Link to="/campaigns">{t('nav.campaigns')}</Link> }, { title: c.name }]} />
      <Card
        title={
          <Space>
            {c.name}
            <Tag color={c.status === 'active' ? 'processing' : 'default'}>{CAMPAIGN_STATUSES[c.status]}</Tag>
          </Space>
        }
        extra={
          canWrite && (
            <Button icon={<EditOutlined />} onClick={() => setEditing(true)}>
              {t('common.edit')}
            </Button>
          )
        }
      >
        <Descriptions column={3} size="small">
          <Descriptions.Item label={t('campaign.unit')}>{c.unitName}</Descriptions.Item>
          <Descriptions.Item label={t('campaign.period')}>
            {c.startDate} {t('common.to')} {c.endDate}
          </Descriptions.Item>
          <Descriptions.Item label={t('campaign.leadingGroup')}>{c.leadingGroupName ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('campaign.dimensions')}>
            {c.dimensions.length ? c.dimensions.map((d) => <Tag key={d} color="volcano">{d}</Tag>) : '—'}
          </Descriptions.Item>
          <Descriptions.Item label={t('campaign.taskCount')}>
            {c.taskCount}
            {c.overdueCount > 0 && <span className="text-danger">（{t('campaign.overdueN', { n: c.overdueCount })}）</span>}
          </Descriptions.Item>
          <Descriptions.Item label={t('campaign.progress')}>
            <Progress percent={c.progress} size="small" style={{ width: 200, margin: 0 }} />
          </Descriptions.Item>
          {c.description && (
            <Descriptions.Item label={t('campaign.description')} span={3}>
              <span style={{ whiteSpace: 'pre-wrap' }}>{c.description}</span>
            </Descriptions.Item>
          )}
        </Descriptions>
      </Card>
      <Card>
        <Tabs
          items={[
            {
              key: 'tasks',
              label: t('campaign.tabTasks'),
              children: (
                <>
                  <div className="toolbar">
                    <span style={{ color: '#888' }}>{t('campaign.tasksHint')}</span>
                    <Space>
                      <Button
                        icon={<DownloadOutlined />}
                        loading={exporting}
                        onClick={() => {
                          setExporting(true);
                          download(`/api/tasks/export.xlsx?campaignId=${c.id}`, t('files.campaignTasks', { name: c.name }))
                            .catch(showError)
                            .finally(() => setExporting(false));
                        }}
                      >
                        {t('common.export')}
                      </Button>
                      {canTask && (
                        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreatingTask(true)}>
                          {t('task.create')}
                        </Button>
                      )}
                    </Space>
                  </div>
                  <TaskTreeTable tasks={tasks.data ?? []} loading={tasks.isLoading} />
                </>
              ),
            },
            { key: 'docs', label: t('campaign.tabDocs'), children: <Documents campaignId={c.id} canWrite={canWrite} /> },
          ]}
        />
      </Card>
      {editing && <CampaignFormModal campaign={c} onClose={() => setEditing(false)} />}
      {creatingTask && <TaskFormModal campaignId={c.id} dimensions={c.dimensions} onClose={() => setCreatingTask(false)} />}
    </Space>
  );
}
