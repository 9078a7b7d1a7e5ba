import { App, Col, DatePicker, Form, Input, InputNumber, Modal, Row, Select } from 'antd';
import { REPORT_CYCLES } from '@luoshi/contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import dayjs, { type Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { Task } from '../../api/types';
import { PersonSelect } from '../../components/PersonSelect';
import { UnitTreeSelect } from '../../components/UnitTreeSelect';
import { useShowError } from '../../components/errors';
import { useGuardedSubmit } from '../../components/useGuardedSubmit';

type Values = {
  title: string;
  description?: string;
  dimension?: string | null;
  leadUnitId: string;
  coUnitIds?: string[];
  responsiblePersonId?: string | null;
  startDate: Dayjs;
  deadline: Dayjs;
  evidenceRequired?: string;
  reportCycle: string;
  year?: number;
};

/** 下达任务 (create) or edit: the lead unit comes from the unit tree. */
export function TaskFormModal(props: {
  task?: Task;
  campaignId: string | null;
  year?: number;
  dimensions?: string[];
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const editing = props.task;
  const leadUnitId = Form.useWatch('leadUnitId', form);
  const m = useMutation({
    mutationFn: (v: Values) => {
      const body = {
        title: v.title,
        description: v.description || null,
        dimension: v.dimension || null,
        leadUnitId: v.leadUnitId,
        coUnitIds: v.coUnitIds ?? [],
        responsiblePersonId: v.responsiblePersonId || null,
        startDate: v.startDate.format('YYYY-MM-DD'),
        deadline: v.deadline.format('YYYY-MM-DD'),
        evidenceRequired: v.evidenceRequired || null,
        reportCycle: v.reportCycle,
      };
      return editing
        ? api.patch<Task>(`/api/tasks/${editing.id}`, { ...body, version: editing.version })
        : api.post<Task>('/api/tasks', { ...body, campaignId: props.campaignId, year: props.campaignId ? undefined : v.year });
    },
    onSuccess: () => {
      void message.success(editing ? t('common.saved') : t('task.created'));
      void qc.invalidateQueries({ queryKey: ['tasks'] });
      void qc.invalidateQueries({ queryKey: ['campaigns'] });
      props.onClose();
    },
    onError: (e) => showError(e, form),
  });
  const initial: Partial<Values> = editing
    ? {
        title: editing.title,
        description: editing.description ?? undefined,
        dimension: editing.dimension,
        leadUnitId: editing.leadUnitId,
        coUnitIds: editing.coUnits.map((u) => u.id),
        responsiblePersonId: editing.responsiblePersonId,
        startDate: dayjs(editing.startDate),
        deadline: dayjs(editing.deadline),
        evidenceRequired: editing.evidenceRequired ?? undefined,
        reportCycle: editing.reportCycle,
      }
    : { startDate: dayjs(), reportCycle: 'monthly', year: props.year ?? dayjs().year(), coUnitIds: [] };
  const submit = useGuardedSubmit(m);
  return (
    <Modal
      open
      title={editing ? t('task.editTitle') : t('task.createTitle')}
      onCancel={props.onClose}
      onOk={() => form.submit()}
      okButtonProps={{ loading: m.isPending }}
      width={720}
      destroyOnHidden
    >
      <Form<Values> form={form} layout="vertical" initialValues={initial} onFinish={(v) => submit(v)}>
        <Form.Item name="title" label={t('task.title')} rules={[{ required: true, whitespace: true, message: t('task.titleRequired') }]}>
          <Input maxLength={300} />
        </Form.Item>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="leadUnitId" label={t('task.leadUnit')} rules={[{ required: true, message: t('task.leadUnitRequired') }]}>
              <UnitTreeSelect />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="responsiblePersonId" label={t('task.responsible')}>
              <PersonSelect
                unitId={leadUnitId}
                initialOptions={
                  editing?.responsiblePersonId ? [{ value: editing.responsiblePersonId, label: editing.responsiblePersonName ?? '' }] : []
                }
              />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="coUnitIds" label={t('task.coUnits')}>
          <UnitTreeSelect multiple />
        </Form.Item>
        <Row gutter={16}>
          {props.dimensions && props.dimensions.length > 0 ? (
            <Col span={8}>
              <Form.Item name="dimension" label={t('task.dimension')}>
                <Select allowClear options={props.dimensions.map((d) => ({ value: d, label: d }))} />
              </Form.Item>
            </Col>
          ) : (
            !props.campaignId &&
            !editing && (
              <Col span={8}>
                <Form.Item name="year" label={t('task.year')} rules={[{ required: true, message: t('task.yearRequired') }]}>
                  <InputNumber min={2000} max={2100} style={{ width: '100%' }} />
                </Form.Item>
              </Col>
            )
          )}
          <Col span={8}>
            <Form.Item name="startDate" label={t('task.startDate')} rules={[{ required: true, message: t('task.startRequired') }]}>
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item
              name="deadline"
              label={t('task.deadline')}
              dependencies={['startDate']}
              rules={[
                { required: true, message: t('task.deadlineRequired') },
                ({ getFieldValue }) => ({
                  validator: (_, v: Dayjs | undefined) =>
                    !v || !getFieldValue('startDate') || !v.isBefore(getFieldValue('startDate'), 'day')
                      ? Promise.resolve()
                      : Promise.reject(new Error(t('task.deadlineBeforeStart'))),
                }),
              ]}
            >
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="reportCycle" label={t('task.cycle')}>
              <Select options={Object.entries(REPORT_CYCLES).map(([value, label]) => ({ value, label }))} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="evidenceRequired" label={t('task.evidence')}>
          <Input maxLength={1000} placeholder={t('task.evidencePlaceholder')} />
        </Form.Item>
        <Form.Item name="description" label={t('task.description')}>
          <Input.TextArea rows={3} maxLength={5000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
