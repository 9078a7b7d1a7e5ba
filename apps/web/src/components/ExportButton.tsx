import { DownloadOutlined } from '@ant-design/icons';
import { Button } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { download, qs } from '../api/client';
import { useShowError } from './errors';

type Filters = Record<string, string | number | boolean | undefined | null>;

/**
 * Downloads a list's Excel export with the filters the page shows now; the server names the file
 * (in Chinese, with the date), fallbackName is only used when it does not.
 */
export function ExportButton({ url, filters = {}, fallbackName }: { url: string; filters?: Filters; fallbackName: string }) {
  const { t } = useTranslation();
  const showError = useShowError();
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    try {
      await download(`${url}${qs(filters)}`, fallbackName);
    } catch (err) {
      showError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button icon={<DownloadOutlined />} loading={busy} onClick={() => void run()}>
      {t('common.export')}
    </Button>
  );
}
