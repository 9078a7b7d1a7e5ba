import type { z } from 'zod';
import type {
  Campaign as CampaignS,
  CampaignDocument as CampaignDocumentS,
  FileRef as FileRefS,
  Group as GroupS,
  GroupMember as GroupMemberS,
  ImportPreview as ImportPreviewS,
  ImportResult as ImportResultS,
  Me as MeS,
  Meeting as MeetingS,
  Person as PersonS,
  Role as RoleS,
  Task as TaskS,
  TaskReport as TaskReportS,
  Unit as UnitS,
} from '@luoshi/contract';

export type Me = z.infer<typeof MeS>;
export type Unit = z.infer<typeof UnitS>;
export type Person = z.infer<typeof PersonS>;
export type Role = z.infer<typeof RoleS>;
export type Group = z.infer<typeof GroupS>;
export type GroupMember = z.infer<typeof GroupMemberS>;
export type ImportPreview = z.infer<typeof ImportPreviewS>;
export type ImportResult = z.infer<typeof ImportResultS>;
export type Campaign = z.infer<typeof CampaignS>;
export type CampaignDocument = z.infer<typeof CampaignDocumentS>;
export type FileRef = z.infer<typeof FileRefS>;
export type Task = z.infer<typeof TaskS>;
export type TaskReport = z.infer<typeof TaskReportS>;
export type Meeting = z.infer<typeof MeetingS>;
