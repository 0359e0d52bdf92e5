/**
 * The `sock_*` functions of `wasi_snapshot_preview1` on pre-opened host
 * listeners (as wazero's experimental sockets: no bind, connect or listen
 * in preview1), and the socket side of `fd_read`, `fd_write`, `fd_close`
 * and `poll_oneoff`.
 *
 * A call that must wait (a blocking accept or receive) returns a Promise, so
 * the guest runs with `callAsync`; waits end at the call's deadline.
 *
 * @module
 */

import { Errno, SysError } from "../host/errno.ts";
import { FileType } from "../host/fs.ts";
import type { SocketConn } from "../host/socket.ts";
import { RuntimeError } from "../errors.ts";
import { CONN_RIGHTS, FdFlags, Rights } from "./constants.ts";
import { need, type WasiContext } from "./context.ts";
import type { FdEntry } from "./fd_table.ts";
import type { GuestMemory } from "./guest_memory.ts";

const RECV_PEEK = 1, RECV_WAITALL = 2;
const SHUT_RD = 1, SHUT_WR = 2;

/** A number, or a Promise of one when the guest has to wait. */
export type MaybeAsync = number | Promise<number>;

/**
 * Waits for `ready` within the running call's limits: rejects as the engine
 * would interrupt the call when the deadline passes or the signal aborts.
 */
export function waitWithin(ctx: WasiContext, ready: Promise<void>): Promise<void> {
  const { deadline, signal } = ctx.limits;
  if (signal?.aborted) return Promise.reject(new RuntimeError("interrupted: aborted"));
  if (deadline === Infinity && signal === undefined) return ready;
  return new Promise((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () => finish(() => reject(new RuntimeError("interrupted: aborted")));
    const finish = (then: () => void) => {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      then();
    };
    if (deadline !== Infinity) {
      const ms = Math.max(0, deadline - performance.now());
      timer = setTimeout(
        () => finish(() => reject(new RuntimeError("interrupted: deadline exceeded"))),
        ms,
      );
    }
    signal?.addEventListener("abort", onAbort);
    ready.then(() => finish(resolve));
  });
}

/** Receives into the iovecs (see `sock_recv`); `fd_read` on a connection comes here too. */
export function receive(
  ctx: WasiContext,
  mem: GuestMemory,
  e: FdEntry,
  iovs: number,
  count: number,
  peek: boolean,
  done: (n: number) => void,
): MaybeAsync {
  const conn = connOf(e);
  need(e, Rights.FD_READ);
  const attempt = (): MaybeAsync => {
    let total = 0;
    for (const [buf, len] of mem.iovecs(iovs, count)) {
      if (len === 0) continue;
      const n = conn.read(mem.view(buf, len), peek);
      if (n === undefined) break;
      total += n;
      if (n < len || peek) break;
    }
    if (total === 0 && !conn.ready) {
      if (e.fdflags & FdFlags.NONBLOCK) return Errno.EAGAIN;
      return waitWithin(ctx, conn.wait()).then(attempt);
    }
    done(total);
    return Errno.SUCCESS;
  };
  return attempt();
}

/** Sends the iovecs (see `sock_send`); `fd_write` on a connection comes here too. */
export function send(mem: GuestMemory, e: FdEntry, iovs: number, count: number): number {
  const conn = connOf(e);
  need(e, Rights.FD_WRITE);
  let total = 0;
  for (const [buf, len] of mem.iovecs(iovs, count)) {
    if (len > 0) total += conn.write(mem.view(buf, len));
  }
  return total;
}

function connOf(e: FdEntry): SocketConn {
  if (e.conn === undefined) {
    throw new SysError(e.listener !== undefined ? Errno.ENOTCONN : Errno.ENOTSOCK);
  }
  return e.conn;
}

/** True when a FD_READ subscription on a socket is ready (a connection or bytes wait). */
export function socketReady(e: FdEntry): boolean {
  return e.listener?.ready ?? e.conn?.ready ?? false;
}

/** Resolves once one of the sockets is ready. */
export function anySocketReady(entries: FdEntry[]): Promise<void> {
  return Promise.race(entries.map((e) => (e.listener ?? e.conn)!.wait()));
}

/** The `sock_*` functions bound to `ctx`. */
export function sockFunctions(
  ctx: WasiContext,
): Record<string, (mem: GuestMemory, ...params: any[]) => MaybeAsync> {
  const fds = ctx.fds;
  return {
    sock_accept(mem, fd: number, flags: number, fdPtr: number): MaybeAsync {
      const e = fds.get(fd);
      if (e.listener === undefined) return e.conn ? Errno.EINVAL : Errno.ENOTSOCK;
      need(e, Rights.SOCK_ACCEPT);
      if (flags & ~FdFlags.NONBLOCK) return Errno.EINVAL;
      const listener = e.listener;
      mem.u32(fdPtr);
      const attempt = (): MaybeAsync => {
        const conn = listener.accept();
        if (conn === undefined) {
          if (e.fdflags & FdFlags.NONBLOCK) return Errno.EAGAIN;
          return waitWithin(ctx, listener.wait()).then(attempt);
        }
        const newFd = fds.add({
          filetype: FileType.SOCKET_STREAM,
          fdflags: flags & FdFlags.NONBLOCK,
          rightsBase: CONN_RIGHTS & e.rightsInheriting,
          rightsInheriting: 0n,
          conn,
          readable: true,
          writable: true,
        });
        mem.setU32(fdPtr, newFd);
        return Errno.SUCCESS;
      };
      return attempt();
    },

    sock_recv(
      mem,
      fd: number,
      iovs: number,
      count: number,
      riFlags: number,
      nPtr: number,
      roFlagsPtr: number,
    ): MaybeAsync {
      if (riFlags & ~(RECV_PEEK | RECV_WAITALL)) return Errno.EINVAL;
      const e = fds.get(fd);
      mem.u32(nPtr);
      mem.u16(roFlagsPtr);
      return receive(ctx, mem, e, iovs, count, (riFlags & RECV_PEEK) !== 0, (n) => {
        mem.setU32(nPtr, n);
        mem.setU16(roFlagsPtr, 0);
      });
    },

    sock_send(mem, fd: number, iovs: number, count: number, siFlags: number, nPtr: number) {
      if (siFlags !== 0) return Errno.EINVAL;
      const e = fds.get(fd);
      mem.u32(nPtr);
      mem.setU32(nPtr, send(mem, e, iovs, count));
      return Errno.SUCCESS;
    },

    sock_shutdown(_mem, fd: number, how: number) {
      const e = fds.get(fd);
      if (e.conn === undefined) return e.listener ? Errno.ENOTCONN : Errno.ENOTSOCK;
      need(e, Rights.SOCK_SHUTDOWN);
      if (how === 0 || how & ~(SHUT_RD | SHUT_WR)) return Errno.EINVAL;
      e.conn.shutdown((how & SHUT_RD) !== 0, (how & SHUT_WR) !== 0);
      return Errno.SUCCESS;
    },
  };
}
