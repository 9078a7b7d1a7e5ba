import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, DatePicker, Form, Modal, Space, Table } from 'antd';
import type { StudySupervision } from '@luoshi/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCan } from '../../api/auth';
import { api } from '../../api/client';
import { studyKeys } from '../../api/study';
import { useShowError } from '../../components/errors';
import { PersonSelect } from '../../components/PersonSelect';
import { useGuardedSubmit } from '../../components/useGuardedSubmit';
import { usePagedList } from '../../components/usePagedList';
import { UnitFilter, UnitTreeSelect } from '../../components/UnitTreeSelect';

const URL = '/api/study/supervisions';
type Values = { supervisorPersonId: string; unitId: string; fromDate: Dayjs; toDate?: Dayjs | null };

function SupervisionModal({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const m = useMutation({
    mutationFn: (v: Values) =>
      api.post<StudySupervision>(URL, {
        supervisorPersonId: v.supervisorPersonId,
        unitId: v.unitId,
        fromDate: v.fromDate.format('YYYY-MM-DD'),
        toDate: v.toDate ? v.toDate.format('YYYY-MM-DD') : null,
      }),
    onSuccess: () => {
      void message.success(t('supervision.created'));
      void qc.invalidateQueries({ queryKey: [...studyKeys.all, 'supervisions'] });
      onClose();
    },
    onError: (e) => showError(e, form),
  });
  const submit = useGuardedSubmit(m);
  return (
    <Modal open title={t('supervision.createTitle')} onCancel={onClose} onOk={() => form.submit()} okButtonProps={{ loading: m.isPending }} destroyOnHidden>
      <Form<Values> form={form} layout="vertical" initialValues={{ fromDate: dayjs() }} onFinish={(v) => submit(v)}>
        <Form.Item name="supervisorPersonId" label={t('supervision.supervisor')} rules={[{ required: true, message: t('common.selectPerson') }]}>
          <PersonSelect />
        </Form.Item>
        <Form.Item name="unitId" label={t('supervision.unit')} rules={[{ required: true, message: t('common.selectUnit') }]}>
          <UnitTreeSelect />
        </Form.Item>
        <Space size={16}>
          <Form.Item name="fromDate" label={t('supervision.from')} rules={[{ required: true, message: t('supervision.fromRequired') }]}>
            <DatePicker />
          </Form.Item>
          <Form.Item name="toDate" label={t('supervision.to')} extra={t('supervision.toHint')}>
            <DatePicker />
          </Form.Item>
        </Space>
      </Form>
    </Modal>
  );
}

/** 包联: the supervisors assigned to branches; they see those branches' sessions and comment on them. */
export function SupervisionPage() {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const canWrite = useCan('study:coverage:confirm');
  const [unitId, setUnitId] = useState<string | undefined>();
  const [creating, setCreating] = useState(false);
  const { query, rows, pagination, resetPage } = usePagedList<StudySupervision>([...studyKeys.all, 'supervisions'], URL, { unitId, sort: '-fromDate' });
  const remove = useMutation({
    mutationFn: (id: string) => api.del(`${URL}/${id}`),
    onSuccess: () => {
      void message.success(t('supervision.removed'));
      void qc.invalidateQueries({ queryKey: [...studyKeys.all, 'supervisions'] });
    },
    onError: (e) => showError(e),
  });
  return (
    <Card>
      <h2 className="page-title">{t('supervision.title')}</h2>
      <div className="toolbar">
        <UnitFilter value={unitId} onChange={setUnitId} resetPage={resetPage} />
        {canWrite && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t('supervision.create')}
          </Button>
        )}
      </div>
      <Table<StudySupervision>
        rowKey="id"
        loading={query.isFetching}
        dataSource={rows}
        pagination={pagination}
        locale={{ emptyText: query.error ? (query.error as Error).message : t('supervision.empty') }}
        columns={[
          { title: t('supervision.supervisor'), dataIndex: 'supervisorName', width: 160 },
          { title: t('supervision.unit'), dataIndex: 'unitName' },
          { title: t('supervision.from'), dataIndex: 'fromDate', width: 130 },
          { title: t('supervision.to'), dataIndex: 'toDate', width: 130, render: (v: string | null) => v ?? t('supervision.open') },
          ...(canWrite
            ? [
                {
                  title: t('common.actions'),
                  key: 'a',
                  width: 100,
                  render: (_: unknown, r: StudySupervision) => (
                    <Button
                      type="link"
                      size="small"
                      danger
                      onClick={() =>
                        modal.confirm({
                          title: t('supervision.removeConfirm', { person: r.supervisorName, unit: r.unitName }),
                          okButtonProps: { danger: true },
                          onOk: () => remove.mutateAsync(r.id).catch(() => undefined),
                        })
                      }
                    >
                      {t('supervision.remove')}
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
      {creating && <SupervisionModal onClose={() => setCreating(false)} />}
    </Card>
  );
}
