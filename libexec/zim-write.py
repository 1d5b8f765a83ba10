#!/usr/bin/env python3
"""Writes a ZIM file (openZIM, read by Kiwix) with libzim, the format's reference library.

Input (stdin), JSON lines: first {"out", "root", "main", "illustration", "language", "metadata": {...}},
then one {"path", "mime", "title", "front"} per file of the copy (path relative to root). Epistola
decides every entry's MIME type (a raw message is text/plain, an attachment a download), so nothing
is left to content sniffing: an e-mail holding HTML must never be served as a page. Kiwix's
full-text index is built from the entries of type text/html. Progress on stderr; exit 0 when written.
"""
import json
import sys
import time

try:
    from libzim.writer import Creator, FileProvider, Hint, Item
except ImportError:
    sys.stderr.write("zim-write: python3-libzim is missing (Debian: apt-get install python3-libzim)\n")
    sys.exit(3)


class FileItem(Item):
    def __init__(self, root: str, entry: dict):
        super().__init__()
        self.root = root
        self.entry = entry

    def get_path(self) -> str:
        return self.entry["path"]

    def get_title(self) -> str:
        return self.entry.get("title") or ""

    def get_mimetype(self) -> str:
        return self.entry["mime"]

    def get_contentprovider(self):
        return FileProvider(f"{self.root}/{self.entry['path']}")

    def get_hints(self):
        return {Hint.FRONT_ARTICLE: bool(self.entry.get("front")), Hint.COMPRESS: self.entry["mime"].startswith(("text/", "application/json", "application/javascript"))}


def main() -> int:
    job = json.loads(sys.stdin.readline())
    started = time.time()
    count = 0
    with Creator(job["out"]).config_indexing(True, job["language"]).config_nbworkers(2) as creator:
        creator.set_mainpath(job["main"])
        with open(f"{job['root']}/{job['illustration']}", "rb") as f:
            creator.add_illustration(48, f.read())
        for name, value in job["metadata"].items():
            creator.add_metadata(name, value)
        for line in sys.stdin:
            creator.add_item(FileItem(job["root"], json.loads(line)))
            count += 1
            if count % 50000 == 0:
                sys.stderr.write(f"{time.time() - started:7.1f}s {count} entries\n")
                sys.stderr.flush()
    sys.stderr.write(f"{time.time() - started:7.1f}s {count} entries written\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
