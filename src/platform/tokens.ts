import { createHash, randomBytes } from 'node:crypto';

/** What is stored of a bearer secret (session, link, cart or order token): its SHA-256, never itself. */
export const hashToken = (token: string): Buffer => createHash('sha256').update(token).digest();

/** 256 random bits, base64url: a secret that is handed out once and then only hashed. */
export const newSecret = (): string => randomBytes(32).toString('base64url');
