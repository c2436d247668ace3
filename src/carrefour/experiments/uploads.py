"""Upload handling: files stream to a temporary file on disk, never whole into memory.

The handler also stops reading a file as soon as it passes `settings.UPLOAD_MAX_BYTES`, so
an oversized upload is refused with a clear message instead of filling the disk.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler


class LimitedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """Write each chunk to a temporary file; stop past the size limit and flag the request."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        limit = int(settings.UPLOAD_MAX_BYTES)
        # The body includes the other fields and multipart boundaries: allow a little slack.
        if content_length and content_length > limit + 64 * 1024:
            self.request.upload_too_large = True
        return None

    def new_file(self, *args, **kwargs):
        self.received = 0
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if getattr(self.request, "upload_too_large", False) or self.received > int(settings.UPLOAD_MAX_BYTES):
            self.request.upload_too_large = True
            raise StopUpload(connection_reset=False)
        return super().receive_data_chunk(raw_data, start)


def use_streaming_upload(request) -> None:
    """Call before touching request.POST/FILES (the view must be csrf_exempt, then csrf_protect)."""
    request.upload_handlers = [LimitedTemporaryFileUploadHandler(request)]
