import {
  ArrowDownOutlined, ArrowUpOutlined, CheckOutlined, DeleteOutlined, FilePdfOutlined, FileWordOutlined, MinusCircleOutlined, PlusOutlined, ReloadOutlined, SendOutlined,
} from '@ant-design/icons';
import { App, Button, Card, DatePicker, Descriptions, Input, Select, Space, Spin, Tag, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { useCan, useMe } from '../../api/auth';
import { bulletinKeys, bulletinUrls, type Bulletin, type BulletinBlock } from '../../api/bulletins';
import { api, ApiError, download } from '../../api/client';
import { useShowError } from '../../components/errors';
import { RecordUnavailable } from '../../components/RecordUnavailable';
import { useGuardedSubmit } from '../../components/useGuardedSubmit';
import './bulletins.css';

type Line = { label: string; text: string };

/** One bulletin: a draft's editor (title, 主送, paragraphs and tables, 落款, 版记; refresh; 印发) or an issued one's text. */
export function BulletinPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const q = useQuery({ queryKey: bulletinKeys.one(id), queryFn: () => api.get<Bulletin>(bulletinUrls.one(id)) });
  if (q.isLoading) return <Spin style={{ display: 'block', marginTop: 80 }} />;
  if (q.error || !q.data) {
    // another writer's draft, or a bulletin not sent to the reader's unit, answers 404 like a missing one
    return (
      <RecordUnavailable
        error={q.error}
        notFound={{ title: t('bulletins.missing.title'), hint: t('bulletins.missing.hint') }}
        failedTitle={t('bulletins.missing.failed')}
        back={{ to: '/bulletins', label: t('bulletins.missing.back') }}
      />
    );
  }

  return <BulletinEditor key={`${q.data.id}:${q.data.version}`} bulletin={q.data} onReload={() => void q.refetch()} />;
}

function BulletinEditor({ bulletin: b, onReload }: { bulletin: Bulletin; onReload: () => void }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const { data: me } = useMe();
  const canWrite = useCan('reports:bulletin:write');
  const editable = canWrite && b.status === 'draft';
  const [title, setTitle] = useState(b.title);
  const [addressee, setAddressee] = useState(b.addressee ?? '');
  const [blocks, setBlocks] = useState<BulletinBlock[]>(b.blocks);
  const [issuer, setIssuer] = useState(b.signatureIssuer ?? '');
  const [date, setDate] = useState<string | null>(b.signatureDate);
  const [colophon, setColophon] = useState<Line[]>(b.colophon);
  const [dirty, setDirty] = useState(false);
  const touch = () => setDirty(true);
  const after = (r: Bulletin, note: string) => {
    qc.setQueryData(bulletinKeys.one(b.id), r);
    void qc.invalidateQueries({ queryKey: bulletinKeys.list });
    void message.success(note);
  };
  const onError = (e: Error) => {
    if (e instanceof ApiError && e.status === 409) {
      modal.confirm({ title: t('bulletins.edit.conflict'), content: e.message, okText: t('common.reload'), onOk: onReload });
      return;
    }
    showError(e);
  };
  const body = () => ({
    title: title.trim(),
    addressee: addressee.trim() || null,
    blocks,
    signatureIssuer: issuer.trim() || null,
    signatureDate: date,
    colophon: colophon.filter((l) => l.label.trim() && l.text.trim()),
    version: b.version,
  });
  const save = useMutation({ mutationFn: () => api.put<Bulletin>(bulletinUrls.one(b.id), body()), onSuccess: (r) => after(r, t('common.saved')), onError });
  const doSave = useGuardedSubmit(save);
  const refresh = useMutation({ mutationFn: () => api.post<Bulletin>(bulletinUrls.refresh(b.id), { version: b.version }), onSuccess: (r) => after(r, t('bulletins.edit.refreshed')), onError });
  const issue = useMutation({
    mutationFn: async () => {
      const saved = dirty ? await api.put<Bulletin>(bulletinUrls.one(b.id), body()) : b;
      return api.post<Bulletin>(bulletinUrls.issue(b.id), { version: saved.version, signatureDate: date ?? undefined });
    },
    onSuccess: (r) => after(r, t('bulletins.edit.issued', { docNumber: r.docNumber })),
    onError,
  });
  const remove = useMutation({
    mutationFn: () => api.del(`${bulletinUrls.one(b.id)}?version=${b.version}`),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: bulletinKeys.list });
      navigate('/bulletins');
    },
    onError,
  });
  const markRead = useMutation({ mutationFn: () => api.post(bulletinUrls.read(b.id)), onSuccess: () => { void qc.invalidateQueries({ queryKey: bulletinKeys.all }); onReload(); }, onError });
  const mine = b.recipients.find((r) => r.unitId === me?.unit?.id);
  const setBlock = (i: number, x: BulletinBlock) => {
    setBlocks((bs) => bs.map((y, j) => (j === i ? x : y)));
    touch();
  };
  const move = (i: number, d: -1 | 1) => {
    setBlocks((bs) => {
      const out = [...bs];
      [out[i], out[i + d]] = [out[i + d], out[i]];
      return out;
    });
    touch();
  };
  const insert = (x: BulletinBlock) => {
    setBlocks((bs) => [...bs, x]);
    touch();
  };
  const fileBase = `${b.docNumber ?? ''}${b.title}`;
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card
        title={
          <Space>
            {b.title}
            <Tag color={b.status === 'issued' ? 'green' : 'default'}>{t(`bulletins.status.${b.status}`)}</Tag>
          </Space>
        }
        extra={
          <Space wrap>
            {editable && (
              <>
                <Button onClick={() => doSave()} loading={save.isPending} disabled={!dirty || !title.trim()}>
                  {t('common.save')}
                </Button>
                <Button
                  icon={<ReloadOutlined />}
                  loading={refresh.isPending}
                  onClick={() => modal.confirm({ title: t('bulletins.edit.refresh'), content: t('bulletins.edit.refreshConfirm'), onOk: () => refresh.mutateAsync() })}
                >
                  {t('bulletins.edit.refresh')}
                </Button>
                <Button
                  type="primary"
                  icon={<SendOutlined />}
                  loading={issue.isPending}
                  onClick={() => modal.confirm({ title: t('bulletins.edit.issue'), content: t('bulletins.edit.issueConfirm'), okText: t('bulletins.edit.issue'), onOk: () => issue.mutateAsync() })}
                >
                  {t('bulletins.edit.issue')}
                </Button>
              </>
            )}
            <Button icon={<FileWordOutlined />} onClick={() => download(bulletinUrls.docx(b.id), `${fileBase}.docx`).catch(showError)}>
              {t('bulletins.edit.word')}
            </Button>
            <Button icon={<FilePdfOutlined />} onClick={() => download(bulletinUrls.pdf(b.id), `${fileBase}.pdf`).catch(showError)}>
              {t('bulletins.edit.pdf')}
            </Button>
            {b.status === 'issued' && mine && !mine.readAt && (
              <Button icon={<CheckOutlined />} onClick={() => markRead.mutate()} loading={markRead.isPending}>
                {t('bulletins.edit.markRead')}
              </Button>
            )}
            {editable && (
              <Button danger icon={<DeleteOutlined />} onClick={() => modal.confirm({ title: t('bulletins.edit.deleteConfirm'), onOk: () => remove.mutateAsync() })}>
                {t('common.remove')}
              </Button>
            )}
          </Space>
        }
      >
        <Descriptions size="small" column={{ xs: 1, md: 3 }}>
          <Descriptions.Item label={t('bulletins.field.template')}>{b.templateName}</Descriptions.Item>
          <Descriptions.Item label={t('bulletins.field.period')}>{b.periodLabel}</Descriptions.Item>
          <Descriptions.Item label={t('bulletins.field.scope')}>{b.scopeUnitName}</Descriptions.Item>
          <Descriptions.Item label={t('bulletins.field.docNumber')}>{b.docNumber ?? t('bulletins.list.unnumbered')}</Descriptions.Item>
          {b.issuedAt && <Descriptions.Item label={t('bulletins.field.issuedAt')}>{dayjs(b.issuedAt).format('YYYY-MM-DD HH:mm')}</Descriptions.Item>}
          {b.namedUnits.length > 0 && <Descriptions.Item label={t('bulletins.field.named')}>{b.namedUnits.map((u) => u.name).join('、')}</Descriptions.Item>}
          {b.status === 'issued' && (
            <Descriptions.Item label={t('bulletins.field.recipients')}>
              {t('bulletins.edit.readCount', { read: b.recipients.filter((r) => r.readAt).length, total: b.recipients.length })}
            </Descriptions.Item>
          )}
        </Descriptions>
      </Card>
      <Card className="bulletin-paper">
        {editable ? (
          <Space direction="vertical" size="middle" style={{ width: '100%' }}>
            <Input className="bulletin-title-input" value={title} maxLength={200} onChange={(e) => (setTitle(e.target.value), touch())} aria-label={t('bulletins.field.title')} />
            <Input addonBefore={t('bulletins.field.addressee')} value={addressee} maxLength={500} onChange={(e) => (setAddressee(e.target.value), touch())} />
            {blocks.map((x, i) => (
              <div key={i} className="bulletin-block">
                <div className="bulletin-block-tools">
                  <Button size="small" type="text" icon={<ArrowUpOutlined />} disabled={i === 0} onClick={() => move(i, -1)} aria-label={t('bulletins.edit.up')} />
                  <Button size="small" type="text" icon={<ArrowDownOutlined />} disabled={i === blocks.length - 1} onClick={() => move(i, 1)} aria-label={t('bulletins.edit.down')} />
                  <Button size="small" type="text" danger icon={<MinusCircleOutlined />} onClick={() => (setBlocks((bs) => bs.filter((_, j) => j !== i)), touch())} aria-label={t('common.remove')} />
                </div>
                <BlockEditor block={x} onChange={(y) => setBlock(i, y)} />
              </div>
            ))}
            <Space>
              <Button icon={<PlusOutlined />} onClick={() => insert({ kind: 'paragraph', text: '' })}>
                {t('bulletins.edit.addParagraph')}
              </Button>
              <Button icon={<PlusOutlined />} onClick={() => insert({ kind: 'heading', level: 1, text: '' })}>
                {t('bulletins.edit.addHeading')}
              </Button>
              <Button icon={<PlusOutlined />} onClick={() => insert({ kind: 'table', headers: [t('bulletins.edit.colNo'), t('bulletins.edit.colUnit')], rows: [['1', '']] })}>
                {t('bulletins.edit.addTable')}
              </Button>
            </Space>
            <Space wrap>
              <Input addonBefore={t('bulletins.field.issuer')} value={issuer} onChange={(e) => (setIssuer(e.target.value), touch())} style={{ width: 360 }} />
              <DatePicker
                value={date ? dayjs(date) : null}
                placeholder={t('bulletins.field.signatureDate')}
                onChange={(d) => (setDate(d ? d.format('YYYY-MM-DD') : null), touch())}
              />
            </Space>
            <div>
              <Typography.Text type="secondary">{t('bulletins.field.colophon')}</Typography.Text>
              {colophon.map((l, i) => (
                <Space key={i} style={{ display: 'flex', marginTop: 8 }}>
                  <Input style={{ width: 90 }} value={l.label} onChange={(e) => (setColophon((c) => c.map((y, j) => (j === i ? { ...y, label: e.target.value } : y))), touch())} />
                  <Input style={{ width: 480 }} value={l.text} onChange={(e) => (setColophon((c) => c.map((y, j) => (j === i ? { ...y, text: e.target.value } : y))), touch())} />
                  <Button type="text" danger icon={<MinusCircleOutlined />} onClick={() => (setColophon((c) => c.filter((_, j) => j !== i)), touch())} />
                </Space>
              ))}
              <Button type="dashed" size="small" icon={<PlusOutlined />} style={{ marginTop: 8 }} onClick={() => setColophon((c) => [...c, { label: t('bulletins.edit.cc'), text: '' }])}>
                {t('bulletins.edit.addColophon')}
              </Button>
            </div>
          </Space>
        ) : (
          <Preview b={b} />
        )}
      </Card>
    </Space>
  );
}

function BlockEditor({ block: x, onChange }: { block: BulletinBlock; onChange: (b: BulletinBlock) => void }) {
  const { t } = useTranslation();
  if (x.kind === 'heading')
    return (
      <Space.Compact style={{ width: '100%' }}>
        <Select value={x.level} style={{ width: 110 }} onChange={(level: 1 | 2) => onChange({ ...x, level })} options={[{ value: 1, label: t('bulletins.edit.h1') }, { value: 2, label: t('bulletins.edit.h2') }]} />
        <Input className="bulletin-heading-input" value={x.text} onChange={(e) => onChange({ ...x, text: e.target.value })} />
      </Space.Compact>
    );
  if (x.kind === 'paragraph') return <Input.TextArea className="bulletin-paragraph-input" autoSize={{ minRows: 2 }} value={x.text} onChange={(e) => onChange({ ...x, text: e.target.value })} />;
  const cols = x.headers.length;
  const setCell = (r: number, c: number, v: string) => onChange({ ...x, rows: x.rows.map((row, i) => (i === r ? row.map((cell, j) => (j === c ? v : cell)) : row)) });
  return (
    <div className="bulletin-table-edit">
      <table>
        <colgroup>
          {x.headers.map((_, c) => (
            <col key={c} style={{ width: `${(100 * (x.widths?.[c] ?? 1)) / (x.widths?.slice(0, cols).reduce((a, w) => a + w, 0) ?? cols)}%` }} />
          ))}
          <col style={{ width: 32 }} />
        </colgroup>
        <thead>
          <tr>
            {x.headers.map((h, c) => (
              <th key={c}>
                <Input size="small" value={h} onChange={(e) => onChange({ ...x, headers: x.headers.map((y, j) => (j === c ? e.target.value : y)) })} />
              </th>
            ))}
            <th>
              <Button size="small" type="text" icon={<PlusOutlined />} aria-label={t('bulletins.edit.addColumn')} onClick={() => onChange({ ...x, headers: [...x.headers, ''], rows: x.rows.map((r) => [...r, '']), widths: undefined })} />
            </th>
          </tr>
        </thead>
        <tbody>
          {x.rows.map((row, r) => (
            <tr key={r}>
              {Array.from({ length: cols }, (_, c) => (
                <td key={c}>
                  <Input size="small" value={row[c] ?? ''} onChange={(e) => setCell(r, c, e.target.value)} />
                </td>
              ))}
              <td>
                <Button size="small" type="text" danger icon={<MinusCircleOutlined />} aria-label={t('bulletins.edit.removeRow')} onClick={() => onChange({ ...x, rows: x.rows.filter((_, i) => i !== r) })} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Button size="small" type="dashed" icon={<PlusOutlined />} onClick={() => onChange({ ...x, rows: [...x.rows, Array(cols).fill('')] })}>
        {t('bulletins.edit.addRow')}
      </Button>
    </div>
  );
}

const cnDate = (d: string) => `${Number(d.slice(0, 4))}年${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;

/** The bulletin as read: 发文字号, title, 主送, body with tables, 落款. */
function Preview({ b }: { b: Bulletin }) {
  return (
    <div className="bulletin-preview">
      {b.docNumber && <div className="bulletin-docnumber">{b.docNumber}</div>}
      <h2 className="bulletin-title">{b.title}</h2>
      {b.addressee && <p className="bulletin-addressee">{b.addressee}</p>}
      {b.blocks.map((x, i) =>
        x.kind === 'heading' ? (
          <p key={i} className={x.level === 1 ? 'bulletin-h1' : 'bulletin-h2'}>
            {x.text}
          </p>
        ) : x.kind === 'paragraph' ? (
          <p key={i} className="bulletin-p">
            {x.text}
          </p>
        ) : (
          <table key={i} className="bulletin-table">
            <thead>
              <tr>
                {x.headers.map((h, j) => (
                  <th key={j}>{h}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {x.rows.map((r, j) => (
                <tr key={j}>
                  {r.map((c, k) => (
                    <td key={k}>{c}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        ),
      )}
      <div className="bulletin-signature">
        <div>{b.signatureIssuer}</div>
        {b.signatureDate && <div>{cnDate(b.signatureDate)}</div>}
      </div>
    </div>
  );
}
