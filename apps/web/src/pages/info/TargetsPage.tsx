import { DownloadOutlined, PlusOutlined } from '@ant-design/icons';
import { INFO_MEASURES } from '@luoshi/contract';
import { App, Button, Card, DatePicker, Form, InputNumber, Popconfirm, Progress, Radio, Segmented, Select, Table, Tag } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCan } from '../../api/auth';
import { api, download, qs } from '../../api/client';
import { infoKeys, infoUrls, type InfoTarget } from '../../api/info';
import { useShowError } from '../../components/errors';
import { FormDrawer } from '../../components/FormDrawer';
import { PersonSelect } from '../../components/PersonSelect';
import { useGuardedSubmit } from '../../components/useGuardedSubmit';
import { usePagedList } from '../../components/usePagedList';
import { UnitFilter, UnitTreeSelect } from '../../components/UnitTreeSelect';
import './info.css';

type Measure = InfoTarget['measure'];
type SubjectType = InfoTarget['subjectType'];
type Values = { subjectType: SubjectType; subjectId: string; measure: Measure; target: number };

function TargetForm({ year, month, onClose }: { year: number; month: number | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const [form] = Form.useForm<Values>();
  const subjectType = Form.useWatch('subjectType', form) ?? 'unit';
  const m = useMutation({
    mutationFn: (v: Values) => api.put<InfoTarget>(infoUrls.targets, { ...v, year, month }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: infoKeys.targets });
      void message.success(t('common.saved'));
      onClose();
    },
    onError: (e) => showError(e, form),
  });
  const submit = useGuardedSubmit(m);
  return (
    <FormDrawer title={t('info.targets.newTitle', { period: month ? t('info.targets.monthOf', { year, month }) : t('info.targets.yearOf', { year }) })} size={520} pending={m.isPending} onSave={() => form.submit()} onClose={onClose}>
      <Form<Values> form={form} layout="vertical" initialValues={{ subjectType: 'unit', measure: 'submitted', target: 10 }} onFinish={(v) => submit(v)} onValuesChange={(ch) => 'subjectType' in ch && form.setFieldValue('subjectId', undefined)}>
        <Form.Item name="subjectType" label={t('info.targets.subjectType')}>
          <Radio.Group
            optionType="button"
            options={[
              { value: 'unit', label: t('info.targets.unit') },
              { value: 'person', label: t('info.targets.person') },
            ]}
          />
        </Form.Item>
        <Form.Item name="subjectId" label={subjectType === 'unit' ? t('info.targets.unit') : t('info.targets.person')} rules={[{ required: true, message: subjectType === 'unit' ? t('common.selectUnit') : t('common.selectPerson') }]}>
          {subjectType === 'unit' ? <UnitTreeSelect /> : <PersonSelect />}
        </Form.Item>
        <Form.Item name="measure" label={t('info.targets.measure')}>
          <Select options={Object.entries(INFO_MEASURES).map(([value, label]) => ({ value, label }))} />
        </Form.Item>
        <Form.Item name="target" label={t('info.targets.target')} rules={[{ required: true, message: t('info.targets.targetRequired') }]}>
          <InputNumber min={0} max={100000} precision={0} style={{ width: '100%' }} />
        </Form.Item>
      </Form>
    </FormDrawer>
  );
}

/** 目标任务: per-unit and per-reporter targets of the year or a month, with what has been done so far. */
export function TargetsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const canWrite = useCan('info:settings:write');
  const [year, setYear] = useState(dayjs().year());
  const [month, setMonth] = useState<number | null>(null);
  const [subjectType, setSubjectType] = useState<SubjectType | 'all'>('all');
  const [measure, setMeasure] = useState<Measure | undefined>();
  const [unitId, setUnitId] = useState<string | undefined>();
  const [adding, setAdding] = useState(false);
  const filters = { year, month: month ?? undefined, subjectType: subjectType === 'all' ? undefined : subjectType, measure, unitId };
  const { query, rows, pagination, resetPage } = usePagedList<InfoTarget>(infoKeys.targets, infoUrls.targets, { ...filters, sort: 'subjectName' });
  const save = useMutation({
    mutationFn: ({ r, target }: { r: InfoTarget; target: number }) =>
      api.put<InfoTarget>(infoUrls.targets, { year: r.year, month: r.month, subjectType: r.subjectType, subjectId: r.subjectId, measure: r.measure, target }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: infoKeys.targets });
      void message.success(t('common.saved'));
    },
    onError: (e) => showError(e),
  });
  const remove = useMutation({
    mutationFn: (r: InfoTarget) => api.del(infoUrls.target(r.id)),
    onSuccess: () => void qc.invalidateQueries({ queryKey: infoKeys.targets }),
    onError: (e) => showError(e),
  });
  const exportUrl = infoUrls.targetsExport + qs(filters);
  return (
    <Card>
      <div className="info-head">
        <h2 className="page-title">{t('info.targets.title')}</h2>
        <div style={{ display: 'flex', gap: 8 }}>
          <Button icon={<DownloadOutlined />} onClick={() => void download(exportUrl, `${year}-targets.xlsx`).catch(showError)}>
            {t('common.export')}
          </Button>
          {canWrite && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)}>
              {t('info.targets.new')}
            </Button>
          )}
        </div>
      </div>
      <div className="toolbar info-toolbar">
        <DatePicker
          picker="year"
          allowClear={false}
          value={dayjs().year(year)}
          onChange={(d) => {
            if (d) setYear(d.year());
            resetPage();
          }}
        />
        <Select
          style={{ width: 110 }}
          value={month ?? 0}
          aria-label={t('info.targets.month')}
          onChange={(v: number) => {
            setMonth(v || null);
            resetPage();
          }}
          options={[{ value: 0, label: t('info.targets.wholeYear') }, ...Array.from({ length: 12 }, (_, i) => ({ value: i + 1, label: t('info.targets.monthN', { n: i + 1 }) }))]}
        />
        <Segmented
          value={subjectType}
          onChange={(v) => {
            setSubjectType(v as SubjectType | 'all');
            resetPage();
          }}
          options={[
            { value: 'all', label: t('info.targets.all') },
            { value: 'unit', label: t('info.targets.unit') },
            { value: 'person', label: t('info.targets.person') },
          ]}
        />
        <Select
          allowClear
          style={{ width: 120 }}
          placeholder={t('info.targets.measure')}
          value={measure}
          onChange={(v) => {
            setMeasure(v);
            resetPage();
          }}
          options={Object.entries(INFO_MEASURES).map(([value, label]) => ({ value, label }))}
        />
        <UnitFilter value={unitId} onChange={setUnitId} resetPage={resetPage} />
      </div>
      <Table<InfoTarget>
        rowKey="id"
        loading={query.isFetching}
        dataSource={rows}
        pagination={pagination}
        locale={{ emptyText: query.error ? (query.error as Error).message : t('info.targets.empty') }}
        columns={[
          {
            title: t('info.targets.subject'),
            dataIndex: 'subjectName',
            render: (v: string, r) => (
              <>
                <Tag>{r.subjectType === 'unit' ? t('info.targets.unit') : t('info.targets.person')}</Tag>
                {v}
              </>
            ),
          },
          { title: t('info.item.unit'), dataIndex: 'unitName', width: 180 },
          { title: t('info.targets.period'), key: 'period', width: 110, render: (_, r) => (r.month ? t('info.targets.monthN', { n: r.month }) : t('info.targets.wholeYear')) },
          { title: t('info.targets.measure'), dataIndex: 'measure', width: 100, render: (v: Measure) => INFO_MEASURES[v] },
          {
            title: t('info.targets.target'),
            dataIndex: 'target',
            width: 120,
            render: (v: number, r) =>
              canWrite ? (
                <InputNumber
                  key={`${r.id}:${r.version}`}
                  size="small"
                  min={0}
                  max={100000}
                  precision={0}
                  defaultValue={v}
                  aria-label={t('info.targets.target')}
                  style={{ width: 90 }}
                  onBlur={(e) => {
                    const n = Number(e.target.value);
                    if (Number.isInteger(n) && n >= 0 && n !== v) save.mutate({ r, target: n });
                  }}
                  onPressEnter={(e) => (e.target as HTMLInputElement).blur()}
                />
              ) : (
                v
              ),
          },
          { title: t('info.targets.actual'), dataIndex: 'actual', width: 80, align: 'right' },
          {
            title: t('info.targets.progress'),
            dataIndex: 'progress',
            width: 200,
            render: (v: number) => <Progress percent={Math.min(v, 100)} format={() => `${v}%`} size="small" status={v >= 100 ? 'success' : 'normal'} />,
          },
          ...(canWrite
            ? [
                {
                  title: t('common.actions'),
                  key: 'a',
                  width: 80,
                  render: (_: unknown, r: InfoTarget) => (
                    <Popconfirm title={t('info.targets.deleteConfirm')} okButtonProps={{ danger: true }} onConfirm={() => remove.mutateAsync(r).catch(() => undefined)}>
                      <Button type="link" size="small" danger>
                        {t('common.remove')}
                      </Button>
                    </Popconfirm>
                  ),
                },
              ]
            : []),
        ]}
      />
      {adding && <TargetForm year={year} month={month} onClose={() => setAdding(false)} />}
    </Card>
  );
}
