import { PlusOutlined } from '@ant-design/icons';
import { INFO_STATUSES } from '@luoshi/contract';
import { Button, Card, DatePicker, Input, Segmented, Select, Table, Tooltip, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useCan } from '../../api/auth';
import { infoKeys, infoUrls, useInfoSettings, type InfoItemSummary } from '../../api/info';
import { ExportButton } from '../../components/ExportButton';
import { usePagedList } from '../../components/usePagedList';
import { UnitFilter } from '../../components/UnitTreeSelect';
import { DupTag, HolderCell, LevelTags, StatusTag } from './shared';

type View = 'all' | 'todo' | 'mine' | 'adopted';
const VIEWS: View[] = ['all', 'todo', 'mine', 'adopted'];

/** 信息列表: every visible item, 待我审核, 我报送的 and 已采用, with the filters an editor works by. */
export function ItemListPage({ todo }: { todo?: boolean }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const canSubmit = useCan('info:item:submit');
  const canReview = useCan('info:item:review');
  const [params, setParams] = useSearchParams();
  const view = todo ? 'todo' : ((VIEWS.includes(params.get('view') as View) ? params.get('view') : 'all') as View);
  const [status, setStatus] = useState<string | undefined>();
  const [category, setCategory] = useState<string | undefined>();
  const [unitId, setUnitId] = useState<string | undefined>();
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [q, setQ] = useState('');
  const settings = useInfoSettings();
  const threshold = settings.data?.dupThreshold;
  const filters = {
    todo: view === 'todo' || undefined,
    mine: view === 'mine' || undefined,
    adopted: view === 'adopted' || undefined,
    status,
    category,
    unitId,
    from: range?.[0]?.format('YYYY-MM-DD'),
    to: range?.[1]?.format('YYYY-MM-DD'),
    q: q || undefined,
    sort: view === 'todo' ? 'submittedOn' : '-updatedAt',
  };
  const { query, rows, pagination, resetPage } = usePagedList<InfoItemSummary>(infoKeys.items, infoUrls.items, filters);
  const viewOptions = VIEWS.filter((v) => (v === 'todo' ? canReview : v === 'mine' ? canSubmit : true)).map((v) => ({ value: v, label: t(`info.list.view.${v}`) }));
  return (
    <Card>
      <div className="info-head">
        <h2 className="page-title">{todo ? t('nav.infoTodo') : t('info.list.title')}</h2>
        {canSubmit && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate('/info/items/new')}>
            {t('info.list.new')}
          </Button>
        )}
      </div>
      {!todo && (
      <Segmented
        value={view}
        options={viewOptions}
        style={{ marginBottom: 12 }}
        onChange={(v) => {
          setParams((p) => {
            p.set('view', String(v));
            return p;
          });
          resetPage();
        }}
      />
      )}
      <div className="toolbar info-toolbar">
        <Select
          allowClear
          placeholder={t('info.item.status')}
          style={{ width: 130 }}
          value={status}
          onChange={(v) => {
            setStatus(v);
            resetPage();
          }}
          options={Object.entries(INFO_STATUSES).map(([value, label]) => ({ value, label }))}
        />
        <Select
          allowClear
          placeholder={t('info.item.category')}
          style={{ width: 130 }}
          value={category}
          onChange={(v) => {
            setCategory(v);
            resetPage();
          }}
          options={(settings.data?.categories ?? []).map((c) => ({ value: c, label: c }))}
        />
        <UnitFilter value={unitId} onChange={setUnitId} resetPage={resetPage} />
        <DatePicker.RangePicker
          value={range}
          placeholder={[t('info.list.from'), t('info.list.to')]}
          onChange={(v) => {
            setRange(v);
            resetPage();
          }}
        />
        <Input.Search
          allowClear
          placeholder={t('info.list.search')}
          style={{ width: 220 }}
          onSearch={(v) => {
            setQ(v.trim());
            resetPage();
          }}
        />
        <ExportButton url={`${infoUrls.items}/export`} filters={filters} fallbackName="信息列表.xlsx" />
      </div>
      <Table<InfoItemSummary>
        rowKey="id"
        loading={query.isFetching}
        dataSource={rows}
        pagination={pagination}
        scroll={{ x: 1100 }}
        locale={{ emptyText: query.error ? (query.error as Error).message : t(view === 'todo' ? 'info.list.emptyTodo' : 'info.list.empty') }}
        columns={[
          {
            title: t('info.item.title'),
            dataIndex: 'title',
            render: (v: string, r) => (
              <>
                <Link to={`/info/items/${r.id}`}>{v}</Link>
                {r.instructed > 0 && (
                  <Typography.Text type="danger" style={{ marginLeft: 6, fontSize: 12 }}>
                    {t('info.list.instructed', { n: r.instructed })}
                  </Typography.Text>
                )}
              </>
            ),
          },
          { title: t('info.item.category'), dataIndex: 'category', width: 90 },
          {
            title: t('info.item.unit'),
            dataIndex: 'unitName',
            width: 140,
            render: (v: string, r) => (
              <Tooltip title={r.unitPath}>
                <span>{v}</span>
              </Tooltip>
            ),
          },
          { title: t('info.item.status'), dataIndex: 'status', width: 110, render: (_: unknown, r) => <StatusTag item={r} /> },
          { title: t('info.item.holder'), key: 'holder', width: 170, render: (_, r) => <HolderCell item={r} /> },
          { title: t('info.item.authors'), key: 'authors', width: 100, render: (_, r) => r.authors.map((a) => a.name).join('、') || '—' },
          { title: t('info.item.dup'), dataIndex: 'dupTop', width: 90, render: (v: number) => <DupTag top={v} threshold={threshold} /> },
          { title: t('info.item.adoptions'), key: 'adoptions', width: 100, render: (_, r) => <LevelTags adoptions={r.adoptions} /> },
          { title: t('info.item.submittedOn'), dataIndex: 'submittedOn', width: 100, render: (v: string | null) => v ?? '—' },
        ]}
      />
    </Card>
  );
}
