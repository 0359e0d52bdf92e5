/**
 * Standard streams for a guest: byte sources and sinks, plus helpers to
 * build them from bytes, strings and callbacks.
 *
 * @module
 */

import { Errno, SysError } from "./errno.ts";
import type { NodeFs } from "./node_fs_types.ts";

/** A source of bytes (a guest's stdin). */
export interface InputStream {
  /** Reads up to `buf.length` bytes; returns 0 at end of input. Blocks if it must. */
  read(buf: Uint8Array): number;
  /** True when a reader would not block (used by `poll_oneoff`); assumed true if absent. */
  ready?(): boolean;
  /** True for an interactive terminal. */
  isTerminal?(): boolean;
}

/** A sink for bytes (a guest's stdout or stderr). */
export interface OutputStream {
  /** Writes all of `buf` (or throws); returns the count written. */
  write(buf: Uint8Array): number;
  /** True for an interactive terminal. */
  isTerminal?(): boolean;
}

const encoder = new TextEncoder();

/** An input that yields `data` and then end-of-file. */
export function bytesInput(data: Uint8Array | string): InputStream {
  const bytes = typeof data === "string" ? encoder.encode(data) : data.slice();
  let at = 0;
  return {
    read(buf) {
      const n = Math.min(buf.length, bytes.length - at);
      buf.set(bytes.subarray(at, at + n));
      at += n;
      return n;
    },
  };
}

/** An input that is always at end-of-file (the library default for stdin). */
export function emptyInput(): InputStream {
  return { read: () => 0 };
}

/** An output that drops everything (the library default for stdout and stderr). */
export function discardOutput(): OutputStream {
  return { write: (buf) => buf.length };
}

/** An output that hands every write to `callback` (a copy the callback may keep). */
export function callbackOutput(callback: (bytes: Uint8Array) => void): OutputStream {
  return {
    write(buf) {
      callback(buf.slice());
      return buf.length;
    },
  };
}

/**
 * An output that keeps everything written, for tests and embedding.
 *
 * @example
 * ```ts
 * const out = new CollectedOutput();
 * // ... run a guest with { stdout: out } ...
 * out.text(); // "hello world\n"
 * ```
 */
export class CollectedOutput implements OutputStream {
  #chunks: Uint8Array[] = [];
  #length = 0;

  /** Appends a copy of `buf`. */
  write(buf: Uint8Array): number {
    this.#chunks.push(buf.slice());
    this.#length += buf.length;
    return buf.length;
  }

  /** Everything written so far. */
  bytes(): Uint8Array {
    const out = new Uint8Array(this.#length);
    let at = 0;
    for (const c of this.#chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  /** Everything written so far, decoded as UTF-8. */
  text(): string {
    return new TextDecoder().decode(this.bytes());
  }
}

/** The host process's stdin, stdout and stderr. */
export interface HostStdio {
  /** The process's standard input. */
  stdin: InputStream;
  /** The process's standard output. */
  stdout: OutputStream;
  /** The process's standard error. */
  stderr: OutputStream;
}

/** The host's standard streams through `Deno.stdin`/`stdout`/`stderr`. */
export function denoStdio(): HostStdio {
  const out = (s: typeof Deno.stdout): OutputStream => ({
    write(buf) {
      let done = 0;
      while (done < buf.length) done += s.writeSync(buf.subarray(done));
      return done;
    },
    isTerminal: () => s.isTerminal(),
  });
  return {
    stdin: {
      read: (buf) => Deno.stdin.readSync(buf) ?? 0,
      isTerminal: () => Deno.stdin.isTerminal(),
    },
    stdout: out(Deno.stdout),
    stderr: out(Deno.stderr),
  };
}

/** The host's standard streams through `node:fs` on fds 0, 1 and 2 (Node and Bun). */
export function nodeStdio(
  fs: Pick<NodeFs, "readSync" | "writeSync">,
  isatty?: (fd: number) => boolean,
): HostStdio {
  const wait = new Int32Array(new SharedArrayBuffer(4));
  // A non-blocking pipe or terminal reports EAGAIN; the guest expects a blocking read.
  const retrying = <T>(f: () => T): T => {
    for (;;) {
      try {
        return f();
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === "EAGAIN") Atomics.wait(wait, 0, 0, 5);
        else if (code === "EOF") return 0 as T;
        else throw new SysError(code === "EPIPE" ? Errno.EPIPE : Errno.EIO, String(e));
      }
    }
  };
  const out = (fd: number): OutputStream => ({
    write(buf) {
      let done = 0;
      while (done < buf.length) {
        done += retrying(() => fs.writeSync(fd, buf, done, buf.length - done));
      }
      return done;
    },
    isTerminal: () => isatty?.(fd) ?? false,
  });
  return {
    stdin: {
      read: (buf) => retrying(() => fs.readSync(0, buf, 0, buf.length, null)),
      isTerminal: () => isatty?.(0) ?? false,
    },
    stdout: out(1),
    stderr: out(2),
  };
}
