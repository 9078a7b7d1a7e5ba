import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Col, DatePicker, Form, Input, InputNumber, Modal, Progress, Row, Select, Space, Table, Tabs, Tag, Tooltip } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCan, useMe } from '../../api/auth';
import { api } from '../../api/client';
import { studyKeys, studyUrls, type DesignatedReader, type ReadingLog, type ReadingProgress } from '../../api/study';
import type { Campaign } from '../../api/types';
import { useShowError } from '../../components/errors';
import { FormDrawer } from '../../components/FormDrawer';
import { useGuardedSubmit } from '../../components/useGuardedSubmit';
import { ExportButton } from '../../components/ExportButton';
import { usePagedList } from '../../components/usePagedList';
import { UnitFilter, UnitTreeSelect } from '../../components/UnitTreeSelect';
import { useDefaultUnit } from '../../components/useDefaultUnit';
import './study.css';

function useCampaignOptions() {
  return useQuery({
    queryKey: ['campaigns', 'options'],
    queryFn: () => api.list<Campaign>('/api/campaigns', { pageSize: 100, status: 'active' }),
  });
}

function useReaderOptions() {
  return useQuery({
    queryKey: [...studyKeys.reading, 'readers', 'options'],
    queryFn: () => api.list<DesignatedReader>(studyUrls.readers, { pageSize: 200, sort: 'title' }),
  });
}

type LogValues = { bookTitle: string; author?: string; designatedReaderId?: string | null; start?: Dayjs | null; finish?: Dayjs | null; notes?: string };

function LogDrawer({ log, onClose }: { log?: ReadingLog; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<LogValues>();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const readers = useReaderOptions();
  const m = useMutation({
    mutationFn: (v: LogValues) => {
      const body = {
        bookTitle: v.bookTitle,
        author: v.author?.trim() || null,
        designatedReaderId: v.designatedReaderId || null,
        startDate: v.start ? v.start.format('YYYY-MM-DD') : null,
        finishDate: v.finish ? v.finish.format('YYYY-MM-DD') : null,
        notes: v.notes?.trim() || null,
      };
      return log ? api.patch<ReadingLog>(`${studyUrls.readingLogs}/${log.id}`, { ...body, version: log.version }) : api.post<ReadingLog>(studyUrls.readingLogs, body);
    },
    onSuccess: () => {
      void message.success(t('common.saved'));
      void qc.invalidateQueries({ queryKey: studyKeys.reading });
      onClose();
    },
    onError: (e) => showError(e, form),
  });
  const submit = useGuardedSubmit(m);
  const readerList = readers.data?.data ?? [];
  return (
    <FormDrawer title={log ? t('reading.editLog') : t('reading.newLog')} size={560} pending={m.isPending} onSave={() => form.submit()} onClose={onClose}>
      <Form<LogValues>
        form={form}
        layout="vertical"
        initialValues={
          log
            ? {
                bookTitle: log.bookTitle,
                author: log.author ?? undefined,
                designatedReaderId: log.designatedReaderId,
                start: log.startDate ? dayjs(log.startDate) : null,
                finish: log.finishDate ? dayjs(log.finishDate) : null,
                notes: log.notes ?? undefined,
              }
            : { start: dayjs().startOf('month') }
        }
        onFinish={(v) => submit(v)}
      >
        <Form.Item name="designatedReaderId" label={t('reading.designated')} extra={t('reading.designatedHint')}>
          <Select
            allowClear
            loading={readers.isLoading}
            options={readerList.map((r) => ({ value: r.id, label: r.author ? `${t('reading.bookName', { title: r.title })} ${r.author}` : t('reading.bookName', { title: r.title }) }))}
            onChange={(id) => {
              const r = readerList.find((x) => x.id === id);
              if (r) form.setFieldsValue({ bookTitle: r.title, author: r.author ?? undefined });
            }}
          />
        </Form.Item>
        <Form.Item name="bookTitle" label={t('reading.bookTitle')} rules={[{ required: true, whitespace: true, message: t('reading.bookTitleRequired') }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="author" label={t('reading.author')}>
          <Input maxLength={100} />
        </Form.Item>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="start" label={t('reading.startDate')}>
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="finish" label={t('reading.finishDate')} extra={t('reading.finishHint')}>
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="notes" label={t('reading.notes')}>
          <Input.TextArea rows={6} maxLength={5000} showCount />
        </Form.Item>
      </Form>
    </FormDrawer>
  );
}

function MonthDots({ months }: { months: number[] }) {
  const set = new Set(months);
  return (
    <span className="month-dots">
      {Array.from({ length: 12 }, (_, i) => (
        <span key={i} className={set.has(i + 1) ? 'done' : ''}>
          {i + 1}
        </span>
      ))}
    </span>
  );
}

function MyReading() {
  const { t } = useTranslation();
  const { data: me } = useMe();
  const [year, setYear] = useState(dayjs().year());
  const [editing, setEditing] = useState<ReadingLog | 'new' | null>(null);
  const { query, rows, pagination } = usePagedList<ReadingLog>([...studyKeys.reading, 'mine'], studyUrls.readingLogs, { mine: true, sort: '-startDate' });
  // The list keeps books still being read (no finish date, so in no year); the year picks the progress shown above.
  const progress = useQuery({
    queryKey: [...studyKeys.reading, 'progress', 'me', year, me?.person?.id],
    queryFn: () => api.list<ReadingProgress>(studyUrls.readingProgress, { year, unitId: me?.unit?.id, pageSize: 200 }),
    enabled: !!me?.person,
    select: (r) => r.data.find((p) => p.personId === me?.person?.id),
  });
  const p = progress.data;
  return (
    <>
      <Card size="small" style={{ marginBottom: 16 }}>
        <Space size={32} wrap>
          <DatePicker picker="year" value={dayjs().year(year)} allowClear={false} onChange={(v) => v && setYear(v.year())} style={{ width: 110 }} />
          <Space orientation="vertical" size={4}>
            <span>{t('reading.monthlyGoal', { year })}</span>
            <MonthDots months={p?.months ?? []} />
          </Space>
          <Progress type="circle" size={72} percent={Math.round(((p?.monthsWithBook ?? 0) / 12) * 100)} format={() => `${p?.monthsWithBook ?? 0}/12`} />
          <Space orientation="vertical" size={4}>
            <span>{t('reading.booksFinishedN', { n: p?.booksFinished ?? 0 })}</span>
            {p && p.designatedTarget > 0 && (
              <span>
                {t('reading.designatedProgress', { done: p.designatedFinished, target: p.designatedTarget })}
                <Progress percent={Math.round((p.designatedFinished / p.designatedTarget) * 100)} size="small" style={{ width: 180 }} />
              </span>
            )}
          </Space>
        </Space>
      </Card>
      <div className="toolbar">
        <span />
        <Space>
          <ExportButton url={`${studyUrls.readingLogs}/export`} filters={{ mine: true, sort: '-startDate' }} fallbackName="读书记录.xlsx" />
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
            {t('reading.newLog')}
          </Button>
        </Space>
      </div>
      <Table<ReadingLog>
        rowKey="id"
        loading={query.isFetching}
        dataSource={rows}
        pagination={pagination}
        locale={{ emptyText: query.error ? (query.error as Error).message : t('reading.emptyLogs') }}
        columns={[
          {
            title: t('reading.bookTitle'),
            dataIndex: 'bookTitle',
            render: (v: string, r) => (
              <Space>
                {t('reading.bookName', { title: v })}
                {r.designatedReaderId && <Tag color="red">{t('reading.designatedShort')}</Tag>}
              </Space>
            ),
          },
          { title: t('reading.author'), dataIndex: 'author', width: 140, render: (v: string | null) => v ?? '—' },
          { title: t('reading.startDate'), dataIndex: 'startDate', width: 120, render: (v: string | null) => v ?? '—' },
          { title: t('reading.finishDate'), dataIndex: 'finishDate', width: 120, render: (v: string | null) => v ?? <Tag>{t('reading.reading')}</Tag> },
          { title: t('reading.notes'), dataIndex: 'notes', ellipsis: true, render: (v: string | null) => v ?? '' },
          {
            title: t('common.actions'),
            key: 'a',
            width: 90,
            render: (_, r) => (
              <Button type="link" size="small" icon={<EditOutlined />} onClick={() => setEditing(r)}>
                {t('common.edit')}
              </Button>
            ),
          },
        ]}
      />
      {editing && <LogDrawer log={editing === 'new' ? undefined : editing} onClose={() => setEditing(null)} />}
    </>
  );
}

function ProgressTab() {
  const { t } = useTranslation();
  const [year, setYear] = useState(dayjs().year());
  const [unitId, setUnitId] = useState<string | undefined>();
  const { query, rows, pagination, resetPage } = usePagedList<ReadingProgress>([...studyKeys.reading, 'progress'], studyUrls.readingProgress, { year, unitId, sort: '-monthsWithBook' });
  return (
    <>
      <div className="toolbar">
        <Space wrap>
          <DatePicker
            picker="year"
            value={dayjs().year(year)}
            allowClear={false}
            onChange={(v) => {
              if (v) setYear(v.year());
              resetPage();
            }}
          />
          <UnitFilter value={unitId} onChange={setUnitId} resetPage={resetPage} />
        </Space>
      </div>
      <Table<ReadingProgress>
        rowKey="personId"
        loading={query.isFetching}
        dataSource={rows}
        pagination={pagination}
        locale={{ emptyText: query.error ? (query.error as Error).message : t('reading.emptyProgress') }}
        columns={[
          { title: t('reading.person'), dataIndex: 'personName', width: 110 },
          { title: t('reading.unit'), dataIndex: 'unitName', width: 200 },
          { title: t('reading.monthly'), dataIndex: 'months', render: (m: number[]) => <MonthDots months={m} /> },
          { title: t('reading.monthsWithBook'), dataIndex: 'monthsWithBook', width: 100, align: 'right' },
          { title: t('reading.booksFinished'), dataIndex: 'booksFinished', width: 100, align: 'right' },
          {
            title: t('reading.designatedCol'),
            key: 'd',
            width: 160,
            render: (_, r) =>
              r.designatedTarget > 0 ? (
                <Tooltip title={t('reading.designatedProgress', { done: r.designatedFinished, target: r.designatedTarget })}>
                  <Progress percent={Math.round((r.designatedFinished / r.designatedTarget) * 100)} size="small" format={() => `${r.designatedFinished}/${r.designatedTarget}`} />
                </Tooltip>
              ) : (
                '—'
              ),
          },
        ]}
      />
    </>
  );
}

type ReaderValues = { campaignId: string; unitId?: string; title: string; author?: string; targetBooks: number };

function ReaderModal({ reader, onClose }: { reader?: DesignatedReader; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<ReaderValues>();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const campaigns = useCampaignOptions();
  useDefaultUnit(form, 'unitId', !reader);
  const m = useMutation({
    mutationFn: (v: ReaderValues) =>
      reader
        ? api.patch<DesignatedReader>(`${studyUrls.readers}/${reader.id}`, { version: reader.version, title: v.title, author: v.author?.trim() || null, targetBooks: v.targetBooks })
        : api.post<DesignatedReader>(studyUrls.readers, { campaignId: v.campaignId, unitId: v.unitId, title: v.title, author: v.author?.trim() || null, targetBooks: v.targetBooks }),
    onSuccess: () => {
      void message.success(t('common.saved'));
      void qc.invalidateQueries({ queryKey: studyKeys.reading });
      onClose();
    },
    onError: (e) => showError(e, form),
  });
  const submit = useGuardedSubmit(m);
  return (
    <Modal open title={reader ? t('reading.editReader') : t('reading.newReader')} onCancel={onClose} onOk={() => form.submit()} okButtonProps={{ loading: m.isPending }} destroyOnHidden>
      <Form<ReaderValues>
        form={form}
        layout="vertical"
        initialValues={reader ? { campaignId: reader.campaignId, title: reader.title, author: reader.author ?? undefined, targetBooks: reader.targetBooks } : { targetBooks: 5 }}
        onFinish={(v) => submit(v)}
      >
        {!reader && (
          <>
            <Form.Item name="campaignId" label={t('reading.campaign')} rules={[{ required: true, message: t('reading.campaignRequired') }]}>
              <Select loading={campaigns.isLoading} options={(campaigns.data?.data ?? []).map((c) => ({ value: c.id, label: c.name }))} />
            </Form.Item>
            <Form.Item name="unitId" label={t('reading.unit')} rules={[{ required: true, message: t('common.selectUnit') }]}>
              <UnitTreeSelect />
            </Form.Item>
          </>
        )}
        <Form.Item name="title" label={t('reading.bookTitle')} rules={[{ required: true, whitespace: true, message: t('reading.bookTitleRequired') }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="author" label={t('reading.author')}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="targetBooks" label={t('reading.target')} extra={t('reading.targetHint')} rules={[{ required: true, message: t('reading.targetRequired') }]}>
          <InputNumber min={1} max={100} precision={0} addonAfter={t('reading.booksUnit')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function ReadersTab({ canManage }: { canManage: boolean }) {
  const { t } = useTranslation();
  const campaigns = useCampaignOptions();
  const [campaignId, setCampaignId] = useState<string | undefined>();
  const [editing, setEditing] = useState<DesignatedReader | 'new' | null>(null);
  const { query, rows, pagination, resetPage } = usePagedList<DesignatedReader>([...studyKeys.reading, 'readers'], studyUrls.readers, { campaignId, sort: 'title' });
  const campaignName = new Map((campaigns.data?.data ?? []).map((c) => [c.id, c.name]));
  return (
    <>
      <div className="toolbar">
        <Select
          allowClear
          placeholder={t('reading.campaign')}
          style={{ width: 260 }}
          value={campaignId}
          onChange={(v) => {
            setCampaignId(v);
            resetPage();
          }}
          options={(campaigns.data?.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
        />
        {canManage && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
            {t('reading.newReader')}
          </Button>
        )}
      </div>
      <Table<DesignatedReader>
        rowKey="id"
        loading={query.isFetching}
        dataSource={rows}
        pagination={pagination}
        locale={{ emptyText: query.error ? (query.error as Error).message : t('reading.emptyReaders') }}
        columns={[
          { title: t('reading.bookTitle'), dataIndex: 'title', render: (v: string) => t('reading.bookName', { title: v }) },
          { title: t('reading.author'), dataIndex: 'author', width: 160, render: (v: string | null) => v ?? '—' },
          { title: t('reading.campaign'), dataIndex: 'campaignId', width: 220, render: (v: string) => campaignName.get(v) ?? '—' },
          { title: t('reading.unit'), dataIndex: 'unitName', width: 180 },
          { title: t('reading.target'), dataIndex: 'targetBooks', width: 130, render: (n: number) => t('reading.targetN', { n }) },
          ...(canManage
            ? [
                {
                  title: t('common.actions'),
                  key: 'a',
                  width: 90,
                  render: (_: unknown, r: DesignatedReader) => (
                    <Button type="link" size="small" icon={<EditOutlined />} onClick={() => setEditing(r)}>
                      {t('common.edit')}
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
      {editing && <ReaderModal reader={editing === 'new' ? undefined : editing} onClose={() => setEditing(null)} />}
    </>
  );
}

/** 读书: my reading logs against 每月读一本好书, everyone's progress, and the designated readers (指定读本). */
export function ReadingPage() {
  const { t } = useTranslation();
  const { data: me } = useMe();
  // Organisers (those who review reflections) set designated readers and follow everyone's progress.
  const canManage = useCan('study:reflection:review');
  return (
    <Card>
      <h2 className="page-title">{t('reading.title')}</h2>
      <Tabs
        destroyOnHidden
        items={[
          ...(me?.person ? [{ key: 'mine', label: t('reading.mine'), children: <MyReading /> }] : []),
          ...(canManage ? [{ key: 'progress', label: t('reading.progressTab'), children: <ProgressTab /> }] : []),
          { key: 'readers', label: t('reading.readers'), children: <ReadersTab canManage={canManage} /> },
        ]}
      />
    </Card>
  );
}
