import { describe, expect, it } from 'vitest';
import { gate } from '../../test/timing.js';
import { KeyedWorkQueues, QueueFull, WorkQueue } from './work-queue.js';

/** Tasks that wait for one gate, recording how many run at once. */
function watchedTasks() {
  const { open, opened } = gate();
  const watch = { running: 0, mostAtOnce: 0, started: 0 };
  const task = async () => {
    watch.running++;
    watch.started++;
    watch.mostAtOnce = Math.max(watch.mostAtOnce, watch.running);
    await opened;
    watch.running--;
    return 'done';
  };
  return { open, watch, task };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('WorkQueue', () => {
  it('runs at most `concurrency` tasks at once and the waiting ones in turn', async () => {
    const { open, watch, task } = watchedTasks();
    const sut = new WorkQueue(2, 10);
    const results = Promise.all(Array.from({ length: 7 }, () => sut.run(task)));
    await settle();
    expect(watch.started).toBe(2);
    open();
    expect(await results).toEqual(Array(7).fill('done'));
    expect(watch.mostAtOnce).toBe(2);
    expect(sut.idle).toBe(true);
  });

  it('refuses at once past `maxWaiting`, and takes work again once there is room', async () => {
    const { open, task } = watchedTasks();
    const sut = new WorkQueue(1, 2);
    const admitted = [sut.run(task), sut.run(task), sut.run(task)];
    await expect(sut.run(task)).rejects.toBeInstanceOf(QueueFull);
    open();
    await Promise.all(admitted);
    await expect(sut.run(async () => 'again')).resolves.toBe('again');
  });

  it('hands the place of a failed task over to the next one', async () => {
    const sut = new WorkQueue(1, 5);
    const failing = sut.run(() => Promise.reject(new Error('boom')));
    const next = sut.run(async () => 'next');
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe('next');
    expect(sut.idle).toBe(true);
  });
});

describe('KeyedWorkQueues', () => {
  it('limits each key apart and forgets idle keys', async () => {
    const a = watchedTasks();
    const b = watchedTasks();
    const sut = new KeyedWorkQueues(1);
    const results = Promise.all([
      ...Array.from({ length: 4 }, () => sut.run('a', a.task)),
      ...Array.from({ length: 4 }, () => sut.run('b', b.task)),
    ]);
    await settle();
    expect([a.watch.started, b.watch.started]).toEqual([1, 1]);
    expect(sut.size).toBe(2);
    a.open();
    b.open();
    await results;
    expect([a.watch.mostAtOnce, b.watch.mostAtOnce]).toEqual([1, 1]);
    expect(sut.size).toBe(0);
  });
});
