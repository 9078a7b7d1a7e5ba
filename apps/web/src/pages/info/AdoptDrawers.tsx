import { ADOPTION_LEVELS } from '@luoshi/contract';
import { Alert, App, Col, DatePicker, Form, Input, Radio, Row, Select, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { infoKeys, infoUrls, uploadInfoFile, usePublications, type InfoAdoption, type InfoInstruction, type InfoIssueSummary, type InfoItem } from '../../api/info';
import type { FileRef } from '../../api/types';
import { useShowError } from '../../components/errors';
import { FileUpload } from '../../components/FileUpload';
import { FormDrawer } from '../../components/FormDrawer';
import { useGuardedSubmit } from '../../components/useGuardedSubmit';

const NEW_ISSUE = '__new__';
const today = () => dayjs();
const notFuture = (d: Dayjs) => d.isAfter(dayjs(), 'day');

type AdoptValues = {
  kind: 'issue' | 'outlet';
  publicationId?: string;
  issueId?: string;
  editorNote?: string;
  outlet?: string;
  level?: string;
  adoptedOn?: Dayjs;
  links?: string[];
  files?: FileRef[];
  note?: string;
};

/** 采用: 编入期刊 (an issue being compiled, or the next number) with 按语, or 外部采用 with proof. */
export function AdoptDrawer({ item, onClose }: { item: InfoItem; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const [form] = Form.useForm<AdoptValues>();
  const kind = Form.useWatch('kind', form) ?? 'issue';
  const publicationId = Form.useWatch('publicationId', form);
  const issueChoice = Form.useWatch('issueId', form);
  const pubs = usePublications();
  const activePubs = (pubs.data?.data ?? []).filter((p) => !p.disabled);
  const year = dayjs().year();
  const issues = useQuery({
    queryKey: [...infoKeys.issues, 'for-adopt', publicationId, year],
    queryFn: () => api.list<InfoIssueSummary>(infoUrls.issues, { publicationId: publicationId!, year, pageSize: 100, sort: '-number' }),
    enabled: !!publicationId,
  });
  const open = (issues.data?.data ?? []).filter((i) => i.status === 'compiling');
  // from the publication: the list holds only the issues this reader may see, not every number taken
  const nextNumber = activePubs.find((p) => p.id === publicationId)?.nextNumber ?? 1;
  const m = useMutation({
    mutationFn: (v: AdoptValues) =>
      api.post<InfoAdoption>(
        infoUrls.adoptions(item.id),
        v.kind === 'issue'
          ? {
              kind: 'issue',
              issueId: v.issueId && v.issueId !== NEW_ISSUE ? v.issueId : undefined,
              publicationId: v.issueId === NEW_ISSUE ? v.publicationId : undefined,
              editorNote: v.editorNote?.trim() || null,
            }
          : {
              kind: 'outlet',
              outlet: v.outlet,
              level: v.level,
              adoptedOn: v.adoptedOn?.format('YYYY-MM-DD'),
              links: (v.links ?? []).map((l) => l.trim()).filter(Boolean),
              fileIds: (v.files ?? []).map((f) => f.id),
              note: v.note?.trim() || null,
            },
      ),
    onSuccess: (a) => {
      void qc.invalidateQueries({ queryKey: infoKeys.all });
      void message.success(a.kind === 'issue' ? t('info.adopt.doneIssue', { label: a.issueLabel ?? '' }) : t('info.adopt.doneOutlet'));
      onClose();
    },
    onError: (e) => showError(e, form),
  });
  const submit = useGuardedSubmit(m);
  return (
    <FormDrawer title={t('info.adopt.title')} size={640} pending={m.isPending} onSave={() => form.submit()} onClose={onClose}>
      <Typography.Paragraph type="secondary">{item.title}</Typography.Paragraph>
      <Form<AdoptValues> form={form} layout="vertical" initialValues={{ kind: 'issue', adoptedOn: today(), links: [], files: [] }} onFinish={(v) => submit(v)}>
        <Form.Item name="kind">
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            options={[
              { value: 'issue', label: t('info.adopt.kindIssue') },
              { value: 'outlet', label: t('info.adopt.kindOutlet') },
            ]}
          />
        </Form.Item>
        {kind === 'issue' ? (
          <>
            <Form.Item name="publicationId" label={t('info.adopt.publication')} rules={[{ required: true, message: t('info.adopt.publicationRequired') }]}>
              <Select
                loading={pubs.isLoading}
                options={activePubs.map((p) => ({ value: p.id, label: `${p.name}（${p.level}）` }))}
                notFoundContent={t('info.adopt.noPublications')}
                onChange={() => form.setFieldValue('issueId', undefined)}
              />
            </Form.Item>
            <Form.Item name="issueId" label={t('info.adopt.issue')} rules={[{ required: true, message: t('info.adopt.issueRequired') }]}>
              <Select
                disabled={!publicationId}
                loading={issues.isFetching}
                options={[
                  ...open.map((i) => ({ value: i.id, label: t('info.adopt.openIssue', { label: i.label, n: i.itemCount }) })),
                  { value: NEW_ISSUE, label: t('info.adopt.newIssue', { n: nextNumber, year }) },
                ]}
              />
            </Form.Item>
            {issueChoice === NEW_ISSUE && <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('info.adopt.newIssueHint', { n: nextNumber, year })} />}
            <Form.Item name="editorNote" label={t('info.adopt.editorNote')}>
              <Input.TextArea rows={3} maxLength={1000} showCount />
            </Form.Item>
            <Typography.Text type="secondary">{t('info.adopt.issueHint')}</Typography.Text>
          </>
        ) : (
          <>
            <Row gutter={16}>
              <Col span={14}>
                <Form.Item name="outlet" label={t('info.adopt.outlet')} rules={[{ required: true, whitespace: true, message: t('info.adopt.outletRequired') }]}>
                  <Input maxLength={100} placeholder={t('info.adopt.outletPh')} />
                </Form.Item>
              </Col>
              <Col span={10}>
                <Form.Item name="level" label={t('info.adopt.level')} rules={[{ required: true, message: t('info.adopt.levelRequired') }]}>
                  <Select options={ADOPTION_LEVELS.map((l) => ({ value: l, label: l }))} />
                </Form.Item>
              </Col>
            </Row>
            <Form.Item name="adoptedOn" label={t('info.adopt.adoptedOn')} rules={[{ required: true, message: t('info.adopt.adoptedOnRequired') }]}>
              <DatePicker style={{ width: '100%' }} disabledDate={notFuture} />
            </Form.Item>
            <Form.Item name="links" label={t('info.adopt.links')} extra={t('info.adopt.linksHint')}>
              <Select mode="tags" open={false} suffixIcon={null} tokenSeparators={[' ', '\n']} placeholder="https://" />
            </Form.Item>
            <Form.Item
              name="files"
              label={t('info.adopt.files')}
              dependencies={['links']}
              rules={[
                ({ getFieldValue }) => ({
                  validator: (_, v: FileRef[] | undefined) =>
                    !v?.length && !(getFieldValue('links') as string[] | undefined)?.length ? Promise.reject(new Error(t('info.adopt.proofRequired'))) : Promise.resolve(),
                }),
              ]}
            >
              <FileUpload upload={uploadInfoFile} max={10} />
            </Form.Item>
            <Form.Item name="note" label={t('info.adopt.note')}>
              <Input.TextArea rows={2} maxLength={500} />
            </Form.Item>
          </>
        )}
      </Form>
    </FormDrawer>
  );
}

type InstructValues = { leader: string; level: string; content: string; instructedOn: Dayjs; files?: FileRef[] };

/** 领导批示: who, at which level, what was written, when, and the scan. */
export function InstructDrawer({ item, onClose }: { item: InfoItem; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const [form] = Form.useForm<InstructValues>();
  const m = useMutation({
    mutationFn: (v: InstructValues) =>
      api.post<InfoInstruction>(infoUrls.instructions(item.id), {
        leader: v.leader,
        level: v.level,
        content: v.content,
        instructedOn: v.instructedOn.format('YYYY-MM-DD'),
        fileIds: (v.files ?? []).map((f) => f.id),
      }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: infoKeys.all });
      void message.success(t('info.instruct.done'));
      onClose();
    },
    onError: (e) => showError(e, form),
  });
  const submit = useGuardedSubmit(m);
  return (
    <FormDrawer title={t('info.instruct.title')} size={600} pending={m.isPending} onSave={() => form.submit()} onClose={onClose}>
      <Typography.Paragraph type="secondary">{item.title}</Typography.Paragraph>
      <Form<InstructValues> form={form} layout="vertical" initialValues={{ instructedOn: today(), files: [] }} onFinish={(v) => submit(v)}>
        <Row gutter={16}>
          <Col span={14}>
            <Form.Item name="leader" label={t('info.instruct.leader')} rules={[{ required: true, whitespace: true, message: t('info.instruct.leaderRequired') }]}>
              <Input maxLength={60} placeholder={t('info.instruct.leaderPh')} />
            </Form.Item>
          </Col>
          <Col span={10}>
            <Form.Item name="level" label={t('info.adopt.level')} rules={[{ required: true, message: t('info.adopt.levelRequired') }]}>
              <Select options={ADOPTION_LEVELS.map((l) => ({ value: l, label: l }))} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="content" label={t('info.instruct.content')} rules={[{ required: true, whitespace: true, message: t('info.instruct.contentRequired') }]}>
          <Input.TextArea rows={4} maxLength={2000} showCount />
        </Form.Item>
        <Form.Item name="instructedOn" label={t('info.instruct.date')} rules={[{ required: true, message: t('info.instruct.dateRequired') }]}>
          <DatePicker style={{ width: '100%' }} disabledDate={notFuture} />
        </Form.Item>
        <Form.Item name="files" label={t('info.instruct.files')}>
          <FileUpload upload={uploadInfoFile} max={10} />
        </Form.Item>
      </Form>
    </FormDrawer>
  );
}
