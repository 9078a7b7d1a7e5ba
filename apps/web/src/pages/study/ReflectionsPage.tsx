import { EditOutlined, PlusOutlined, WarningOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Checkbox, Col, Descriptions, Drawer, Empty, Form, Input, List, Modal, Radio, Row, Segmented, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { REFLECTION_DECISIONS, REFLECTION_STATUSES, type ReflectionStatus } from '@luoshi/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useCan } from '../../api/auth';
import { api, newIdempotencyKey } from '../../api/client';
import { countWords, studyKeys, studyUrls, type ReadingLog, type Reflection, type StudySession } from '../../api/study';
import { useShowError } from '../../components/errors';
import { useGuardedSubmit } from '../../components/useGuardedSubmit';
import { ExportButton } from '../../components/ExportButton';
import { usePagedList } from '../../components/usePagedList';
import { UnitFilter } from '../../components/UnitTreeSelect';
import { RichTextArea } from './RichTextArea';

const STATUS_COLORS: Record<ReflectionStatus, string> = { draft: 'default', submitted: 'processing', returned: 'warning', passed: 'success', excellent: 'red' };

export function ReflectionStatusTag({ r }: { r: Reflection }) {
  const { t } = useTranslation();
  return (
    <Space size={4}>
      <Tag color={STATUS_COLORS[r.status]}>{REFLECTION_STATUSES[r.status]}</Tag>
      {r.publishedAt && <Tag color="gold">{t('reflection.onWall')}</Tag>}
    </Space>
  );
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

/** 查重: the earlier reflections this one resembles; outside the caller's scope only the unit, date and similarity. */
function SimilarityWarning({ r }: { r: Reflection }) {
  const { t } = useTranslation();
  if (r.similarity === null || !r.similarMatches.length) return null;
  return (
    <Alert
      type="warning"
      showIcon
      icon={<WarningOutlined />}
      style={{ marginBottom: 12 }}
      title={t('reflection.similarTitle', { p: pct(r.similarity) })}
      description={
        <ul style={{ margin: 0, paddingLeft: 18 }}>
          {r.similarMatches.map((m, i) => (
            <li key={m.reflectionId ?? i}>
              {t('reflection.similarItem', {
                p: pct(m.similarity),
                title: m.title ?? t('reflection.hiddenTitle'),
                author: m.authorName ?? t('reflection.hiddenAuthor'),
                unit: m.unitName,
                at: m.submittedAt ? dayjs(m.submittedAt).format('YYYY-MM-DD') : '—',
              })}
            </li>
          ))}
        </ul>
      }
    />
  );
}

type EditValues = { title: string; bodyHtml: string; sessionId?: string | null; readingLogId?: string | null };

/** 写心得: title and rich text; 保存草稿 keeps it, 提交 sends it to the branch secretary. */
function ReflectionEditor({ reflection, onClose }: { reflection?: Reflection; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<EditValues>();
  const { message, modal } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const [submitIt, setSubmitIt] = useState(false);
  // One key per opening of the editor: saving twice (a double click, a retry) makes one reflection.
  const [idempotencyKey] = useState(newIdempotencyKey);
  const canReadSessions = useCan('study:session:read');
  const canRead = useCan('study:reading:write');
  const m = useMutation({
    mutationFn: async ({ v, submit }: { v: EditValues; submit: boolean }) => {
      const body = { title: v.title, bodyHtml: v.bodyHtml, sessionId: v.sessionId || null, readingLogId: v.readingLogId || null };
      let r = reflection
        ? await api.patch<Reflection>(studyUrls.reflection(reflection.id), { version: reflection.version, ...body })
        : await api.post<Reflection>(studyUrls.reflections, { ...body, idempotencyKey });
      if (submit) r = await api.post<Reflection>(`${studyUrls.reflection(r.id)}/submit`, { version: r.version });
      return r;
    },
    onSuccess: (r, { submit }) => {
      void qc.invalidateQueries({ queryKey: studyKeys.reflections });
      onClose();
      if (r.similarity !== null && r.similarMatches.length) {
        modal.warning({ title: t('reflection.similarTitle', { p: pct(r.similarity) }), content: submit ? t('reflection.similarAfterSubmit') : t('reflection.similarAfterSave'), okText: t('reflection.gotIt') });
      } else {
        void message.success(submit ? t('reflection.submitted') : t('reflection.draftSaved'));
      }
    },
    onError: (e) => showError(e, form),
  });
  const submit = useGuardedSubmit(m);
  // What a reflection may be about: a session the writer's unit held, or a book the writer logged.
  const sessions = useQuery({
    queryKey: [...studyKeys.sessions, 'options', 'held'],
    queryFn: () => api.list<StudySession>(studyUrls.sessions, { status: 'held', sort: '-actualStart', pageSize: 50 }),
    enabled: canReadSessions,
  });
  const logs = useQuery({
    queryKey: [...studyKeys.reading, 'options', 'mine'],
    queryFn: () => api.list<ReadingLog>(studyUrls.readingLogs, { mine: true, sort: '-finishDate', pageSize: 50 }),
    enabled: canRead,
  });
  return (
    <Drawer
      open
      size={860}
      title={reflection ? t('reflection.editTitle') : t('reflection.newTitle')}
      onClose={onClose}
      destroyOnHidden
      footer={
        <Space style={{ float: 'right' }}>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button
            loading={m.isPending && !submitIt}
            onClick={() => {
              setSubmitIt(false);
              form.submit();
            }}
          >
            {t('reflection.saveDraft')}
          </Button>
          <Button
            type="primary"
            loading={m.isPending && submitIt}
            onClick={() => {
              setSubmitIt(true);
              form.submit();
            }}
          >
            {t('reflection.submit')}
          </Button>
        </Space>
      }
    >
      {reflection?.status === 'returned' && reflection.reviewComment && (
        <Alert type="warning" showIcon style={{ marginBottom: 12 }} title={t('reflection.returnedWith', { c: reflection.reviewComment, by: reflection.reviewedByName ?? '' })} />
      )}
      {reflection && <SimilarityWarning r={reflection} />}
      <Form<EditValues>
        form={form}
        layout="vertical"
        initialValues={
          reflection
            ? { title: reflection.title, bodyHtml: reflection.bodyHtml, sessionId: reflection.sessionId, readingLogId: reflection.readingLogId }
            : { bodyHtml: '' }
        }
        onFinish={(v) => submit({ v, submit: submitIt })}
      >
        <Form.Item name="title" label={t('reflection.title')} rules={[{ required: true, whitespace: true, message: t('reflection.titleRequired') }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="sessionId" label={t('reflection.session')}>
              <Select
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                loading={sessions.isLoading}
                options={(sessions.data?.data ?? []).map((x) => ({ value: x.id, label: `${dayjs(x.actualStart ?? x.plannedStart).format('MM-DD')} ${x.topic}` }))}
              />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="readingLogId" label={t('reflection.book')}>
              <Select allowClear showSearch={{ optionFilterProp: 'label' }} loading={logs.isLoading} options={(logs.data?.data ?? []).map((x) => ({ value: x.id, label: t('reading.bookName', { title: x.bookTitle }) }))} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item
          name="bodyHtml"
          label={t('reflection.body')}
          rules={[
            {
              validator: (_, v: string) => {
                const text = new DOMParser().parseFromString(v ?? '', 'text/html').body.textContent ?? '';
                return countWords(text) > 0 ? Promise.resolve() : Promise.reject(new Error(t('reflection.bodyRequired')));
              },
            },
          ]}
        >
          <RichTextArea />
        </Form.Item>
      </Form>
    </Drawer>
  );
}

type ReviewValues = { decision: 'pass' | 'excellent' | 'return'; comment?: string; publish?: boolean };

/** 审阅: 合格 / 优秀 / 退回修改, the similarity warning in sight. */
function ReviewDrawer({ reflection, onClose }: { reflection: Reflection; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<ReviewValues>();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const decision = Form.useWatch('decision', form);
  const m = useMutation({
    mutationFn: async (v: ReviewValues) => {
      const r = await api.post<Reflection>(`${studyUrls.reflection(reflection.id)}/review`, { version: reflection.version, decision: v.decision, comment: v.comment?.trim() || null });
      // An excellent one may go straight onto the unit's wall.
      return v.decision === 'excellent' && v.publish ? api.post<Reflection>(`${studyUrls.reflection(r.id)}/publish`, { version: r.version, published: true }) : r;
    },
    onSuccess: (_, v) => {
      void message.success(t('reflection.reviewed', { d: REFLECTION_DECISIONS[v.decision] }));
      void qc.invalidateQueries({ queryKey: studyKeys.reflections });
      onClose();
    },
    onError: (e) => showError(e, form),
  });
  const submit = useGuardedSubmit(m);
  return (
    <Drawer
      open
      size={860}
      title={t('reflection.reviewTitle')}
      onClose={onClose}
      destroyOnHidden
      footer={
        <Space style={{ float: 'right' }}>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" danger={decision === 'return'} loading={m.isPending} onClick={() => form.submit()}>
            {t('reflection.confirmReview')}
          </Button>
        </Space>
      }
    >
      <SimilarityWarning r={reflection} />
      <ReflectionView r={reflection} />
      <Form<ReviewValues> form={form} layout="vertical" initialValues={{ decision: 'pass' }} onFinish={(v) => submit(v)} style={{ marginTop: 16 }}>
        <Form.Item name="decision" label={t('reflection.decision')}>
          <Radio.Group optionType="button" buttonStyle="solid" options={Object.entries(REFLECTION_DECISIONS).map(([value, label]) => ({ value, label }))} />
        </Form.Item>
        {decision === 'excellent' && (
          <Form.Item name="publish" valuePropName="checked">
            <Checkbox>{t('reflection.alsoPublish')}</Checkbox>
          </Form.Item>
        )}
        <Form.Item
          name="comment"
          label={t('reflection.comment')}
          rules={decision === 'return' ? [{ required: true, whitespace: true, message: t('reflection.commentRequired') }] : []}
        >
          <Input.TextArea rows={3} maxLength={2000} placeholder={decision === 'return' ? t('reflection.commentReturn') : t('reflection.commentOptional')} />
        </Form.Item>
      </Form>
    </Drawer>
  );
}

function ReflectionView({ r }: { r: Reflection }) {
  const { t } = useTranslation();
  return (
    <>
      <Descriptions column={3} size="small" style={{ marginBottom: 12 }}>
        <Descriptions.Item label={t('reflection.title')} span={3}>
          <b>{r.title}</b>
        </Descriptions.Item>
        <Descriptions.Item label={t('reflection.author')}>{r.authorName}</Descriptions.Item>
        <Descriptions.Item label={t('reflection.unit')}>{r.unitName}</Descriptions.Item>
        <Descriptions.Item label={t('reflection.words')}>{r.wordCount}</Descriptions.Item>
        {r.bookTitle && <Descriptions.Item label={t('reflection.book')}>{r.bookTitle}</Descriptions.Item>}
        <Descriptions.Item label={t('reflection.submittedAt')}>{r.submittedAt ? dayjs(r.submittedAt).format('YYYY-MM-DD HH:mm') : '—'}</Descriptions.Item>
      </Descriptions>
      {/* bodyHtml is sanitised on the server: plain formatting tags only, no attributes */}
      <div className="reflection-body" dangerouslySetInnerHTML={{ __html: r.bodyHtml }} />
    </>
  );
}

function MyReflections() {
  const { t } = useTranslation();
  const canWrite = useCan('study:reflection:write');
  const [status, setStatus] = useState<string | undefined>();
  const [editing, setEditing] = useState<Reflection | 'new' | null>(null);
  const [viewing, setViewing] = useState<Reflection | null>(null);
  const { query, rows, pagination, resetPage } = usePagedList<Reflection>([...studyKeys.reflections, 'mine'], studyUrls.reflections, { mine: true, status, sort: '-createdAt' });
  return (
    <>
      <div className="toolbar">
        <Select
          allowClear
          placeholder={t('reflection.status')}
          style={{ width: 140 }}
          value={status}
          onChange={(v) => {
            setStatus(v);
            resetPage();
          }}
          options={Object.entries(REFLECTION_STATUSES).map(([value, label]) => ({ value, label }))}
        />
        <Space>
          <ExportButton url={`${studyUrls.reflections}/export`} filters={{ mine: true, status, sort: '-createdAt' }} fallbackName="心得体会.xlsx" />
          {canWrite && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
              {t('reflection.new')}
            </Button>
          )}
        </Space>
      </div>
      <Table<Reflection>
        rowKey="id"
        loading={query.isFetching}
        dataSource={rows}
        pagination={pagination}
        locale={{ emptyText: query.error ? (query.error as Error).message : t('reflection.emptyMine') }}
        columns={[
          { title: t('reflection.title'), dataIndex: 'title', render: (v: string, r) => <Typography.Link onClick={() => setViewing(r)}>{v}</Typography.Link> },
          { title: t('reflection.words'), dataIndex: 'wordCount', width: 80, align: 'right' },
          { title: t('reflection.status'), key: 'status', width: 150, render: (_, r) => <ReflectionStatusTag r={r} /> },
          {
            title: t('reflection.reviewComment'),
            dataIndex: 'reviewComment',
            render: (v: string | null, r) => (v ? `${v}（${r.reviewedByName ?? ''}）` : '—'),
          },
          { title: t('reflection.updatedAt'), dataIndex: 'updatedAt', width: 150, render: (v: string) => dayjs(v).format('YYYY-MM-DD HH:mm') },
          {
            title: t('common.actions'),
            key: 'a',
            width: 100,
            render: (_, r) =>
              (r.status === 'draft' || r.status === 'returned') && (
                <Button type="link" size="small" icon={<EditOutlined />} onClick={() => setEditing(r)}>
                  {t('common.edit')}
                </Button>
              ),
          },
        ]}
      />
      {editing && <ReflectionEditor reflection={editing === 'new' ? undefined : editing} onClose={() => setEditing(null)} />}
      <Modal open={!!viewing} title={viewing?.title} footer={null} onCancel={() => setViewing(null)} width={800} destroyOnHidden>
        {viewing && (
          <>
            <ReflectionStatusTag r={viewing} />
            <div style={{ height: 8 }} />
            <SimilarityWarning r={viewing} />
            <ReflectionView r={viewing} />
          </>
        )}
      </Modal>
    </>
  );
}

function ReviewQueue() {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const [view, setView] = useState<'todo' | 'done'>('todo');
  const [flagged, setFlagged] = useState(false);
  const [reviewing, setReviewing] = useState<Reflection | null>(null);
  const filters = view === 'todo' ? { toReview: true, flagged: flagged || undefined, sort: 'submittedAt' } : { status: 'excellent', sort: '-submittedAt' };
  const { query, rows, pagination, resetPage } = usePagedList<Reflection>([...studyKeys.reflections, 'review'], studyUrls.reflections, filters);
  const publish = useMutation({
    mutationFn: (r: Reflection) => api.post<Reflection>(`${studyUrls.reflection(r.id)}/publish`, { version: r.version, published: !r.publishedAt }),
    onSuccess: (r) => {
      void message.success(r.publishedAt ? t('reflection.published') : t('reflection.unpublished'));
      void qc.invalidateQueries({ queryKey: studyKeys.reflections });
    },
    onError: (e) => showError(e),
  });
  return (
    <>
      <div className="toolbar">
        <Space>
          <Segmented
            value={view}
            onChange={(v) => {
              setView(v as 'todo' | 'done');
              resetPage();
            }}
            options={[
              { value: 'todo', label: t('reflection.toReview') },
              { value: 'done', label: t('reflection.excellentList') },
            ]}
          />
          {view === 'todo' && (
            <Segmented
              value={flagged ? 'flagged' : 'all'}
              onChange={(v) => {
                setFlagged(v === 'flagged');
                resetPage();
              }}
              options={[
                { value: 'all', label: t('reflection.all') },
                { value: 'flagged', label: t('reflection.flaggedOnly') },
              ]}
            />
          )}
        </Space>
      </div>
      <Table<Reflection>
        rowKey="id"
        loading={query.isFetching}
        dataSource={rows}
        pagination={pagination}
        locale={{ emptyText: query.error ? (query.error as Error).message : view === 'todo' ? t('reflection.emptyQueue') : t('reflection.emptyExcellent') }}
        columns={[
          { title: t('reflection.title'), dataIndex: 'title' },
          { title: t('reflection.author'), dataIndex: 'authorName', width: 110 },
          { title: t('reflection.unit'), dataIndex: 'unitName', width: 180 },
          { title: t('reflection.words'), dataIndex: 'wordCount', width: 80, align: 'right' },
          {
            title: t('reflection.similarity'),
            dataIndex: 'similarity',
            width: 100,
            render: (v: number | null) => (v === null ? '—' : <Tag color="orange">{pct(v)}</Tag>),
          },
          { title: t('reflection.submittedAt'), dataIndex: 'submittedAt', width: 150, render: (v: string | null) => (v ? dayjs(v).format('YYYY-MM-DD HH:mm') : '—') },
          {
            title: t('common.actions'),
            key: 'a',
            width: 120,
            render: (_, r) =>
              view === 'todo' ? (
                <Button type="link" size="small" onClick={() => setReviewing(r)}>
                  {t('reflection.review')}
                </Button>
              ) : (
                <Button
                  type="link"
                  size="small"
                  danger={!!r.publishedAt}
                  onClick={() =>
                    modal.confirm({
                      title: r.publishedAt ? t('reflection.unpublishConfirm', { title: r.title }) : t('reflection.publishConfirm', { title: r.title }),
                      onOk: () => publish.mutateAsync(r).catch(() => undefined),
                    })
                  }
                >
                  {r.publishedAt ? t('reflection.unpublish') : t('reflection.publish')}
                </Button>
              ),
          },
        ]}
      />
      {reviewing && <ReviewDrawer reflection={reviewing} onClose={() => setReviewing(null)} />}
    </>
  );
}

/** 心得墙: the unit's published excellent reflections. */
function Wall() {
  const { t } = useTranslation();
  const [unitId, setUnitId] = useState<string | undefined>();
  const [open, setOpen] = useState<Reflection | null>(null);
  const { query, rows, pagination, resetPage } = usePagedList<Reflection>([...studyKeys.reflections, 'wall'], studyUrls.wall, { unitId, sort: '-publishedAt' }, { pageSize: 12 });
  return (
    <>
      <div className="toolbar">
        <UnitFilter value={unitId} onChange={setUnitId} resetPage={resetPage} />
      </div>
      {query.error ? (
        <Empty description={(query.error as Error).message} />
      ) : (
        <List
          grid={{ gutter: 16, column: 3 }}
          loading={query.isFetching}
          dataSource={rows}
          pagination={{ current: pagination.current, pageSize: pagination.pageSize, total: pagination.total, onChange: pagination.onChange, showTotal: pagination.showTotal, align: 'end' }}
          locale={{ emptyText: t('reflection.emptyWall') }}
          renderItem={(r) => (
            <List.Item>
              <Card
                size="small"
                hoverable
                onClick={() => setOpen(r)}
                title={r.title}
                extra={<Tag color="red">{REFLECTION_STATUSES.excellent}</Tag>}
              >
                <Typography.Paragraph ellipsis={{ rows: 4 }} style={{ minHeight: 88 }}>
                  {r.bodyText}
                </Typography.Paragraph>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {r.authorName} · {r.unitName} · {t('reflection.wordsN', { n: r.wordCount })}
                </Typography.Text>
              </Card>
            </List.Item>
          )}
        />
      )}
      <Modal open={!!open} title={open?.title} footer={null} onCancel={() => setOpen(null)} width={800} destroyOnHidden>
        {open && <ReflectionView r={open} />}
      </Modal>
    </>
  );
}

/** `?open=<id>`: one reflection opened from a link elsewhere (the points ledger names the reflection that earned them). */
function LinkedReflection({ id, onClose }: { id: string; onClose: () => void }) {
  const q = useQuery({ queryKey: [...studyKeys.reflections, 'one', id], queryFn: () => api.get<Reflection>(studyUrls.reflection(id)) });
  return (
    <Modal open title={q.data?.title} footer={null} onCancel={onClose} width={800} destroyOnHidden>
      {q.error && <Empty description={(q.error as Error).message} />}
      {q.data && (
        <>
          <ReflectionStatusTag r={q.data} />
          <div style={{ height: 8 }} />
          <ReflectionView r={q.data} />
        </>
      )}
    </Modal>
  );
}

/** 心得体会: my reflections, the review queue for secretaries, and the wall of excellent ones. */
export function ReflectionsPage() {
  const { t } = useTranslation();
  const canReview = useCan('study:reflection:review');
  const canWrite = useCan('study:reflection:write');
  const [params, setParams] = useSearchParams();
  const openId = params.get('open');
  return (
    <Card>
      {openId && (
        <LinkedReflection
          id={openId}
          onClose={() =>
            setParams(
              (p) => {
                p.delete('open');
                return p;
              },
              { replace: true },
            )
          }
        />
      )}
      <h2 className="page-title">{t('reflection.pageTitle')}</h2>
      <Tabs
        destroyOnHidden
        items={[
          ...(canWrite ? [{ key: 'mine', label: t('reflection.mine'), children: <MyReflections /> }] : []),
          ...(canReview ? [{ key: 'review', label: t('reflection.reviewTab'), children: <ReviewQueue /> }] : []),
          { key: 'wall', label: t('reflection.wall'), children: <Wall /> },
        ]}
      />
    </Card>
  );
}
