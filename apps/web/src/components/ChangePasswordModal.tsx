import { App, Button, Form, Input, Modal } from 'antd';
import type { FormInstance } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { changePassword, meKey, useMe } from '../api/auth';
import { useShowError } from './errors';
import { useGuardedSubmit } from './useGuardedSubmit';

type Values = { oldPassword: string; newPassword: string; confirm: string };

/**
 * The one password form: the user menu's dialog, the 账号安全 page and the forced change at first login,
 * after an administrator's reset or on expiry all use it. The server applies the security policy and
 * names the field it refuses (a wrong old password also counts towards the lockout).
 */
export function ChangePasswordForm({
  form,
  onDone,
  submitText,
  hideSubmit,
}: {
  form: FormInstance<Values>;
  onDone?: () => void;
  submitText?: string;
  /** the dialog brings its own 确定 button */
  hideSubmit?: boolean;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const showError = useShowError();
  const qc = useQueryClient();
  const { data: me } = useMe();
  const m = useMutation({
    mutationFn: (v: Values) => changePassword(v.oldPassword, v.newPassword),
    onSuccess: async () => {
      void message.success(t('password.changed'));
      form.resetFields();
      // the forced step and the expiry warning end with the change
      await qc.invalidateQueries({ queryKey: meKey });
      onDone?.();
    },
    onError: (e) => showError(e, form),
  });
  const submit = useGuardedSubmit(m);
  return (
    <Form form={form} layout="vertical" onFinish={submit} requiredMark={false} disabled={m.isPending}>
      {/* for password managers: which account this new password belongs to */}
      <input type="text" name="username" autoComplete="username" value={me?.user.username ?? ''} readOnly hidden />
      <Form.Item name="oldPassword" label={t('password.old')} rules={[{ required: true, message: t('password.oldRequired') }]}>
        <Input.Password autoComplete="current-password" />
      </Form.Item>
      <Form.Item
        name="newPassword"
        label={t('password.new')}
        extra={t('password.policyHint')}
        rules={[{ required: true, min: 8, message: t('password.newRule') }]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      <Form.Item
        name="confirm"
        label={t('password.confirm')}
        dependencies={['newPassword']}
        rules={[
          { required: true, message: t('password.confirmRequired') },
          ({ getFieldValue }) => ({
            validator: (_, v) =>
              !v || v === getFieldValue('newPassword') ? Promise.resolve() : Promise.reject(new Error(t('password.mismatch'))),
          }),
        ]}
      >
        <Input.Password autoComplete="new-password" />
      </Form.Item>
      {!hideSubmit && (
        <Button type="primary" htmlType="submit" block loading={m.isPending}>
          {submitText ?? t('password.submit')}
        </Button>
      )}
    </Form>
  );
}

export function ChangePasswordModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  return (
    <Modal title={t('password.title')} open={open} onCancel={onClose} onOk={() => form.submit()} destroyOnHidden>
      <ChangePasswordForm form={form} onDone={onClose} hideSubmit />
    </Modal>
  );
}
