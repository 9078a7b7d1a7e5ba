import './study.css';
import { BoldOutlined, ItalicOutlined, OrderedListOutlined, UnorderedListOutlined } from '@ant-design/icons';
import { Button, Space, Typography } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { countWords } from '../../api/study';

/**
 * A plain rich-text area (contentEditable) for 心得体会, with the live word count counted the Chinese way.
 * The server sanitises the HTML; here only plain formatting is offered.
 */
export function RichTextArea({ value, onChange, id, minHeight = 280 }: { value?: string; onChange?: (html: string) => void; id?: string; minHeight?: number }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  const [words, setWords] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (el && el.innerHTML !== (value ?? '')) {
      el.innerHTML = value ?? '';
    }
    if (el) setWords(countWords(el.innerText));
  }, [value]);
  const emit = () => {
    const el = ref.current;
    if (!el) return;
    setWords(countWords(el.innerText));
    onChange?.(el.innerHTML);
  };
  const cmd = (name: string) => {
    ref.current?.focus();
    document.execCommand(name);
    emit();
  };
  return (
    <div className="rich-text">
      <Space size={4} className="rich-text-toolbar">
        <Button size="small" type="text" icon={<BoldOutlined />} aria-label={t('reflection.bold')} onMouseDown={(e) => e.preventDefault()} onClick={() => cmd('bold')} />
        <Button size="small" type="text" icon={<ItalicOutlined />} aria-label={t('reflection.italic')} onMouseDown={(e) => e.preventDefault()} onClick={() => cmd('italic')} />
        <Button size="small" type="text" icon={<UnorderedListOutlined />} aria-label={t('reflection.bullets')} onMouseDown={(e) => e.preventDefault()} onClick={() => cmd('insertUnorderedList')} />
        <Button size="small" type="text" icon={<OrderedListOutlined />} aria-label={t('reflection.numbers')} onMouseDown={(e) => e.preventDefault()} onClick={() => cmd('insertOrderedList')} />
      </Space>
      <div
        id={id}
        ref={ref}
        role="textbox"
        aria-multiline="true"
        aria-label={t('reflection.body')}
        contentEditable
        suppressContentEditableWarning
        className="rich-text-body"
        style={{ minHeight }}
        onInput={emit}
        onPaste={(e) => {
          // Pasted web pages bring their styles along: keep the text only.
          e.preventDefault();
          document.execCommand('insertText', false, e.clipboardData.getData('text/plain'));
        }}
      />
      <Typography.Text type="secondary" className="rich-text-count">
        {t('reflection.wordCount', { n: words })}
      </Typography.Text>
    </div>
  );
}
