import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Form, Input, InputNumber, Modal, Select, Space, Switch, Table, Tag } from 'antd';
import { UNIT_TYPES, type UnitType } from '@luoshi/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { putJson, studyUrls, useSessionTypes, type StudySessionType } from '../../api/study';
import { useShowError } from '../../components/errors';
import { useGuardedSubmit } from '../../components/useGuardedSubmit';

type Rule = { unitType: string; minMinutes: number; enabled: boolean };
type TypeValues = { code: string; name: string; sort: number };

function TypeModal({ type, onClose }: { type?: StudySessionType; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<TypeValues>();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const m = useMutation({
    mutationFn: (v: TypeValues) =>
      type
        ? api.patch<StudySessionType>(`${studyUrls.types}/${type.id}`, { version: type.version, name: v.name, sort: v.sort })
        : api.post<StudySessionType>(studyUrls.types, v),
    onSuccess: () => {
      void message.success(t('common.saved'));
      void qc.invalidateQueries({ queryKey: ['study', 'types'] });
      onClose();
    },
    onError: (e) => showError(e, form),
  });
  const submit = useGuardedSubmit(m);
  return (
    <Modal open title={type ? t('studySettings.editType') : t('studySettings.newType')} onCancel={onClose} onOk={() => form.submit()} okButtonProps={{ loading: m.isPending }} destroyOnHidden>
      <Form<TypeValues> form={form} layout="vertical" initialValues={type ? { code: type.code, name: type.name, sort: type.sort } : { sort: 0 }} onFinish={(v) => submit(v)}>
        <Form.Item name="code" label={t('studySettings.code')} extra={t('studySettings.codeHint')} rules={[{ required: true, whitespace: true, message: t('studySettings.codeRequired') }]}>
          <Input maxLength={40} disabled={!!type} />
        </Form.Item>
        <Form.Item name="name" label={t('studySettings.name')} rules={[{ required: true, whitespace: true, message: t('studySettings.nameRequired') }]}>
          <Input maxLength={40} />
        </Form.Item>
        <Form.Item name="sort" label={t('studySettings.sort')}>
          <InputNumber min={0} max={9999} precision={0} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function TypesCard() {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const types = useSessionTypes();
  const [editing, setEditing] = useState<StudySessionType | 'new' | null>(null);
  const toggle = useMutation({
    mutationFn: (x: StudySessionType) => api.patch<StudySessionType>(`${studyUrls.types}/${x.id}`, { version: x.version, disabled: !x.disabled }),
    onSuccess: (x) => {
      void message.success(x.disabled ? t('studySettings.disabled') : t('studySettings.enabled'));
      void qc.invalidateQueries({ queryKey: ['study', 'types'] });
    },
    onError: (e) => showError(e),
  });
  return (
    <Card
      title={t('studySettings.types')}
      extra={
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
          {t('studySettings.newType')}
        </Button>
      }
    >
      <Table<StudySessionType>
        rowKey="id"
        size="middle"
        loading={types.isFetching}
        dataSource={types.data ?? []}
        pagination={{ defaultPageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: types.error ? (types.error as Error).message : t('studySettings.noTypes') }}
        columns={[
          { title: t('studySettings.name'), dataIndex: 'name' },
          { title: t('studySettings.code'), dataIndex: 'code', width: 180 },
          { title: t('studySettings.sort'), dataIndex: 'sort', width: 80 },
          {
            title: t('studySettings.state'),
            dataIndex: 'disabled',
            width: 100,
            render: (d: boolean) => (d ? <Tag>{t('studySettings.stateDisabled')}</Tag> : <Tag color="success">{t('studySettings.stateEnabled')}</Tag>),
          },
          {
            title: t('common.actions'),
            key: 'a',
            width: 140,
            render: (_, x) => (
              <Space size={0}>
                <Button type="link" size="small" onClick={() => setEditing(x)}>
                  {t('common.edit')}
                </Button>
                <Button
                  type="link"
                  size="small"
                  danger={!x.disabled}
                  onClick={() =>
                    x.disabled
                      ? toggle.mutate(x)
                      : modal.confirm({
                          title: t('studySettings.disableConfirm', { name: x.name }),
                          content: t('studySettings.disableHint'),
                          okButtonProps: { danger: true },
                          onOk: () => toggle.mutateAsync(x).catch(() => undefined),
                        })
                  }
                >
                  {x.disabled ? t('studySettings.enable') : t('studySettings.disable')}
                </Button>
              </Space>
            ),
          },
        ]}
      />
      {editing && <TypeModal type={editing === 'new' ? undefined : editing} onClose={() => setEditing(null)} />}
    </Card>
  );
}

/** 每周覆盖学规则: per unit type, how many minutes of collective study a week needs. */
function RulesCard() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const rules = useQuery({ queryKey: ['study', 'coverage-rules'], queryFn: () => api.get<Rule[]>('/api/study/coverage-rules') });
  const [rows, setRows] = useState<Rule[]>([]);
  useEffect(() => {
    if (rules.data) setRows(rules.data);
  }, [rules.data]);
  const save = useMutation({
    mutationFn: (r: Rule[]) => putJson<Rule[]>('/api/study/coverage-rules', { rules: r }),
    onSuccess: () => {
      void message.success(t('common.saved'));
      void qc.invalidateQueries({ queryKey: ['study', 'coverage-rules'] });
    },
    onError: (e) => showError(e),
  });
  const submit = useGuardedSubmit(save);
  const used = new Set(rows.map((r) => r.unitType));
  const set = (i: number, patch: Partial<Rule>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <Card
      title={t('studySettings.rules')}
      extra={
        <Button type="primary" loading={save.isPending} disabled={!rows.length} onClick={() => submit(rows)}>
          {t('common.save')}
        </Button>
      }
    >
      <Table<Rule>
        rowKey="unitType"
        size="middle"
        loading={rules.isFetching}
        dataSource={rows}
        pagination={false}
        locale={{ emptyText: rules.error ? (rules.error as Error).message : t('studySettings.noRules') }}
        columns={[
          { title: t('studySettings.unitType'), dataIndex: 'unitType', render: (v: string) => UNIT_TYPES[v as UnitType] ?? v },
          {
            title: t('studySettings.minHours'),
            dataIndex: 'minMinutes',
            width: 200,
            render: (v: number, _, i) => (
              <InputNumber min={0.5} max={168} step={0.5} value={v / 60} onChange={(h) => h && set(i, { minMinutes: Math.round(h * 60) })} suffix={t('studySettings.hours')} />
            ),
          },
          { title: t('studySettings.ruleEnabled'), dataIndex: 'enabled', width: 120, render: (v: boolean, _, i) => <Switch checked={v} onChange={(c) => set(i, { enabled: c })} /> },
        ]}
        footer={() => (
          <Select
            placeholder={t('studySettings.addRule')}
            style={{ width: 240 }}
            value={null}
            options={Object.entries(UNIT_TYPES)
              .filter(([k]) => !used.has(k))
              .map(([value, label]) => ({ value, label }))}
            onChange={(v: string) => setRows([...rows, { unitType: v, minMinutes: 240, enabled: true }])}
          />
        )}
      />
    </Card>
  );
}

/** 学习设置: the study types dictionary and the weekly coverage rules. */
export function StudySettingsPage() {
  const { t } = useTranslation();
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <h2 className="page-title" style={{ margin: 0 }}>
        {t('studySettings.title')}
      </h2>
      <RulesCard />
      <TypesCard />
    </Space>
  );
}
