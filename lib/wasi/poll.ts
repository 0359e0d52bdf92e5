/**
 * `poll_oneoff`: clock subscriptions sleep; stdio, files and sockets report
 * readiness. Sleeps end at the running call's deadline (see
 * `WasiContext.limits`); a wait on sockets returns a Promise (the guest runs
 * with `callAsync` then).
 *
 * @module
 */

import { Errno } from "../host/errno.ts";
import { FileType, Whence } from "../host/fs.ts";
import { RuntimeError } from "../errors.ts";
import { EventType, SUBSCRIPTION_CLOCK_ABSTIME } from "./constants.ts";
import type { WasiContext } from "./context.ts";
import type { Dialect } from "./fd_functions.ts";
import type { FdEntry } from "./fd_table.ts";
import type { GuestMemory } from "./guest_memory.ts";
import { anySocketReady, type MaybeAsync, socketReady, waitWithin } from "./sock_functions.ts";

interface Event {
  userdata: bigint;
  error: number;
  type: number;
  nbytes: bigint;
}

/**
 * Sleeps `ns`, but not past the running call's deadline or once its signal
 * is aborted: then the call stops as the engine stops it.
 */
function sleepWithin(ctx: WasiContext, ns: bigint): void {
  const { deadline, signal } = ctx.limits;
  if (signal?.aborted) throw new RuntimeError("interrupted: aborted");
  if (deadline === Infinity) return ctx.clock.sleep(ns);
  const left = BigInt(Math.max(0, Math.ceil((deadline - performance.now()) * 1e6)));
  if (ns < left) return ctx.clock.sleep(ns);
  ctx.clock.sleep(left);
  // A fake clock sleeps without waiting: only real time past the deadline stops the call.
  if (performance.now() >= deadline) throw new RuntimeError("interrupted: deadline exceeded");
  ctx.clock.sleep(ns - left);
}

/** A timer as a Promise, and a way to drop it. */
function delay(ms: number): { promise: Promise<void>; cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, ms));
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

/** `poll_oneoff` bound to `ctx`. */
export function pollOneoff(ctx: WasiContext, dialect: Dialect) {
  const now = (id: number) => ctx.clockNow(id);

  return (mem: GuestMemory, inPtr: number, outPtr: number, nsubs: number, nPtr: number) => {
    if (nsubs === 0) return Errno.EINVAL;
    const size = dialect.legacy ? 56 : 48;
    const ready: Event[] = [];
    const clocks: Array<{ userdata: bigint; wait: bigint }> = [];
    const sockets: Array<{ userdata: bigint; entry: FdEntry }> = [];
    for (let i = 0; i < nsubs; i++) {
      const s = inPtr + i * size;
      const userdata = mem.u64(s);
      const type = mem.u8(s + 8);
      if (type === EventType.CLOCK) {
        const id = mem.u32(dialect.legacy ? s + 24 : s + 16);
        const timeout = mem.u64(dialect.legacy ? s + 32 : s + 24);
        const flags = mem.u16(dialect.legacy ? s + 48 : s + 40);
        const t = now(id);
        if (t === undefined) {
          ready.push({ userdata, error: Errno.EINVAL, type, nbytes: 0n });
          continue;
        }
        const wait = flags & SUBSCRIPTION_CLOCK_ABSTIME ? timeout - t : timeout;
        clocks.push({ userdata, wait: wait < 0n ? 0n : wait });
      } else if (type === EventType.FD_READ || type === EventType.FD_WRITE) {
        const e = ctx.fds.find(mem.u32(s + 16));
        if (e === undefined) {
          ready.push({ userdata, error: Errno.EBADF, type, nbytes: 0n });
        } else if (e.listener !== undefined || e.conn !== undefined) {
          if (type === EventType.FD_WRITE && e.conn !== undefined) {
            ready.push({ userdata, error: 0, type, nbytes: 0n });
          } else if (type === EventType.FD_WRITE) {
            ready.push({ userdata, error: Errno.ENOTCONN, type, nbytes: 0n });
          } else if (socketReady(e)) {
            ready.push({ userdata, error: 0, type, nbytes: 1n });
          } else sockets.push({ userdata, entry: e });
        } else if (type === EventType.FD_READ && e.input !== undefined) {
          if (e.input.ready?.() ?? true) ready.push({ userdata, error: 0, type, nbytes: 1n });
        } else if (type === EventType.FD_READ && e.handle !== undefined) {
          if (e.filetype === FileType.DIRECTORY) {
            ready.push({ userdata, error: Errno.EISDIR, type, nbytes: 0n });
            continue;
          }
          const size = e.handle.stat().size;
          const pos = e.handle.seek(0n, Whence.CUR);
          ready.push({ userdata, error: 0, type, nbytes: size > pos ? size - pos : 0n });
        } else if (type === EventType.FD_WRITE && (e.output !== undefined || e.writable)) {
          ready.push({ userdata, error: 0, type, nbytes: 0n });
        } else {
          ready.push({ userdata, error: Errno.EBADF, type, nbytes: 0n });
        }
      } else {
        return Errno.EINVAL;
      }
    }
    mem.u32(nPtr);
    const first = clocks.length === 0
      ? undefined
      : clocks.reduce((m, c) => (c.wait < m ? c.wait : m), clocks[0].wait);
    const fireClocks = () => {
      for (const c of clocks) {
        if (c.wait <= first!) {
          ready.push({ userdata: c.userdata, error: 0, type: EventType.CLOCK, nbytes: 0n });
        }
      }
    };
    const finish = (): number => {
      for (let i = 0; i < ready.length; i++) {
        const o = outPtr + i * 32;
        mem.setBytes(o, new Uint8Array(32));
        mem.setU64(o, ready[i].userdata);
        mem.setU16(o + 8, ready[i].error);
        mem.setU8(o + 10, ready[i].type);
        mem.setU64(o + 16, ready[i].nbytes);
      }
      mem.setU32(nPtr, ready.length);
      return Errno.SUCCESS;
    };
    if (ready.length > 0) return finish();
    if (sockets.length === 0) {
      // Nothing ready: sleep until the first clock fires.
      if (first !== undefined) {
        if (first > 0n) sleepWithin(ctx, first);
        fireClocks();
      }
      return finish();
    }
    return waitForSockets(ctx, sockets, first, ready, fireClocks, finish);
  };
}

/** Waits (asynchronously) for a socket to become ready or the first clock to fire. */
function waitForSockets(
  ctx: WasiContext,
  sockets: Array<{ userdata: bigint; entry: FdEntry }>,
  first: bigint | undefined,
  ready: Event[],
  fireClocks: () => void,
  finish: () => number,
): MaybeAsync {
  const until = first === undefined ? Infinity : performance.now() + Number(first) / 1e6;
  const round = async (): Promise<number> => {
    const timer = until === Infinity ? undefined : delay(until - performance.now());
    const waits = [anySocketReady(sockets.map((s) => s.entry))];
    if (timer !== undefined) waits.push(timer.promise);
    try {
      await waitWithin(ctx, Promise.race(waits));
    } finally {
      timer?.cancel();
    }
    for (const s of sockets) {
      if (socketReady(s.entry)) {
        ready.push({ userdata: s.userdata, error: 0, type: EventType.FD_READ, nbytes: 1n });
      }
    }
    if (ready.length === 0 && performance.now() >= until) fireClocks();
    return ready.length > 0 ? finish() : round();
  };
  return round();
}
