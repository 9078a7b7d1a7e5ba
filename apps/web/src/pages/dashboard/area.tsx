import type { TFunction } from 'i18next';
import type { AreaNav, AreaRoute } from '../../components/areas';

export const routes: AreaRoute[] = [];
export const nav = (_t: TFunction): AreaNav[] => [];
