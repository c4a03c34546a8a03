import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Where media bytes live, by file name (`<id>.<ext>`); object storage can implement it later. */
export interface MediaStorage {
  /** Stores the bytes under the name; a reader sees all of them or none. */
  put(name: string, bytes: Buffer): Promise<void>;
  /** The bytes stored under the name, or undefined when there are none. */
  get(name: string): Promise<Buffer | undefined>;
}

/** A plain file name: never a path, so no name reaches outside the directory. */
const SAFE_NAME = /^[a-z0-9_]+\.[a-z0-9]+$/;

function assertSafeName(name: string): void {
  if (!SAFE_NAME.test(name)) throw new Error(`unsafe media file name: ${JSON.stringify(name)}`);
}

const isMissingFile = (error: unknown) =>
  error instanceof Error && 'code' in error && (error.code === 'ENOENT' || error.code === 'ENOTDIR');

/** Media files in one directory; a write goes to a temporary file that is then renamed into place. */
export class FileMediaStorage implements MediaStorage {
  constructor(readonly directory: string) {}

  async put(name: string, bytes: Buffer): Promise<void> {
    assertSafeName(name);
    await mkdir(this.directory, { recursive: true });
    const temporary = path.join(this.directory, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await writeFile(temporary, bytes, { flag: 'wx' });
      await rename(temporary, path.join(this.directory, name));
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  async get(name: string): Promise<Buffer | undefined> {
    assertSafeName(name);
    try {
      return await readFile(path.join(this.directory, name));
    } catch (error) {
      if (isMissingFile(error)) return undefined;
      throw error;
    }
  }
}
