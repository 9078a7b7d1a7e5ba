import { z } from 'zod';

// Validation messages in Chinese wherever the contract is used (server and web).
z.config(z.locales.zhCN());

export * from './common.ts';
export * from './auth.ts';
export * from './security.ts';
export * from './org.ts';
export * from './campaigns.ts';
export * from './study.ts';
export * from './studyContent.ts';
export * from './studyStats.ts';
export * from './points.ts';
export * from './info.ts';
export * from './dashboards.ts';
export * from './bulletins.ts';
export * from './notify.ts';
