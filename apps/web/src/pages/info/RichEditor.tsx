import { BoldOutlined, ItalicOutlined, OrderedListOutlined, PictureOutlined, UnorderedListOutlined } from '@ant-design/icons';
import Image from '@tiptap/extension-image';
import { EditorContent, useEditor, type Editor } from '@tiptap/react';
import StarterKit from '@tiptap/starter-kit';
import { Button, Divider, Space, Tooltip, Typography, Upload } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { infoUrls, uploadInfoFile } from '../../api/info';
import { useShowError } from '../../components/errors';

/** Characters of the body without spaces, the way a Chinese word count is read. */
const countChars = (text: string) => text.replace(/\s+/g, '').length;

/**
 * The body of an information item: paragraphs, headings, emphasis, lists and images stored by the module.
 * The server sanitises the HTML again; the editor only offers what it keeps.
 */
export function RichEditor({ value, onChange, id, onReady }: { value?: string; onChange?: (html: string) => void; id?: string; onReady?: (e: Editor) => void }) {
  const { t } = useTranslation();
  const showError = useShowError();
  const [uploading, setUploading] = useState(false);
  const [, force] = useState(0);
  const editor = useEditor({
    extensions: [StarterKit.configure({ code: false, codeBlock: false, link: false, underline: false, heading: { levels: [2, 3] } }), Image],
    content: value ?? '',
    immediatelyRender: true,
    editorProps: { attributes: { class: 'info-editor-body', 'aria-label': t('info.form.body'), ...(id ? { id } : {}) } },
    onUpdate: ({ editor: e }) => onChange?.(e.isEmpty ? '' : e.getHTML()),
    onSelectionUpdate: () => force((n) => n + 1),
  });
  // A value set from outside (the loaded item, the cleaned text) replaces the content; our own echoes do not.
  useEffect(() => {
    if (!editor) return;
    const current = editor.isEmpty ? '' : editor.getHTML();
    if ((value ?? '') !== current) editor.commands.setContent(value ?? '', { emitUpdate: false });
  }, [editor, value]);
  useEffect(() => {
    if (editor) onReady?.(editor);
  }, [editor, onReady]);
  if (!editor) return null;
  const btn = (key: string, icon: React.ReactNode, active: boolean, run: () => void) => (
    <Tooltip title={t(`info.editor.${key}`)}>
      <Button size="small" type={active ? 'primary' : 'text'} icon={icon} aria-label={t(`info.editor.${key}`)} onMouseDown={(e) => e.preventDefault()} onClick={run} />
    </Tooltip>
  );
  const heading = (level: 2 | 3) => (
    <Tooltip title={t(`info.editor.h${level}`)}>
      <Button
        size="small"
        type={editor.isActive('heading', { level }) ? 'primary' : 'text'}
        onMouseDown={(e) => e.preventDefault()}
        onClick={() => editor.chain().focus().toggleHeading({ level }).run()}
      >
        {`H${level - 1}`}
      </Button>
    </Tooltip>
  );
  return (
    <div className="info-editor">
      <Space size={2} className="info-editor-toolbar" wrap>
        {btn('bold', <BoldOutlined />, editor.isActive('bold'), () => editor.chain().focus().toggleBold().run())}
        {btn('italic', <ItalicOutlined />, editor.isActive('italic'), () => editor.chain().focus().toggleItalic().run())}
        <Divider orientation="vertical" />
        {heading(2)}
        {heading(3)}
        <Divider orientation="vertical" />
        {btn('bullets', <UnorderedListOutlined />, editor.isActive('bulletList'), () => editor.chain().focus().toggleBulletList().run())}
        {btn('numbers', <OrderedListOutlined />, editor.isActive('orderedList'), () => editor.chain().focus().toggleOrderedList().run())}
        <Divider orientation="vertical" />
        <Upload
          accept=".png,.jpg,.jpeg,.gif,.webp"
          showUploadList={false}
          beforeUpload={(file) => {
            setUploading(true);
            uploadInfoFile(file)
              .then((ref) => editor.chain().focus().setImage({ src: infoUrls.file(ref.id), alt: ref.name }).run())
              .catch(showError)
              .finally(() => setUploading(false));
            return false;
          }}
        >
          <Button size="small" type="text" icon={<PictureOutlined />} loading={uploading}>
            {t('info.editor.image')}
          </Button>
        </Upload>
      </Space>
      <EditorContent editor={editor} />
      <Typography.Text type="secondary" className="info-editor-count">
        {t('info.editor.count', { n: countChars(editor.getText()) })}
      </Typography.Text>
    </div>
  );
}
