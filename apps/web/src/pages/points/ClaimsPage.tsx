import { CheckOutlined, CloseOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, DatePicker, Descriptions, Drawer, Empty, Form, Input, InputNumber, Row, Select, Space, Spin, Table, Tabs, Tag, Typography } from 'antd';
import { CLAIM_STATUSES, PERIOD_KINDS, POINT_SUBJECTS } from '@luoshi/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { useCan } from '../../api/auth';
import { api, newIdempotencyKey } from '../../api/client';
import { hundredths, pointsKeys, pointsUrls, type PointClaim, type PointRule } from '../../api/points';
import type { FileRef } from '../../api/types';
import { useShowError } from '../../components/errors';
import { FileUpload } from '../../components/FileUpload';
import { FormDrawer } from '../../components/FormDrawer';
import { PersonSelect } from '../../components/PersonSelect';
import { useGuardedSubmit } from '../../components/useGuardedSubmit';
import { ExportButton } from '../../components/ExportButton';
import { usePagedList } from '../../components/usePagedList';
import { UnitFilter, UnitTreeSelect } from '../../components/UnitTreeSelect';
import { FileLinks } from '../study/StudyUpload';
import { Pts } from './shared';

const STATUS_COLORS: Record<PointClaim['status'], string> = { pending: 'processing', approved: 'success', rejected: 'error' };
const uploadEvidence = (file: File) => api.upload<FileRef>(pointsUrls.claimFiles, file);

/** rule points × quantity, exactly, for the preview under the form. */
function timesQuantity(points: string, quantity: number | null | undefined): string {
  if (!quantity) return points;
  const v = Math.round(hundredths(points) * quantity);
  const sign = v < 0 ? '-' : '';
  const a = Math.abs(v);
  const frac = a % 100;
  return `${sign}${Math.floor(a / 100)}${frac ? '.' + String(frac).padStart(2, '0').replace(/0$/, '') : ''}`;
}

export function RuleHint({ rule }: { rule: PointRule }) {
  const { t } = useTranslation();
  return (
    <Space size={[12, 4]} wrap>
      <span>
        {t('points.rules.pointsPer', { unit: rule.countingUnit })} <Pts value={rule.points} strong />
      </span>
      <span>{rule.capPoints ? t('points.rules.capText', { cap: rule.capPoints, period: rule.capPeriod ? PERIOD_KINDS[rule.capPeriod] : '' }) : t('points.rules.noCap')}</span>
      <Tag>{POINT_SUBJECTS[rule.subjectType]}</Tag>
      {rule.evidenceRequired && <Tag color="orange">{t('points.rules.evidenceRequired')}</Tag>}
    </Space>
  );
}

type ClaimValues = { ruleId: string; subjectId: string; quantity: number; occurredOn: Dayjs; reason: string; links?: string[]; files?: FileRef[] };

/** 申请加减分: a manual rule in force, the unit or person it applies to, and the evidence. */
function ClaimForm({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<ClaimValues>();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  // One key per opening of the form: a double click or a retry makes one claim.
  const [idempotencyKey] = useState(newIdempotencyKey);
  const rules = useQuery({
    queryKey: [...pointsKeys.rules, 'manual-current'],
    queryFn: () => api.list<PointRule>(pointsUrls.rules, { year: dayjs().year(), source: 'manual', pageSize: 200, sort: 'code' }),
  });
  const usable = (rules.data?.data ?? []).filter((r) => !r.disabled && !r.source);
  const ruleId = Form.useWatch('ruleId', form);
  const quantity = Form.useWatch('quantity', form);
  const rule = usable.find((r) => r.id === ruleId);
  const m = useMutation({
    mutationFn: (v: ClaimValues) =>
      api.post<PointClaim>(pointsUrls.claims, {
        ruleId: v.ruleId,
        subjectId: v.subjectId,
        quantity: String(v.quantity),
        occurredOn: v.occurredOn.format('YYYY-MM-DD'),
        reason: v.reason,
        links: (v.links ?? []).map((l) => l.trim()).filter(Boolean),
        fileIds: (v.files ?? []).map((f) => f.id),
        idempotencyKey,
      }),
    onSuccess: () => {
      void message.success(t('points.claims.created'));
      void qc.invalidateQueries({ queryKey: pointsKeys.claims });
      onClose();
    },
    onError: (e) => showError(e, form),
  });
  const submit = useGuardedSubmit(m);
  return (
    <FormDrawer title={t('points.claims.newTitle')} size={720} pending={m.isPending} onSave={() => form.submit()} onClose={onClose}>
      <Form<ClaimValues>
        form={form}
        layout="vertical"
        initialValues={{ quantity: 1, occurredOn: dayjs() }}
        onValuesChange={(ch) => {
          if ('ruleId' in ch) form.setFieldValue('subjectId', undefined);
        }}
        onFinish={(v) => submit(v)}
      >
        <Form.Item name="ruleId" label={t('points.claims.rule')} rules={[{ required: true, message: t('points.claims.ruleRequired') }]} extra={rule && <RuleHint rule={rule} />}>
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            loading={rules.isLoading}
            placeholder={t('points.claims.rulePh')}
            notFoundContent={rules.error ? (rules.error as Error).message : t('points.claims.noRules')}
            options={usable.map((r) => ({ value: r.id, label: `${r.code} ${r.item}（${r.points.startsWith('-') ? r.points : '+' + r.points}）` }))}
          />
        </Form.Item>
        {rule && rule.note && <Alert type="info" showIcon style={{ marginBottom: 16 }} title={rule.note} />}
        <Form.Item
          name="subjectId"
          label={rule?.subjectType === 'person' ? t('points.claims.subjectPerson') : t('points.claims.subjectUnit')}
          rules={[{ required: true, message: rule?.subjectType === 'person' ? t('common.selectPerson') : t('common.selectUnit') }]}
        >
          {rule?.subjectType === 'person' ? <PersonSelect /> : <UnitTreeSelect />}
        </Form.Item>
        <Row gutter={16}>
          <Col span={8}>
            <Form.Item name="quantity" label={rule ? t('points.claims.quantityIn', { unit: rule.countingUnit }) : t('points.claims.quantity')} rules={[{ required: true, message: t('points.claims.quantityRequired') }]}>
              <InputNumber min={0.01} max={9999} step={1} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="occurredOn" label={t('points.claims.occurredOn')} rules={[{ required: true, message: t('points.claims.occurredOnRequired') }]}>
              <DatePicker style={{ width: '100%' }} disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item label={t('points.claims.asked')}>
              {rule ? <Pts value={timesQuantity(rule.points, quantity)} strong /> : '—'}
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="reason" label={t('points.claims.reason')} rules={[{ required: true, whitespace: true, min: 2, message: t('points.claims.reasonRequired') }]}>
          <Input.TextArea rows={4} maxLength={2000} showCount />
        </Form.Item>
        <Form.Item name="links" label={t('points.claims.links')} extra={t('points.claims.linksHint')}>
          <Select mode="tags" open={false} suffixIcon={null} tokenSeparators={[' ', '\n']} placeholder="https://" />
        </Form.Item>
        <Form.Item
          name="files"
          label={t('points.claims.files')}
          extra={rule?.evidenceRequired ? t('points.claims.filesRequiredHint') : undefined}
          dependencies={['links']}
          rules={[
            ({ getFieldValue }) => ({
              // A link to the published report is evidence too.
              validator: (_, v: FileRef[] | undefined) =>
                rule?.evidenceRequired && !v?.length && !(getFieldValue('links') as string[] | undefined)?.length
                  ? Promise.reject(new Error(t('points.claims.filesRequired')))
                  : Promise.resolve(),
            }),
          ]}
        >
          <FileUpload upload={uploadEvidence} />
        </Form.Item>
      </Form>
    </FormDrawer>
  );
}

/** One claim: what was asked, the evidence, and for an approver 通过 / 驳回. */
function ClaimDrawer({ id, onClose }: { id: string; onClose: () => void }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const canApprove = useCan('points:claim:approve');
  const [note, setNote] = useState('');
  const [noteError, setNoteError] = useState(false);
  const q = useQuery({ queryKey: [...pointsKeys.claims, 'one', id], queryFn: () => api.get<PointClaim>(pointsUrls.claim(id)) });
  const decide = useMutation({
    mutationFn: ({ c, approve }: { c: PointClaim; approve: boolean }) =>
      api.post<PointClaim>(`${pointsUrls.claim(c.id)}/decide`, { approve, note: note.trim() || undefined, version: c.version }),
    onSuccess: (c) => {
      if (c.status === 'approved' && c.eventPoints !== null && hundredths(c.eventPoints) !== hundredths(c.points)) {
        void message.warning(t('points.claims.approvedCapped', { points: c.eventPoints }));
      } else {
        void message.success(c.status === 'approved' ? t('points.claims.approved') : t('points.claims.rejected'));
      }
      void qc.invalidateQueries({ queryKey: pointsKeys.all });
      onClose();
    },
    onError: (e) => showError(e),
  });
  const c = q.data;
  const ask = (approve: boolean) => {
    if (!c) return;
    if (!approve && note.trim().length < 2) {
      setNoteError(true);
      return;
    }
    modal.confirm({
      title: approve ? t('points.claims.approveConfirm', { subject: c.subjectName, points: c.points }) : t('points.claims.rejectConfirm', { subject: c.subjectName }),
      content: approve ? t('points.claims.approveConfirmText') : t('points.claims.rejectConfirmText'),
      okText: approve ? t('points.claims.approve') : t('points.claims.reject'),
      okButtonProps: { danger: !approve },
      onOk: () => decide.mutateAsync({ c, approve }).catch(() => undefined),
    });
  };
  const capped = c?.eventPoints != null && hundredths(c.eventPoints) !== hundredths(c.points);
  return (
    <Drawer open size={720} title={t('points.claims.detailTitle')} onClose={onClose} destroyOnHidden>
      {q.isLoading && <Spin />}
      {q.error && <Empty description={(q.error as Error).message} />}
      {c && (
        <>
          <Descriptions column={2} size="small" bordered styles={{ label: { width: 100, whiteSpace: 'nowrap' } }}>
            <Descriptions.Item label={t('points.claims.status')} span={2}>
              <Tag color={STATUS_COLORS[c.status]}>{CLAIM_STATUSES[c.status]}</Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('points.claims.rule')} span={2}>
              {c.category} · {c.ruleCode} {c.item}
            </Descriptions.Item>
            <Descriptions.Item label={POINT_SUBJECTS[c.subjectType]}>
              {c.subjectName}
              {c.subjectType === 'person' ? `（${c.unitName}）` : ''}
            </Descriptions.Item>
            <Descriptions.Item label={t('points.claims.occurredOn')}>{c.occurredOn}</Descriptions.Item>
            <Descriptions.Item label={t('points.claims.quantity')}>{c.quantity}</Descriptions.Item>
            <Descriptions.Item label={t('points.claims.points')}>
              <Pts value={c.points} strong />
              {capped && (
                <Typography.Text type="warning" style={{ marginLeft: 8 }}>
                  {t('points.claims.eventPoints', { points: c.eventPoints })}
                </Typography.Text>
              )}
            </Descriptions.Item>
            <Descriptions.Item label={t('points.claims.reason')} span={2}>
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{c.reason}</Typography.Paragraph>
            </Descriptions.Item>
            <Descriptions.Item label={t('points.claims.links')} span={2}>
              {c.links.length
                ? c.links.map((l) => (
                    <div key={l}>
                      <a href={l} target="_blank" rel="noreferrer noopener">
                        {l}
                      </a>
                    </div>
                  ))
                : '—'}
            </Descriptions.Item>
            <Descriptions.Item label={t('points.claims.files')} span={2}>
              <FileLinks files={c.files} url={(f) => pointsUrls.claimFile(c.id, f.id)} />
            </Descriptions.Item>
            <Descriptions.Item label={t('points.claims.createdBy')}>{c.createdByName ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('points.claims.createdAt')}>{dayjs(c.createdAt).format('YYYY-MM-DD HH:mm')}</Descriptions.Item>
            {c.status !== 'pending' && (
              <>
                <Descriptions.Item label={t('points.claims.decidedBy')}>{c.decidedByName ?? '—'}</Descriptions.Item>
                <Descriptions.Item label={t('points.claims.decidedAt')}>{c.decidedAt ? dayjs(c.decidedAt).format('YYYY-MM-DD HH:mm') : '—'}</Descriptions.Item>
                <Descriptions.Item label={t('points.claims.decisionNote')} span={2}>
                  {c.decisionNote ?? '—'}
                </Descriptions.Item>
              </>
            )}
            {c.eventId !== null && (
              <Descriptions.Item label={t('points.claims.event')} span={2}>
                <Link to={`/points/events?id=${c.eventId}`}>{t('points.claims.openEvent', { id: c.eventId })}</Link>
              </Descriptions.Item>
            )}
          </Descriptions>
          {c.status === 'pending' && canApprove && (
            <Card size="small" title={t('points.claims.decideTitle')} style={{ marginTop: 16 }}>
              <Input.TextArea
                rows={3}
                maxLength={1000}
                value={note}
                status={noteError ? 'error' : undefined}
                aria-label={t('points.claims.decisionNote')}
                placeholder={t('points.claims.notePh')}
                onChange={(e) => {
                  setNote(e.target.value);
                  setNoteError(false);
                }}
              />
              {noteError && <Typography.Text type="danger">{t('points.claims.noteRequired')}</Typography.Text>}
              <Space style={{ marginTop: 12 }}>
                <Button type="primary" icon={<CheckOutlined />} loading={decide.isPending && decide.variables?.approve} onClick={() => ask(true)}>
                  {t('points.claims.approve')}
                </Button>
                <Button danger icon={<CloseOutlined />} loading={decide.isPending && !decide.variables?.approve} onClick={() => ask(false)}>
                  {t('points.claims.reject')}
                </Button>
              </Space>
            </Card>
          )}
        </>
      )}
    </Drawer>
  );
}

type Tab = 'pending' | 'approved' | 'rejected' | 'mine';

function ClaimList({ tab, onOpen }: { tab: Tab; onOpen: (id: string) => void }) {
  const { t } = useTranslation();
  const [unitId, setUnitId] = useState<string | undefined>();
  const filters = tab === 'mine' ? { mine: true, sort: '-createdAt' } : { status: tab, unitId, sort: tab === 'pending' ? 'createdAt' : '-createdAt' };
  const { query, rows, pagination, resetPage } = usePagedList<PointClaim>([...pointsKeys.claims, tab], pointsUrls.claims, filters);
  return (
    <>
      <div className="toolbar">
        {tab !== 'mine' ? <UnitFilter value={unitId} onChange={setUnitId} resetPage={resetPage} /> : <span />}
        <ExportButton url={`${pointsUrls.claims}/export`} filters={filters} fallbackName="加减分申请.xlsx" />
      </div>
      <Table<PointClaim>
        rowKey="id"
        loading={query.isFetching}
        dataSource={rows}
        pagination={pagination}
        onRow={(c) => ({ onClick: () => onOpen(c.id), style: { cursor: 'pointer' } })}
        locale={{ emptyText: query.error ? (query.error as Error).message : t('points.claims.empty') }}
        columns={[
          { title: t('points.claims.occurredOn'), dataIndex: 'occurredOn', width: 110 },
          { title: t('points.claims.subject'), dataIndex: 'subjectName', width: 200, render: (v: string, c) => (c.subjectType === 'person' ? `${v}（${c.unitName}）` : v) },
          {
            title: t('points.claims.rule'),
            key: 'rule',
            render: (_, c) => (
              <Typography.Link>
                {c.ruleCode} {c.item}
              </Typography.Link>
            ),
          },
          {
            title: t('points.claims.points'),
            dataIndex: 'points',
            width: 130,
            align: 'right',
            render: (v: string, c) => (
              <>
                <Pts value={v} strong />
                {c.eventPoints !== null && hundredths(c.eventPoints) !== hundredths(v) && (
                  <div>
                    <Tag color="orange">{t('points.claims.cutTo', { points: c.eventPoints })}</Tag>
                  </div>
                )}
              </>
            ),
          },
          { title: t('points.claims.status'), dataIndex: 'status', width: 90, render: (v: PointClaim['status']) => <Tag color={STATUS_COLORS[v]}>{CLAIM_STATUSES[v]}</Tag> },
          { title: t('points.claims.createdBy'), dataIndex: 'createdByName', width: 100 },
          { title: t('points.claims.createdAt'), dataIndex: 'createdAt', width: 140, render: (v: string) => dayjs(v).format('YYYY-MM-DD HH:mm') },
        ]}
      />
    </>
  );
}

/** 加减分申请: claims by status, the caller's own, the form, and the approver's decision. */
export function ClaimsPage() {
  const { t } = useTranslation();
  const canSubmit = useCan('points:claim:submit');
  const canApprove = useCan('points:claim:approve');
  const [params, setParams] = useSearchParams();
  const openId = params.get('open');
  const [creating, setCreating] = useState(false);
  const setOpen = (id: string | null) =>
    setParams(
      (p) => {
        if (id) p.set('open', id);
        else p.delete('open');
        return p;
      },
      { replace: true },
    );
  const tabs: { key: Tab; label: string }[] = [
    { key: 'pending', label: CLAIM_STATUSES.pending },
    { key: 'approved', label: CLAIM_STATUSES.approved },
    { key: 'rejected', label: CLAIM_STATUSES.rejected },
    ...(canSubmit ? [{ key: 'mine' as const, label: t('points.claims.mine') }] : []),
  ];
  return (
    <Card>
      <h2 className="page-title">{t('points.claims.title')}</h2>
      <Tabs
        destroyOnHidden
        defaultActiveKey={canApprove || !canSubmit ? 'pending' : 'mine'}
        tabBarExtraContent={
          canSubmit && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
              {t('points.claims.new')}
            </Button>
          )
        }
        items={tabs.map((x) => ({ key: x.key, label: x.label, children: <ClaimList tab={x.key} onOpen={setOpen} /> }))}
      />
      {creating && <ClaimForm onClose={() => setCreating(false)} />}
      {openId && <ClaimDrawer id={openId} onClose={() => setOpen(null)} />}
    </Card>
  );
}
