import { PlusOutlined } from '@ant-design/icons';
import { ADOPTION_LEVELS } from '@luoshi/contract';
import { App, Button, Card, Col, DatePicker, Form, Input, Popconfirm, Row, Select, Space, Table, Tag } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCan } from '../../api/auth';
import { api, newIdempotencyKey } from '../../api/client';
import { infoKeys, infoUrls, LEVEL_COLORS, type InfoMediaReport } from '../../api/info';
import { useShowError } from '../../components/errors';
import { FormDrawer } from '../../components/FormDrawer';
import { PersonSelect } from '../../components/PersonSelect';
import { useDefaultUnit } from '../../components/useDefaultUnit';
import { useGuardedSubmit } from '../../components/useGuardedSubmit';
import { ExportButton } from '../../components/ExportButton';
import { usePagedList } from '../../components/usePagedList';
import { UnitFilter, UnitTreeSelect } from '../../components/UnitTreeSelect';
import './info.css';

type Values = { unitId?: string; reporterId?: string | null; reporterName?: string; outlet: string; level: string; title: string; link?: string; publishedOn: Dayjs };

function MediaForm({ report, onClose }: { report: InfoMediaReport | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const [form] = Form.useForm<Values>();
  useDefaultUnit(form, 'unitId', !report);
  const [idempotencyKey] = useState(newIdempotencyKey);
  const m = useMutation({
    mutationFn: (v: Values) => {
      const body = {
        unitId: v.unitId,
        reporterId: v.reporterId ?? null,
        reporterName: v.reporterId ? null : v.reporterName?.trim() || null,
        outlet: v.outlet,
        level: v.level,
        title: v.title,
        link: v.link?.trim() || null,
        publishedOn: v.publishedOn.format('YYYY-MM-DD'),
      };
      return report ? api.put<InfoMediaReport>(infoUrls.mediaOne(report.id), { ...body, version: report.version }) : api.post<InfoMediaReport>(infoUrls.media, { ...body, idempotencyKey });
    },
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: infoKeys.media });
      void message.success(t('common.saved'));
      onClose();
    },
    onError: (e) => showError(e, form),
  });
  const submit = useGuardedSubmit(m);
  const reporterId = Form.useWatch('reporterId', form);
  return (
    <FormDrawer title={report ? t('info.media.editTitle') : t('info.media.newTitle')} size={640} pending={m.isPending} onSave={() => form.submit()} onClose={onClose}>
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={
          report
            ? { ...report, reporterName: report.reporterId ? undefined : (report.reporterName ?? undefined), link: report.link ?? undefined, publishedOn: dayjs(report.publishedOn) }
            : { publishedOn: dayjs() }
        }
        onFinish={(v) => submit(v)}
      >
        <Form.Item name="title" label={t('info.media.reportTitle')} rules={[{ required: true, whitespace: true, message: t('info.media.titleRequired') }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Row gutter={16}>
          <Col span={14}>
            <Form.Item name="outlet" label={t('info.media.outlet')} rules={[{ required: true, whitespace: true, message: t('info.media.outletRequired') }]}>
              <Input maxLength={60} placeholder={t('info.adopt.outletPh')} />
            </Form.Item>
          </Col>
          <Col span={10}>
            <Form.Item name="level" label={t('info.adopt.level')} rules={[{ required: true, message: t('info.adopt.levelRequired') }]}>
              <Select options={ADOPTION_LEVELS.map((l) => ({ value: l, label: l }))} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="link" label={t('info.media.link')} rules={[{ pattern: /^https?:\/\/\S+$/i, message: t('info.media.linkInvalid') }]}>
          <Input placeholder="https://" />
        </Form.Item>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="publishedOn" label={t('info.media.publishedOn')} rules={[{ required: true, message: t('info.media.dateRequired') }]}>
              <DatePicker style={{ width: '100%' }} disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="unitId" label={t('info.item.unit')} rules={[{ required: true, message: t('common.selectUnit') }]}>
              <UnitTreeSelect />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="reporterId" label={t('info.media.reporter')}>
              <PersonSelect initialOptions={report?.reporterId ? [{ value: report.reporterId, label: report.reporterName ?? '' }] : []} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="reporterName" label={t('info.media.reporterName')} extra={t('info.media.reporterNameHint')}>
              <Input maxLength={40} disabled={!!reporterId} />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </FormDrawer>
  );
}

/** 媒体报道: reports published by outlets, by unit and reporter, counted against the targets. */
export function MediaPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const canWrite = useCan('info:media:write');
  const [editing, setEditing] = useState<InfoMediaReport | null | undefined>(undefined);
  const [unitId, setUnitId] = useState<string | undefined>();
  const [level, setLevel] = useState<string | undefined>();
  const [q, setQ] = useState('');
  const { query, rows, pagination, resetPage } = usePagedList<InfoMediaReport>(infoKeys.media, infoUrls.media, { unitId, level, q: q || undefined, sort: '-publishedOn' });
  const remove = useMutation({
    mutationFn: (r: InfoMediaReport) => api.del(`${infoUrls.mediaOne(r.id)}?version=${r.version}`),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: infoKeys.media });
      void message.success(t('info.media.deleted'));
    },
    onError: (e) => showError(e),
  });
  return (
    <Card>
      <div className="info-head">
        <h2 className="page-title">{t('info.media.title')}</h2>
        {canWrite && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing(null)}>
            {t('info.media.new')}
          </Button>
        )}
      </div>
      <div className="toolbar info-toolbar">
        <UnitFilter value={unitId} onChange={setUnitId} resetPage={resetPage} />
        <Select
          allowClear
          placeholder={t('info.adopt.level')}
          style={{ width: 110 }}
          value={level}
          onChange={(v) => {
            setLevel(v);
            resetPage();
          }}
          options={ADOPTION_LEVELS.map((l) => ({ value: l, label: l }))}
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
        <ExportButton url={`${infoUrls.media}/export`} filters={{ unitId, level, q: q || undefined, sort: '-publishedOn' }} fallbackName="媒体报道.xlsx" />
      </div>
      <Table<InfoMediaReport>
        rowKey="id"
        loading={query.isFetching}
        dataSource={rows}
        pagination={pagination}
        locale={{ emptyText: query.error ? (query.error as Error).message : t('info.media.empty') }}
        columns={[
          { title: t('info.media.publishedOn'), dataIndex: 'publishedOn', width: 110 },
          {
            title: t('info.media.reportTitle'),
            dataIndex: 'title',
            render: (v: string, r) =>
              r.link ? (
                <a href={r.link} target="_blank" rel="noreferrer noopener">
                  {v}
                </a>
              ) : (
                v
              ),
          },
          { title: t('info.media.outlet'), dataIndex: 'outlet', width: 160 },
          { title: t('info.adopt.level'), dataIndex: 'level', width: 80, render: (v: string) => <Tag color={LEVEL_COLORS[v] ?? 'default'}>{v}</Tag> },
          { title: t('info.item.unit'), dataIndex: 'unitName', width: 170 },
          { title: t('info.media.reporter'), dataIndex: 'reporterName', width: 100, render: (v: string | null) => v ?? '—' },
          ...(canWrite
            ? [
                {
                  title: t('common.actions'),
                  key: 'a',
                  width: 120,
                  render: (_: unknown, r: InfoMediaReport) => (
                    <Space size={4}>
                      <Button type="link" size="small" onClick={() => setEditing(r)}>
                        {t('common.edit')}
                      </Button>
                      <Popconfirm title={t('info.media.deleteConfirm')} okText={t('common.remove')} okButtonProps={{ danger: true }} onConfirm={() => remove.mutateAsync(r).catch(() => undefined)}>
                        <Button type="link" size="small" danger>
                          {t('common.remove')}
                        </Button>
                      </Popconfirm>
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      {editing !== undefined && <MediaForm report={editing} onClose={() => setEditing(undefined)} />}
    </Card>
  );
}
