import { CheckCircleOutlined, FileSearchOutlined, FilterOutlined, SafetyOutlined, WarningOutlined } from '@ant-design/icons';
import { Alert, Badge, Button, Card, Col, DatePicker, Form, Input, List, Row, Select, Space, Table, Typography } from 'antd';
import type { AuditResult } from '@luoshi/contract';
import { useMutation } from '@tanstack/react-query';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { auditApi, auditKeys, auditUrls, useAuditFacets, type AuditFilters, type AuditRow, type AuditVerify } from '../../api/audit';
import { useShowError } from '../../components/errors';
import { ExportButton } from '../../components/ExportButton';
import { usePagedList } from '../../components/usePagedList';
import { cardPagination, fmtTime, useIsPhone } from '../security/shared';
import { AuditDetailDrawer } from './AuditDetailDrawer';
import { ResultTag, useAuditLabels } from './labels';
import '../security/security.css';
import './audit.css';

type FilterValues = {
  username?: string;
  range?: [Dayjs | null, Dayjs | null] | null;
  from?: Dayjs | null;
  to?: Dayjs | null;
  action?: string;
  module?: string;
  entity?: string;
  entityId?: string;
  result?: AuditResult;
};

const FILTER_KEYS = ['username', 'action', 'module', 'entity', 'entityId', 'result'] as const;

/** The filters a link may carry (/audit?entity=user&entityId=…), e.g. from a record's history. */
function filtersFromParams(params: URLSearchParams): AuditFilters {
  const f: AuditFilters = {};
  for (const k of FILTER_KEYS) {
    const v = params.get(k);
    if (v) (f as Record<string, string>)[k] = v;
  }
  return f;
}

function VerifyResult({ v, onOpen, onClose }: { v: AuditVerify; onOpen: (id: number) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const facts = (
    <div className="audit-verify-facts">
      <div>{t('audit.verify.rows', { count: v.rows })}</div>
      <div>
        {v.checkpoint
          ? t('audit.verify.checkpoint', { at: fmtTime(v.checkpoint.at), count: v.checkpoint.count, lastId: v.checkpoint.lastId })
          : t('audit.verify.noCheckpoint')}
      </div>
      <div>{t('audit.verify.archives', { count: v.archives })}</div>
      <div>{t('audit.verify.checkedAt', { at: fmtTime(v.checkedAt, true) })}</div>
    </div>
  );
  return v.intact ? (
    <Alert
      className="audit-verify"
      type="success"
      showIcon
      icon={<CheckCircleOutlined />}
      closable={{ onClose }}
      title={t('audit.verify.intact')}
      description={facts}
      role="status"
    />
  ) : (
    <Alert
      className="audit-verify"
      type="error"
      showIcon
      icon={<WarningOutlined />}
      closable={{ onClose }}
      title={t('audit.verify.broken')}
      role="alert"
      description={
        <div>
          <Typography.Paragraph strong style={{ marginBottom: 6 }}>
            {v.problem ?? t('audit.verify.unknownProblem')}
          </Typography.Paragraph>
          {v.firstBrokenId !== null && (
            <Typography.Paragraph style={{ marginBottom: 6 }}>
              {t('audit.verify.firstBroken', { id: v.firstBrokenId })}{' '}
              <Button size="small" onClick={() => onOpen(v.firstBrokenId!)}>
                {t('audit.verify.open')}
              </Button>
            </Typography.Paragraph>
          )}
          {facts}
        </div>
      }
    />
  );
}

/** 审计日志: the audit administrator reads, filters, verifies and exports the log. */
export default function AuditPage() {
  const { t } = useTranslation();
  const isPhone = useIsPhone();
  const showError = useShowError();
  const labels = useAuditLabels();
  const [params] = useSearchParams();
  const [form] = Form.useForm<FilterValues>();
  const [filters, setFilters] = useState<AuditFilters>(() => filtersFromParams(params));
  const [sort, setSort] = useState<'at' | '-at'>('-at');
  const [open, setOpen] = useState<{ id: number; row?: AuditRow } | null>(null);
  const [showFilters, setShowFilters] = useState(false);
  const [verified, setVerified] = useState<AuditVerify | null>(null);
  const facets = useAuditFacets();
  const list = usePagedList<AuditRow>(auditKeys.logs, auditUrls.logs, { ...filters, sort });
  const verify = useMutation({ mutationFn: auditApi.verify, onSuccess: setVerified, onError: (e) => showError(e) });
  const activeCount = Object.values(filters).filter(Boolean).length;

  const actionOptions = useMemo(
    () => (facets.data?.actions ?? []).map((a) => ({ value: a, label: labels.action(a) === a ? a : `${labels.action(a)}（${a}）` })),
    [facets.data, labels],
  );
  const moduleOptions = useMemo(() => (facets.data?.modules ?? []).map((m) => ({ value: m, label: labels.module(m) })), [facets.data, labels]);

  const apply = (v: FilterValues) => {
    const from = isPhone ? v.from : v.range?.[0];
    const to = isPhone ? v.to : v.range?.[1];
    setFilters({
      username: v.username?.trim() || undefined,
      from: from ? from.format() : undefined,
      to: to ? to.format() : undefined,
      action: v.action || undefined,
      module: v.module || undefined,
      entity: v.entity?.trim() || undefined,
      entityId: v.entityId?.trim() || undefined,
      result: v.result,
    });
    list.resetPage();
    if (isPhone) setShowFilters(false);
  };
  const initial: FilterValues = {
    ...filters,
    from: filters.from ? dayjs(filters.from) : undefined,
    to: filters.to ? dayjs(filters.to) : undefined,
    range: filters.from || filters.to ? [filters.from ? dayjs(filters.from) : null, filters.to ? dayjs(filters.to) : null] : undefined,
  };

  const col = { xs: 24, sm: 12, lg: 8, xl: 6 };
  const filterForm = (
    <Form<FilterValues> form={form} layout="vertical" initialValues={initial} onFinish={apply} className="audit-filters">
      <Row gutter={16}>
        <Col {...col}>
          <Form.Item name="username" label={t('audit.filter.username')}>
            <Input allowClear placeholder={t('audit.filter.usernamePlaceholder')} />
          </Form.Item>
        </Col>
        {isPhone ? (
          <>
            <Col xs={12}>
              <Form.Item name="from" label={t('audit.filter.from')}>
                <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} inputReadOnly />
              </Form.Item>
            </Col>
            <Col xs={12}>
              <Form.Item name="to" label={t('audit.filter.to')}>
                <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} inputReadOnly />
              </Form.Item>
            </Col>
          </>
        ) : (
          <Col xs={24} lg={16} xl={12}>
            <Form.Item name="range" label={t('audit.filter.time')}>
              <DatePicker.RangePicker
                showTime={{ format: 'HH:mm' }}
                format="YYYY-MM-DD HH:mm"
                allowEmpty={[true, true]}
                style={{ width: '100%' }}
                presets={[
                  { label: t('audit.filter.today'), value: [dayjs().startOf('day'), dayjs().endOf('day')] },
                  { label: t('audit.filter.last7'), value: [dayjs().subtract(7, 'day').startOf('day'), dayjs().endOf('day')] },
                  { label: t('audit.filter.last30'), value: [dayjs().subtract(30, 'day').startOf('day'), dayjs().endOf('day')] },
                ]}
              />
            </Form.Item>
          </Col>
        )}
        <Col {...col}>
          <Form.Item name="action" label={t('audit.filter.action')}>
            <Select allowClear showSearch={{ optionFilterProp: 'label' }} placeholder={t('audit.filter.all')} options={actionOptions} loading={facets.isLoading} />
          </Form.Item>
        </Col>
        <Col {...col}>
          <Form.Item name="module" label={t('audit.filter.module')}>
            <Select allowClear showSearch={{ optionFilterProp: 'label' }} placeholder={t('audit.filter.all')} options={moduleOptions} loading={facets.isLoading} />
          </Form.Item>
        </Col>
        <Col {...col}>
          <Form.Item label={t('audit.filter.record')}>
            <Space.Compact style={{ width: '100%' }}>
              <Form.Item name="entity" noStyle>
                <Input allowClear placeholder={t('audit.filter.entityPlaceholder')} style={{ width: '40%' }} aria-label={t('audit.col.entity')} />
              </Form.Item>
              <Form.Item name="entityId" noStyle>
                <Input allowClear placeholder={t('audit.filter.entityIdPlaceholder')} style={{ width: '60%' }} aria-label={t('audit.col.entityId')} />
              </Form.Item>
            </Space.Compact>
          </Form.Item>
        </Col>
        <Col {...col}>
          <Form.Item name="result" label={t('audit.filter.result')}>
            <Select<AuditResult>
              allowClear
              placeholder={t('audit.filter.all')}
              options={(['success', 'failure', 'denied'] as const).map((r) => ({ value: r, label: t(`audit.result.${r}`) }))}
            />
          </Form.Item>
        </Col>
      </Row>
      <Space wrap>
        <Button type="primary" htmlType="submit">
          {t('audit.filter.search')}
        </Button>
        <Button
          onClick={() => {
            form.resetFields();
            form.setFieldsValue({ username: undefined, range: undefined, from: undefined, to: undefined, action: undefined, module: undefined, entity: undefined, entityId: undefined, result: undefined });
            setFilters({});
            list.resetPage();
          }}
        >
          {t('audit.filter.reset')}
        </Button>
      </Space>
    </Form>
  );

  const who = (r: AuditRow) => (
    <span>
      {r.username ?? <Typography.Text type="secondary">—</Typography.Text>}
    </span>
  );
  const record = (r: AuditRow) => (
    <span>
      {labels.entity(r.entity)}
      {r.entityId && (
        <Typography.Text type="secondary" className="audit-entity-id" title={r.entityId}>
          {' '}
          {r.entityId.length > 12 ? `${r.entityId.slice(0, 8)}…` : r.entityId}
        </Typography.Text>
      )}
    </span>
  );

  return (
    <Card
      className="security-page"
      title={
        <Space>
          <FileSearchOutlined />
          {t('audit.title')}
        </Space>
      }
      extra={
        !isPhone && (
          <Space>
            <Button icon={<SafetyOutlined />} loading={verify.isPending} onClick={() => verify.mutate()}>
              {t('audit.verify.button')}
            </Button>
            <ExportButton url={auditUrls.export} filters={{ ...filters, sort }} fallbackName={t('audit.exportName')} />
          </Space>
        )
      }
    >
      {isPhone && (
        <div className="toolbar">
          <Space wrap>
            <Badge count={activeCount} size="small">
              <Button icon={<FilterOutlined />} onClick={() => setShowFilters(!showFilters)}>
                {t('audit.filter.toggle')}
              </Button>
            </Badge>
            <Button icon={<SafetyOutlined />} loading={verify.isPending} onClick={() => verify.mutate()}>
              {t('audit.verify.button')}
            </Button>
            <ExportButton url={auditUrls.export} filters={{ ...filters, sort }} fallbackName={t('audit.exportName')} />
          </Space>
        </div>
      )}
      {(!isPhone || showFilters) && filterForm}
      {verified && <VerifyResult v={verified} onOpen={(id) => setOpen({ id })} onClose={() => setVerified(null)} />}
      {isPhone ? (
        <List<AuditRow>
          className="audit-cards"
          loading={list.query.isLoading}
          dataSource={list.rows}
          pagination={cardPagination(list.pagination)}
          locale={{ emptyText: t('audit.empty') }}
          renderItem={(r) => (
            <List.Item key={r.id} onClick={() => setOpen({ id: r.id, row: r })} className="audit-card">
              <div style={{ width: '100%' }}>
                <div className="audit-card-top">
                  <Typography.Text strong>{labels.action(r.action)}</Typography.Text>
                  <ResultTag result={r.result} />
                </div>
                <div className="audit-card-line">
                  {who(r)} · {labels.module(r.module)} · {record(r)}
                </div>
                <div className="audit-card-line audit-card-meta">
                  {fmtTime(r.at, true)}
                  {r.ip ? ` · ${r.ip}` : ''}
                </div>
              </div>
            </List.Item>
          )}
        />
      ) : (
        <Table<AuditRow>
          rowKey="id"
          size="middle"
          loading={list.query.isLoading}
          dataSource={list.rows}
          pagination={list.pagination}
          locale={{ emptyText: t('audit.empty') }}
          onRow={(r) => ({ onClick: () => setOpen({ id: r.id, row: r }), style: { cursor: 'pointer' } })}
          onChange={(_, __, sorter) => {
            const s = Array.isArray(sorter) ? sorter[0] : sorter;
            setSort(s?.order === 'ascend' ? 'at' : '-at');
          }}
          columns={[
            {
              title: t('audit.col.at'),
              dataIndex: 'at',
              width: 170,
              sorter: true,
              sortOrder: sort === 'at' ? 'ascend' : 'descend',
              sortDirections: ['descend', 'ascend', 'descend'],
              render: (v: string) => fmtTime(v, true),
            },
            { title: t('audit.col.user'), dataIndex: 'username', width: 130, render: (_, r) => who(r) },
            { title: t('audit.col.ip'), dataIndex: 'ip', width: 130, render: (v: string | null) => v ?? '—' },
            { title: t('audit.col.module'), dataIndex: 'module', width: 120, render: (v: string | null) => labels.module(v) },
            { title: t('audit.col.action'), dataIndex: 'action', render: (v: string) => <span title={v}>{labels.action(v)}</span> },
            { title: t('audit.col.record'), key: 'record', render: (_, r) => record(r) },
            { title: t('audit.col.result'), dataIndex: 'result', width: 90, render: (v: AuditResult) => <ResultTag result={v} /> },
            {
              title: t('common.actions'),
              key: 'a',
              width: 80,
              render: (_, r) => (
                <Button type="link" size="small" onClick={(e) => (e.stopPropagation(), setOpen({ id: r.id, row: r }))}>
                  {t('common.detail')}
                </Button>
              ),
            },
          ]}
        />
      )}
      {open && <AuditDetailDrawer id={open.id} row={open.row} onClose={() => setOpen(null)} />}
    </Card>
  );
}
