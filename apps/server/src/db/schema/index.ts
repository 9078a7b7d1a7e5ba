export * from './org.ts';
export * from './platform.ts';
export * from './campaigns.ts';
export * from './study.ts';
export * from './studyContent.ts';
export * from './points.ts';
export * from './info.ts';
export * from './reports.ts';
