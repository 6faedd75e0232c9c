/**
 * The guard on the notebook kernel's output channel (lib/present/kernel-sends.ts),
 * on real zeromq sockets as tslab uses them: a Publisher sending many
 * messages in one turn of the event loop throws "Socket is busy writing"
 * without it, and with it delivers every message, in order; and in a real
 * tslab kernel, a cell that shows 1,500 outputs at once runs to the end
 * (without the guard the kernel dies).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as zmq from 'zeromq';
import { loadedPublisher, serialiseSends } from '../lib/present/kernel-sends';
import { executeNotebook, formatProblems, type NotebookCell } from '../tools/notebook/execute';

// More than the 512 sends zeromq completes at once, fewer than the 1,000 a subscriber queues by default.
const MESSAGES = 800;

/** Sends MESSAGES messages in one synchronous loop and collects what a subscriber receives. */
async function sendInOneTurn(publisher: zmq.Publisher, subscriber: zmq.Subscriber): Promise<{ thrown?: string; received: string[] }> {
  const received: string[] = [];
  let thrown: string | undefined;
  const sends: Promise<void>[] = [];
  try {
    for (let i = 0; i < MESSAGES; i++) sends.push(publisher.send(`message ${i}`));
  } catch (error) {
    thrown = (error as Error).message;
  }
  if (thrown) return { thrown, received };
  await Promise.all(sends);
  while (received.length < MESSAGES) {
    const [frame] = await subscriber.receive();
    received.push(frame.toString());
  }
  return { received };
}

/** A connected publisher and subscriber on an in-process endpoint, ready for messages. */
async function pair(name: string): Promise<{ publisher: zmq.Publisher; subscriber: zmq.Subscriber }> {
  const publisher = new zmq.Publisher();
  await publisher.bind(`inproc://${name}`);
  const subscriber = new zmq.Subscriber();
  subscriber.connect(`inproc://${name}`);
  subscriber.subscribe();
  // A subscription takes a moment to reach the publisher: wait until a probe arrives.
  for (;;) {
    await publisher.send('probe');
    const got = await Promise.race([subscriber.receive(), new Promise<null>((resolve) => setTimeout(() => resolve(null), 20))]);
    if (got) break;
  }
  return { publisher, subscriber };
}

test('unguarded, the 514th send in one turn of the event loop throws "Socket is busy writing" (what killed the kernel)', async () => {
  const { publisher, subscriber } = await pair('unguarded');
  const outcome = await sendInOneTurn(publisher, subscriber);
  expect(outcome.thrown).toMatch(/Socket is busy writing/);
  // Let the deferred send finish before closing.
  await new Promise((resolve) => setTimeout(resolve, 50));
  publisher.close();
  subscriber.close();
});

test('guarded, every message is delivered, in order, and a second install changes nothing', async () => {
  expect(loadedPublisher()).toBe(zmq.Publisher);
  expect(serialiseSends(loadedPublisher())).toBe(true);
  const guarded = zmq.Publisher.prototype.send;
  expect(serialiseSends(zmq.Publisher)).toBe(true);
  expect(zmq.Publisher.prototype.send).toBe(guarded);
  const { publisher, subscriber } = await pair('guarded');
  const outcome = await sendInOneTurn(publisher, subscriber);
  expect(outcome.thrown).toBeUndefined();
  expect(outcome.received).toEqual(Array.from({ length: MESSAGES }, (_, i) => `message ${i}`));
  publisher.close();
  subscriber.close();
});

test('nothing to guard outside a kernel', () => {
  expect(serialiseSends(undefined)).toBe(false);
});

test('in a real tslab kernel, a cell showing 1,500 outputs in one go runs, and so does the next', async () => {
  // Inside the project, so that the kernel resolves @mnist-ts/lib.
  const dir = await fs.mkdtemp(path.join(__dirname, '..', '.kernel-sends-'));
  try {
    const cells = [
      "import { showMarkdown } from '@mnist-ts/lib';",
      'for (let i = 0; i < 1500; i++) showMarkdown(`line ${i}`);',
      "console.log('after');",
    ];
    const notebook = {
      cells: cells.map((source) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source })),
      metadata: { kernelspec: { display_name: 'TypeScript', language: 'typescript', name: 'tslab' } },
      nbformat: 4,
      nbformat_minor: 5,
    };
    await fs.writeFile(path.join(dir, 'burst.ipynb'), JSON.stringify(notebook));
    const result = await executeNotebook(path.join(dir, 'burst.ipynb'), { profile: 'quick', outputPath: path.join(dir, 'out.ipynb') });
    expect(formatProblems(result.problems)).toBe('');
    const executed = JSON.parse(await fs.readFile(path.join(dir, 'out.ipynb'), 'utf8')) as { cells: NotebookCell[] };
    expect(executed.cells.map((cell) => cell.outputs?.length ?? 0)).toEqual([0, 1500, 1]);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}, 5 * 60 * 1000);
