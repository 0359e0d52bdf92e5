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
  // The directory's own path is walked too: a descriptor holds its directory by
  // path, and the guest may since have replaced a component with a symlink.
  const stack: string[] = [];
  const queue = dirPath === ""
    ? guestPath.split("/")
    : [...dirPath.split("/"), ...guestPath.split("/")];
  const lastPart = guestPath.slice(guestPath.lastIndexOf("/") + 1);
  const mustBeDir = lastPart === "" || lastPart === "." || lastPart === "..";
  let links = 0;
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (name === "" || name === ".") continue;
    if (name === "..") {
      if (stack.length === 0) throw new SysError(Errno.ENOTCAPABLE, guestPath);
      stack.pop();
      continue;
    }
    const last = !queue.some((p) => p !== "" && p !== ".");
    const candidate = stack.length === 0 ? name : `${stack.join("/")}/${name}`;
    if (!last || follow || mustBeDir) {
      let filetype: number;
      try {
        filetype = mount.fs.stat(candidate).filetype;
      } catch (e) {
        if (e instanceof SysError && e.errno === Errno.ENOENT && last) {
          stack.push(name);
          break;
        }
        throw e;
      }
      if (filetype === FileType.SYMBOLIC_LINK) {
        if (++links > MAX_LINKS) throw new SysError(Errno.ELOOP, guestPath);
        const target = mount.fs.readlink(candidate);
        if (target.startsWith("/") || target === "") {
          throw new SysError(Errno.ENOTCAPABLE, `${guestPath} -> ${target}`);
        }
        if (target.length > MAX_PATH) throw new SysError(Errno.ENAMETOOLONG, guestPath);
        queue.unshift(...target.split("/"));
        // A link to a directory named with a trailing slash keeps that meaning.
        continue;
      }
      if (!last && filetype !== FileType.DIRECTORY) throw new SysError(Errno.ENOTDIR, guestPath);
    }
    stack.push(name);
  }
  return { path: stack.join("/"), mustBeDir };
}
