"""QR codes for the survey links, as inline SVG: no image files, nothing for the CSP to block,
and sharp when printed."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import qrcode
import qrcode.image.svg
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


def qr_svg(url: str, *, size: str = "60mm") -> SafeString:
    """An <svg> element drawing `url` as a QR code, `size` wide and high (any CSS length).

    Screen readers get the URL itself as the image's text: the QR code says nothing else.
    """
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage)
    svg = image.get_image()
    svg.set("width", size)
    svg.set("height", size)
    svg.set("role", "img")
    svg.set("aria-label", _("QR code for %(url)s") % {"url": url})
    svg.set("class", "qr-code")
    # The library names its path "qr-path"; several codes on one page would repeat the id.
    for path in svg.iter():
        path.attrib.pop("id", None)
    title = ET.Element("title")
    title.text = url
    svg.insert(0, title)
    # A white ground: the quiet zone around the code must be light on any page colour.
    svg.insert(1, ET.Element("rect", width="100%", height="100%", fill="#ffffff"))
    # ElementTree escapes the URL in the title and the label; the markup is ours alone.
    return mark_safe(ET.tostring(svg, encoding="unicode"))  # noqa: S308
