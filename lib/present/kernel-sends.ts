/**
 * A guard for the notebook kernel's output channel. tslab sends every output
 * (streams, displays, status) on one zeromq `Publisher` and does not wait for
 * the sends. zeromq 6 completes up to 512 sends in a row at once, then defers
 * one to the next turn of the event loop so as not to starve it, and a send
 * made while that one is still pending throws "Socket is busy writing"
 * (EBUSY). Inside tslab nothing catches it, so the kernel dies, at a random
 * cell of a long notebook: whenever the 513th message since the last
 * deferred one is followed by another before the event loop turns (a cell
 * that ends right after a progress redraw, say). Training with several
 * threads made that likelier (chapter 04's full run died once in two).
 *
 * The guard makes such a send wait for the pending one instead of throwing:
 * messages keep their order, and a send that can go at once still goes at
 * once.
 */

/** The parts of zeromq's `Publisher` class the guard wraps. */
interface PublisherClass {
  prototype: { send(message: unknown): Promise<void> };
}

const GUARDED = Symbol.for('mnist-ts.serialisedSends');

/**
 * Makes `send` on every `Publisher` of this zeromq module wait for a pending
 * send rather than throw EBUSY. Installing it twice changes nothing. Returns
 * whether it is installed.
 */
export function serialiseSends(publisher: PublisherClass | undefined): boolean {
  const proto = publisher?.prototype as (PublisherClass['prototype'] & { [GUARDED]?: true }) | undefined;
  if (!proto || typeof proto.send !== 'function') return false;
  if (proto[GUARDED]) return true;
  const original = proto.send;
  // Per socket: the last send made, and the last one queued behind a busy socket.
  const lastSend = new WeakMap<object, Promise<void>>();
  const queued = new WeakMap<object, Promise<void>>();
  // The send at once, or undefined when the socket is busy with an earlier one.
  const sendNow = (socket: object, message: unknown): Promise<void> | undefined => {
    try {
      const sent = original.call(socket, message);
      lastSend.set(socket, sent);
      return sent;
    } catch (error) {
      if ((error as { code?: string }).code !== 'EBUSY') throw error;
      return undefined;
    }
  };
  const attempt = (socket: object, message: unknown): Promise<void> =>
    sendNow(socket, message) ?? (lastSend.get(socket) ?? Promise.resolve()).catch(() => undefined).then(() => attempt(socket, message));
  const send = function (this: object, message: unknown): Promise<void> {
    const waiting = queued.get(this);
    const sent = waiting ? undefined : sendNow(this, message);
    if (sent) return sent;
    // Behind the send in progress and anything queued before it, in order.
    const next = (waiting ?? Promise.resolve()).catch(() => undefined).then(() => attempt(this, message));
    queued.set(this, next);
    next.finally(() => {
      if (queued.get(this) === next) queued.delete(this);
    }).catch(() => undefined);
    return next;
  };
  Object.defineProperty(proto, 'send', { value: send, writable: true, configurable: true });
  Object.defineProperty(proto, GUARDED, { value: true });
  return true;
}

/** zeromq's `Publisher` as loaded in this process (by tslab), if any. */
export function loadedPublisher(): PublisherClass | undefined {
  for (const [file, loaded] of Object.entries(require.cache)) {
    if (!loaded || !/[\\/]zeromq[\\/]lib[\\/]index\.js$/.test(file)) continue;
    const exports = loaded.exports as { Publisher?: PublisherClass };
    if (exports.Publisher) return exports.Publisher;
  }
  return undefined;
}
