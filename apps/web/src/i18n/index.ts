import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Locale } from 'antd/es/locale';
import zhCNAntd from 'antd/locale/zh_CN';
import zhTWAntd from 'antd/locale/zh_TW';
import enUSAntd from 'antd/locale/en_US';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import 'dayjs/locale/zh-tw';
import zhCN from './zh-CN.json';
import zhTW from './zh-TW.json';
import en from './en.json';

// Areas keep their strings in i18n/modules/<area>.<lang>.json, merged under the main files.
type Tree = { [k: string]: string | Tree };
const moduleFiles = import.meta.glob<Tree>('./modules/*.json', { eager: true, import: 'default' });
function merge(target: Tree, source: Tree): Tree {
  for (const [k, v] of Object.entries(source)) {
    target[k] = typeof v === 'object' && typeof target[k] === 'object' ? merge({ ...(target[k] as Tree) }, v) : v;
  }
  return target;
}
function withModules(base: Tree, lang: string): Tree {
  let out: Tree = { ...base };
  for (const [file, tree] of Object.entries(moduleFiles)) if (file.endsWith(`.${lang}.json`)) out = merge(out, tree);
  return out;
}

export const LANGUAGES = [
  { code: 'zh-CN', label: '简体中文', antd: zhCNAntd, dayjs: 'zh-cn' },
  { code: 'zh-TW', label: '繁體中文', antd: zhTWAntd, dayjs: 'zh-tw' },
  { code: 'en', label: 'English', antd: enUSAntd, dayjs: 'en' },
] as const;
export type LanguageCode = (typeof LANGUAGES)[number]['code'];

const STORAGE_KEY = 'luoshi.lang';

function initialLanguage(): LanguageCode {
  const saved = localStorage.getItem(STORAGE_KEY);
  return LANGUAGES.some((l) => l.code === saved) ? (saved as LanguageCode) : 'zh-CN';
}

const lng = initialLanguage();
dayjs.locale(LANGUAGES.find((l) => l.code === lng)!.dayjs);

void i18n.use(initReactI18next).init({
  resources: {
    'zh-CN': { translation: withModules(zhCN, 'zh-CN') },
    'zh-TW': { translation: withModules(zhTW, 'zh-TW') },
    en: { translation: withModules(en, 'en') },
  },
  lng,
  // zh-CN is the source: the other languages may lag and fall back to it.
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false },
  returnNull: false,
});

export function setLanguage(code: LanguageCode) {
  localStorage.setItem(STORAGE_KEY, code);
  dayjs.locale(LANGUAGES.find((l) => l.code === code)!.dayjs);
  document.documentElement.lang = code;
  void i18n.changeLanguage(code);
}

export function antdLocale(code: string): Locale {
  return (LANGUAGES.find((l) => l.code === code) ?? LANGUAGES[0]).antd;
}

export default i18n;
