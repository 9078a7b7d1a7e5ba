import { ArrowDownOutlined, ArrowUpOutlined, MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { ADOPTION_LEVELS } from '@luoshi/contract';
import { App, Button, Card, Col, Empty, Form, Input, InputNumber, Row, Select, Space, Spin, Switch, Table, Tag, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../api/client';
import { infoKeys, infoUrls, useInfoSettings, usePublications, type InfoPublication, type InfoSettings } from '../../api/info';
import { useShowError } from '../../components/errors';
import { FormDrawer } from '../../components/FormDrawer';
import { useGuardedSubmit } from '../../components/useGuardedSubmit';
import './info.css';

type StepValues = { name: string; deadlineDays: number; reviewerIds: string[] };
type SettingsValues = { categories: string[]; steps: StepValues[]; dupWindowDays: number; dupThreshold: number };

function SettingsForm({ settings, onReload }: { settings: InfoSettings; onReload: () => void }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const [form] = Form.useForm<SettingsValues>();
  const reviewers = useQuery({ queryKey: [...infoKeys.settings, 'reviewers'], queryFn: () => api.get<{ data: { id: string; name: string; username: string }[] }>(infoUrls.reviewers) });
  const m = useMutation({
    mutationFn: (v: SettingsValues) => api.put<InfoSettings>(infoUrls.settings, { ...v, version: settings.version }),
    onSuccess: (r) => {
      qc.setQueryData(infoKeys.settings, r);
      void message.success(t('common.saved'));
    },
    onError: (e) => {
      if (e instanceof ApiError && e.status === 409) {
        modal.confirm({ title: t('info.form.conflictTitle'), content: e.message, okText: t('info.form.reload'), onOk: onReload });
        return;
      }
      showError(e, form);
    },
  });
  const submit = useGuardedSubmit(m);
  const reviewerOptions = [
    ...(reviewers.data?.data ?? []).map((r) => ({ value: r.id, label: `${r.name}（${r.username}）` })),
    ...settings.steps.flatMap((s) => s.reviewers).filter((r) => !reviewers.data?.data.some((x) => x.id === r.id)).map((r) => ({ value: r.id, label: r.name })),
  ];
  return (
    <Form<SettingsValues>
      form={form}
      layout="vertical"
      initialValues={{ categories: settings.categories, steps: settings.steps.map((s) => ({ name: s.name, deadlineDays: s.deadlineDays, reviewerIds: s.reviewerIds })), dupWindowDays: settings.dupWindowDays, dupThreshold: settings.dupThreshold }}
      onFinish={(v) => submit(v)}
    >
      <Card size="small" className="info-card" title={t('info.settings.categories')}>
        <Form.Item name="categories" extra={t('info.settings.categoriesHint')} rules={[{ required: true, type: 'array', min: 1, message: t('info.settings.categoriesRequired') }]}>
          <Select mode="tags" open={false} suffixIcon={null} tokenSeparators={[',', '，', '、']} aria-label={t('info.settings.categories')} />
        </Form.Item>
      </Card>
      <Card size="small" className="info-card" title={t('info.settings.steps')}>
        <Typography.Paragraph type="secondary">{t('info.settings.stepsHint')}</Typography.Paragraph>
        <Form.List name="steps" rules={[{ validator: (_, v: StepValues[]) => (v?.length ? Promise.resolve() : Promise.reject(new Error(t('info.settings.stepsRequired')))) }]}>
          {(fields, { add, remove, move }, { errors }) => (
            <>
              {fields.map((f, i) => (
                <Row key={f.key} gutter={8} align="top" className="info-step-row">
                  <Col flex="none">
                    <Tag className="info-step-no">{i + 1}</Tag>
                  </Col>
                  <Col flex="140px">
                    <Form.Item name={[f.name, 'name']} rules={[{ required: true, whitespace: true, message: t('info.settings.stepNameRequired') }]}>
                      <Input maxLength={10} placeholder={t('info.settings.stepName')} aria-label={t('info.settings.stepName')} />
                    </Form.Item>
                  </Col>
                  <Col flex="150px">
                    <Form.Item name={[f.name, 'deadlineDays']} rules={[{ required: true, message: t('info.settings.daysRequired') }]}>
                      <InputNumber min={1} max={30} precision={0} suffix={t('info.settings.workdays')} style={{ width: '100%' }} aria-label={t('info.settings.deadline')} />
                    </Form.Item>
                  </Col>
                  <Col flex="auto">
                    <Form.Item name={[f.name, 'reviewerIds']}>
                      <Select mode="multiple" allowClear options={reviewerOptions} loading={reviewers.isLoading} placeholder={t('info.settings.reviewersPh')} optionFilterProp="label" aria-label={t('info.settings.reviewers')} />
                    </Form.Item>
                  </Col>
                  <Col flex="none">
                    <Space size={4}>
                      <Button icon={<ArrowUpOutlined />} disabled={i === 0} aria-label={t('info.issue.up')} onClick={() => move(i, i - 1)} />
                      <Button icon={<ArrowDownOutlined />} disabled={i === fields.length - 1} aria-label={t('info.issue.down')} onClick={() => move(i, i + 1)} />
                      <Button icon={<MinusCircleOutlined />} disabled={fields.length <= 1} aria-label={t('common.remove')} onClick={() => remove(f.name)} />
                    </Space>
                  </Col>
                </Row>
              ))}
              <Form.ErrorList errors={errors} />
              {fields.length < 6 && (
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ name: '', deadlineDays: 2, reviewerIds: [] })}>
                  {t('info.settings.addStep')}
                </Button>
              )}
            </>
          )}
        </Form.List>
      </Card>
      <Card size="small" className="info-card" title={t('info.settings.dup')}>
        <Row gutter={16}>
          <Col xs={24} md={8}>
            <Form.Item name="dupWindowDays" label={t('info.settings.dupWindow')} rules={[{ required: true }]}>
              <InputNumber min={7} max={3650} precision={0} suffix={t('info.settings.days')} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="dupThreshold" label={t('info.settings.dupThreshold')} rules={[{ required: true }]}>
              <InputNumber min={20} max={95} precision={0} suffix="%" style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
      </Card>
      <Button type="primary" htmlType="submit" loading={m.isPending}>
        {t('common.save')}
      </Button>
    </Form>
  );
}

type PubValues = { name: string; level: string; issuer: string; colophon: { label: string; text: string }[]; disabled: boolean };

function PublicationForm({ pub, onClose }: { pub: InfoPublication | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const [form] = Form.useForm<PubValues>();
  const m = useMutation({
    mutationFn: (v: PubValues) => (pub ? api.put<InfoPublication>(infoUrls.publication(pub.id), { ...v, version: pub.version }) : api.post<InfoPublication>(infoUrls.publications, v)),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: infoKeys.publications });
      void message.success(t('common.saved'));
      onClose();
    },
    onError: (e) => showError(e, form),
  });
  const submit = useGuardedSubmit(m);
  return (
    <FormDrawer title={pub ? t('info.settings.editPublication') : t('info.settings.newPublication')} size={600} pending={m.isPending} onSave={() => form.submit()} onClose={onClose}>
      <Form<PubValues>
        form={form}
        layout="vertical"
        initialValues={pub ?? { level: '市级', colophon: [{ label: '报', text: '' }, { label: '送', text: '' }, { label: '发', text: '' }], disabled: false }}
        onFinish={(v) => submit(v)}
      >
        <Row gutter={16}>
          <Col span={14}>
            <Form.Item name="name" label={t('info.settings.pubName')} rules={[{ required: true, whitespace: true, message: t('info.settings.pubNameRequired') }]}>
              <Input maxLength={30} placeholder={t('info.settings.pubNamePh')} />
            </Form.Item>
          </Col>
          <Col span={10}>
            <Form.Item name="level" label={t('info.adopt.level')} rules={[{ required: true }]}>
              <Select options={ADOPTION_LEVELS.map((l) => ({ value: l, label: l }))} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="issuer" label={t('info.settings.issuer')} rules={[{ required: true, whitespace: true, message: t('info.settings.issuerRequired') }]}>
          <Input maxLength={60} />
        </Form.Item>
        <Typography.Text strong>{t('info.issue.colophon')}</Typography.Text>
        <Form.List name="colophon">
          {(fields, { add, remove }) => (
            <div style={{ marginTop: 8 }}>
              {fields.map((f) => (
                <Space.Compact key={f.key} style={{ width: '100%', marginBottom: 8 }}>
                  <Form.Item name={[f.name, 'label']} noStyle rules={[{ required: true }]}>
                    <Input style={{ width: 64 }} maxLength={4} aria-label={t('info.issue.colophonLabel')} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'text']} noStyle>
                    <Input maxLength={300} aria-label={t('info.issue.colophonText')} />
                  </Form.Item>
                  <Button icon={<MinusCircleOutlined />} aria-label={t('common.remove')} onClick={() => remove(f.name)} />
                </Space.Compact>
              ))}
              {fields.length < 6 && (
                <Button type="dashed" block icon={<PlusOutlined />} onClick={() => add({ label: '', text: '' })}>
                  {t('info.issue.addLine')}
                </Button>
              )}
            </div>
          )}
        </Form.List>
        <Form.Item name="disabled" label={t('info.settings.pubDisabled')} valuePropName="checked" style={{ marginTop: 16 }}>
          <Switch />
        </Form.Item>
      </Form>
    </FormDrawer>
  );
}

function Publications() {
  const { t } = useTranslation();
  const pubs = usePublications();
  const [editing, setEditing] = useState<InfoPublication | null | undefined>(undefined);
  return (
    <Card
      size="small"
      className="info-card"
      title={t('info.settings.publications')}
      extra={
        <Button size="small" icon={<PlusOutlined />} onClick={() => setEditing(null)}>
          {t('info.settings.newPublication')}
        </Button>
      }
    >
      <Table<InfoPublication>
        rowKey="id"
        size="small"
        pagination={false}
        loading={pubs.isLoading}
        dataSource={pubs.data?.data ?? []}
        locale={{ emptyText: t('info.settings.noPublications') }}
        columns={[
          { title: t('info.settings.pubName'), dataIndex: 'name', width: 140, render: (v: string, p) => (p.disabled ? <Typography.Text delete>{v}</Typography.Text> : v) },
          { title: t('info.adopt.level'), dataIndex: 'level', width: 80 },
          { title: t('info.settings.issuer'), dataIndex: 'issuer', width: 200 },
          { title: t('info.issue.colophon'), key: 'c', render: (_, p) => p.colophon.map((l) => `${l.label}：${l.text}`).join('；') || '—' },
          {
            title: t('common.actions'),
            key: 'a',
            width: 80,
            render: (_, p) => (
              <Button type="link" size="small" onClick={() => setEditing(p)}>
                {t('common.edit')}
              </Button>
            ),
          },
        ]}
      />
      {editing !== undefined && <PublicationForm pub={editing} onClose={() => setEditing(undefined)} />}
    </Card>
  );
}

/** 信息报送设置: categories, the review chain, 查重 and publications. */
export function SettingsPage() {
  const { t } = useTranslation();
  const q = useInfoSettings();
  return (
    <Card>
      <h2 className="page-title">{t('info.settings.title')}</h2>
      {q.isLoading && <Spin />}
      {q.error && <Empty description={(q.error as Error).message} />}
      {q.data && <SettingsForm key={q.data.version} settings={q.data} onReload={() => void q.refetch()} />}
      <div style={{ marginTop: 24 }}>
        <Publications />
      </div>
    </Card>
  );
}
