import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';
import { ServiceUnavailable } from '../../platform/errors.js';
import { QueueFull, WorkQueue } from '../../platform/work-queue.js';
import { type IdentityReason, identityErrors } from './identity.errors.js';

/** OWASP's argon2id recommendation: 19 MiB, two passes, one lane. */
const ARGON2ID = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

const commonPasswords = new Set(dictionary['passwords-common'].map((word) => word.toLowerCase()));

/** Why a new password is not acceptable, or null. Length and commonness only (NIST 800-63B). */
export function passwordProblem(password: string): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters`;
  if (length > PASSWORD_MAX_LENGTH) return `must be at most ${PASSWORD_MAX_LENGTH} characters`;
  if (commonPasswords.has(password.toLowerCase())) return 'is too common; choose a less guessable password';
  return null;
}

/** A new password, or 422 naming the field at `path` and the rule it breaks. */
export function assertAcceptablePassword(password: string, path: string): void {
  const problem = passwordProblem(password);
  if (problem) throw identityErrors.invalidAt('password_rejected', path, `password ${problem}`);
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2ID);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** How passwords are hashed and checked: argon2id here, something else where a test needs to watch. */
export interface PasswordAlgorithm {
  hash(password: string): Promise<string>;
  verify(passwordHash: string, password: string): Promise<boolean>;
}

export const argon2id: PasswordAlgorithm = { hash: hashPassword, verify: verifyPassword };

/** How long a request refused by a full queue is told to wait before trying again. */
const BUSY_RETRY_AFTER_SECONDS = 1;

/**
 * Every password hash and check of this process, at most `concurrency` at once (one per core:
 * argon2 is CPU and memory work) with at most `queueDepth` waiting. Past that a request is refused
 * at once with 503 rather than joining a queue that would make every sign-in wait seconds.
 */
export class PasswordHasher {
  private readonly queue: WorkQueue;
  private decoyHash: Promise<string> | undefined;

  constructor(
    private readonly algorithm: PasswordAlgorithm,
    options: { concurrency: number; queueDepth: number },
  ) {
    this.queue = new WorkQueue(options.concurrency, options.queueDepth);
  }

  hash(password: string): Promise<string> {
    return this.queued(() => this.algorithm.hash(password));
  }

  verify(passwordHash: string, password: string): Promise<boolean> {
    return this.queued(() => this.algorithm.verify(passwordHash, password));
  }

  /**
   * Spends the same work as a real check, so an unknown email answers no faster than a wrong
   * password. Always false.
   */
  verifyDecoy(password: string): Promise<false> {
    return this.queued(async () => {
      this.decoyHash ??= this.algorithm.hash(`decoy-${randomBytes(16).toString('hex')}`);
      await this.algorithm.verify(await this.decoyHash, password);
      return false as const;
    });
  }

  private async queued<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await this.queue.run(work);
    } catch (error) {
      if (error instanceof QueueFull)
        throw new ServiceUnavailable(BUSY_RETRY_AFTER_SECONDS, 'hash_queue_full' satisfies IdentityReason);
      throw error;
    }
  }
}
