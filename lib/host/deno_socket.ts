/**
 * {@link SocketListener} and {@link SocketConn} on `Deno.listen` (needs
 * `--allow-net`).
 *
 * @module
 */

import { Errno, SysError } from "./errno.ts";
import {
  AcceptQueue,
  queuedListener,
  ReceiveBuffer,
  type SocketConn,
  type SocketListener,
} from "./socket.ts";

/** Listens on `hostname:port` (port 0: any free port, see `listener.port`). */
export function denoListen(hostname: string, port: number): SocketListener {
  const listener = Deno.listen({ hostname, port, transport: "tcp" });
  const queue = new AcceptQueue();
  (async () => {
    try {
      for await (const conn of listener) queue.push(new DenoConn(conn));
    } catch { /* closed */ }
    queue.fail();
  })();
  const addr = listener.addr as Deno.NetAddr;
  return queuedListener(addr.hostname, addr.port, queue, () => {
    try {
      listener.close();
    } catch { /* already closed */ }
  });
}

class DenoConn implements SocketConn {
  readonly #conn: Deno.Conn;
  readonly #received = new ReceiveBuffer();
  /** Writes in order: each waits for the one before. */
  #sending: Promise<void> = Promise.resolve();
  #writeShut = false;
  #closed = false;

  constructor(conn: Deno.Conn) {
    this.#conn = conn;
    this.#receive();
  }

  async #receive(): Promise<void> {
    try {
      for (;;) {
        const buf = new Uint8Array(64 * 1024);
        const n = await this.#conn.read(buf);
        if (n === null) break;
        this.#received.push(buf.subarray(0, n));
        await this.#received.drained();
      }
    } catch { /* reset or closed: end of stream */ }
    this.#received.end();
  }

  read(buf: Uint8Array, peek: boolean): number | undefined {
    return this.#received.read(buf, peek);
  }
  get ready(): boolean {
    return this.#received.ready;
  }
  wait(): Promise<void> {
    return this.#received.wait();
  }
  write(buf: Uint8Array): number {
    if (this.#writeShut || this.#closed) throw new SysError(Errno.EPIPE);
    const data = buf.slice();
    this.#then(async () => {
      for (let at = 0; at < data.length;) at += await this.#conn.write(data.subarray(at));
    });
    return data.length;
  }
  shutdown(read: boolean, write: boolean): void {
    if (read) this.#received.discard();
    if (write && !this.#writeShut) {
      this.#writeShut = true;
      this.#then(() => this.#conn.closeWrite());
    }
  }
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#then(() => this.#conn.close());
  }

  /** Queues `step` after the writes before it; a failure ends the queue quietly. */
  #then(step: () => Promise<void> | void): void {
    this.#sending = this.#sending.then(step).catch(() => {
      try {
        this.#conn.close();
      } catch { /* already closed */ }
    });
  }
}
