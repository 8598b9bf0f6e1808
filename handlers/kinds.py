"""Which `Kind` a file is, from its MIME type and extension — the same answer on every platform."""

from __future__ import annotations

from handlers.query import Kind

_EXTENSIONS: dict[Kind, frozenset[str]] = {
    Kind.PDFS: frozenset({"pdf"}),
    Kind.DOCS: frozenset({"doc", "docx", "odt", "rtf", "gdoc", "gdocs", "pages", "md"}),
    Kind.SPREADSHEETS: frozenset({"xls", "xlsx", "ods", "csv", "tsv", "gsheet", "numbers"}),
    Kind.PRESENTATIONS: frozenset({"ppt", "pptx", "odp", "key", "gslides"}),
    Kind.ZIPS: frozenset({"zip", "gz", "tgz", "tar", "7z", "rar", "bz2", "xz"}),
    Kind.SNIPPETS: frozenset({"python", "javascript", "shell", "json", "yaml", "sql", "diff", "post", "space"}),
}
_MIME_PREFIXES: dict[str, Kind] = {"image/": Kind.IMAGES, "video/": Kind.VIDEO, "audio/": Kind.AUDIO}
_MIMES: dict[str, Kind] = {
    "application/pdf": Kind.PDFS,
    "application/zip": Kind.ZIPS,
    "application/x-zip-compressed": Kind.ZIPS,
    "application/gzip": Kind.ZIPS,
    "application/x-tar": Kind.ZIPS,
    "application/msword": Kind.DOCS,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": Kind.DOCS,
    "application/vnd.ms-excel": Kind.SPREADSHEETS,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": Kind.SPREADSHEETS,
    "text/csv": Kind.SPREADSHEETS,
    "application/vnd.ms-powerpoint": Kind.PRESENTATIONS,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": Kind.PRESENTATIONS,
}


def classify(mimetype: str | None, extension: str | None) -> Kind | None:
    """The kind of a file, or None when it is none of the kinds users filter by."""
    mime = (mimetype or "").lower().split(";", 1)[0].strip()
    ext = (extension or "").lower().lstrip(".")
    if mime in _MIMES:
        return _MIMES[mime]
    for prefix, kind in _MIME_PREFIXES.items():
        if mime.startswith(prefix):
            return kind
    for kind, extensions in _EXTENSIONS.items():
        if ext in extensions:
            return kind
    if mime.startswith("text/"):
        return Kind.TEXT
    return None
