import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, FilePdfOutlined, FileWordOutlined, MinusCircleOutlined, PlusOutlined, SendOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, DatePicker, Descriptions, Input, List, Row, Space, Spin, Tag, Tooltip, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { useCan } from '../../api/auth';
import { api, ApiError, download } from '../../api/client';
import { infoKeys, infoUrls, type InfoIssue } from '../../api/info';
import { useShowError } from '../../components/errors';
import { RecordUnavailable } from '../../components/RecordUnavailable';
import { useGuardedSubmit } from '../../components/useGuardedSubmit';
import './info.css';

type Line = { label: string; text: string };
type Entry = InfoIssue['items'][number];

/** One issue: its items in order with their 按语, 编者按, the date and 版记; 保存, 印发, Word and PDF. */
export function IssuePage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const q = useQuery({ queryKey: [...infoKeys.issues, 'one', id], queryFn: () => api.get<InfoIssue>(infoUrls.issue(id)) });
  if (q.isLoading) return <Spin style={{ display: 'block', marginTop: 80 }} />;
  if (q.error || !q.data) {
    // an issue being compiled by others, or one not sent to the reader's unit, answers 404 like a missing one
    return (
      <RecordUnavailable
        error={q.error}
        notFound={{ title: t('info.issue.notFound'), hint: t('info.issue.notFoundHint') }}
        failedTitle={t('info.issue.loadFailed')}
        back={{ to: '/info/issues', label: t('info.issue.back') }}
      />
    );
  }
  // Keyed by version: after a save or a reload the editor starts from the server's copy.
  return <IssueEditor key={`${q.data.id}:${q.data.version}:${q.data.items.length}`} issue={q.data} onReload={() => void q.refetch()} />;
}

function IssueEditor({ issue, onReload }: { issue: InfoIssue; onReload: () => void }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const canAdopt = useCan('info:item:adopt');
  const editable = canAdopt && issue.status === 'compiling';
  const [items, setItems] = useState<Entry[]>(issue.items);
  const [issueDate, setIssueDate] = useState(issue.issueDate);
  const [editorNote, setEditorNote] = useState(issue.editorNote ?? '');
  const [colophon, setColophon] = useState<Line[]>(issue.colophon);
  const [dirty, setDirty] = useState(false);
  const touch = () => setDirty(true);
  const key = [...infoKeys.issues, 'one', issue.id];
  const onConflict = (e: Error) => {
    if (e instanceof ApiError && e.status === 409) {
      modal.confirm({ title: t('info.form.conflictTitle'), content: e.message, okText: t('info.form.reload'), onOk: onReload });
      return;
    }
    showError(e);
  };
  const save = useMutation({
    mutationFn: () =>
      api.put<InfoIssue>(infoUrls.issue(issue.id), {
        issueDate,
        editorNote: editorNote.trim() || null,
        colophon: colophon.filter((l) => l.label.trim() && l.text.trim()),
        items: items.map((i) => ({ adoptionId: i.adoptionId, editorNote: i.editorNote?.trim() || null })),
        version: issue.version,
      }),
    onSuccess: (r) => {
      qc.setQueryData(key, r);
      void qc.invalidateQueries({ queryKey: infoKeys.issues });
      void message.success(t('common.saved'));
    },
    onError: onConflict,
  });
  const doSave = useGuardedSubmit(save);
  const issueIt = useMutation({
    mutationFn: () => api.post<InfoIssue>(infoUrls.issueIssue(issue.id), { version: issue.version }),
    onSuccess: (r) => {
      qc.setQueryData(key, r);
      void qc.invalidateQueries({ queryKey: infoKeys.all });
      void message.success(t('info.issue.issued'));
    },
    onError: onConflict,
  });
  const withdraw = useMutation({
    mutationFn: (adoptionId: string) => api.del(`/api/info/adoptions/${adoptionId}`),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: infoKeys.all });
      void message.success(t('info.issue.withdrawn'));
      onReload();
    },
    onError: onConflict,
  });
  const move = (i: number, d: -1 | 1) => {
    const next = [...items];
    [next[i], next[i + d]] = [next[i + d], next[i]];
    setItems(next);
    touch();
  };
  const get = (url: string, name: string) => void download(url, name).catch(showError);
  return (
    <>
      <Card className="info-card">
        <div className="info-head">
          <div>
            <Typography.Title level={4} style={{ margin: 0 }}>
              {issue.label}
            </Typography.Title>
            <Space style={{ marginTop: 8 }}>
              <Tag color={issue.status === 'issued' ? 'success' : 'processing'}>{t(`info.issues.statuses.${issue.status}`)}</Tag>
            </Space>
          </div>
          <Space wrap>
            {editable && (
              <Button type="primary" loading={save.isPending} disabled={!dirty} onClick={() => doSave()}>
                {t('common.save')}
              </Button>
            )}
            {editable && (
              <Button
                icon={<SendOutlined />}
                danger
                disabled={dirty || !items.length}
                title={dirty ? t('info.issue.saveFirst') : undefined}
                loading={issueIt.isPending}
                onClick={() =>
                  modal.confirm({
                    title: t('info.issue.issueConfirmTitle', { label: issue.label }),
                    content: t('info.issue.issueConfirm'),
                    okText: t('info.issue.issue'),
                    onOk: () => issueIt.mutateAsync().catch(() => undefined),
                  })
                }
              >
                {t('info.issue.issue')}
              </Button>
            )}
            <Button icon={<FileWordOutlined />} onClick={() => get(infoUrls.issueDocx(issue.id), `${issue.label}.docx`)}>
              {t('info.issue.docx')}
            </Button>
            <Button icon={<FilePdfOutlined />} onClick={() => get(infoUrls.issuePdf(issue.id), `${issue.label}.pdf`)}>
              {t('info.issue.pdf')}
            </Button>
          </Space>
        </div>
        {dirty && <Alert type="warning" showIcon style={{ marginTop: 12 }} title={t('info.issue.unsaved')} />}
        <Descriptions column={{ xs: 1, md: 2 }} size="small" style={{ marginTop: 16 }}>
          <Descriptions.Item label={t('info.issues.date')}>
            {editable ? (
              <DatePicker
                allowClear={false}
                value={dayjs(issueDate)}
                onChange={(d) => {
                  if (d) setIssueDate(d.format('YYYY-MM-DD'));
                  touch();
                }}
              />
            ) : (
              issue.issueDate
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t('info.issues.items')}>{items.length}</Descriptions.Item>
        </Descriptions>
      </Card>
      <Row gutter={16}>
        <Col xs={24} xl={16}>
          <Card size="small" className="info-card" title={t('info.issue.editorNote')}>
            {editable ? (
              <Input.TextArea
                rows={3}
                maxLength={1000}
                aria-label={t('info.issue.editorNote')}
                value={editorNote}
                onChange={(e) => {
                  setEditorNote(e.target.value);
                  touch();
                }}
              />
            ) : (
              <Typography.Paragraph style={{ margin: 0 }}>{issue.editorNote ?? '—'}</Typography.Paragraph>
            )}
          </Card>
          <Card size="small" className="info-card" title={t('info.issue.items')}>
            <List
              dataSource={items}
              locale={{ emptyText: t('info.issue.noItems') }}
              renderItem={(it, i) => (
                <List.Item
                  className="info-issue-item"
                  actions={
                    editable
                      ? [
                          <Button key="up" size="small" icon={<ArrowUpOutlined />} disabled={i === 0} aria-label={t('info.issue.up')} onClick={() => move(i, -1)} />,
                          <Button key="down" size="small" icon={<ArrowDownOutlined />} disabled={i === items.length - 1} aria-label={t('info.issue.down')} onClick={() => move(i, 1)} />,
                          <Button
                            key="rm"
                            size="small"
                            danger
                            icon={<DeleteOutlined />}
                            aria-label={t('info.issue.withdraw')}
                            onClick={() =>
                              modal.confirm({
                                title: t('info.issue.withdrawConfirm', { title: it.title }),
                                onOk: () => withdraw.mutateAsync(it.adoptionId).catch(() => undefined),
                              })
                            }
                          />,
                        ]
                      : []
                  }
                >
                  <div style={{ width: '100%' }}>
                    <div>
                      <Typography.Text strong>{i + 1}. </Typography.Text>
                      {it.readable ? (
                        <Link to={`/info/items/${it.itemId}`}>{it.title}</Link>
                      ) : (
                        <Tooltip title={t('info.issue.notReadable')}>
                          <Typography.Text>{it.title}</Typography.Text>
                        </Tooltip>
                      )}
                      <Typography.Text type="secondary">
                        {' '}
                        · {it.unitName}
                        {it.authors.length ? ` · ${it.authors.join('、')}` : ''} · {t('info.issue.words', { n: it.wordCount })}
                      </Typography.Text>
                    </div>
                    {editable ? (
                      <Input
                        style={{ marginTop: 6 }}
                        placeholder={t('info.issue.notePh')}
                        aria-label={t('info.issue.note')}
                        value={it.editorNote ?? ''}
                        onChange={(e) => {
                          setItems(items.map((x, j) => (j === i ? { ...x, editorNote: e.target.value } : x)));
                          touch();
                        }}
                      />
                    ) : (
                      it.editorNote && <div className="info-flow-comment">{t('info.issue.note')}：{it.editorNote}</div>
                    )}
                  </div>
                </List.Item>
              )}
            />
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Card size="small" className="info-card" title={t('info.issue.colophon')}>
            {colophon.map((l, i) => (
              <Space.Compact key={i} style={{ width: '100%', marginBottom: 8 }}>
                <Input
                  style={{ width: 64 }}
                  value={l.label}
                  maxLength={4}
                  disabled={!editable}
                  aria-label={t('info.issue.colophonLabel')}
                  onChange={(e) => {
                    setColophon(colophon.map((x, j) => (j === i ? { ...x, label: e.target.value } : x)));
                    touch();
                  }}
                />
                <Input
                  value={l.text}
                  maxLength={300}
                  disabled={!editable}
                  aria-label={t('info.issue.colophonText')}
                  onChange={(e) => {
                    setColophon(colophon.map((x, j) => (j === i ? { ...x, text: e.target.value } : x)));
                    touch();
                  }}
                />
                {editable && (
                  <Button
                    icon={<MinusCircleOutlined />}
                    aria-label={t('common.remove')}
                    onClick={() => {
                      setColophon(colophon.filter((_, j) => j !== i));
                      touch();
                    }}
                  />
                )}
              </Space.Compact>
            ))}
            {!colophon.length && <Typography.Text type="secondary">{t('info.issue.noColophon')}</Typography.Text>}
            {editable && colophon.length < 6 && (
              <Button
                block
                type="dashed"
                icon={<PlusOutlined />}
                onClick={() => {
                  setColophon([...colophon, { label: colophon.length === 0 ? '报' : colophon.length === 1 ? '送' : '发', text: '' }]);
                  touch();
                }}
              >
                {t('info.issue.addLine')}
              </Button>
            )}
          </Card>
        </Col>
      </Row>
    </>
  );
}
