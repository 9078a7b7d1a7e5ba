import { InboxOutlined } from '@ant-design/icons';
import { Upload } from 'antd';

/** Picks one file by drop or click and holds it for a later step (nothing is uploaded until the caller sends it). */
export function FileDropPicker({ accept, file, onChange, text, hint }: { accept: string; file: File | null; onChange: (file: File | null) => void; text: string; hint: string }) {
  return (
    <Upload.Dragger
      accept={accept}
      maxCount={1}
      fileList={file ? [{ uid: 'f', name: file.name, status: 'done' }] : []}
      onRemove={() => onChange(null)}
      beforeUpload={(f) => {
        onChange(f);
        return false;
      }}
    >
      <p className="ant-upload-drag-icon">
        <InboxOutlined />
      </p>
      <p className="ant-upload-text">{text}</p>
      <p className="ant-upload-hint">{hint}</p>
    </Upload.Dragger>
  );
}
