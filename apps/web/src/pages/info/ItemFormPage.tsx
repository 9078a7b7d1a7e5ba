import { FileTextOutlined, SendOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Empty, Form, Input, Row, Select, Space, Spin } from 'antd';
import type { Editor } from '@tiptap/react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { useMe } from '../../api/auth';
import { api, ApiError, newIdempotencyKey } from '../../api/client';
import { htmlToText, infoKeys, infoUrls, textToHtml, useInfoSettings, type InfoItem } from '../../api/info';
import type { Campaign, Person, Task } from '../../api/types';
import type { ListResponse } from '@luoshi/contract';
import { useShowError } from '../../components/errors';
import { PersonSelect } from '../../components/PersonSelect';
import { useDefaultUnit } from '../../components/useDefaultUnit';
import { useGuardedSubmit } from '../../components/useGuardedSubmit';
import { UnitTreeSelect } from '../../components/UnitTreeSelect';
import { CleanDialog } from './CleanDialog';
import { RichEditor } from './RichEditor';
import { useConfirmDuplicates } from './shared';

type Values = {
  title: string;
  category: string;
  unitId?: string;
  campaignId?: string | null;
  taskId?: string | null;
  personIds?: string[];
  otherAuthors?: string[];
  contact?: string;
  bodyHtml: string;
  note?: string;
};

/** 报送信息 and 修改: the form, the paste-and-clean dialog, 查重 before 报送, drafts and versions. */
export function ItemFormPage() {
  const { id } = useParams();
  const { t } = useTranslation();
  const q = useQuery({ queryKey: infoKeys.item(id ?? ''), queryFn: () => api.get<InfoItem>(infoUrls.item(id!)), enabled: !!id });
  if (id && q.isLoading) return <Spin style={{ display: 'block', marginTop: 80 }} />;
  if (id && q.error) return <Empty description={(q.error as Error).message} />;
  if (id && q.data && !q.data.can.edit) {
    return (
      <Card>
        <Empty description={t('info.form.cannotEdit')} />
      </Card>
    );
  }
  // Keyed by version: a reload after a 409 starts the form again from the server's copy.
  return <ItemForm key={q.data ? `${q.data.id}:${q.data.version}` : 'new'} item={q.data} onReload={() => void q.refetch()} />;
}

function ItemForm({ item, onReload }: { item?: InfoItem; onReload: () => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { message, modal } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const { data: me } = useMe();
  const [form] = Form.useForm<Values>();
  useDefaultUnit(form, 'unitId', !item);
  const settings = useInfoSettings();
  // One key per opening of the form: a double click or a retry of 报送 makes one item.
  const [idempotencyKey] = useState(newIdempotencyKey);
  const [cleaning, setCleaning] = useState(false);
  const editorRef = useRef<Editor | null>(null);
  const onReady = useCallback((e: Editor) => void (editorRef.current = e), []);
  const campaignId = Form.useWatch('campaignId', form);
  const campaigns = useQuery({
    queryKey: ['campaigns', 'list', 'info-form'],
    queryFn: () => api.list<Campaign>('/api/campaigns', { pageSize: 200, sort: '-startDate' }),
    staleTime: 60_000,
    retry: false,
  });
  const tasks = useQuery({
    queryKey: ['tasks', 'info-form', campaignId],
    queryFn: () => api.list<Task>('/api/tasks', { campaignId: campaignId!, pageSize: 200, sort: 'deadline' }),
    enabled: !!campaignId,
    retry: false,
  });
  const reviewing = !!item && item.status === 'reviewing';
  const initial = useMemo<Partial<Values>>(() => {
    if (!item) {
      return { personIds: me?.person ? [me.person.id] : [], otherAuthors: [], bodyHtml: '' };
    }
    return {
      title: item.title,
      category: item.category,
      unitId: item.unitId,
      campaignId: item.campaignId,
      taskId: item.taskId,
      personIds: item.authors.filter((a) => a.personId).map((a) => a.personId!),
      otherAuthors: item.authors.filter((a) => !a.personId).map((a) => a.name),
      contact: item.contact ?? undefined,
      bodyHtml: item.bodyHtml,
    };
  }, [item, me]);
  const personOptions = useMemo(() => {
    const opts = (item?.authors ?? []).filter((a) => a.personId).map((a) => ({ value: a.personId!, label: a.name }));
    if (!item && me?.person) opts.push({ value: me.person.id, label: me.person.name });
    return opts;
  }, [item, me]);

  const bodyOf = (v: Values) => {
    // PersonSelect answers ids; the names come from the people it found (its search cache) or the item as loaded.
    const personNames = new Map(personOptions.map((o) => [o.value, o.label]));
    for (const [, data] of qc.getQueriesData<ListResponse<Person>>({ queryKey: ['org', 'persons', 'search'] })) {
      for (const p of data?.data ?? []) personNames.set(p.id, p.name);
    }
    return {
      title: v.title,
      category: v.category,
      bodyHtml: v.bodyHtml ?? '',
      campaignId: v.campaignId ?? null,
      taskId: v.taskId ?? null,
      authors: [
        ...(v.personIds ?? []).map((pid) => ({ personId: pid, name: personNames.get(pid) ?? '—' })),
        ...(v.otherAuthors ?? []).map((n) => n.trim()).filter(Boolean).map((name) => ({ name })),
      ],
      contact: v.contact ?? null,
    };
  };

  const confirmDuplicates = useConfirmDuplicates();

  const save = useMutation({
    mutationFn: async ({ v, submit }: { v: Values; submit: boolean }): Promise<InfoItem | null> => {
      if (submit && !(await confirmDuplicates(v.title, htmlToText(v.bodyHtml ?? ''), item?.id))) return null;
      if (item) return api.put<InfoItem>(infoUrls.item(item.id), { ...bodyOf(v), submit, note: v.note ?? null, version: item.version });
      return api.post<InfoItem>(infoUrls.items, { ...bodyOf(v), unitId: v.unitId, submit, idempotencyKey: submit ? idempotencyKey : undefined });
    },
    onSuccess: (saved, { submit }) => {
      if (!saved) return;
      void qc.invalidateQueries({ queryKey: infoKeys.all });
      void message.success(submit ? t('info.form.submitted') : t('info.form.saved'));
      navigate(submit || item ? `/info/items/${saved.id}` : `/info/items/${saved.id}/edit`, { replace: !item && !submit });
    },
    onError: (e) => {
      if (e instanceof ApiError && e.status === 409 && item) {
        modal.confirm({
          title: t('info.form.conflictTitle'),
          content: e.message,
          okText: t('info.form.reload'),
          cancelText: t('common.cancel'),
          onOk: onReload,
        });
        return;
      }
      showError(e, form);
    },
  });
  const send = useGuardedSubmit(save);
  const run = (submit: boolean) => {
    form
      .validateFields()
      .then((v) => send({ v, submit }))
      .catch(() => undefined);
  };

  const useText = (text: string) => {
    const html = textToHtml(text);
    const current = (form.getFieldValue('bodyHtml') as string) ?? '';
    form.setFieldValue('bodyHtml', current && htmlToText(current).trim() ? current + html : html);
    // Title from the first line when the writer has none yet.
    if (!form.getFieldValue('title')) {
      const first = text.split('\n').map((l) => l.trim()).find(Boolean);
      if (first && first.length <= 60) form.setFieldValue('title', first);
    }
    setCleaning(false);
    void message.success(t('info.clean.applied'));
    editorRef.current?.commands.focus('end');
  };

  useEffect(() => {
    if (!item && settings.data && !form.getFieldValue('category')) form.setFieldValue('category', settings.data.categories[0]);
  }, [item, settings.data, form]);

  const canSubmit = !item || item.can.submit;
  return (
    <Card>
      <div className="info-head">
        <h2 className="page-title">{item ? t('info.form.editTitle') : t('info.form.newTitle')}</h2>
        <Button icon={<FileTextOutlined />} onClick={() => setCleaning(true)}>
          {t('info.clean.open')}
        </Button>
      </div>
      {reviewing && <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('info.form.reviewerEditHint', { step: item.stepName ?? '' })} />}
      {item?.status === 'returned' && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('info.form.returnedHint')}
          description={item.actions.filter((a) => a.action === 'return').at(-1)?.comment ?? undefined}
        />
      )}
      <Form<Values> form={form} layout="vertical" initialValues={initial} className="info-form">
        <Row gutter={16}>
          <Col xs={24} lg={16}>
            <Form.Item name="title" label={t('info.item.title')} rules={[{ required: true, whitespace: true, message: t('info.form.titleRequired') }]}>
              <Input maxLength={120} showCount />
            </Form.Item>
          </Col>
          <Col xs={12} lg={8}>
            <Form.Item name="category" label={t('info.item.category')} rules={[{ required: true, message: t('info.form.categoryRequired') }]}>
              <Select options={(settings.data?.categories ?? []).map((c) => ({ value: c, label: c }))} loading={settings.isLoading} />
            </Form.Item>
          </Col>
          <Col xs={12} lg={8}>
            <Form.Item name="unitId" label={t('info.item.unit')} rules={[{ required: !item, message: t('common.selectUnit') }]}>
              <UnitTreeSelect />
            </Form.Item>
          </Col>
          <Col xs={12} lg={8}>
            <Form.Item name="campaignId" label={t('info.form.campaign')}>
              <Select
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                placeholder={t('info.form.optional')}
                loading={campaigns.isLoading}
                onChange={() => form.setFieldValue('taskId', null)}
                options={[
                  ...(campaigns.data?.data ?? []).map((c) => ({ value: c.id, label: c.name })),
                  ...(item?.campaignId && !campaigns.data?.data.some((c) => c.id === item.campaignId) ? [{ value: item.campaignId, label: item.campaignName ?? '' }] : []),
                ]}
              />
            </Form.Item>
          </Col>
          <Col xs={12} lg={8}>
            <Form.Item name="taskId" label={t('info.form.task')}>
              <Select
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                disabled={!campaignId}
                placeholder={campaignId ? t('info.form.optional') : t('info.form.pickCampaignFirst')}
                loading={tasks.isLoading && !!campaignId}
                options={[
                  ...(tasks.data?.data ?? []).map((x) => ({ value: x.id, label: x.title })),
                  ...(item?.taskId && !tasks.data?.data.some((x) => x.id === item.taskId) ? [{ value: item.taskId, label: item.taskTitle ?? '' }] : []),
                ]}
              />
            </Form.Item>
          </Col>
          <Col xs={24} lg={8}>
            <Form.Item name="personIds" label={t('info.form.authors')}>
              <PersonSelect multiple initialOptions={personOptions} />
            </Form.Item>
          </Col>
          <Col xs={24} lg={8}>
            <Form.Item name="otherAuthors" label={t('info.form.otherAuthors')} extra={t('info.form.otherAuthorsHint')}>
              <Select mode="tags" open={false} suffixIcon={null} tokenSeparators={[',', '，', '、', ' ']} />
            </Form.Item>
          </Col>
          <Col xs={24} lg={8}>
            <Form.Item name="contact" label={t('info.form.contact')}>
              <Input maxLength={100} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item
          name="bodyHtml"
          label={t('info.form.body')}
          rules={[{ validator: (_, v: string | undefined) => (v && htmlToText(v).trim() ? Promise.resolve() : Promise.reject(new Error(t('info.form.bodyRequired')))) }]}
        >
          <RichEditor onReady={onReady} />
        </Form.Item>
        {item && (
          <Form.Item name="note" label={t('info.form.note')}>
            <Input maxLength={200} placeholder={t('info.form.notePh')} />
          </Form.Item>
        )}
        <Space>
          <Button onClick={() => navigate(item ? `/info/items/${item.id}` : '/info/items')}>{t('common.cancel')}</Button>
          <Button loading={save.isPending && !save.variables?.submit} onClick={() => run(false)}>
            {reviewing ? t('info.form.saveEdit') : t('info.form.saveDraft')}
          </Button>
          {canSubmit && !reviewing && (
            <Button type="primary" icon={<SendOutlined />} loading={save.isPending && save.variables?.submit} onClick={() => run(true)}>
              {t('info.form.submit')}
            </Button>
          )}
        </Space>
      </Form>
      {cleaning && <CleanDialog onUse={useText} onClose={() => setCleaning(false)} />}
    </Card>
  );
}
