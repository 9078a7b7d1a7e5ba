import { DownloadOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { App, Button, Checkbox, DatePicker, Form, Input, Modal, Radio, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import type { PersonPhone } from '@luoshi/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useCan } from '../../api/auth';
import { api, download } from '../../api/client';
import { orgKeys, useRoles } from '../../api/org';
import { FormDrawer } from '../../components/FormDrawer';
import type { Person } from '../../api/types';
import { UnitTreeSelect } from '../../components/UnitTreeSelect';
import { useShowError } from '../../components/errors';
import { usePagedList } from '../../components/usePagedList';
import { useGuardedSubmit } from '../../components/useGuardedSubmit';

type PersonValues = {
  unitId: string;
  name: string;
  gender?: '男' | '女' | null;
  post?: string;
  birthDate?: Dayjs | null;
  phone?: string;
  /** editing: remove the number on file (an empty phone field keeps it) */
  clearPhone?: boolean;
  partyMember: boolean;
};

/**
 * A phone as lists show it, 138****1234, with 显示 for those who may see the whole number: each look is fetched
 * (and audited) on the server, and kept on screen only until 隐藏.
 */
function PhoneCell({ person }: { person: Person }) {
  const { t } = useTranslation();
  const showError = useShowError();
  const [full, setFull] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  if (!person.phone) return <>—</>;
  const reveal = () => {
    setLoading(true);
    api
      .get<PersonPhone>(`/api/org/persons/${person.id}/phone`)
      .then((r) => setFull(r.phone ?? ''))
      .catch(showError)
      .finally(() => setLoading(false));
  };
  return (
    <Space size={4}>
      <span>{full ?? person.phone}</span>
      {person.phoneRevealable && (
        <Typography.Link onClick={full ? () => setFull(null) : reveal} disabled={loading} style={{ fontSize: 12 }}>
          {full ? t('person.phoneHide') : t('person.phoneShow')}
        </Typography.Link>
      )}
    </Space>
  );
}

function PersonDrawer({ person, unitId, onClose }: { person?: Person; unitId?: string | null; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<PersonValues>();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const m = useMutation({
    mutationFn: (v: PersonValues) => {
      const body = {
        unitId: v.unitId,
        name: v.name,
        gender: v.gender ?? null,
        post: v.post || null,
        birthDate: v.birthDate ? v.birthDate.format('YYYY-MM-DD') : null,
        partyMember: !!v.partyMember,
      };
      if (!person) return api.post<Person>('/api/org/persons', { ...body, phone: v.phone || null });
      // The form never holds the number on file: left empty it stays as it is, typed anew it is replaced.
      const phone = v.clearPhone ? { phone: null } : v.phone ? { phone: v.phone } : {};
      return api.patch<Person>(`/api/org/persons/${person.id}`, { ...body, ...phone, version: person.version });
    },
    onSuccess: () => {
      void message.success(person ? t('common.saved') : t('person.created'));
      void qc.invalidateQueries({ queryKey: orgKeys.persons });
      onClose();
    },
    onError: (e) => showError(e, form),
  });
  const submit = useGuardedSubmit(m);
  return (
    <FormDrawer size={480} title={person ? t('person.editTitle') : t('person.createTitle')} pending={m.isPending} onSave={() => form.submit()} onClose={onClose}>
      <Form<PersonValues>
        form={form}
        layout="vertical"
        initialValues={
          person
            ? { ...person, post: person.post ?? undefined, phone: undefined, birthDate: person.birthDate ? dayjs(person.birthDate) : null }
            : { unitId: unitId ?? undefined, partyMember: false }
        }
        onFinish={(v) => submit(v)}
      >
        <Form.Item name="name" label={t('person.name')} rules={[{ required: true, whitespace: true, message: t('person.nameRequired') }]}>
          <Input maxLength={50} />
        </Form.Item>
        <Form.Item name="unitId" label={t('person.unit')} rules={[{ required: true, message: t('common.selectUnit') }]}>
          <UnitTreeSelect />
        </Form.Item>
        <Form.Item name="gender" label={t('person.gender')}>
          <Radio.Group options={[{ value: '男', label: t('person.male') }, { value: '女', label: t('person.female') }]} />
        </Form.Item>
        <Form.Item name="post" label={t('person.post')}>
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="birthDate" label={t('person.birthDate')}>
          <DatePicker style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item
          name="phone"
          label={t('person.phone')}
          extra={person?.phone ? t('person.phoneKeep', { masked: person.phone }) : undefined}
          rules={[{ pattern: /^1\d{10}$|^0\d{2,3}-?\d{7,8}$/, message: t('person.phoneRule') }]}
        >
          <Input maxLength={20} placeholder={person?.phone ?? undefined} autoComplete="off" />
        </Form.Item>
        {person?.phone && (
          <Form.Item name="clearPhone" valuePropName="checked" style={{ marginTop: -12 }}>
            <Checkbox>{t('person.phoneClear')}</Checkbox>
          </Form.Item>
        )}
        <Form.Item name="partyMember" label={t('person.partyMember')} valuePropName="checked">
          <Switch />
        </Form.Item>
      </Form>
    </FormDrawer>
  );
}

type AccountValues = { username: string; password?: string; roleIds: string[]; disabled?: boolean };

function AccountModal({ person, onClose }: { person: Person; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<AccountValues>();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const roles = useRoles();
  const exists = !!person.username;
  const m = useMutation({
    mutationFn: (v: AccountValues) =>
      exists
        ? api.patch(`/api/org/persons/${person.id}/account`, { roleIds: v.roleIds, password: v.password || undefined, disabled: v.disabled })
        : api.post(`/api/org/persons/${person.id}/account`, { username: v.username, password: v.password, roleIds: v.roleIds }),
    onSuccess: () => {
      void message.success(exists ? t('common.saved') : t('account.created'));
      void qc.invalidateQueries({ queryKey: orgKeys.persons });
      onClose();
    },
    onError: (e) => showError(e, form),
  });
  const submit = useGuardedSubmit(m);
  return (
    <Modal
      open
      title={exists ? t('account.editTitle', { name: person.name }) : t('account.createTitle', { name: person.name })}
      onCancel={onClose}
      onOk={() => form.submit()}
      okButtonProps={{ loading: m.isPending }}
      destroyOnHidden
    >
      <Form<AccountValues> form={form} layout="vertical" initialValues={{
          username: person.username ?? '',
          roleIds: person.account?.roles.map((r) => r.id) ?? [],
          disabled: person.account?.disabled ?? false,
        }} onFinish={(v) => submit(v)}>
        <Form.Item
          name="username"
          label={t('account.username')}
          rules={[{ required: true, pattern: /^[A-Za-z0-9_.@-]{3,64}$/, message: t('account.usernameRule') }]}
        >
          <Input disabled={exists} autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="password"
          label={exists ? t('account.resetPassword') : t('account.password')}
          rules={[{ required: !exists, min: 8, message: t('account.passwordRule') }]}
        >
          <Input.Password autoComplete="new-password" placeholder={exists ? t('account.keepPassword') : undefined} />
        </Form.Item>
        <Form.Item name="roleIds" label={t('account.roles')} rules={[{ required: true, type: 'array', min: 1, message: t('account.rolesRequired') }]}>
          <Checkbox.Group style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 6 }}>
            {(roles.data?.data ?? []).map((r) => (
              <Checkbox key={r.id} value={r.id}>
                {r.name}
              </Checkbox>
            ))}
          </Checkbox.Group>
        </Form.Item>
        {exists && (
          <Form.Item name="disabled" label={t('account.disabled')} valuePropName="checked">
            <Switch />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

/** People of the selected unit (and below), with their accounts. */
export function PersonsPanel({ unitId }: { unitId: string | null }) {
  const { t } = useTranslation();
  const canWrite = useCan('org:person:write');
  const canAccount = useCan('org:role:write');
  const navigate = useNavigate();
  const { modal, message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const [q, setQ] = useState('');
  const [direct, setDirect] = useState(false);
  const [editing, setEditing] = useState<{ person?: Person } | null>(null);
  const [account, setAccount] = useState<Person | null>(null);
  const [exporting, setExporting] = useState(false);
  const filters = { unitId: unitId ?? undefined, q, direct: direct ? 'true' : undefined, sort: 'unit' };
  const { query, rows, pagination, resetPage } = usePagedList<Person>(orgKeys.persons, '/api/org/persons', filters);
  const toggle = useMutation({
    mutationFn: (p: Person) => api.patch<Person>(`/api/org/persons/${p.id}`, { version: p.version, disabled: !p.disabled }),
    onSuccess: (p) => {
      void message.success(p.disabled ? t('person.disabledDone') : t('person.enabledDone'));
      void qc.invalidateQueries({ queryKey: orgKeys.persons });
    },
    onError: (e) => showError(e),
  });
  return (
    <>
      <div className="toolbar">
        <Space wrap>
          <Input.Search
            allowClear
            placeholder={t('person.search')}
            style={{ width: 220 }}
            onSearch={(v) => {
              setQ(v.trim());
              resetPage();
            }}
          />
          <Checkbox checked={direct} onChange={(e) => setDirect(e.target.checked)} disabled={!unitId}>
            {t('person.directOnly')}
          </Checkbox>
        </Space>
        <Space wrap>
          {canWrite && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing({})}>
              {t('person.create')}
            </Button>
          )}
          {canWrite && (
            <Button icon={<UploadOutlined />} onClick={() => navigate('/org/import')}>
              {t('import.button')}
            </Button>
          )}
          <Button
            icon={<DownloadOutlined />}
            loading={exporting}
            onClick={() => {
              setExporting(true);
              download(`/api/org/persons/export.xlsx${unitId ? `?unitId=${unitId}` : ''}`, t('files.persons'))
                .catch(showError)
                .finally(() => setExporting(false));
            }}
          >
            {t('common.export')}
          </Button>
        </Space>
      </div>
      <Table<Person>
        rowKey="id"
        size="middle"
        loading={query.isFetching}
        dataSource={rows}
        pagination={pagination}
        scroll={{ x: 900 }}
        locale={{ emptyText: query.error ? (query.error as Error).message : t('person.empty') }}
        columns={[
          { title: t('person.name'), dataIndex: 'name', width: 100, render: (v: string, r) => (r.disabled ? <span style={{ color: '#999' }}>{v}（{t('person.disabledTag')}）</span> : v) },
          { title: t('person.gender'), dataIndex: 'gender', width: 60, render: (v: string | null) => v ?? '—' },
          { title: t('person.unit'), dataIndex: 'unitName', width: 160 },
          { title: t('person.post'), dataIndex: 'post', width: 140, render: (v: string | null) => v ?? '—' },
          { title: t('person.birthDate'), dataIndex: 'birthDate', width: 110, render: (v: string | null) => v ?? '—' },
          { title: t('person.phone'), dataIndex: 'phone', width: 160, render: (_: string | null, r) => <PhoneCell key={r.id} person={r} /> },
          { title: t('person.partyMember'), dataIndex: 'partyMember', width: 90, render: (v: boolean) => (v ? <Tag color="red">{t('person.party')}</Tag> : '—') },
          {
            title: t('person.account'),
            dataIndex: 'username',
            width: 180,
            render: (v: string | null, r) =>
              v ? (
                <span style={r.account?.disabled ? { color: '#999', textDecoration: 'line-through' } : undefined}>
                  {v}
                  {r.account?.roles.length ? <span style={{ color: '#888' }}>（{r.account.roles.map((x) => x.name).join('、')}）</span> : null}
                </span>
              ) : (
                <span style={{ color: '#999' }}>{t('person.noAccount')}</span>
              ),
          },
          {
            title: t('common.actions'),
            width: 190,
            fixed: 'right',
            render: (_, r) => (
              <Space size={0}>
                {canWrite && (
                  <Button type="link" size="small" onClick={() => setEditing({ person: r })}>
                    {t('common.edit')}
                  </Button>
                )}
                {canAccount && (
                  <Button type="link" size="small" onClick={() => setAccount(r)}>
                    {r.username ? t('person.accountSettings') : t('person.openAccount')}
                  </Button>
                )}
                {canWrite && (
                  <Button
                    type="link"
                    size="small"
                    danger={!r.disabled}
                    onClick={() =>
                      r.disabled
                        ? toggle.mutate(r)
                        : modal.confirm({
                            title: t('person.disableConfirmTitle', { name: r.name }),
                            content: t('person.disableConfirm'),
                            okButtonProps: { danger: true },
                            okText: t('person.disable'),
                            onOk: () => toggle.mutateAsync(r).catch(() => undefined),
                          })
                    }
                  >
                    {r.disabled ? t('person.enable') : t('person.disable')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      {editing && <PersonDrawer person={editing.person} unitId={unitId} onClose={() => setEditing(null)} />}
      {account && <AccountModal person={account} onClose={() => setAccount(null)} />}
    </>
  );
}
