import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, Input, Select, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useCan } from '../../api/auth';
import { bulletinKeys, bulletinUrls, useBulletinTemplates, type BulletinHead } from '../../api/bulletins';
import { ExportButton } from '../../components/ExportButton';
import { usePagedList } from '../../components/usePagedList';
import { NewBulletinModal } from './NewBulletinModal';

/** 通报: drafts (to writers over their scope) and issued bulletins, newest number first; 新建 opens the wizard. */
export function BulletinListPage() {
  const { t } = useTranslation();
  const canWrite = useCan('reports:bulletin:write');
  const templates = useBulletinTemplates();
  const [template, setTemplate] = useState<string>();
  const [status, setStatus] = useState<string>();
  const [year, setYear] = useState<number>();
  const [q, setQ] = useState('');
  const [creating, setCreating] = useState(false);
  const { query, pagination } = usePagedList<BulletinHead>(bulletinKeys.list, bulletinUrls.list, { template, status, year, q: q || undefined });
  const thisYear = dayjs().year();
  return (
    <Card
      title={t('bulletins.list.title')}
      extra={
        canWrite && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t('bulletins.list.new')}
          </Button>
        )
      }
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <Select
          allowClear
          placeholder={t('bulletins.field.template')}
          style={{ width: 170 }}
          value={template}
          onChange={setTemplate}
          options={(templates.data?.data ?? []).map((x) => ({ value: x.code, label: x.name }))}
        />
        <Select
          allowClear
          placeholder={t('bulletins.field.status')}
          style={{ width: 120 }}
          value={status}
          onChange={setStatus}
          options={[
            { value: 'draft', label: t('bulletins.status.draft') },
            { value: 'issued', label: t('bulletins.status.issued') },
          ]}
        />
        <Select
          allowClear
          placeholder={t('bulletins.field.year')}
          style={{ width: 110 }}
          value={year}
          onChange={setYear}
          options={[thisYear, thisYear - 1, thisYear - 2].map((y) => ({ value: y, label: String(y) }))}
        />
        <Input.Search allowClear placeholder={t('bulletins.list.search')} style={{ width: 240 }} onSearch={setQ} />
        <ExportButton url={`${bulletinUrls.list}/export`} filters={{ template, status, year, q: q || undefined }} fallbackName="通报.xlsx" />
      </Space>
      <Table<BulletinHead>
        rowKey="id"
        size="middle"
        loading={query.isFetching}
        dataSource={query.data?.data}
        pagination={pagination}
        columns={[
          { title: t('bulletins.field.docNumber'), dataIndex: 'docNumber', width: 170, render: (v: string | null) => v ?? <Typography.Text type="secondary">{t('bulletins.list.unnumbered')}</Typography.Text> },
          {
            title: t('bulletins.field.title'),
            dataIndex: 'title',
            render: (v: string, r) => (
              <Space>
                <Link to={`/bulletins/${r.id}`}>{v}</Link>
                {r.status === 'issued' && r.readAt === null && <Tag color="red">{t('bulletins.list.unread')}</Tag>}
              </Space>
            ),
          },
          { title: t('bulletins.field.template'), dataIndex: 'templateName', width: 130 },
          { title: t('bulletins.field.period'), dataIndex: 'periodLabel', width: 200 },
          { title: t('bulletins.field.scope'), dataIndex: 'scopeUnitName', width: 160 },
          {
            title: t('bulletins.field.status'),
            dataIndex: 'status',
            width: 90,
            render: (v: string) => <Tag color={v === 'issued' ? 'green' : 'default'}>{t(`bulletins.status.${v}`)}</Tag>,
          },
          { title: t('bulletins.field.dated'), dataIndex: 'signatureDate', width: 120, render: (v: string | null, r) => (r.status === 'issued' ? v : '') },
        ]}
      />
      {creating && <NewBulletinModal onClose={() => setCreating(false)} />}
    </Card>
  );
}
