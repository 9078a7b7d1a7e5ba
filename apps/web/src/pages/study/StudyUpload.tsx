import { PaperClipOutlined, UploadOutlined } from '@ant-design/icons';
import { Button, Image, Space, Upload } from 'antd';
import type { UploadFile } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { download } from '../../api/client';
import { uploadStudyFile } from '../../api/study';
import type { FileRef } from '../../api/types';
import { useShowError } from '../../components/errors';

/** Materials and photos uploaded one by one to the study file store; the form value is the list of stored files. */
export function StudyUpload({ value, onChange, max = 20, images }: { value?: FileRef[]; onChange?: (v: FileRef[]) => void; max?: number; images?: boolean }) {
  const { t } = useTranslation();
  const showError = useShowError();
  const [list, setList] = useState<UploadFile[]>(() =>
    (value ?? []).map((f) => ({ uid: f.id, name: f.name, status: 'done' as const, response: f })),
  );
  return (
    <Upload
      fileList={list}
      maxCount={max}
      listType={images ? 'picture' : 'text'}
      accept={images ? '.png,.jpg,.jpeg,.gif,.webp' : '.pdf,.docx,.xlsx,.pptx,.png,.jpg,.jpeg,.gif,.webp'}
      customRequest={({ file, onSuccess, onError }) => {
        uploadStudyFile(file as File)
          .then((ref) => onSuccess?.(ref))
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
      <Button icon={<UploadOutlined />}>{images ? t('study.uploadPhotos') : t('common.upload')}</Button>
    </Upload>
  );
}

/** Photos as thumbnails that open large; the session cookie goes along with the image requests. */
export function PhotoWall({ files, url }: { files: FileRef[]; url: (f: FileRef) => string }) {
  if (!files.length) return null;
  return (
    <Image.PreviewGroup>
      <Space wrap size={8}>
        {files.map((f) => (
          <Image key={f.id} src={url(f)} alt={f.name} width={160} height={120} style={{ objectFit: 'cover', borderRadius: 4 }} />
        ))}
      </Space>
    </Image.PreviewGroup>
  );
}

/** Stored files as download links. */
export function FileLinks({ files, url, empty = '—' }: { files: FileRef[]; url: (f: FileRef) => string; empty?: string | null }) {
  const showError = useShowError();
  if (!files.length) return <>{empty}</>;
  return (
    <Space wrap size={4}>
      {files.map((f) => (
        <Button key={f.id} type="link" size="small" icon={<PaperClipOutlined />} onClick={() => void download(url(f), f.name).catch(showError)}>
          {f.name}
        </Button>
      ))}
    </Space>
  );
}
