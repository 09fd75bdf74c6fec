"""Real documents for upload tests: a PDF that parses, images that decode to the last pixel."""

import io

import pypdf
from PIL import Image


def pdf(size: int | None = None) -> bytes:
    """A one-page PDF; with `size`, padded to exactly that many bytes by an attachment."""

    def build(padding: int) -> bytes:
        writer = pypdf.PdfWriter()
        writer.add_blank_page(width=595, height=842)
        if padding:
            writer.add_attachment("padding.bin", b"0" * padding)
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    if size is None:
        return build(0)
    overhead = len(build(size)) - size
    content = build(size - overhead)
    assert len(content) == size
    return content


def image(kind: str) -> bytes:
    """A small picture of a signed page as JPEG or PNG."""
    picture = Image.new("RGB", (40, 60), "white")
    picture.paste((20, 20, 20), (5, 50, 35, 52))  # the signature line
    out = io.BytesIO()
    picture.save(out, kind)
    return out.getvalue()
