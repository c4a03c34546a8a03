import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * One `bazaar serve` or `bazaar worker` process, started as operators start it
 * (`node --import tsx src/main.ts <role>`), its output written to `<logDir>/<name>.log`.
 */
export class BazaarProcess {
  readonly exited: Promise<Exit>;
  private readonly child: ChildProcess;
  private output = '';

  private constructor(
    readonly name: string,
    readonly role: 'serve' | 'worker',
    readonly url: string | undefined,
    env: Record<string, string>,
    logDir: string,
  ) {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', role], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = createWriteStream(path.join(logDir, `${name}.log`));
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      stream.on('data', (chunk: Buffer) => {
        log.write(chunk);
        // Only the start is searched (for the worker's "worker started").
        if (this.output.length < 64 * 1024) this.output += chunk.toString();
      });
    }
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code, signal) => {
        log.end();
        resolve({ code, signal });
      }),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** An API process on `port`, answering /readyz. */
  static async serve(name: string, port: number, env: Record<string, string>, logDir: string) {
    const url = `http://127.0.0.1:${port}`;
    const started = new BazaarProcess(name, 'serve', url, { ...env, PORT: String(port) }, logDir);
    await started.until(async () => (await fetch(`${url}/readyz`).catch(() => undefined))?.status === 200);
    return started;
  }

  /** A worker, once it says it runs its jobs and relay. */
  static async worker(name: string, env: Record<string, string>, logDir: string) {
    const started = new BazaarProcess(name, 'worker', undefined, env, logDir);
    await started.until(async () => started.output.includes('"msg":"worker started"'));
    return started;
  }

  kill(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  /** SIGTERM, then SIGKILL if it has not exited in time. */
  async stop(): Promise<Exit> {
    this.kill('SIGTERM');
    const timer = setTimeout(() => this.kill('SIGKILL'), STOP_TIMEOUT_MS);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }

  private async until(ready: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await ready())) {
      if (!this.running) throw new Error(`${this.name} exited while starting; see its log`);
      if (Date.now() > deadline) {
        this.kill('SIGKILL');
        throw new Error(`${this.name} did not start within ${START_TIMEOUT_MS / 1000} s; see its log`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
