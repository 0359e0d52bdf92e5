/**
 * The rest of `wasi_snapshot_preview1`: arguments and environment, clocks,
 * randomness and process control (`poll_oneoff` is in `poll.ts`, the socket
 * calls in `sock_functions.ts`).
 *
 * @module
 */

import { Errno } from "../host/errno.ts";
import { ExitError } from "../errors.ts";
import { ClockId } from "./constants.ts";
import type { WasiContext } from "./context.ts";
import type { Impl } from "./fd_functions.ts";
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

/** The remaining functions bound to `ctx`. */
export function miscFunctions(ctx: WasiContext): Record<string, Impl> {
  const now = (id: number) => ctx.clockNow(id);

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
  };
}
