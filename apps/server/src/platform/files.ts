import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyReply } from 'fastify';
import { and, eq, inArray, SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { FileRef } from '@luoshi/contract';
import type { Db, DbLike } from '../db/client.ts';
import { audit, type Actor } from './audit.ts';
import type { Caller } from './session.ts';
import { files } from '../db/schema/index.ts';
import { AppError, badRequest, notFound } from './errors.ts';

/** What may be uploaded as a document: PDF, Word, Excel and images, told by content, not only by name. */
const KINDS: { ext: string[]; mime: string; magic: (b: Buffer) => boolean }[] = [
  { ext: ['.pdf'], mime: 'application/pdf', magic: (b) => b.subarray(0, 5).toString('latin1') === '%PDF-' },
  {
    ext: ['.docx'],
    mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    magic: (b) => b[0] === 0x50 && b[1] === 0x4b,
  },
  {
    ext: ['.xlsx'],
    mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    magic: (b) => b[0] === 0x50 && b[1] === 0x4b,
  },
  { ext: ['.png'], mime: 'image/png', magic: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { ext: ['.jpg', '.jpeg'], mime: 'image/jpeg', magic: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { ext: ['.gif'], mime: 'image/gif', magic: (b) => b.subarray(0, 4).toString('latin1') === 'GIF8' },
  {
    ext: ['.webp'],
    mime: 'image/webp',
    magic: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  },
];

export const ALLOWED_UPLOAD_TYPES = KINDS.flatMap((k) => k.ext).join('、');

export type StoredFile = typeof files.$inferSelect;

/**
 * Streams an uploaded part to the data folder, checking its type by extension and first bytes and its size
 * against the limit, then records it. A rejected file leaves nothing behind.
 */
export async function storeUpload(
  db: DbLike,
  dataDir: string,
  part: MultipartFile,
  owner: { unitId: string | null; userId: string },
): Promise<StoredFile> {
  const name = path.basename(part.filename || '未命名').slice(0, 200);
  const kind = KINDS.find((k) => k.ext.includes(path.extname(name).toLowerCase()));
  if (!kind) throw badRequest(`不支持的文件类型：${name}。只能上传 ${ALLOWED_UPLOAD_TYPES} 文件`);
  const now = new Date();
  const key = path.join(String(now.getUTCFullYear()), `${randomUUID()}${path.extname(name).toLowerCase()}`);
  const full = path.join(dataDir, 'files', key);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  const hash = createHash('sha256');
  let size = 0;
  let head = Buffer.alloc(0);
  try {
    await pipeline(
      part.file,
      new Transform({
        transform(chunk: Buffer, _enc, cb) {
          size += chunk.length;
          if (head.length < 16) head = Buffer.concat([head, chunk.subarray(0, 16)]);
          hash.update(chunk);
          cb(null, chunk);
        },
      }),
      fs.createWriteStream(full, { flags: 'wx' }),
    );
    if (part.file.truncated) throw new AppError(413, 'TOO_LARGE', `文件 ${name} 超过大小限制`);
    if (size === 0) throw badRequest(`文件 ${name} 是空文件`);
    if (!kind.magic(head)) throw badRequest(`文件 ${name} 的内容与扩展名不符`);
    const [row] = await db
      .insert(files)
      .values({
        unitId: owner.unitId,
        originalName: name,
        mime: kind.mime,
        size,
        sha256: hash.digest('hex'),
        storageKey: key,
        createdBy: owner.userId,
      })
      .returning();
    return row;
  } catch (err) {
    fs.rmSync(full, { force: true });
    throw err;
  }
}

export function filePath(dataDir: string, file: { storageKey: string }): string {
  return path.join(dataDir, 'files', file.storageKey);
}

/** RFC 5987 attachment header, so Chinese file names survive every browser. */
export function attachmentHeader(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/"/g, '');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** Streams a stored file as a download under its original name. */
export function sendStoredFile(reply: FastifyReply, dataDir: string, file: Pick<StoredFile, 'storageKey' | 'originalName' | 'mime' | 'size'>) {
  return reply
    .header('content-type', file.mime)
    .header('content-length', file.size)
    .header('content-disposition', attachmentHeader(file.originalName))
    .send(fs.createReadStream(filePath(dataDir, file)));
}

/** What a person sees of a stored file. */
export const presentFile = (f: StoredFile): FileRef => ({ id: f.id, name: f.originalName, size: f.size, mime: f.mime });

/**
 * A file uploaded ahead of the record that will hold it (report evidence, study materials): stored, owned by its
 * uploader, and audited in one transaction. A failed audit leaves no file behind.
 */
export async function uploadOwnFile(db: Db, dataDir: string, caller: Caller, actor: Actor, part: MultipartFile | undefined): Promise<FileRef> {
  if (!part || part.fieldname !== 'file') throw badRequest('请选择要上传的文件', [{ field: 'body.file', message: '请选择要上传的文件' }]);
  return db.transaction(async (tx) => {
    const stored = await storeUpload(tx, dataDir, part, { unitId: caller.unitId, userId: caller.userId });
    try {
      await audit(tx, actor, { entity: 'file', entityId: stored.id, action: 'upload', after: stored });
    } catch (err) {
      fs.rmSync(filePath(dataDir, stored), { force: true });
      throw err;
    }
    return presentFile(stored);
  });
}

/**
 * Files uploaded ahead by this user that none of `holders` has taken yet — a holder is the file-id column of the
 * records that take files, or a condition on `files.id` that is true when a record holds the file (e.g. a JSON list
 * of ids) — locked until the transaction ends so two records cannot take the same file. Anyone else's file,
 * or one already taken, answers 404 as if it did not exist.
 */
export async function ownUnattachedFiles(tx: DbLike, userId: string, ids: string[], holders: (AnyPgColumn | SQL)[]): Promise<string[]> {
  const unique = [...new Set(ids)];
  if (!unique.length) return [];
  const rows = await tx
    .select({ id: files.id })
    .from(files)
    .where(
      and(
        inArray(files.id, unique),
        eq(files.createdBy, userId),
        ...holders.map((h) => (h instanceof SQL ? sql`not (${h})` : sql`not exists (select 1 from ${h.table} where ${h} = ${files.id})`)),
      ),
    )
    .for('update');
  if (rows.length !== unique.length) throw notFound('附件');
  return unique;
}
