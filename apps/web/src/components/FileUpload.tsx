import { UploadOutlined } from '@ant-design/icons';
import { Button, Upload } from 'antd';
import type { UploadFile } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { uploadFile } from '../api/campaigns';
import type { FileRef } from '../api/types';
import { useShowError } from './errors';

/**
 * Attachments uploaded one by one to the server's file store; the form value is the list of stored files.
 * `upload` names the module's own store when files must stay with its records (a points claim's evidence).
 */
export function FileUpload({
  onChange,
  max = 20,
  upload = uploadFile,
}: {
  value?: FileRef[];
  onChange?: (v: FileRef[]) => void;
  max?: number;
  upload?: (file: File) => Promise<FileRef>;
}) {
  const { t } = useTranslation();
  const showError = useShowError();
  const [list, setList] = useState<UploadFile[]>([]);
  return (
    <Upload
      fileList={list}
      maxCount={max}
      accept=".pdf,.docx,.xlsx,.png,.jpg,.jpeg,.gif,.webp"
      customRequest={({ file, onSuccess, onError }) => {
        upload(file as File)
          .then((ref) => {
            onSuccess?.(ref);
          })
          .catch((e: Error) => {
            showError(e);
            onError?.(e);
          });
      }}
      onChange={({ file, fileList }) => {
        setList(fileList.filter((f) => f.status !== 'error'));
        if (file.status === 'done' || file.status === 'removed') {
          onChange?.(fileList.filter((f) => f.status === 'done' && f.response).map((f) => f.response as FileRef));
        }
      }}
    >
      <Button icon={<UploadOutlined />}>{t('common.upload')}</Button>
    </Upload>
  );
}
