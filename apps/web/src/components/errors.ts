import { App } from 'antd';
import type { FormInstance } from 'antd';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';

/** Turns a server field path ("items.0.title") into an antd form name path. */
function namePath(field: string): (string | number)[] {
  return field.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/**
 * Shows a failure the way a user should read it: the server's Chinese message,
 * and each named field's message under that field of the form.
 */
export function useShowError() {
  const { message } = App.useApp();
  const { t } = useTranslation();
  return useCallback(
    (err: unknown, form?: FormInstance) => {
      if (err instanceof ApiError) {
        if (form && err.fields.length) {
          form.setFields(err.fields.map((f) => ({ name: namePath(f.field), errors: [f.message] })));
        }
        if (err.status === 401) return;
        void message.error(err.message);
      } else {
        void message.error(t('common.unknownError'));
      }
    },
    [message, t],
  );
}
