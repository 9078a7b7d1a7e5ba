import { Button, Drawer, Space } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** The edit drawer of every maintenance page: title, the form, and 取消 / 保存 at the bottom. */
export function FormDrawer(props: { title: string; size: number; pending: boolean; onSave: () => void; onClose: () => void; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <Drawer
      open
      size={props.size}
      title={props.title}
      onClose={props.onClose}
      destroyOnHidden
      footer={
        <Space style={{ float: 'right' }}>
          <Button onClick={props.onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={props.pending} onClick={props.onSave}>
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      {props.children}
    </Drawer>
  );
}
