/**
 * The rest of `wasi_snapshot_preview1`: arguments and environment, clocks,
 * randomness, process control, `poll_oneoff` and the socket calls.
 *
 * @module
 */

import { Errno } from "../host/errno.ts";
import { FileType, Whence } from "../host/fs.ts";
import { ExitError, RuntimeError } from "../errors.ts";
import { ClockId, EventType, SUBSCRIPTION_CLOCK_ABSTIME } from "./constants.ts";
import type { WasiContext } from "./context.ts";
import type { Dialect, Impl } from "./fd_functions.ts";
import type { GuestMemory } from "./guest_memory.ts";

function writeStrings(mem: GuestMemory, list: Uint8Array[], ptrs: number, buf: number): number {
  let at = buf;
  for (let i = 0; i < list.length; i++) {
    mem.setU32(ptrs + i * 4, at);
    mem.setBytes(at, list[i]);
    at += list[i].length;
  }
  return Errno.SUCCESS;
}

function sizes(mem: GuestMemory, list: Uint8Array[], countPtr: number, sizePtr: number): number {
  mem.setU32(countPtr, list.length);
  mem.setU32(sizePtr, list.reduce((n, s) => n + s.length, 0));
  return Errno.SUCCESS;
}

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

/** The remaining functions bound to `ctx`. */
export function miscFunctions(ctx: WasiContext, dialect: Dialect): Record<string, Impl> {
  const now = (id: number): bigint | undefined =>
    id === ClockId.REALTIME
      ? ctx.clock.realtime()
      : id === ClockId.MONOTONIC
      ? ctx.clock.monotonic()
      : undefined;

  const socket = (fd: number): number => {
    const e = ctx.fds.find(fd);
    if (e === undefined) return Errno.EBADF;
    // No descriptor here is ever a socket: hosts cannot pre-open one yet.
    return e.filetype === FileType.SOCKET_STREAM ? Errno.ENOTSUP : Errno.ENOTSOCK;
  };

  return {
    args_get: (mem, argv: number, buf: number) => writeStrings(mem, ctx.args, argv, buf),
    args_sizes_get: (mem, countPtr: number, sizePtr: number) =>
      sizes(mem, ctx.args, countPtr, sizePtr),
    environ_get: (mem, environ: number, buf: number) => writeStrings(mem, ctx.env, environ, buf),
    environ_sizes_get: (mem, countPtr: number, sizePtr: number) =>
      sizes(mem, ctx.env, countPtr, sizePtr),

    clock_res_get(mem, id: number, ptr: number) {
      if (id !== ClockId.REALTIME && id !== ClockId.MONOTONIC) return Errno.EINVAL;
      mem.setU64(ptr, ctx.clock.resolution);
      return Errno.SUCCESS;
    },

    clock_time_get(mem, id: number, _precision: bigint, ptr: number) {
      const t = now(id);
      if (t === undefined) return Errno.EINVAL;
      mem.setU64(ptr, t);
      return Errno.SUCCESS;
    },

    random_get(mem, buf: number, len: number) {
      ctx.random.fill(mem.view(buf, len));
      return Errno.SUCCESS;
    },

    proc_exit(_mem, code: number): never {
      throw new ExitError(code);
    },

    proc_raise: () => Errno.ENOSYS, // Removed from WASI; no signals to raise.

    sched_yield: () => Errno.SUCCESS,

    poll_oneoff(mem, inPtr: number, outPtr: number, nsubs: number, neventsPtr: number) {
      if (nsubs === 0) return Errno.EINVAL;
      const size = dialect.legacy ? 56 : 48;
      const ready: Event[] = [];
      const clocks: Array<{ userdata: bigint; wait: bigint }> = [];
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
      // Ready descriptors answer at once; otherwise sleep until the first clock fires.
      if (ready.length === 0 && clocks.length > 0) {
        const first = clocks.reduce((m, c) => (c.wait < m ? c.wait : m), clocks[0].wait);
        if (first > 0n) sleepWithin(ctx, first);
        for (const c of clocks) {
          if (c.wait <= first) {
            ready.push({ userdata: c.userdata, error: 0, type: EventType.CLOCK, nbytes: 0n });
          }
        }
      }
      mem.u32(neventsPtr);
      for (let i = 0; i < ready.length; i++) {
        const o = outPtr + i * 32;
        mem.setBytes(o, new Uint8Array(32));
        mem.setU64(o, ready[i].userdata);
        mem.setU16(o + 8, ready[i].error);
        mem.setU8(o + 10, ready[i].type);
        mem.setU64(o + 16, ready[i].nbytes);
      }
      mem.setU32(neventsPtr, ready.length);
      return Errno.SUCCESS;
    },

    sock_accept: (_mem, fd: number) => socket(fd),
    sock_recv: (_mem, fd: number) => socket(fd),
    sock_send: (_mem, fd: number) => socket(fd),
    sock_shutdown: (_mem, fd: number) => socket(fd),
  };
}
