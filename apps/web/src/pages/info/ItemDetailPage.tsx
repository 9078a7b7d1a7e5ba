import { CheckOutlined, CloseOutlined, DeleteOutlined, EditOutlined, RollbackOutlined, SendOutlined } from '@ant-design/icons';
import { INFO_ACTIONS } from '@luoshi/contract';
import { Alert, App, Button, Card, Col, Descriptions, Empty, Form, Input, Modal, Row, Select, Space, Spin, Table, Tag, Timeline, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api, ApiError } from '../../api/client';
import { infoKeys, infoUrls, LEVEL_COLORS, useInfoSettings, type InfoDiff, type InfoItem, type InfoVersion } from '../../api/info';
import { useShowError } from '../../components/errors';
import { useGuardedSubmit } from '../../components/useGuardedSubmit';
import { FileLinks } from '../study/StudyUpload';
import { AdoptDrawer, InstructDrawer } from './AdoptDrawers';
import { DupMatchList, fmtTime, HolderCell, StatusTag, useConfirmDuplicates } from './shared';

type ReviewAction = 'pass' | 'return' | 'reject';

/** 通过 / 退回修改 / 不予采用 with the comment (required to return or reject). */
function ReviewModal({ item, action, onClose }: { item: InfoItem; action: ReviewAction; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const [form] = Form.useForm<{ comment?: string }>();
  const m = useMutation({
    mutationFn: (v: { comment?: string }) => api.post<InfoItem>(infoUrls.review(item.id), { action, comment: v.comment?.trim() || null, version: item.version }),
    onSuccess: (r) => {
      qc.setQueryData(infoKeys.item(item.id), r);
      void qc.invalidateQueries({ queryKey: infoKeys.all });
      void message.success(t(`info.review.done.${r.status === 'approved' ? 'approve' : action}`));
      onClose();
    },
    onError: (e) => showError(e, form),
  });
  const submit = useGuardedSubmit(m);
  const required = action !== 'pass';
  const title = action === 'pass' ? (item.can.approve ? t('info.review.approve') : t('info.review.pass')) : t(`info.review.${action}`);
  return (
    <Modal open title={title} onCancel={onClose} onOk={() => form.submit()} okText={title} okButtonProps={{ loading: m.isPending, danger: action === 'reject' }} destroyOnHidden>
      <Typography.Paragraph type="secondary">
        {action === 'pass' && !item.can.approve
          ? t('info.review.passHint', { next: item.steps[(item.currentStep ?? 0) + 1]?.name ?? '' })
          : action === 'pass'
            ? t('info.review.approveHint')
            : action === 'return'
              ? t('info.review.returnHint')
              : t('info.review.rejectHint')}
      </Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={(v) => submit(v)}>
        <Form.Item
          name="comment"
          label={action === 'reject' ? t('info.review.reason') : t('info.review.comment')}
          rules={required ? [{ required: true, whitespace: true, message: action === 'reject' ? t('info.review.reasonRequired') : t('info.review.commentRequired') }] : []}
        >
          <Input.TextArea rows={4} maxLength={500} showCount />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** Word diff: insertions green and underlined, deletions red and struck through. */
function DiffView({ parts }: { parts: InfoDiff['body'] }) {
  return (
    <div className="info-diff">
      {parts.map((p, i) =>
        p.op === 'insert' ? (
          <ins key={i}>{p.text}</ins>
        ) : p.op === 'delete' ? (
          <del key={i}>{p.text}</del>
        ) : (
          <span key={i}>{p.text}</span>
        ),
      )}
    </div>
  );
}

function VersionsPanel({ item }: { item: InfoItem }) {
  const { t } = useTranslation();
  const versions = useQuery({
    queryKey: [...infoKeys.versions(item.id), item.version],
    queryFn: () => api.get<{ data: InfoVersion[] }>(infoUrls.versions(item.id)),
  });
  const list = versions.data?.data ?? [];
  const [pair, setPair] = useState<{ from?: number; to?: number }>({});
  const from = pair.from ?? list[0]?.seq;
  const to = pair.to ?? list.at(-1)?.seq;
  const diff = useQuery({
    queryKey: [...infoKeys.versions(item.id), 'diff', from, to],
    queryFn: () => api.get<InfoDiff>(infoUrls.diff(item.id), { from, to }),
    enabled: list.length > 1 && from !== undefined && to !== undefined && from !== to,
  });
  const label = (v: InfoVersion) => `${t('info.version.seq', { n: v.seq })} · ${v.stage} · ${v.authorName ?? '—'}`;
  return (
    <Card size="small" title={t('info.version.title', { n: list.length })} className="info-card">
      <Table<InfoVersion>
        rowKey="seq"
        size="small"
        loading={versions.isLoading}
        dataSource={list}
        pagination={false}
        columns={[
          { title: t('info.version.no'), dataIndex: 'seq', width: 70, render: (v: number) => t('info.version.seq', { n: v }) },
          { title: t('info.version.stage'), dataIndex: 'stage', width: 90 },
          { title: t('info.version.author'), dataIndex: 'authorName', width: 100, render: (v: string | null) => v ?? '—' },
          { title: t('info.version.time'), dataIndex: 'createdAt', width: 140, render: fmtTime },
          { title: t('info.version.note'), dataIndex: 'note', render: (v: string | null) => v ?? '—' },
        ]}
      />
      {list.length > 1 && (
        <div style={{ marginTop: 16 }}>
          <Space wrap>
            <Typography.Text strong>{t('info.version.compare')}</Typography.Text>
            <Select
              aria-label={t('info.version.from')}
              style={{ width: 260 }}
              value={from}
              onChange={(v) => setPair((p) => ({ ...p, from: v }))}
              options={list.map((v) => ({ value: v.seq, label: label(v) }))}
            />
            <span>→</span>
            <Select
              aria-label={t('info.version.to')}
              style={{ width: 260 }}
              value={to}
              onChange={(v) => setPair((p) => ({ ...p, to: v }))}
              options={list.map((v) => ({ value: v.seq, label: label(v) }))}
            />
          </Space>
          {from === to && <Typography.Paragraph type="secondary">{t('info.version.same')}</Typography.Paragraph>}
          {diff.error && <Alert type="error" showIcon title={(diff.error as Error).message} style={{ marginTop: 12 }} />}
          {diff.data && (
            <div style={{ marginTop: 12 }}>
              <Space size="middle" className="info-diff-counts">
                <Typography.Text type="success">{t('info.version.inserted', { n: diff.data.inserted })}</Typography.Text>
                <Typography.Text type="danger">{t('info.version.deleted', { n: diff.data.deleted })}</Typography.Text>
              </Space>
              {diff.data.title.some((p) => p.op !== 'equal') && (
                <div className="info-diff-title">
                  <DiffView parts={diff.data.title} />
                </div>
              )}
              <DiffView parts={diff.data.body} />
            </div>
          )}
        </div>
      )}
    </Card>
  );
}

/** 信息详情: the item, its 流转, 查重, versions with the word diff, and what the caller may do with it now. */
export function ItemDetailPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { message, modal } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const settings = useInfoSettings();
  const [reviewing, setReviewing] = useState<ReviewAction | null>(null);
  const [adopting, setAdopting] = useState(false);
  const [instructing, setInstructing] = useState(false);
  const q = useQuery({ queryKey: infoKeys.item(id), queryFn: () => api.get<InfoItem>(infoUrls.item(id)) });
  const confirmDuplicates = useConfirmDuplicates();
  const submit = useMutation({
    mutationFn: async (item: InfoItem) => {
      if (!(await confirmDuplicates(item.title, item.bodyText, item.id))) return null;
      return api.post<InfoItem>(infoUrls.submit(item.id));
    },
    onSuccess: (r) => {
      if (!r) return;
      qc.setQueryData(infoKeys.item(id), r);
      void qc.invalidateQueries({ queryKey: infoKeys.all });
      void message.success(t('info.form.submitted'));
    },
    onError: (e) => showError(e),
  });
  const send = useGuardedSubmit(submit);
  const remove = useMutation({
    mutationFn: () => api.del(infoUrls.item(id)),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: infoKeys.all });
      void message.success(t('info.detail.deleted'));
      navigate('/info/items', { replace: true });
    },
    onError: (e) => showError(e),
  });
  if (q.isLoading) return <Spin style={{ display: 'block', marginTop: 80 }} />;
  if (q.error || !q.data) {
    return (
      <Card>
        <Empty description={q.error instanceof ApiError && q.error.status === 404 ? t('common.notFound') : (q.error as Error | null)?.message} />
      </Card>
    );
  }
  const item = q.data;
  const can = item.can;
  const threshold = settings.data?.dupThreshold ?? 100;
  const dupMatches = item.dupMatches.filter((m) => m.similarity >= threshold);
  return (
    <>
      <Card className="info-card">
        <div className="info-head">
          <div>
            <Typography.Title level={4} style={{ margin: 0 }}>
              {item.title}
            </Typography.Title>
            <Space size={6} style={{ marginTop: 8 }} wrap>
              <StatusTag item={item} />
              <Tag>{item.category}</Tag>
              {item.adoptionList.map((a) => (
                <Tag key={a.id} color={LEVEL_COLORS[a.level] ?? 'default'}>
                  {a.issueLabel ?? a.outlet} · {a.level}
                </Tag>
              ))}
            </Space>
          </div>
          <Space wrap>
            {can.edit && (
              <Button icon={<EditOutlined />} onClick={() => navigate(`/info/items/${item.id}/edit`)}>
                {t('info.detail.edit')}
              </Button>
            )}
            {can.submit && (
              <Button type="primary" icon={<SendOutlined />} loading={submit.isPending} onClick={() => send(item)}>
                {item.status === 'returned' ? t('info.detail.resubmit') : t('info.form.submit')}
              </Button>
            )}
            {can.review && (
              <Button type="primary" icon={<CheckOutlined />} onClick={() => setReviewing('pass')}>
                {can.approve ? t('info.review.approve') : t('info.review.pass')}
              </Button>
            )}
            {can.review && (
              <Button icon={<RollbackOutlined />} onClick={() => setReviewing('return')}>
                {t('info.review.return')}
              </Button>
            )}
            {can.approve && (
              <Button danger icon={<CloseOutlined />} onClick={() => setReviewing('reject')}>
                {t('info.review.reject')}
              </Button>
            )}
            {can.adopt && (
              <Button type="primary" onClick={() => setAdopting(true)}>
                {t('info.adopt.button')}
              </Button>
            )}
            {can.adopt && <Button onClick={() => setInstructing(true)}>{t('info.instruct.button')}</Button>}
            {can.delete && (
              <Button
                danger
                icon={<DeleteOutlined />}
                loading={remove.isPending}
                onClick={() =>
                  modal.confirm({
                    title: t('info.detail.deleteConfirm'),
                    okText: t('common.remove'),
                    okButtonProps: { danger: true },
                    onOk: () => remove.mutateAsync().catch(() => undefined),
                  })
                }
              >
                {t('info.detail.delete')}
              </Button>
            )}
          </Space>
        </div>
        <Descriptions column={{ xs: 1, md: 2, xl: 3 }} size="small" style={{ marginTop: 16 }} styles={{ label: { whiteSpace: 'nowrap' } }}>
          <Descriptions.Item label={t('info.item.unit')}>{item.unitPath}</Descriptions.Item>
          <Descriptions.Item label={t('info.item.authors')}>{item.authors.map((a) => a.name).join('、') || '—'}</Descriptions.Item>
          <Descriptions.Item label={t('info.form.contact')}>{item.contact ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('info.item.submittedOn')}>{item.submittedOn ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('info.detail.words')}>{item.wordCount}</Descriptions.Item>
          <Descriptions.Item label={t('info.item.holder')}>
            <HolderCell item={item} />
          </Descriptions.Item>
          {item.campaignName && <Descriptions.Item label={t('info.form.campaign')}>{item.campaignName}</Descriptions.Item>}
          {item.taskTitle && (
            <Descriptions.Item label={t('info.form.task')}>{item.taskId ? <Link to={`/tasks/${item.taskId}`}>{item.taskTitle}</Link> : item.taskTitle}</Descriptions.Item>
          )}
          <Descriptions.Item label={t('info.detail.steps')}>{item.steps.map((s, i) => (i === item.currentStep && item.status === 'reviewing' ? `【${s.name}】` : s.name)).join(' → ')}</Descriptions.Item>
        </Descriptions>
      </Card>
      {dupMatches.length > 0 && (
        <Alert
          type="warning"
          showIcon
          className="info-card"
          title={t('info.dup.boxTitle', { n: dupMatches.length })}
          description={<DupMatchList matches={dupMatches} />}
        />
      )}
      <Row gutter={16}>
        <Col xs={24} xl={16}>
          <Card size="small" title={t('info.form.body')} className="info-card">
            {/* sanitised by the server: paragraphs, emphasis, lists and the module's own images only */}
            <div className="info-body" dangerouslySetInnerHTML={{ __html: item.bodyHtml }} />
          </Card>
          <VersionsPanel item={item} />
        </Col>
        <Col xs={24} xl={8}>
          <Card size="small" title={t('info.detail.flow')} className="info-card">
            {item.actions.length ? (
              <Timeline
                items={item.actions.map((a) => ({
                  color: a.action === 'return' || a.action === 'reject' ? 'red' : a.action === 'approve' || a.action === 'adopt' || a.action === 'instruct' ? 'green' : '#1677ff',
                  content: (
                    <div className="info-flow">
                      <div>
                        <Typography.Text strong>{INFO_ACTIONS[a.action as keyof typeof INFO_ACTIONS] ?? a.action}</Typography.Text>
                        {a.stepName && <Tag style={{ marginLeft: 6 }}>{a.stepName}</Tag>}
                        {a.versionSeq && <Typography.Text type="secondary"> {t('info.version.seq', { n: a.versionSeq })}</Typography.Text>}
                      </div>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {a.actorName ?? '—'} · {fmtTime(a.at)}
                      </Typography.Text>
                      {a.comment && <div className="info-flow-comment">{a.comment}</div>}
                    </div>
                  ),
                }))}
              />
            ) : (
              <Typography.Text type="secondary">{t('info.detail.noFlow')}</Typography.Text>
            )}
          </Card>
          <Card size="small" title={t('info.detail.adoptions')} className="info-card">
            {item.adoptionList.length ? (
              item.adoptionList.map((a) => (
                <div key={a.id} className="info-side-row">
                  <Space size={4} wrap>
                    <Tag color={LEVEL_COLORS[a.level] ?? 'default'}>{a.level}</Tag>
                    {a.issueId ? <Link to={`/info/issues/${a.issueId}`}>{a.issueLabel}</Link> : <span>{a.outlet}</span>}
                    <Typography.Text type="secondary">{a.adoptedOn}</Typography.Text>
                  </Space>
                  {a.editorNote && <div className="info-flow-comment">{t('info.adopt.editorNote')}：{a.editorNote}</div>}
                  {a.links.map((l) => (
                    <div key={l}>
                      <a href={l} target="_blank" rel="noreferrer noopener">
                        {l}
                      </a>
                    </div>
                  ))}
                  <FileLinks files={a.files} url={(f) => infoUrls.file(f.id)} empty={null} />
                </div>
              ))
            ) : (
              <Typography.Text type="secondary">{t('info.detail.noAdoptions')}</Typography.Text>
            )}
          </Card>
          <Card size="small" title={t('info.detail.instructions')} className="info-card">
            {item.instructions.length ? (
              item.instructions.map((x) => (
                <div key={x.id} className="info-side-row">
                  <Space size={4} wrap>
                    <Tag color={LEVEL_COLORS[x.level] ?? 'default'}>{x.level}</Tag>
                    <Typography.Text strong>{x.leader}</Typography.Text>
                    <Typography.Text type="secondary">{dayjs(x.instructedOn).format('YYYY-MM-DD')}</Typography.Text>
                  </Space>
                  <div className="info-flow-comment">{x.content}</div>
                  <FileLinks files={x.files} url={(f) => infoUrls.file(f.id)} empty={null} />
                </div>
              ))
            ) : (
              <Typography.Text type="secondary">{t('info.detail.noInstructions')}</Typography.Text>
            )}
          </Card>
        </Col>
      </Row>
      {reviewing && <ReviewModal item={item} action={reviewing} onClose={() => setReviewing(null)} />}
      {adopting && <AdoptDrawer item={item} onClose={() => setAdopting(false)} />}
      {instructing && <InstructDrawer item={item} onClose={() => setInstructing(false)} />}
    </>
  );
}
