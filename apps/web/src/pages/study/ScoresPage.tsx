import { DownloadOutlined } from '@ant-design/icons';
import { Alert, App, AutoComplete, Button, Card, Col, DatePicker, Empty, Form, Input, Result, Row, Segmented, Select, Space, Steps, Table, Tabs, Tag, Typography } from 'antd';
import { SCORE_PLATFORMS } from '@luoshi/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCan } from '../../api/auth';
import { api, download, qs } from '../../api/client';
import {
  studyKeys,
  studyUrls,
  type HalfYearReport,
  type RankingRow,
  type ScoreImport,
  type ScoreImportResult,
  type ScoreImportSummary,
  type ScoreMapping,
} from '../../api/study';
import { useShowError } from '../../components/errors';
import { useGuardedSubmit } from '../../components/useGuardedSubmit';
import { usePagedList } from '../../components/usePagedList';
import { UnitTreeSelect } from '../../components/UnitTreeSelect';
import { FileDropPicker } from '../../components/FileDropPicker';

const platformOptions = SCORE_PLATFORMS.map((p) => ({ value: p, label: p }));
const fmt = (n: number | null) => (n === null ? '—' : n.toLocaleString('zh-CN', { maximumFractionDigits: 2 }));

type UploadValues = { platform: string; month: Dayjs; ruleVersion: string };

/** 积分导入向导: upload with platform, month and rule version → map columns → preview (unmatched rows by line) → confirm. */
function ImportWizard() {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const [form] = Form.useForm<UploadValues>();
  const [mapForm] = Form.useForm<ScoreMapping>();
  const [file, setFile] = useState<File | null>(null);
  const [imp, setImp] = useState<ScoreImport | null>(null);
  const [result, setResult] = useState<ScoreImportResult | null>(null);
  const upload = useMutation({
    mutationFn: (v: UploadValues) => api.upload<ScoreImport>(studyUrls.scoreImports, file!, { platform: v.platform, month: v.month.format('YYYY-MM'), ruleVersion: v.ruleVersion }),
    onSuccess: (r) => {
      setImp(r);
      mapForm.setFieldsValue({ nameColumn: r.suggested.nameColumn ?? undefined, unitColumn: r.suggested.unitColumn ?? undefined, phoneColumn: r.suggested.phoneColumn ?? undefined, scoreColumn: r.suggested.scoreColumn ?? undefined } as ScoreMapping);
    },
    onError: (e) => showError(e, form),
  });
  const map = useMutation({
    mutationFn: (v: ScoreMapping) =>
      api.post<ScoreImport>(`${studyUrls.scoreImport(imp!.id)}/mapping`, { nameColumn: v.nameColumn, unitColumn: v.unitColumn || null, phoneColumn: v.phoneColumn || null, scoreColumn: v.scoreColumn }),
    onSuccess: setImp,
    onError: (e) => showError(e, mapForm),
  });
  const confirm = useMutation({
    mutationFn: () => api.post<ScoreImportResult>(`${studyUrls.scoreImport(imp!.id)}/confirm`),
    onSuccess: (r) => {
      setResult(r);
      void message.success(t('score.writtenN', { n: r.written }));
      void qc.invalidateQueries({ queryKey: studyKeys.scores });
    },
    onError: (e) => showError(e),
  });
  const submitUpload = useGuardedSubmit(upload);
  const submitMap = useGuardedSubmit(map);
  const step = result ? 3 : imp?.status === 'mapped' ? 2 : imp ? 1 : 0;
  const restart = () => {
    setImp(null);
    setResult(null);
    setFile(null);
  };
  const headerOptions = (imp?.headers ?? []).map((h) => ({ value: h, label: h }));
  return (
    <>
      <Steps
        current={step}
        style={{ marginBottom: 24 }}
        items={[{ title: t('score.step1') }, { title: t('score.step2') }, { title: t('score.step3') }, { title: t('score.step4') }]}
      />
      {step === 0 && (
        <Form<UploadValues>
          form={form}
          layout="vertical"
          initialValues={{ platform: SCORE_PLATFORMS[0], month: dayjs().subtract(1, 'month') }}
          onFinish={(v) => (file ? submitUpload(v) : void message.warning(t('score.fileRequired')))}
        >
          <Row gutter={16}>
            <Col span={8}>
              <Form.Item name="platform" label={t('score.platform')} rules={[{ required: true, whitespace: true, message: t('score.platformRequired') }]}>
                <AutoComplete options={platformOptions} />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="month" label={t('score.month')} rules={[{ required: true, message: t('score.monthRequired') }]}>
                <DatePicker picker="month" style={{ width: '100%' }} disabledDate={(d) => d.isAfter(dayjs(), 'month')} />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="ruleVersion" label={t('score.ruleVersion')} extra={t('score.ruleVersionHint')} rules={[{ required: true, whitespace: true, message: t('score.ruleVersionRequired') }]}>
                <Input maxLength={100} placeholder={t('score.ruleVersionPh')} />
              </Form.Item>
            </Col>
          </Row>
          <FileDropPicker accept=".xlsx,.csv" file={file} onChange={setFile} text={t('score.drop')} hint={t('score.dropHint')} />
          <Button type="primary" htmlType="submit" loading={upload.isPending} style={{ marginTop: 16 }}>
            {t('score.next')}
          </Button>
        </Form>
      )}
      {step === 1 && imp && (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          <Alert type="info" showIcon title={t('score.fileInfo', { name: imp.fileName, total: imp.total, platform: imp.platform, month: imp.month, rule: imp.ruleVersion })} />
          <Form<ScoreMapping> form={mapForm} layout="vertical" onFinish={(v) => submitMap(v)}>
            <Row gutter={16}>
              <Col span={6}>
                <Form.Item name="nameColumn" label={t('score.nameColumn')} rules={[{ required: true, message: t('score.nameColumnRequired') }]}>
                  <Select options={headerOptions} />
                </Form.Item>
              </Col>
              <Col span={6}>
                <Form.Item name="unitColumn" label={t('score.unitColumn')}>
                  <Select allowClear options={headerOptions} />
                </Form.Item>
              </Col>
              <Col span={6}>
                <Form.Item name="phoneColumn" label={t('score.phoneColumn')}>
                  <Select allowClear options={headerOptions} />
                </Form.Item>
              </Col>
              <Col span={6}>
                <Form.Item name="scoreColumn" label={t('score.scoreColumn')} rules={[{ required: true, message: t('score.scoreColumnRequired') }]}>
                  <Select options={headerOptions} />
                </Form.Item>
              </Col>
            </Row>
            <Typography.Paragraph type="secondary">{t('score.mapHint')}</Typography.Paragraph>
            <Space>
              <Button onClick={restart}>{t('score.reupload')}</Button>
              <Button type="primary" htmlType="submit" loading={map.isPending}>
                {t('score.preview')}
              </Button>
            </Space>
          </Form>
        </Space>
      )}
      {step === 2 && imp && (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          <Alert
            type={imp.unmatched.length ? 'warning' : 'success'}
            showIcon
            title={t('score.summary', { total: imp.total, matched: imp.matched.length, unmatched: imp.unmatched.length })}
            description={t('score.summaryHint', { platform: imp.platform, month: imp.month, rule: imp.ruleVersion })}
          />
          {imp.unmatched.length > 0 && (
            <Card size="small" title={t('score.unmatchedRows')}>
              <Table
                rowKey={(r) => `${r.line}-${r.reason}`}
                size="small"
                dataSource={imp.unmatched}
                pagination={{ defaultPageSize: 10, hideOnSinglePage: true }}
                columns={[
                  { title: t('import.line'), dataIndex: 'line', width: 90 },
                  { title: t('import.reason'), dataIndex: 'reason', render: (v: string) => <span className="text-danger">{v}</span> },
                ]}
              />
            </Card>
          )}
          <Card size="small" title={t('score.matchedRows')}>
            <Table
              rowKey="line"
              size="small"
              dataSource={imp.matched}
              pagination={{ defaultPageSize: 10, hideOnSinglePage: true, showTotal: (n) => t('common.totalTop', { n }) }}
              columns={[
                { title: t('import.line'), dataIndex: 'line', width: 80 },
                { title: t('score.person'), dataIndex: 'personName', width: 120 },
                { title: t('score.unit'), dataIndex: 'unitName' },
                { title: t('score.score'), dataIndex: 'score', width: 100, align: 'right', render: fmt },
                {
                  title: t('score.replaces'),
                  dataIndex: 'replaces',
                  width: 140,
                  render: (v: number | null) => (v === null ? '' : <Tag color="orange">{t('score.replacesN', { n: fmt(v) })}</Tag>),
                },
              ]}
            />
          </Card>
          <Space>
            <Button onClick={() => setImp({ ...imp, status: 'uploaded' })}>{t('score.remap')}</Button>
            <Button onClick={restart}>{t('score.reupload')}</Button>
            <Button
              type="primary"
              disabled={imp.matched.length === 0}
              loading={confirm.isPending}
              onClick={() =>
                modal.confirm({
                  title: t('score.confirmTitle'),
                  content: t('score.confirmText', { n: imp.matched.length, platform: imp.platform, month: imp.month, replaced: imp.matched.filter((r) => r.replaces !== null).length }),
                  onOk: () => confirm.mutateAsync().catch(() => undefined),
                })
              }
            >
              {t('score.confirm', { n: imp.matched.length })}
            </Button>
          </Space>
        </Space>
      )}
      {step === 3 && result && (
        <Result
          status="success"
          title={t('score.writtenN', { n: result.written })}
          subTitle={result.replaced ? t('score.replacedN', { n: result.replaced }) : undefined}
          extra={
            <Button type="primary" onClick={restart}>
              {t('score.again')}
            </Button>
          }
        />
      )}
      <ImportHistory />
    </>
  );
}

function ImportHistory() {
  const { t } = useTranslation();
  const { query, rows, pagination } = usePagedList<ScoreImportSummary>([...studyKeys.scores, 'imports'], studyUrls.scoreImports, { sort: '-createdAt' }, { pageSize: 10 });
  return (
    <Card size="small" title={t('score.history')} style={{ marginTop: 24 }}>
      <Table<ScoreImportSummary>
        rowKey="id"
        size="small"
        loading={query.isFetching}
        dataSource={rows}
        pagination={pagination}
        locale={{ emptyText: query.error ? (query.error as Error).message : t('score.noImports') }}
        columns={[
          { title: t('score.platform'), dataIndex: 'platform', width: 120 },
          { title: t('score.month'), dataIndex: 'month', width: 100 },
          { title: t('score.ruleVersion'), dataIndex: 'ruleVersion', width: 160 },
          { title: t('score.file'), dataIndex: 'fileName' },
          { title: t('score.counts'), key: 'c', width: 170, render: (_, r) => t('score.countsN', { m: r.matchedCount, u: r.unmatchedCount }) },
          {
            title: t('score.state'),
            dataIndex: 'status',
            width: 100,
            render: (v: string) => (v === 'confirmed' ? <Tag color="success">{t('score.stateConfirmed')}</Tag> : <Tag>{t('score.stateDraft')}</Tag>),
          },
          { title: t('score.importedBy'), dataIndex: 'importedByName', width: 100 },
          { title: t('score.importedAt'), dataIndex: 'createdAt', width: 150, render: (v: string) => dayjs(v).format('YYYY-MM-DD HH:mm') },
        ]}
      />
    </Card>
  );
}

/** 一月一汇总: people by score, or units by their people's average. */
function Ranking() {
  const { t } = useTranslation();
  const showError = useShowError();
  const [platform, setPlatform] = useState<string>(SCORE_PLATFORMS[0]);
  const [month, setMonth] = useState<Dayjs>(() => dayjs().subtract(1, 'month'));
  const [by, setBy] = useState<'person' | 'unit'>('person');
  const [unitId, setUnitId] = useState<string | undefined>();
  const filters = { platform, month: month.format('YYYY-MM'), by, unitId };
  const { query, rows, pagination, resetPage } = usePagedList<RankingRow>([...studyKeys.scores, 'ranking'], studyUrls.ranking, { ...filters, sort: 'rank' });
  const change =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      set(v);
      resetPage();
    };
  return (
    <>
      <div className="toolbar">
        <Space wrap>
          <Select style={{ width: 140 }} value={platform} onChange={change(setPlatform)} options={platformOptions} />
          <DatePicker picker="month" allowClear={false} value={month} onChange={(v) => v && change(setMonth)(v)} />
          <Segmented
            value={by}
            onChange={(v) => change(setBy)(v as 'person' | 'unit')}
            options={[
              { value: 'person', label: t('score.byPerson') },
              { value: 'unit', label: t('score.byUnit') },
            ]}
          />
          <UnitTreeSelect allowClear value={unitId} onChange={(v) => change(setUnitId)((v as string) ?? undefined)} style={{ width: 220 }} />
        </Space>
        <Button
          icon={<DownloadOutlined />}
          onClick={() =>
            void download(`${studyUrls.ranking}/export.xlsx${qs(filters)}`, t('files.scoreRanking', { platform, month: filters.month })).catch(showError)
          }
        >
          {t('common.export')}
        </Button>
      </div>
      <Table<RankingRow>
        rowKey={(r) => r.personId ?? r.unitId}
        loading={query.isFetching}
        dataSource={rows}
        pagination={pagination}
        locale={{ emptyText: query.error ? (query.error as Error).message : t('score.emptyRanking') }}
        columns={[
          { title: t('score.rank'), dataIndex: 'rank', width: 80, render: (n: number) => (n <= 3 ? <Tag color="red">{n}</Tag> : n) },
          ...(by === 'person' ? [{ title: t('score.person'), dataIndex: 'personName', width: 140 }] : []),
          { title: t('score.unit'), dataIndex: 'unitName' },
          { title: by === 'person' ? t('score.score') : t('score.average'), dataIndex: 'score', width: 140, align: 'right' as const, render: fmt },
          ...(by === 'unit' ? [{ title: t('score.people'), dataIndex: 'people', width: 100, align: 'right' as const }] : []),
          { title: t('score.ruleVersion'), dataIndex: 'ruleVersion', width: 160, render: (v: string | null) => v ?? '—' },
        ]}
      />
    </>
  );
}

/** 半年一通报: each unit's monthly averages over the half year, ranked. */
function HalfYear() {
  const { t } = useTranslation();
  const showError = useShowError();
  const [platform, setPlatform] = useState<string>(SCORE_PLATFORMS[0]);
  const [year, setYear] = useState(() => dayjs().year());
  const [half, setHalf] = useState(() => (dayjs().month() < 6 ? 1 : 2));
  const [unitId, setUnitId] = useState<string | undefined>();
  const q = { platform, year, half, unitId };
  const report = useQuery({ queryKey: [...studyKeys.scores, 'half', q], queryFn: () => api.get<HalfYearReport>(studyUrls.halfYear, q) });
  const rows = report.data?.rows ?? [];
  return (
    <>
      <div className="toolbar">
        <Space wrap>
          <Select style={{ width: 140 }} value={platform} onChange={setPlatform} options={platformOptions} />
          <DatePicker picker="year" allowClear={false} value={dayjs().year(year)} onChange={(v) => v && setYear(v.year())} />
          <Segmented
            value={half}
            onChange={(v) => setHalf(Number(v))}
            options={[
              { value: 1, label: t('score.firstHalf') },
              { value: 2, label: t('score.secondHalf') },
            ]}
          />
          <UnitTreeSelect allowClear value={unitId} onChange={(v) => setUnitId((v as string) ?? undefined)} style={{ width: 220 }} />
        </Space>
        <Button
          icon={<DownloadOutlined />}
          onClick={() => void download(`${studyUrls.halfYear}/export.xlsx${qs(q)}`, t('files.scoreHalfYear', { platform, year })).catch(showError)}
        >
          {t('common.export')}
        </Button>
      </div>
      {report.error ? (
        <Empty description={(report.error as Error).message} />
      ) : (
        <Table
          rowKey="unitId"
          loading={report.isFetching}
          dataSource={rows}
          scroll={{ x: 900 }}
          pagination={{ defaultPageSize: 20, showSizeChanger: true, showTotal: (n) => t('common.totalTop', { n }) }}
          locale={{ emptyText: t('score.emptyRanking') }}
          columns={[
            { title: t('score.rank'), dataIndex: 'rank', width: 70, fixed: 'left' },
            { title: t('score.unit'), dataIndex: 'unitName', width: 200, fixed: 'left' },
            ...(report.data?.months ?? []).map((m, i) => ({
              title: t('score.monthN', { n: Number(m.slice(5)) }),
              key: m,
              width: 90,
              align: 'right' as const,
              render: (_: unknown, r: HalfYearReport['rows'][number]) => fmt(r.monthly[i] ?? null),
            })),
            { title: t('score.halfAverage'), dataIndex: 'average', width: 110, align: 'right', render: (n: number) => <b>{fmt(n)}</b> },
            { title: t('score.people'), dataIndex: 'people', width: 80, align: 'right' },
          ]}
        />
      )}
    </>
  );
}

/** 学习积分: import from learning platforms, monthly ranking, half-year bulletin table. */
export function ScoresPage() {
  const { t } = useTranslation();
  const canRead = useCan('study:score:read');
  const canImport = useCan('study:score:import');
  return (
    <Card>
      <h2 className="page-title">{t('score.title')}</h2>
      <Tabs
        destroyOnHidden
        items={[
          ...(canRead ? [{ key: 'ranking', label: t('score.ranking'), children: <Ranking /> }] : []),
          ...(canRead ? [{ key: 'half', label: t('score.halfYear'), children: <HalfYear /> }] : []),
          ...(canImport ? [{ key: 'import', label: t('score.import'), children: <ImportWizard /> }] : []),
        ]}
      />
    </Card>
  );
}
