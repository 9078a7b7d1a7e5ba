import type { Module } from '../../platform/types.ts';

export const campaignsModule: Module = {
  name: 'campaigns',
  register() {},
};
