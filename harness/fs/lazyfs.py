#!/usr/bin/python3
"""A LazyFS-style FUSE passthrough (Jepsen's LazyFS idea) for a node's data directory.

    lazyfs.py BACKING MOUNTPOINT

Metadata (create, mkdir, rename, unlink, truncate to 0 of a new file) goes straight to BACKING.
File data written through MOUNTPOINT stays in this process's memory — a page cache the harness
controls — until the writer fsyncs (fsync or fdatasync) the file; reads see the cached data. Writing
"crash" to MOUNTPOINT/.lazyfs-ctl drops every unsynced byte (what a power loss does to the page cache:
the harness kills the node first, then crashes the cache, then restarts the node on what was synced).
"sync" writes everything back (as the OS would, eventually). Runs in the foreground; unmount with
fusermount -u MOUNTPOINT. Needs Debian's fuse3 (fusermount) and python3-fusepy (libfuse2).
"""

import errno
import os
import sys
import threading

from fusepy import FUSE, FuseOSError, Operations

CTL = "/.lazyfs-ctl"


class LazyFS(Operations):
    def __init__(self, root):
        self.root = os.path.realpath(root)
        self.mu = threading.RLock()
        # path -> bytearray: a file's whole content while it holds unsynced data.
        self.cache = {}
        self.crashes = 0

    def _full(self, path):
        return os.path.join(self.root, path.lstrip("/"))

    # ---- the cache ----

    def _load(self, path):
        """The file's content in memory (read from BACKING the first time)."""
        buf = self.cache.get(path)
        if buf is None:
            try:
                with open(self._full(path), "rb") as f:
                    buf = bytearray(f.read())
            except FileNotFoundError:
                raise FuseOSError(errno.ENOENT)
            self.cache[path] = buf
        return buf

    def _writeback(self, path):
        buf = self.cache.pop(path, None)
        if buf is None:
            return
        fd = os.open(self._full(path), os.O_WRONLY | os.O_CREAT, 0o644)
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, bytes(buf), 0)
            os.fsync(fd)
        finally:
            os.close(fd)

    def control(self, command):
        with self.mu:
            if command == "crash":
                self.cache.clear()
                self.crashes += 1
            elif command == "sync":
                for p in list(self.cache):
                    self._writeback(p)
            else:
                raise FuseOSError(errno.EINVAL)

    # ---- metadata: passthrough ----

    def getattr(self, path, fh=None):
        if path == CTL:
            return {"st_mode": 0o100666, "st_nlink": 1, "st_size": 0, "st_uid": os.getuid(), "st_gid": os.getgid()}
        with self.mu:
            try:
                st = os.lstat(self._full(path))
            except FileNotFoundError:
                raise FuseOSError(errno.ENOENT)
            out = {k: getattr(st, k) for k in ("st_atime", "st_ctime", "st_gid", "st_mode", "st_mtime", "st_nlink", "st_uid")}
            buf = self.cache.get(path)
            out["st_size"] = len(buf) if buf is not None else st.st_size
            return out

    def readdir(self, path, fh):
        return [".", ".."] + os.listdir(self._full(path))

    def access(self, path, mode):
        if path != CTL and not os.access(self._full(path), mode):
            raise FuseOSError(errno.EACCES)

    def chmod(self, path, mode):
        os.chmod(self._full(path), mode)

    def chown(self, path, uid, gid):
        os.chown(self._full(path), uid, gid)

    def mkdir(self, path, mode):
        os.mkdir(self._full(path), mode)

    def rmdir(self, path):
        os.rmdir(self._full(path))

    def statfs(self, path):
        st = os.statvfs(self._full(path))
        return {k: getattr(st, k) for k in ("f_bavail", "f_bfree", "f_blocks", "f_bsize", "f_favail", "f_ffree", "f_files", "f_flag", "f_frsize", "f_namemax")}

    def utimens(self, path, times=None):
        os.utime(self._full(path), times)

    def unlink(self, path):
        with self.mu:
            self.cache.pop(path, None)
            os.unlink(self._full(path))

    def rename(self, old, new):
        with self.mu:
            os.rename(self._full(old), self._full(new))
            self.cache.pop(new, None)
            if old in self.cache:
                self.cache[new] = self.cache.pop(old)

    # ---- data: through the cache ----

    def create(self, path, mode, fi=None):
        with self.mu:
            fd = os.open(self._full(path), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
            os.close(fd)
            self.cache.pop(path, None)
            return 0

    def open(self, path, flags):
        if path == CTL:
            return 0
        with self.mu:
            if not os.path.exists(self._full(path)):
                raise FuseOSError(errno.ENOENT)
            if flags & os.O_TRUNC:
                self._load(path)[:] = b""
            return 0

    def read(self, path, size, offset, fh):
        if path == CTL:
            return b""
        with self.mu:
            buf = self.cache.get(path)
            if buf is not None:
                return bytes(buf[offset : offset + size])
        with open(self._full(path), "rb") as f:
            f.seek(offset)
            return f.read(size)

    def write(self, path, data, offset, fh):
        if path == CTL:
            self.control(data.decode().strip())
            return len(data)
        with self.mu:
            buf = self._load(path)
            end = offset + len(data)
            if len(buf) < offset:
                buf.extend(b"\0" * (offset - len(buf)))
            buf[offset:end] = data
            return len(data)

    def truncate(self, path, length, fh=None):
        if path == CTL:
            return
        with self.mu:
            buf = self._load(path)
            if length < len(buf):
                del buf[length:]
            else:
                buf.extend(b"\0" * (length - len(buf)))

    def fsync(self, path, datasync, fh):
        with self.mu:
            self._writeback(path)
        return 0

    def flush(self, path, fh):
        return 0  # close() does not make data durable

    def release(self, path, fh):
        return 0


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: lazyfs.py BACKING MOUNTPOINT\n")
        sys.exit(2)
    backing, mountpoint = sys.argv[1], sys.argv[2]
    sys.stdout.write("lazyfs: mounting\n")
    sys.stdout.flush()
    FUSE(LazyFS(backing), mountpoint, foreground=True, nothreads=False, direct_io=True)


if __name__ == "__main__":
    main()
