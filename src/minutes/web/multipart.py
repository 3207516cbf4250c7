"""A multipart upload read as a stream: each file goes straight into its own temporary file.

Starlette's form parser first buffers every file in a ``SpooledTemporaryFile`` (in memory up to
1 MB, then in the system's temporary folder), so an upload would need room in /tmp and a second
copy on disk. Here python-multipart's streaming parser hands each chunk of a file over as it
arrives, and it is written to a file the caller names (a hidden ``.upload-*.part`` file in the
media folder); a file over the size limit stops being written at once. Whatever goes wrong
(a client that disconnects, a body over the limit, a malformed body, a refused CSRF token),
every file written so far is removed before the error goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from minutes.errors import ConfigError, InputError

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks


FIELD_LIMIT = 64 * 1024
"""Largest value of a plain (non-file) field."""


@dataclass(slots=True)
class ReceivedFile:
    """One file of the upload: what the client called it and where its bytes are (``path``).

    ``too_large``: it passed the limit; its bytes were dropped and ``path`` holds nothing.
    """

    filename: str
    path: Path
    size: int = 0
    too_large: bool = False


@dataclass(slots=True)
class ReceivedForm:
    """The plain fields (the last value of each name) and the files, in the order sent."""

    fields: dict[str, str] = field(default_factory=dict)
    files: list[ReceivedFile] = field(default_factory=list)

    def discard(self) -> None:
        """Remove every file still where the parser wrote it (those moved away are gone already)."""
        for received in self.files:
            received.path.unlink(missing_ok=True)


@dataclass(slots=True)
class _Part:
    name: str = ""
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    data: bytearray = field(default_factory=bytearray)
    file: ReceivedFile | None = None
    out: IO[bytes] | None = None
    skip: bool = False  # a file part that is not wanted (another field name, no file chosen)


class _Receiver:
    """The parser's callbacks; file bytes are queued here and written by :meth:`flush`."""

    def __init__(
        self,
        *,
        file_field: str,
        new_path: Callable[[], Path],
        file_limit: int,
        max_files: int,
        max_fields: int,
        before_files: Callable[[Mapping[str, str]], None] | None,
    ) -> None:
        self.form = ReceivedForm()
        self.file_field, self.new_path, self.file_limit = file_field, new_path, file_limit
        self.max_files, self.max_fields = max_files, max_fields
        self.before_files = before_files
        self.part = _Part()
        self.header_name = self.header_value = b""
        self.fields = 0
        self.pending: list[tuple[_Part, bytes]] = []
        self.open: list[IO[bytes]] = []

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self.part_begin,
            "on_part_data": self.part_data,
            "on_part_end": self.part_end,
            "on_header_field": self.header_field,
            "on_header_value": self.header_value_data,
            "on_header_end": self.header_end,
            "on_headers_finished": self.headers_finished,
        }

    def part_begin(self) -> None:
        self.part = _Part()

    # python-multipart bounds the size and number of a part's headers.
    def header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_name += data[start:end]

    def header_value_data(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def header_end(self) -> None:
        self.part.headers.append((self.header_name.lower(), self.header_value))
        self.header_name = self.header_value = b""

    def headers_finished(self) -> None:
        disposition = next((v for k, v in self.part.headers if k == b"content-disposition"), b"")
        _, options = parse_options_header(disposition)
        if b"name" not in options:
            raise InputError('a part of the upload has no name (Content-Disposition: form-data; name="...")')
        self.part.name = _text(options[b"name"])
        if b"filename" not in options:
            self.fields += 1
            if self.fields > self.max_fields:
                raise ConfigError(f"too many form fields; an upload has at most {self.max_fields}")
            return
        filename = _text(options[b"filename"])
        if self.part.name != self.file_field or not filename:
            self.part.skip = True  # not a recording (or the browser's empty "no file chosen" part)
            return
        if len(self.form.files) >= self.max_files:
            raise ConfigError(f"too many files for one upload; send at most {self.max_files}")
        if not self.form.files and self.before_files is not None:
            self.before_files(self.form.fields)
        self.part.file = ReceivedFile(filename=filename, path=self.new_path())
        self.form.files.append(self.part.file)
        self.part.out = self.part.file.path.open("xb")
        self.open.append(self.part.out)

    def part_data(self, data: bytes, start: int, end: int) -> None:
        part, chunk = self.part, data[start:end]
        if part.skip:
            return
        if part.file is None:
            if len(part.data) + len(chunk) > FIELD_LIMIT:
                raise ConfigError(f"the form field {part.name!r} is too long (over {FIELD_LIMIT // 1024} KB)")
            part.data.extend(chunk)
            return
        if part.file.too_large:
            return
        part.file.size += len(chunk)
        if part.file.size > self.file_limit:
            part.file.too_large = True
            self.pending.append((part, b""))  # the writer then empties the file
        else:
            self.pending.append((part, chunk))

    def part_end(self) -> None:
        if self.part.file is None and not self.part.skip:
            self.form.fields[self.part.name] = _text(bytes(self.part.data))

    def flush(self) -> None:
        """Write the queued file bytes (in a worker thread: disks can be slow)."""
        for part, chunk in self.pending:
            assert part.out is not None and part.file is not None
            if part.file.too_large:
                part.out.truncate(0)
            elif chunk:
                part.out.write(chunk)
        self.pending.clear()

    def close(self) -> None:
        for out in self.open:
            with suppress(OSError):
                out.close()
        self.open.clear()


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")


async def receive_form(
    request: Request,
    *,
    file_field: str,
    new_path: Callable[[], Path],
    file_limit: int,
    max_files: int,
    max_fields: int,
    before_files: Callable[[Mapping[str, str]], None] | None = None,
) -> ReceivedForm:
    """Read a ``multipart/form-data`` body: files of ``file_field`` into files at ``new_path()``,
    each cut off past ``file_limit`` bytes (then ``too_large``); other files are dropped.

    ``before_files(fields)`` runs once, with the fields read so far, before the first file is
    written (to refuse the request early). On any error (the client's disconnect too) every file
    written is removed and the error raised.
    """
    _, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data") or not boundary:
        raise ConfigError(
            f"choose at least one recording to upload (field {file_field!r} of a multipart/form-data request)"
        )
    receiver = _Receiver(
        file_field=file_field,
        new_path=new_path,
        file_limit=file_limit,
        max_files=max_files,
        max_fields=max_fields,
        before_files=before_files,
    )
    parser = MultipartParser(boundary, receiver.callbacks())
    try:
        try:
            async for chunk in request.stream():
                parser.write(chunk)
                if receiver.pending:
                    await run_in_threadpool(receiver.flush)
            parser.finalize()
        except FormParserError as exc:
            raise InputError(f"the upload is not a well-formed multipart/form-data body ({exc})") from None
        finally:
            receiver.close()
    except BaseException:
        receiver.form.discard()
        raise
    return receiver.form
