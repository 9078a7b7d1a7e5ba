import { DownloadOutlined, HistoryOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, App, AutoComplete, Button, Card, Checkbox, Col, DatePicker, Drawer, Empty, Form, Input, Modal, Result, Row, Segmented, Select, Space, Steps, Table, Tag, Typography } from 'antd';
import { PERIOD_KINDS, POINT_SOURCES, POINT_SUBJECTS, type PointSource, type PointSubject } from '@luoshi/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCan } from '../../api/auth';
import { api, download, qs } from '../../api/client';
import { pointsKeys, pointsUrls, type PeriodKind, type PointRule, type PointRuleDetail, type RuleImportResult } from '../../api/points';
import { useShowError } from '../../components/errors';
import { FormDrawer } from '../../components/FormDrawer';
import { useGuardedSubmit } from '../../components/useGuardedSubmit';
import { Pts } from './shared';
import { FileDropPicker } from '../../components/FileDropPicker';

const POINTS_RE = /^[+-]?\d{1,6}(\.\d{1,2})?$/;

/** The whole catalogue of a year: it is short (dozens of items), so it is read at once and grouped here. */
async function allRules(year: number, currentOnly: boolean): Promise<PointRule[]> {
  const out: PointRule[] = [];
  for (let page = 1; ; page++) {
    const r = await api.list<PointRule>(pointsUrls.rules, { year, currentOnly: currentOnly ? undefined : false, page, pageSize: 200, sort: 'code' });
    out.push(...r.data);
    if (out.length >= r.total || r.data.length === 0) return out;
  }
}

function SourceCell({ r }: { r: PointRule }) {
  const { t } = useTranslation();
  return r.source ? <Tag color="geekblue">{t('points.rules.auto', { s: POINT_SOURCES[r.source] })}</Tag> : <Tag color="purple">{t('points.rules.manual')}</Tag>;
}

function CapCell({ r }: { r: PointRule }) {
  const { t } = useTranslation();
  return <>{r.capPoints ? t('points.rules.capText', { cap: r.capPoints, period: r.capPeriod ? PERIOD_KINDS[r.capPeriod] : '' }) : '—'}</>;
}

type RuleValues = {
  code?: string;
  effectiveFrom?: Dayjs | null;
  category: string;
  item: string;
  subjectType: PointSubject;
  points: string;
  countingUnit: string;
  capPoints?: string | null;
  capPeriod?: PeriodKind | null;
  evidenceRequired: boolean;
  source?: PointSource | null;
  sourceMatch?: string;
  note?: string | null;
};

/** "key=value" lines ⇄ the rule's source filter (e.g. level=省). */
const matchToText = (m: Record<string, string> | null) => (m ? Object.entries(m).map(([k, v]) => `${k}=${v}`).join('\n') : '');
function textToMatch(s: string | undefined): Record<string, string> | null {
  const pairs = (s ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => l.split('=').map((x) => x.trim()));
  return pairs.length ? Object.fromEntries(pairs.filter((p) => p.length === 2 && p[0]).map((p) => [p[0], p[1]])) : null;
}

/** 新增细则 and 修订: a revision is a new version in force from a date; points already given keep their version. */
function RuleForm({ year, rule, categories, onClose }: { year: number; rule?: PointRule; categories: string[]; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<RuleValues>();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const source = Form.useWatch('source', form);
  const m = useMutation({
    mutationFn: (v: RuleValues) => {
      const body = {
        category: v.category,
        item: v.item,
        subjectType: v.subjectType,
        points: v.points.trim(),
        countingUnit: v.countingUnit,
        capPoints: v.capPoints?.trim() || null,
        capPeriod: v.capPoints?.trim() ? (v.capPeriod ?? null) : null,
        evidenceRequired: !!v.evidenceRequired,
        source: v.source ?? null,
        sourceMatch: v.source ? textToMatch(v.sourceMatch) : null,
        note: v.note?.trim() || null,
      };
      return rule
        ? api.post<PointRule>(`${pointsUrls.rule(rule.id)}/versions`, { ...body, effectiveFrom: v.effectiveFrom!.format('YYYY-MM-DD'), version: rule.version })
        : api.post<PointRule>(pointsUrls.rules, { ...body, year, code: v.code, effectiveFrom: v.effectiveFrom ? v.effectiveFrom.format('YYYY-MM-DD') : undefined });
    },
    onSuccess: (r) => {
      void message.success(rule ? t('points.rules.revised', { code: r.code, v: r.ruleVersion }) : t('points.rules.created', { code: r.code }));
      void qc.invalidateQueries({ queryKey: pointsKeys.rules });
      onClose();
    },
    onError: (e) => showError(e, form),
  });
  const submit = useGuardedSubmit(m);
  const initial: Partial<RuleValues> = rule
    ? {
        category: rule.category,
        item: rule.item,
        subjectType: rule.subjectType,
        points: rule.points,
        countingUnit: rule.countingUnit,
        capPoints: rule.capPoints,
        capPeriod: rule.capPeriod,
        evidenceRequired: rule.evidenceRequired,
        source: rule.source,
        sourceMatch: matchToText(rule.sourceMatch),
        note: rule.note,
        effectiveFrom: dayjs(),
      }
    : { subjectType: 'unit', countingUnit: '次', evidenceRequired: false, effectiveFrom: dayjs(`${year}-01-01`) };
  return (
    <FormDrawer title={rule ? t('points.rules.reviseTitle', { code: rule.code }) : t('points.rules.newTitle', { year })} size={760} pending={m.isPending} onSave={() => form.submit()} onClose={onClose}>
      {rule && <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('points.rules.reviseHint', { v: rule.ruleVersion })} />}
      <Form<RuleValues> form={form} layout="vertical" initialValues={initial} onFinish={(v) => submit(v)}>
        <Row gutter={16}>
          {!rule && (
            <Col span={8}>
              <Form.Item name="code" label={t('points.rules.code')} rules={[{ required: true, whitespace: true, pattern: /^[A-Za-z0-9.\-_]+$/, message: t('points.rules.codeRequired') }]}>
                <Input maxLength={20} placeholder="A1.2" />
              </Form.Item>
            </Col>
          )}
          <Col span={rule ? 12 : 8}>
            <Form.Item name="category" label={t('points.rules.category')} rules={[{ required: true, whitespace: true, message: t('points.rules.categoryRequired') }]}>
              <AutoComplete options={categories.map((c) => ({ value: c }))} maxLength={50} filterOption={(input, o) => String(o?.value ?? '').includes(input)} />
            </Form.Item>
          </Col>
          <Col span={rule ? 12 : 8}>
            <Form.Item
              name="effectiveFrom"
              label={t('points.rules.effectiveFrom')}
              rules={rule ? [{ required: true, message: t('points.rules.effectiveFromRequired') }] : []}
              extra={rule ? t('points.rules.effectiveFromHint') : undefined}
            >
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="item" label={t('points.rules.item')} rules={[{ required: true, whitespace: true, message: t('points.rules.itemRequired') }]}>
          <Input.TextArea rows={2} maxLength={300} showCount />
        </Form.Item>
        <Row gutter={16}>
          <Col span={8}>
            <Form.Item name="subjectType" label={t('points.rules.subject')}>
              <Segmented options={Object.entries(POINT_SUBJECTS).map(([value, label]) => ({ value, label }))} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item
              name="points"
              label={t('points.rules.points')}
              extra={t('points.rules.pointsHint')}
              rules={[
                { required: true, message: t('points.rules.pointsRequired') },
                { validator: (_, v: string) => (!v || (POINTS_RE.test(v.trim()) && Number(v) !== 0) ? Promise.resolve() : Promise.reject(new Error(t('points.rules.pointsInvalid')))) },
              ]}
            >
              <Input maxLength={10} placeholder="2 / -1 / 0.5" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="countingUnit" label={t('points.rules.countingUnit')} rules={[{ required: true, whitespace: true, message: t('points.rules.countingUnitRequired') }]}>
              <AutoComplete options={['次', '篇', '项', '条', '周', '人次', '小时'].map((value) => ({ value }))} maxLength={10} />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col span={8}>
            <Form.Item
              name="capPoints"
              label={t('points.rules.cap')}
              extra={t('points.rules.capHint')}
              rules={[{ validator: (_, v: string | null) => (!v || (POINTS_RE.test(v.trim()) && Number(v) > 0) ? Promise.resolve() : Promise.reject(new Error(t('points.rules.capInvalid')))) }]}
            >
              <Input maxLength={10} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item
              name="capPeriod"
              label={t('points.rules.capPeriod')}
              dependencies={['capPoints']}
              rules={[({ getFieldValue }) => ({ validator: (_, v) => (getFieldValue('capPoints') && !v ? Promise.reject(new Error(t('points.rules.capPeriodRequired'))) : Promise.resolve()) })]}
            >
              <Select allowClear options={Object.entries(PERIOD_KINDS).map(([value, label]) => ({ value, label }))} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="evidenceRequired" label={t('points.rules.evidence')} valuePropName="checked">
              <Checkbox>{t('points.rules.evidenceRequired')}</Checkbox>
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="source" label={t('points.rules.source')} extra={t('points.rules.sourceHint')}>
              <Select allowClear placeholder={t('points.rules.manual')} options={Object.entries(POINT_SOURCES).map(([value, label]) => ({ value, label }))} />
            </Form.Item>
          </Col>
          <Col span={12}>
            {source && (
              <Form.Item name="sourceMatch" label={t('points.rules.sourceMatch')} extra={t('points.rules.sourceMatchHint')}>
                <Input.TextArea rows={2} placeholder="level=省" />
              </Form.Item>
            )}
          </Col>
        </Row>
        <Form.Item name="note" label={t('points.rules.note')}>
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
      </Form>
    </FormDrawer>
  );
}

/** Every version of a rule, newest first, and the dates each was in force. */
function VersionsDrawer({ id, onClose }: { id: string; onClose: () => void }) {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: [...pointsKeys.rules, 'one', id], queryFn: () => api.get<PointRuleDetail>(pointsUrls.rule(id)) });
  const d = q.data;
  return (
    <Drawer open size={900} onClose={onClose} title={d ? t('points.rules.versionsTitle', { code: d.code, item: d.item }) : t('points.rules.versions')} destroyOnHidden>
      {q.error && <Empty description={(q.error as Error).message} />}
      <Table<PointRule>
        rowKey="id"
        size="small"
        loading={q.isFetching}
        scroll={{ x: 1100 }}
        dataSource={[...(d?.versions ?? [])].sort((a, b) => b.ruleVersion - a.ruleVersion)}
        pagination={false}
        columns={[
          { title: t('points.rules.version'), dataIndex: 'ruleVersion', width: 70, render: (v: number, r) => (r.current ? <Tag color="red">v{v}</Tag> : `v${v}`) },
          { title: t('points.rules.inForce'), key: 'range', width: 210, render: (_, r) => (r.effectiveTo ? `${r.effectiveFrom} ${t('common.to')} ${r.effectiveTo}` : t('points.rules.since', { from: r.effectiveFrom })) },
          { title: t('points.rules.item'), dataIndex: 'item', width: 260 },
          { title: t('points.rules.points'), key: 'p', width: 110, render: (_, r) => <><Pts value={r.points} strong />/{r.countingUnit}</> },
          { title: t('points.rules.cap'), key: 'cap', width: 120, render: (_, r) => <CapCell r={r} /> },
          { title: t('points.rules.source'), key: 's', width: 150, render: (_, r) => <SourceCell r={r} /> },
          { title: t('points.rules.createdAt'), dataIndex: 'createdAt', width: 140, render: (v: string) => dayjs(v).format('YYYY-MM-DD HH:mm') },
        ]}
      />
    </Drawer>
  );
}

const ACTION_COLORS: Record<RuleImportResult['rows'][number]['action'], string> = { create: 'green', version: 'blue', unchanged: 'default', error: 'red' };

/** 导入细则: upload → preview every row with its line errors → confirm writes the good rows in one go. */
function ImportModal({ year, onClose }: { year: number; onClose: () => void }) {
  const { t } = useTranslation();
  const showError = useShowError();
  const qc = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<RuleImportResult | null>(null);
  const [done, setDone] = useState<RuleImportResult | null>(null);
  const send = useMutation({
    mutationFn: (dryRun: boolean) => api.upload<RuleImportResult>(`${pointsUrls.rulesImport}${qs({ year, dryRun })}`, file!),
    onSuccess: (r, dryRun) => {
      if (dryRun) setPreview(r);
      else {
        setDone(r);
        void qc.invalidateQueries({ queryKey: pointsKeys.rules });
      }
    },
    onError: (e) => showError(e),
  });
  const step = done ? 2 : preview ? 1 : 0;
  const good = preview ? preview.created + preview.versioned : 0;
  const actionLabel = (a: RuleImportResult['rows'][number]['action']) => t(`points.import.action.${a}`);
  return (
    <Modal open width={960} title={t('points.import.title', { year })} onCancel={onClose} footer={null} destroyOnHidden>
      <Steps current={step} size="small" style={{ marginBottom: 20 }} items={[{ title: t('points.import.step1') }, { title: t('points.import.step2') }, { title: t('points.import.step3') }]} />
      {step === 0 && (
        <>
          <FileDropPicker accept=".xlsx" file={file} onChange={setFile} text={t('points.import.drop')} hint={t('points.import.dropHint')} />
          <Button type="primary" style={{ marginTop: 16 }} disabled={!file} loading={send.isPending} onClick={() => send.mutate(true)}>
            {t('points.import.check')}
          </Button>
        </>
      )}
      {step === 1 && preview && (
        <Space orientation="vertical" size={12} style={{ width: '100%' }}>
          <Alert
            type={preview.errors ? 'warning' : 'success'}
            showIcon
            title={t('points.import.summary', { created: preview.created, versioned: preview.versioned, unchanged: preview.unchanged, errors: preview.errors })}
            description={preview.errors ? t('points.import.errorsHint') : undefined}
          />
          <Table
            rowKey="line"
            size="small"
            dataSource={preview.rows}
            pagination={{ defaultPageSize: 10, hideOnSinglePage: true }}
            columns={[
              { title: t('import.line'), dataIndex: 'line', width: 70 },
              { title: t('points.rules.code'), dataIndex: 'code', width: 90 },
              { title: t('points.rules.item'), dataIndex: 'item' },
              { title: t('points.import.actionCol'), dataIndex: 'action', width: 100, render: (a: RuleImportResult['rows'][number]['action']) => <Tag color={ACTION_COLORS[a]}>{actionLabel(a)}</Tag> },
              { title: t('import.reason'), dataIndex: 'errors', render: (e: string[]) => (e.length ? <span className="text-danger">{e.join('；')}</span> : '') },
            ]}
          />
          <Space>
            <Button
              onClick={() => {
                setPreview(null);
                setFile(null);
              }}
            >
              {t('points.import.reupload')}
            </Button>
            <Button type="primary" disabled={good === 0 || preview.errors > 0} loading={send.isPending} onClick={() => send.mutate(false)}>
              {t('points.import.confirm', { n: good })}
            </Button>
          </Space>
        </Space>
      )}
      {step === 2 && done && (
        <Result
          status="success"
          title={t('points.import.done', { created: done.created, versioned: done.versioned })}
          extra={
            <Button type="primary" onClick={onClose}>
              {t('points.import.close')}
            </Button>
          }
        />
      )}
    </Modal>
  );
}

/** 考核评分细则: the year's catalogue by category, with its versions, export and import. */
export function RulesPage() {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const canWrite = useCan('points:rule:write');
  const [year, setYear] = useState(() => dayjs().year());
  const [subjectType, setSubjectType] = useState<string>('all');
  const [source, setSource] = useState<string>('all');
  const [q, setQ] = useState('');
  const [editing, setEditing] = useState<PointRule | 'new' | null>(null);
  const [history, setHistory] = useState<string | null>(null);
  const [importing, setImporting] = useState(false);
  const rules = useQuery({ queryKey: [...pointsKeys.rules, 'year', year], queryFn: () => allRules(year, true) });
  const toggle = useMutation({
    mutationFn: (r: PointRule) => api.patch<PointRule>(pointsUrls.rule(r.id), { disabled: !r.disabled, version: r.version }),
    onSuccess: (r) => {
      void message.success(r.disabled ? t('points.rules.disabledDone', { code: r.code }) : t('points.rules.enabledDone', { code: r.code }));
      void qc.invalidateQueries({ queryKey: pointsKeys.rules });
    },
    onError: (e) => showError(e),
  });
  const all = rules.data ?? [];
  const categories = useMemo(() => [...new Set(all.map((r) => r.category))], [all]);
  const rows = useMemo(() => {
    const needle = q.trim();
    const list = all.filter(
      (r) =>
        (subjectType === 'all' || r.subjectType === subjectType) &&
        (source === 'all' || (source === 'auto') === !!r.source) &&
        (!needle || r.code.includes(needle) || r.item.includes(needle) || r.category.includes(needle)),
    );
    // Categories in the order they first appear in the code order; items by code within.
    const order = new Map(categories.map((c, i) => [c, i]));
    list.sort((a, b) => order.get(a.category)! - order.get(b.category)! || a.code.localeCompare(b.code, 'en', { numeric: true }));
    return list;
  }, [all, categories, subjectType, source, q]);
  // The category cell spans its items.
  const span = (i: number) => {
    if (i > 0 && rows[i - 1].category === rows[i].category) return 0;
    let n = 1;
    while (i + n < rows.length && rows[i + n].category === rows[i].category) n++;
    return n;
  };
  return (
    <Card>
      <h2 className="page-title">{t('points.rules.title')}</h2>
      <div className="toolbar">
        <Space wrap>
          <DatePicker picker="year" allowClear={false} value={dayjs().year(year)} onChange={(d) => d && setYear(d.year())} />
          <Segmented value={subjectType} onChange={(v) => setSubjectType(v as string)} options={[{ value: 'all', label: t('points.events.allSubjects') }, ...Object.entries(POINT_SUBJECTS).map(([value, label]) => ({ value, label }))]} />
          <Segmented
            value={source}
            onChange={(v) => setSource(v as string)}
            options={[
              { value: 'all', label: t('points.rules.allSources') },
              { value: 'auto', label: t('points.rules.autoShort') },
              { value: 'manual', label: t('points.rules.manual') },
            ]}
          />
          <Input.Search allowClear placeholder={t('points.rules.search')} style={{ width: 180 }} onSearch={setQ} />
        </Space>
        <Space>
          <Button icon={<DownloadOutlined />} onClick={() => void download(`${pointsUrls.rulesExport}${qs({ year })}`, t('points.rules.fileName', { year })).catch(showError)}>
            {t('common.export')}
          </Button>
          {canWrite && (
            <>
              <Button icon={<UploadOutlined />} onClick={() => setImporting(true)}>
                {t('points.rules.import')}
              </Button>
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
                {t('points.rules.new')}
              </Button>
            </>
          )}
        </Space>
      </div>
      <Table<PointRule>
        rowKey="id"
        size="middle"
        bordered
        scroll={{ x: 1400 }}
        loading={rules.isFetching}
        dataSource={rows}
        pagination={false}
        rowClassName={(r) => (r.disabled ? 'event-reversed' : '')}
        locale={{ emptyText: rules.error ? (rules.error as Error).message : t('points.rules.empty', { year }) }}
        columns={[
          { title: t('points.rules.category'), dataIndex: 'category', width: 120, onCell: (_, i) => ({ rowSpan: span(i ?? 0) }) },
          { title: t('points.rules.code'), dataIndex: 'code', width: 80 },
          {
            title: t('points.rules.item'),
            dataIndex: 'item',
            render: (v: string, r) => (
              <>
                {v}
                {r.disabled && <Tag style={{ marginLeft: 6 }}>{t('points.rules.disabledTag')}</Tag>}
                {r.note && (
                  <div>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {r.note}
                    </Typography.Text>
                  </div>
                )}
              </>
            ),
          },
          { title: t('points.rules.subject'), dataIndex: 'subjectType', width: 70, render: (v: PointSubject) => POINT_SUBJECTS[v] },
          { title: t('points.rules.pointsCol'), key: 'p', width: 110, align: 'right', render: (_, r) => <><Pts value={r.points} strong />/{r.countingUnit}</> },
          { title: t('points.rules.capCol'), key: 'cap', width: 120, render: (_, r) => <CapCell r={r} /> },
          { title: t('points.rules.evidence'), dataIndex: 'evidenceRequired', width: 80, align: 'center', render: (v: boolean) => (v ? t('points.rules.yes') : '—') },
          { title: t('points.rules.source'), key: 'source', width: 170, render: (_, r) => <SourceCell r={r} /> },
          { title: t('points.rules.effectiveFrom'), dataIndex: 'effectiveFrom', width: 110 },
          {
            title: t('points.rules.version'),
            dataIndex: 'ruleVersion',
            width: 70,
            render: (v: number, r) => (
              <Typography.Link onClick={() => setHistory(r.id)}>
                <HistoryOutlined /> v{v}
              </Typography.Link>
            ),
          },
          ...(canWrite
            ? [
                {
                  title: t('common.actions'),
                  key: 'a',
                  width: 120,
                  render: (_: unknown, r: PointRule) => (
                    <Space size={0}>
                      <Button type="link" size="small" onClick={() => setEditing(r)} disabled={r.disabled}>
                        {t('points.rules.revise')}
                      </Button>
                      <Button
                        type="link"
                        size="small"
                        danger={!r.disabled}
                        onClick={() =>
                          modal.confirm({
                            title: r.disabled ? t('points.rules.enableConfirm', { code: r.code }) : t('points.rules.disableConfirm', { code: r.code }),
                            content: r.disabled ? undefined : t('points.rules.disableConfirmText'),
                            onOk: () => toggle.mutateAsync(r).catch(() => undefined),
                          })
                        }
                      >
                        {r.disabled ? t('points.rules.enable') : t('points.rules.disable')}
                      </Button>
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      {editing && <RuleForm year={year} rule={editing === 'new' ? undefined : editing} categories={categories} onClose={() => setEditing(null)} />}
      {history && <VersionsDrawer id={history} onClose={() => setHistory(null)} />}
      {importing && <ImportModal year={year} onClose={() => setImporting(false)} />}
    </Card>
  );
}
