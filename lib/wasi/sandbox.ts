/**
 * Sandboxed path resolution. Every guest path is resolved here, component
 * by component, before any adapter sees it: `..` may not climb above the
 * mount's root, absolute paths are refused, and symbolic links are expanded
 * by us (not the host) so that a link cannot lead outside either. Adapters
 * therefore only ever receive symlink-free paths inside their root.
 *
 * This is the security boundary of the WASI implementation.
 *
 * @module
 */

import { Errno, SysError } from "../host/errno.ts";
import { FileType } from "../host/fs.ts";
import type { Mount } from "./fd_table.ts";

/** The most symlinks one resolution may expand (Linux's MAXSYMLINKS). */
const MAX_LINKS = 40;
/** Longest path (or symlink target) accepted, like PATH_MAX. */
export const MAX_PATH = 4096;

/** The outcome of {@link resolvePath}. */
export interface Resolved {
  /** The adapter path (components joined by `/`, `""` for the root). */
  path: string;
  /** The path ended in `/`: the target must be a directory. */
  mustBeDir: boolean;
}

/**
 * Resolves `guestPath` relative to the directory `dirPath` of `mount`.
 *
 * A descriptor is a capability for its directory and what lies below it:
 * neither `..` nor a symlink met on the way may take the resolution above
 * `dirPath` (as with Linux's `RESOLVE_BENEATH`), even when the place it would
 * reach is still inside the mount.
 *
 * @param follow expand a final symlink too (`LOOKUP_SYMLINK_FOLLOW`).
 * @throws {SysError} ENOTCAPABLE for escapes and absolute paths, ENOENT /
 * ENOTDIR for missing or non-directory intermediate components, ELOOP for
 * link cycles, EINVAL for NUL bytes.
 */
export function resolvePath(
  mount: Mount,
  dirPath: string,
  guestPath: string,
  follow: boolean,
): Resolved {
  if (guestPath === "") throw new SysError(Errno.ENOENT);
  if (guestPath.length > MAX_PATH) throw new SysError(Errno.ENAMETOOLONG);
  if (guestPath.includes("\0")) throw new SysError(Errno.EINVAL);
  if (guestPath.startsWith("/")) throw new SysError(Errno.ENOTCAPABLE, guestPath);
  const walk = { mount, guestPath, stack: [] as string[], floor: 0, links: 0 };
  // The directory's own path is walked first: a descriptor holds its directory
  // by path, and the guest may since have replaced a component with a symlink
  // (followed if it stays inside the mount). Where it ends is the floor.
  if (dirPath !== "") {
    step(walk, dirPath.split("/"), true, false, true);
    walk.floor = walk.stack.length;
  }
  const lastPart = guestPath.slice(guestPath.lastIndexOf("/") + 1);
  const mustBeDir = lastPart === "" || lastPart === "." || lastPart === "..";
  step(walk, guestPath.split("/"), follow, mustBeDir);
  return { path: walk.stack.join("/"), mustBeDir };
}

interface Walk {
  mount: Mount;
  guestPath: string;
  /** Resolved components so far. */
  stack: string[];
  /** `..` may not pop below this many components. */
  floor: number;
  links: number;
}

/**
 * Resolves `parts` onto `w.stack`. With `intermediate`, every component
 * must exist and be a directory (the walk continues after them).
 */
function step(w: Walk, parts: string[], follow: boolean, mustBeDir: boolean, intermediate = false) {
  const queue = [...parts];
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (name === "" || name === ".") continue;
    if (name === "..") {
      if (w.stack.length <= w.floor) throw new SysError(Errno.ENOTCAPABLE, w.guestPath);
      w.stack.pop();
      continue;
    }
    const last = !intermediate && !queue.some((p) => p !== "" && p !== ".");
    const candidate = w.stack.length === 0 ? name : `${w.stack.join("/")}/${name}`;
    if (!last || follow || mustBeDir) {
      let filetype: number;
      try {
        filetype = w.mount.fs.stat(candidate).filetype;
      } catch (e) {
        if (e instanceof SysError && e.errno === Errno.ENOENT && last) {
          w.stack.push(name);
          break;
        }
        throw e;
      }
      if (filetype === FileType.SYMBOLIC_LINK) {
        if (++w.links > MAX_LINKS) throw new SysError(Errno.ELOOP, w.guestPath);
        const target = w.mount.fs.readlink(candidate);
        if (target.startsWith("/") || target === "") {
          throw new SysError(Errno.ENOTCAPABLE, `${w.guestPath} -> ${target}`);
        }
        if (target.length > MAX_PATH) throw new SysError(Errno.ENAMETOOLONG, w.guestPath);
        queue.unshift(...target.split("/"));
        // A link to a directory named with a trailing slash keeps that meaning.
        continue;
      }
      if (!last && filetype !== FileType.DIRECTORY) throw new SysError(Errno.ENOTDIR, w.guestPath);
    }
    w.stack.push(name);
  }
}
