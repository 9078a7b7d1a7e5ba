import { api } from './client';
import type { Campaign, FileRef, Task, TaskReport } from './types';

export const campaignKeys = {
  all: ['campaigns'] as const,
  list: ['campaigns', 'list'] as const,
  detail: (id: string) => ['campaigns', 'detail', id] as const,
  documents: (id: string) => ['campaigns', 'documents', id] as const,
  tasks: ['tasks'] as const,
  reports: ['reports'] as const,
  meetings: ['meetings'] as const,
};

export type TaskNode = Task & { children?: TaskNode[] };

/** The server answers a campaign's tasks flat with parentId; the breakdown tree is built here. */
export function buildTaskTree(tasks: Task[]): TaskNode[] {
  const byId = new Map<string, TaskNode>(tasks.map((t) => [t.id, { ...t }]));
  const roots: TaskNode[] = [];
  for (const t of byId.values()) {
    const parent = t.parentId ? byId.get(t.parentId) : undefined;
    if (parent) (parent.children ??= []).push(t);
    else roots.push(t);
  }
  const sortRec = (nodes: TaskNode[]) => {
    nodes.sort((a, b) => a.deadline.localeCompare(b.deadline) || a.title.localeCompare(b.title, 'zh-CN'));
    nodes.forEach((n) => n.children && sortRec(n.children));
  };
  sortRec(roots);
  return roots;
}

export const getTaskTree = (q: { campaignId?: string; year?: number }) => api.get<Task[]>('/api/tasks/tree', q);
export const getCampaign = (id: string) => api.get<Campaign>(`/api/campaigns/${id}`);
export const uploadFile = (file: File) => api.upload<FileRef>('/api/campaigns/uploads', file);
export const listReports = (q: Record<string, string | number | boolean | undefined>) => api.list<TaskReport>('/api/reports', q);

