/**
 * {@link SocketListener} and {@link SocketConn} on `node:net` (Node and
 * Bun). The module is passed in, as for `NodeFileSystem`, so that loading
 * this package never pulls `node:net` into hosts without it.
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

/** The `node:net` module. */
export type NodeNet = typeof import("node:net");
type NodeSocket = import("node:net").Socket;

/** Listens on `hostname:port` (port 0: any free port, see `listener.port`). */
export function nodeListen(net: NodeNet, hostname: string, port: number): Promise<SocketListener> {
  const queue = new AcceptQueue();
  const server = net.createServer({ allowHalfOpen: true }, (s) => queue.push(new NodeConn(s)));
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, hostname, () => {
      server.off("error", reject);
      server.on("error", () => queue.fail());
      server.on("close", () => queue.fail());
      const addr = server.address() as import("node:net").AddressInfo;
      resolve(queuedListener(addr.address, addr.port, queue, () => server.close()));
    });
  });
}

class NodeConn implements SocketConn {
  readonly #socket: NodeSocket;
  readonly #received = new ReceiveBuffer();
  #writeShut = false;
  #closed = false;

  constructor(socket: NodeSocket) {
    this.#socket = socket;
    socket.on("data", (chunk: Uint8Array) => {
      this.#received.push(new Uint8Array(chunk));
      if (this.#received.full) {
        socket.pause();
        this.#received.drained().then(() => socket.resume());
      }
    });
    socket.on("end", () => this.#received.end());
    socket.on("close", () => this.#received.end());
    socket.on("error", () => this.#received.end());
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
    if (this.#writeShut || this.#closed || this.#socket.destroyed) {
      throw new SysError(Errno.EPIPE);
    }
    // node:net queues writes in order; the copy keeps guest memory out of that queue.
    this.#socket.write(buf.slice());
    return buf.length;
  }
  shutdown(read: boolean, write: boolean): void {
    if (read) this.#received.discard();
    if (write && !this.#writeShut) {
      this.#writeShut = true;
      this.#socket.end();
    }
  }
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#writeShut = true;
    // Sends what is queued, then closes both directions.
    this.#socket.end(() => this.#socket.destroy());
  }
}
