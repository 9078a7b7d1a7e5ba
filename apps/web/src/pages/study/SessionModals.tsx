import { App, Button, Col, DatePicker, Form, Input, Modal, Radio, Row, Select, Table, Typography } from 'antd';
import { ATTENDANCE_STATUSES, type AttendanceStatus } from '@luoshi/contract';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { useMe } from '../../api/auth';
import { api, ApiError } from '../../api/client';
import { searchPersonsInUnit } from './persons';
import { studyKeys, studyUrls, useSessionTypes, type StudySession } from '../../api/study';
import type { FileRef, Group } from '../../api/types';
import { useShowError } from '../../components/errors';
import { useDefaultUnit } from '../../components/useDefaultUnit';
import { useGuardedSubmit } from '../../components/useGuardedSubmit';
import { UnitTreeSelect } from '../../components/UnitTreeSelect';
import { StudyUpload } from './StudyUpload';

/** The form edits start and end in one range picker: the server's field errors on either land on it. */
function onRange(e: unknown, range: string, fields: string[]): unknown {
  if (!(e instanceof ApiError)) return e;
  return new ApiError(
    e.status,
    e.code,
    e.message,
    e.fields.map((f) => (fields.includes(f.field) ? { ...f, field: range } : f)),
  );
}

const endAfterStart = (message: string) => ({
  validator: (_: unknown, v?: [Dayjs, Dayjs]) => (!v || v[1].isAfter(v[0]) ? Promise.resolve() : Promise.reject(new Error(message))),
});

type SessionValues = {
  unitId?: string;
  groupId?: string | null;
  typeCode: string;
  topic: string;
  planned: [Dayjs, Dayjs];
  place?: string;
  presenter?: string;
  materials?: FileRef[];
  links?: string[];
};

/** 新建学习活动 / 编辑; 报备 files it at once (学前报备), 保存为计划 keeps it as a plan. */
export function SessionFormModal({ session, onClose }: { session?: StudySession; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<SessionValues>();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const { data: me } = useMe();
  const types = useSessionTypes();
  const [fileIt, setFileIt] = useState(true);
  useDefaultUnit(form, 'unitId', !session);
  const unitId = (Form.useWatch('unitId', form) as string | undefined) ?? session?.unitId;
  const groups = useQuery({
    queryKey: ['org', 'groups', 'options', unitId],
    queryFn: () => api.list<Group>('/api/org/groups', { unitId, pageSize: 100 }),
    enabled: !!unitId,
  });
  const m = useMutation({
    mutationFn: async ({ v, file }: { v: SessionValues; file: boolean }) => {
      const body = {
        groupId: v.groupId || null,
        typeCode: v.typeCode,
        topic: v.topic,
        plannedStart: v.planned[0].second(0).format(),
        plannedEnd: v.planned[1].second(0).format(),
        place: v.place || null,
        presenter: v.presenter || null,
        materialFileIds: (v.materials ?? []).map((f) => f.id),
        links: v.links ?? [],
      };
      let s = session
        ? await api.patch<StudySession>(studyUrls.session(session.id), { ...body, version: session.version })
        : await api.post<StudySession>(studyUrls.sessions, { ...body, unitId: v.unitId });
      if (file && s.status === 'planned') s = await api.post<StudySession>(`${studyUrls.session(s.id)}/file`, { version: s.version });
      return s;
    },
    onSuccess: (s, { file }) => {
      void message.success(file ? (s.late ? t('study.filedLate') : t('study.filed')) : t('common.saved'));
      void qc.invalidateQueries({ queryKey: studyKeys.sessions });
      onClose();
      if (!session) navigate(`/study/sessions/${s.id}`);
    },
    onError: (e) => showError(onRange(e, 'planned', ['plannedStart', 'plannedEnd']), form),
  });
  const submit = useGuardedSubmit(m);
  const start = dayjs().add(1, 'day').hour(9).minute(0).second(0);
  return (
    <Modal
      open
      title={session ? t('study.editSession') : t('study.newSession')}
      onCancel={onClose}
      width={760}
      destroyOnHidden
      footer={[
        <Button key="cancel" onClick={onClose}>
          {t('common.cancel')}
        </Button>,
        (!session || session.status === 'planned') && (
          <Button
            key="plan"
            loading={m.isPending && !fileIt}
            onClick={() => {
              setFileIt(false);
              form.submit();
            }}
          >
            {session ? t('common.save') : t('study.saveAsPlan')}
          </Button>
        ),
        <Button
          key="file"
          type="primary"
          loading={m.isPending && fileIt}
          onClick={() => {
            setFileIt(!session || session.status === 'planned');
            form.submit();
          }}
        >
          {session && session.status !== 'planned' ? t('common.save') : t('study.fileAction')}
        </Button>,
      ]}
    >
      <Typography.Paragraph type="secondary">{t('study.fileHint')}</Typography.Paragraph>
      <Form<SessionValues>
        form={form}
        layout="vertical"
        initialValues={
          session
            ? {
                groupId: session.groupId,
                typeCode: session.typeCode,
                topic: session.topic,
                planned: [dayjs(session.plannedStart), dayjs(session.plannedEnd)],
                place: session.place ?? undefined,
                presenter: session.presenter ?? undefined,
                materials: session.materials,
                links: session.links,
              }
            : { unitId: me?.unit?.id, planned: [start, start.hour(12)], links: [], materials: [] }
        }
        onValuesChange={(changed: Partial<SessionValues>) => {
          if ('unitId' in changed) form.setFieldValue('groupId', null);
        }}
        onFinish={(v) => submit({ v, file: fileIt })}
      >
        <Row gutter={16}>
          {!session && (
            <Col span={12}>
              <Form.Item name="unitId" label={t('study.unit')} rules={[{ required: true, message: t('common.selectUnit') }]}>
                <UnitTreeSelect />
              </Form.Item>
            </Col>
          )}
          <Col span={12}>
            <Form.Item name="typeCode" label={t('study.type')} rules={[{ required: true, message: t('study.typeRequired') }]}>
              <Select
                loading={types.isLoading}
                options={(types.data ?? []).filter((x) => !x.disabled).map((x) => ({ value: x.code, label: x.name }))}
              />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="groupId" label={t('study.group')} extra={t('study.groupHint')}>
              <Select
                allowClear
                loading={groups.isFetching}
                options={(groups.data?.data ?? []).filter((g) => g.unitId === unitId).map((g) => ({ value: g.id, label: g.name }))}
              />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item name="topic" label={t('study.topic')} rules={[{ required: true, whitespace: true, message: t('study.topicRequired') }]}>
              <Input maxLength={300} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="planned" label={t('study.plannedTime')} rules={[{ required: true, message: t('study.plannedRequired') }, endAfterStart(t('study.endAfterStart'))]}>
              <DatePicker.RangePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="place" label={t('study.place')}>
              <Input maxLength={200} />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="presenter" label={t('study.presenter')}>
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item name="links" label={t('study.links')} extra={t('study.linksHint')}>
              <Select mode="tags" open={false} tokenSeparators={[' ', '\n']} placeholder="https://" />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item name="materials" label={t('study.materials')}>
              <StudyUpload />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Modal>
  );
}

type AttendanceValue = { personId: string; name: string; status: AttendanceStatus; reason?: string | null };
type RecordValues = { actual: [Dayjs, Dayjs]; attendance: AttendanceValue[]; summary?: string; photos?: FileRef[] };

/** 记录开展: actual times, attendance per person, summary and photos. */
export function RecordSessionModal({ session, onClose }: { session: StudySession; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<RecordValues>();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  // The attendance list starts from the group's members when the session is a group's, else from the unit's people.
  const persons = useQuery({
    queryKey: ['org', 'persons', 'attendance', session.unitId, session.groupId],
    queryFn: async (): Promise<{ id: string; name: string }[]> => {
      if (session.groupId) {
        const gs = await api.list<Group>('/api/org/groups', { unitId: session.unitId, pageSize: 200 });
        const g = gs.data.find((x) => x.id === session.groupId);
        if (g) return g.members.map((mb) => ({ id: mb.personId, name: mb.name }));
      }
      return searchPersonsInUnit(session.unitId);
    },
    enabled: session.attendance.length === 0,
  });
  useEffect(() => {
    if (session.attendance.length === 0 && persons.data && !form.getFieldValue('attendance')?.length) {
      form.setFieldValue(
        'attendance',
        persons.data.map((p) => ({ personId: p.id, name: p.name, status: 'present', reason: null })),
      );
    }
  }, [persons.data, session.attendance.length, form]);
  const m = useMutation({
    mutationFn: (v: RecordValues) =>
      api.post<StudySession>(`${studyUrls.session(session.id)}/record`, {
        version: session.version,
        actualStart: v.actual[0].second(0).format(),
        actualEnd: v.actual[1].second(0).format(),
        attendance: (v.attendance ?? []).map((a) => ({ personId: a.personId, status: a.status, reason: a.status === 'leave' || a.status === 'absent' ? a.reason?.trim() || null : null })),
        summary: v.summary?.trim() || null,
        photoFileIds: (v.photos ?? []).map((f) => f.id),
      }),
    onSuccess: () => {
      void message.success(t('study.recorded'));
      void qc.invalidateQueries({ queryKey: studyKeys.sessions });
      onClose();
    },
    onError: (e) => showError(onRange(e, 'actual', ['actualStart', 'actualEnd']), form),
  });
  const submit = useGuardedSubmit(m);
  return (
    <Modal
      open
      title={t('study.recordTitle', { topic: session.topic })}
      onCancel={onClose}
      onOk={() => form.submit()}
      okButtonProps={{ loading: m.isPending }}
      width={860}
      destroyOnHidden
    >
      <Form<RecordValues>
        form={form}
        layout="vertical"
        initialValues={{
          actual: [dayjs(session.actualStart ?? session.plannedStart), dayjs(session.actualEnd ?? session.plannedEnd)],
          attendance: session.attendance.map((a) => ({ ...a })),
          summary: session.summary ?? undefined,
          photos: session.photos,
        }}
        // personId and name have no field of their own: take the whole rows from the store.
        onFinish={(v) => submit({ ...v, attendance: form.getFieldValue('attendance') as AttendanceValue[] })}
      >
        <Form.Item name="actual" label={t('study.actualTime')} rules={[{ required: true, message: t('study.actualRequired') }, endAfterStart(t('study.endAfterStart'))]}>
          <DatePicker.RangePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: 420 }} />
        </Form.Item>
        <Form.Item label={t('study.attendance')} required>
          <Form.List name="attendance">
            {(fields) => (
              <Table
                size="small"
                rowKey="key"
                dataSource={fields}
                loading={persons.isFetching}
                pagination={fields.length > 10 ? { defaultPageSize: 10, size: 'small' } : false}
                locale={{ emptyText: t('study.noMembers') }}
                columns={[
                  {
                    title: t('study.person'),
                    width: 120,
                    render: (_, f) => form.getFieldValue(['attendance', f.name, 'name']) as string,
                  },
                  {
                    title: t('study.attendanceStatus'),
                    width: 300,
                    render: (_, f) => (
                      <Form.Item name={[f.name, 'status']} style={{ margin: 0 }}>
                        <Radio.Group
                          optionType="button"
                          size="small"
                          options={Object.entries(ATTENDANCE_STATUSES).map(([value, label]) => ({ value, label }))}
                        />
                      </Form.Item>
                    ),
                  },
                  {
                    title: t('study.leaveReason'),
                    render: (_, f) => (
                      <Form.Item noStyle shouldUpdate>
                        {() => {
                          const st = form.getFieldValue(['attendance', f.name, 'status']) as AttendanceStatus;
                          return st === 'leave' || st === 'absent' ? (
                            <Form.Item
                              name={[f.name, 'reason']}
                              style={{ margin: 0 }}
                              rules={st === 'leave' ? [{ required: true, whitespace: true, message: t('study.leaveReasonRequired') }] : []}
                            >
                              <Input size="small" maxLength={200} placeholder={st === 'leave' ? t('study.leaveReasonPh') : t('study.absentReasonPh')} />
                            </Form.Item>
                          ) : null;
                        }}
                      </Form.Item>
                    ),
                  },
                ]}
              />
            )}
          </Form.List>
        </Form.Item>
        <Form.Item name="summary" label={t('study.summary')}>
          <Input.TextArea rows={4} maxLength={5000} showCount />
        </Form.Item>
        <Form.Item name="photos" label={t('study.photos')}>
          <StudyUpload images />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 取消: with a reason; the dialog itself is the confirmation. */
export function CancelSessionModal({ session, onClose }: { session: StudySession; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ reason: string }>();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const m = useMutation({
    mutationFn: (reason: string) => api.post<StudySession>(`${studyUrls.session(session.id)}/cancel`, { version: session.version, reason }),
    onSuccess: () => {
      void message.success(t('study.cancelled'));
      void qc.invalidateQueries({ queryKey: studyKeys.sessions });
      onClose();
    },
    onError: (e) => showError(e, form),
  });
  const submit = useGuardedSubmit(m);
  return (
    <Modal
      open
      title={t('study.cancelTitle')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('study.confirmCancel')}
      cancelText={t('study.keepSession')}
      okButtonProps={{ loading: m.isPending, danger: true }}
      destroyOnHidden
    >
      <Typography.Paragraph>{t('study.cancelConfirm', { topic: session.topic })}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={(v) => submit(v.reason.trim())}>
        <Form.Item name="reason" label={t('study.cancelReason')} rules={[{ required: true, whitespace: true, message: t('study.cancelReasonRequired') }]}>
          <Input.TextArea rows={3} maxLength={500} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
