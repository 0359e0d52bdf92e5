/**
 * Host sockets for WASI's `sock_*` calls: a listening TCP socket the host
 * pre-opens for the guest, and the connections it accepts.
 *
 * Host socket APIs (Deno's, `node:net`) are asynchronous while WASI calls
 * are synchronous, so adapters keep what arrives in buffers that the WASI
 * layer reads without waiting; when the guest must wait (a blocking accept or
 * recv, a `poll_oneoff`), the WASI layer awaits {@link SocketListener.wait} or
 * {@link SocketConn.wait} — which is why a guest using sockets runs with
 * `callAsync` (`runWasi` does so whenever listeners are configured).
 *
 * @module
 */

/** A listening TCP socket. */
export interface SocketListener {
  /** The address it listens on (the port the host chose when asked for port 0). */
  readonly hostname: string;
  /** The port it listens on. */
  readonly port: number;
  /** A connection that has arrived, or `undefined` when none is waiting (never blocks). */
  accept(): SocketConn | undefined;
  /** True when {@link accept} would return a connection. */
  readonly ready: boolean;
  /** Resolves once {@link ready} (or the listener failed). */
  wait(): Promise<void>;
  /** Stops listening. */
  close(): void;
}

/** An accepted TCP connection. */
export interface SocketConn {
  /**
   * Copies received bytes into `buf` (leaving them for the next read with
   * `peek`): the count, 0 at end of stream, `undefined` when nothing has
   * arrived yet (a read would block).
   */
  read(buf: Uint8Array, peek: boolean): number | undefined;
  /** True when {@link read} would not return `undefined`. */
  readonly ready: boolean;
  /** Resolves once {@link ready}. */
  wait(): Promise<void>;
  /** Sends `buf` (queued in order; never blocks); returns its length. Throws EPIPE once shut. */
  write(buf: Uint8Array): number;
  /** Shuts down receiving and/or sending. */
  shutdown(read: boolean, write: boolean): void;
  /** Closes the connection once queued bytes are sent. */
  close(): void;
}

/**
 * How many received bytes a connection holds for the guest before the
 * adapter stops reading from the peer (which then waits, as TCP makes it):
 * a fast or hostile peer cannot fill the host's memory.
 */
export const RECEIVE_HIGH_WATER = 1 << 20;

/** Received bytes waiting for the guest, and whoever waits for them. */
export class ReceiveBuffer {
  #chunks: Uint8Array[] = [];
  #size = 0;
  #ended = false;
  #waiters: Array<() => void> = [];
  #drainWaiters: Array<() => void> = [];

  /** Bytes arrived. */
  push(chunk: Uint8Array): void {
    if (this.#ended || chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#size += chunk.length;
    this.#wake();
  }

  /** True when the adapter should stop reading until {@link drained}. */
  get full(): boolean {
    return this.#size >= RECEIVE_HIGH_WATER;
  }

  /** Resolves once the guest has read the buffer below the high-water mark (or it ended). */
  drained(): Promise<void> {
    if (!this.full || this.#ended) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  /** The stream ended (or failed): what arrived before stays readable. */
  end(): void {
    this.#ended = true;
    this.#wake();
    this.#drain();
  }

  /** Receiving was shut down: what is buffered is dropped, reads see the end. */
  discard(): void {
    this.#chunks = [];
    this.#size = 0;
    this.end();
  }

  /** True when a read would not block. */
  get ready(): boolean {
    return this.#ended || this.#chunks.length > 0;
  }

  /** See {@link SocketConn.read}. */
  read(buf: Uint8Array, peek: boolean): number | undefined {
    if (this.#chunks.length === 0) return this.#ended ? 0 : undefined;
    let n = 0, i = 0;
    while (n < buf.length && i < this.#chunks.length) {
      const c = this.#chunks[i];
      const take = Math.min(c.length, buf.length - n);
      buf.set(c.subarray(0, take), n);
      n += take;
      if (!peek) {
        if (take === c.length) this.#chunks.shift();
        else this.#chunks[0] = c.subarray(take);
      } else i++;
    }
    if (!peek) {
      this.#size -= n;
      if (!this.full) this.#drain();
    }
    return n;
  }

  #drain(): void {
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const w of waiters) w();
  }

  /** Resolves once {@link ready}. */
  wait(): Promise<void> {
    if (this.ready) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}

/** Accepted connections waiting for the guest. */
export class AcceptQueue {
  #conns: SocketConn[] = [];
  #failed = false;
  #waiters: Array<() => void> = [];

  /** A connection arrived. */
  push(conn: SocketConn): void {
    this.#conns.push(conn);
    this.#wake();
  }

  /** The listener stopped: waiters are released (accept then finds nothing). */
  fail(): void {
    this.#failed = true;
    this.#wake();
  }

  /** True when a connection is waiting. */
  get ready(): boolean {
    return this.#conns.length > 0;
  }

  /** The oldest waiting connection. */
  shift(): SocketConn | undefined {
    return this.#conns.shift();
  }

  /** Resolves once a connection waits (or the listener failed). */
  wait(): Promise<void> {
    if (this.ready || this.#failed) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Closes connections nobody accepted. */
  closeAll(): void {
    for (const c of this.#conns.splice(0)) c.close();
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}

/**
 * The {@link SocketListener} of a host listener bound at `hostname:port`,
 * whose accepted connections go to `queue`; `closeHost` closes the host's
 * listener (once).
 */
export function queuedListener(
  hostname: string,
  port: number,
  queue: AcceptQueue,
  closeHost: () => void,
): SocketListener {
  let closed = false;
  return {
    hostname,
    port,
    accept: () => queue.shift(),
    get ready() {
      return queue.ready;
    },
    wait: () => queue.wait(),
    close() {
      if (closed) return;
      closed = true;
      queue.closeAll();
      closeHost();
    },
  };
}

/** Splits `host:port` (`[::1]:80` for IPv6); the host defaults to 127.0.0.1. */
export function parseHostPort(spec: string): { hostname: string; port: number } {
  const colon = spec.lastIndexOf(":");
  const host = colon === -1 ? "" : spec.slice(0, colon);
  const portText = colon === -1 ? spec : spec.slice(colon + 1);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) {
    throw new TypeError(`invalid listen address "${spec}": expected host:port`);
  }
  const hostname = host === "" ? "127.0.0.1" : host.replace(/^\[(.*)\]$/, "$1");
  return { hostname, port };
}
