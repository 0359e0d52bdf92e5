/**
 * {@link GuestMemory}: the WASI functions' view of the caller's memory.
 * Every out-of-range access throws `SysError(EFAULT)`, which the function
 * wrapper turns into the errno the guest sees, so a bad pointer never
 * becomes a host exception.
 *
 * @module
 */

import { type Memory, transientView } from "../runtime/memory.ts";
import { Errno, SysError } from "../host/errno.ts";

/** The most iovecs one call may pass (wasi-libc's and Linux's IOV_MAX). */
const IOV_MAX = 1024;
/** The most bytes one read or write moves (Linux's MAX_RW_COUNT; the count must fit a u32). */
const MAX_RW_COUNT = 0x7ffff000;

const fault = (): never => {
  throw new SysError(Errno.EFAULT);
};

/** Checked little-endian access to guest memory. */
export class GuestMemory {
  constructor(readonly memory: Memory) {}

  u8(ptr: number): number {
    return this.memory.readUint8(ptr) ?? fault();
  }
  u16(ptr: number): number {
    return this.memory.readUint16(ptr) ?? fault();
  }
  u32(ptr: number): number {
    return this.memory.readUint32(ptr) ?? fault();
  }
  u64(ptr: number): bigint {
    return this.memory.readUint64(ptr) ?? fault();
  }
  /** A copy of `len` bytes. */
  bytes(ptr: number, len: number): Uint8Array {
    return this.memory.read(ptr, len) ?? fault();
  }
  /** A live view of `len` bytes, for this call only (see `transientView`). */
  view(ptr: number, len: number): Uint8Array {
    return transientView(this.memory, ptr, len) ?? fault();
  }
  /** A UTF-8 path or string argument (EILSEQ-like EINVAL when it is not UTF-8). */
  string(ptr: number, len: number): string {
    const bytes = this.bytes(ptr, len);
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      throw new SysError(Errno.EINVAL, "not UTF-8");
    }
  }

  setU8(ptr: number, v: number): void {
    if (!this.memory.writeUint8(ptr, v)) fault();
  }
  setU16(ptr: number, v: number): void {
    if (!this.memory.writeUint16(ptr, v)) fault();
  }
  setU32(ptr: number, v: number): void {
    if (!this.memory.writeUint32(ptr, v)) fault();
  }
  setU64(ptr: number, v: bigint): void {
    if (!this.memory.writeUint64(ptr, v)) fault();
  }
  setBytes(ptr: number, bytes: Uint8Array): void {
    if (!this.memory.write(ptr, bytes)) fault();
  }

  /**
   * The `(buf, len)` pairs of an iovec array (EINVAL beyond IOV_MAX entries,
   * like Linux), cut so that their total is at most what the memory holds and
   * MAX_RW_COUNT: entries repeating one buffer must not make the host copy
   * without bound, and a short read or write is always allowed.
   */
  iovecs(iovs: number, count: number): Array<[number, number]> {
    if (count > IOV_MAX) throw new SysError(Errno.EINVAL, "too many iovecs");
    const out: Array<[number, number]> = [];
    let room = Math.min(this.memory.size, MAX_RW_COUNT);
    for (let i = 0; i < count; i++) {
      const buf = this.u32(iovs + i * 8), len = this.u32(iovs + i * 8 + 4);
      if (buf + len > this.memory.size) fault();
      out.push([buf, Math.min(len, room)]);
      room -= Math.min(len, room);
    }
    return out;
  }
}
