import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, DatePicker, Select, Table, Tag } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { useCan } from '../../api/auth';
import { api } from '../../api/client';
import { infoKeys, infoUrls, usePublications, type InfoIssue, type InfoIssueSummary } from '../../api/info';
import { useShowError } from '../../components/errors';
import { ExportButton } from '../../components/ExportButton';
import { usePagedList } from '../../components/usePagedList';
import './info.css';

/** 期刊: the numbered issues of each publication by year, 编辑中 or 已印发. */
export function IssuesPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const canAdopt = useCan('info:item:adopt');
  const pubs = usePublications();
  const [publicationId, setPublicationId] = useState<string | undefined>();
  const [year, setYear] = useState(dayjs().year());
  const { query, rows, pagination, resetPage } = usePagedList<InfoIssueSummary>(infoKeys.issues, infoUrls.issues, { publicationId, year });
  const create = useMutation({
    mutationFn: () => api.post<InfoIssue>(infoUrls.issues, { publicationId }),
    onSuccess: (i) => {
      void qc.invalidateQueries({ queryKey: infoKeys.issues });
      void message.success(t('info.issues.created', { label: i.label }));
      navigate(`/info/issues/${i.id}`);
    },
    onError: (e) => showError(e),
  });
  return (
    <Card>
      <div className="info-head">
        <h2 className="page-title">{t('info.issues.title')}</h2>
        {canAdopt && (
          <Button type="primary" icon={<PlusOutlined />} disabled={!publicationId} title={publicationId ? undefined : t('info.issues.pickFirst')} loading={create.isPending} onClick={() => create.mutate()}>
            {t('info.issues.new')}
          </Button>
        )}
      </div>
      <div className="toolbar info-toolbar">
        <Select
          allowClear
          style={{ width: 220 }}
          placeholder={t('info.issues.allPublications')}
          value={publicationId}
          loading={pubs.isLoading}
          onChange={(v) => {
            setPublicationId(v);
            resetPage();
          }}
          options={(pubs.data?.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
        />
        <DatePicker
          picker="year"
          allowClear={false}
          value={dayjs().year(year)}
          onChange={(d) => {
            if (d) setYear(d.year());
            resetPage();
          }}
        />
        <ExportButton url={`${infoUrls.issues}/export`} filters={{ publicationId, year }} fallbackName="信息期刊.xlsx" />
      </div>
      <Table<InfoIssueSummary>
        rowKey="id"
        loading={query.isFetching}
        dataSource={rows}
        pagination={pagination}
        locale={{ emptyText: query.error ? (query.error as Error).message : t('info.issues.empty') }}
        columns={[
          { title: t('info.issues.publication'), dataIndex: 'publicationName', width: 200 },
          { title: t('info.issues.number'), dataIndex: 'number', render: (v: number, r) => <Link to={`/info/issues/${r.id}`}>{t('info.issues.numberLabel', { year: r.year, n: v })}</Link> },
          { title: t('info.issues.totalNumber'), dataIndex: 'totalNumber', width: 110, render: (v: number) => t('info.issues.total', { n: v }) },
          { title: t('info.issues.date'), dataIndex: 'issueDate', width: 120 },
          { title: t('info.issues.items'), dataIndex: 'itemCount', width: 100, align: 'right' },
          {
            title: t('info.issues.status'),
            dataIndex: 'status',
            width: 100,
            render: (v: InfoIssueSummary['status']) => <Tag color={v === 'issued' ? 'success' : 'processing'}>{t(`info.issues.statuses.${v}`)}</Tag>,
          },
        ]}
      />
    </Card>
  );
}
