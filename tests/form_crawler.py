"""What tests/test_every_form.py needs to use the app as a browser would: the links and POST
forms of a page, what a browser would send for a form, and variants of that with bad input.

Nothing here knows a particular form: forms are found on the pages, so one added later is
covered without editing the test.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.core.files.uploadedfile import SimpleUploadedFile

from fokus.numbers import parse_int
from tests.referrals import documents

TEXT_TYPES = {"text", "search", "email", "tel", "url", "password", ""}
DATE_TYPES = {"date", "datetime-local", "month", "time"}
NOT_SENT = {"submit", "button", "reset", "image"}


@dataclass
class Field:
    name: str
    tag: str  # input, select, textarea
    type: str = "text"  # the input's type; "select" / "textarea" for those
    value: str = ""
    checked: bool = False  # checkbox/radio
    required: bool = False
    maxlength: int | None = None
    min: str | None = None
    options: list[tuple[str, bool]] = field(default_factory=list)  # select: (value, selected)
    multiple: bool = False
    accept: str = ""  # file inputs: the kinds of file the form takes

    @property
    def visible(self) -> bool:
        return self.type != "hidden"


@dataclass
class Form:
    action: str  # absolute path, query included
    fields: list[Field]
    enctype: str = ""
    submit: tuple[str, str] | None = None  # the first named submit button, as a click sends it

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(sorted({f.name for f in self.fields}))


class _PageParser(HTMLParser):
    def __init__(self, base: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base = base
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: Field | None = None
        self._option: list | None = None  # [value or None, selected, text]
        self._textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "a" and "href" in a:
            self.links.append(urljoin(self.base, a["href"]))
        elif tag == "form":
            if a.get("method", "get").lower() == "post":
                action = urljoin(self.base, a.get("action") or self.base)
                self._form = Form(action=action, fields=[], enctype=a.get("enctype", ""))
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind in NOT_SENT:
                self._submit_button(a)
                return
            self._form.fields.append(
                Field(
                    name=a["name"],
                    tag="input",
                    type=kind,
                    value=a.get("value", "on" if kind in ("checkbox", "radio") else ""),
                    checked="checked" in a,
                    required="required" in a,
                    maxlength=parse_int(a.get("maxlength")),
                    min=a.get("min"),
                    accept=a.get("accept", ""),
                )
            )
        elif tag == "button" and a.get("name") and a.get("type", "submit") == "submit":
            self._submit_button(a)
        elif tag == "select" and a.get("name"):
            self._select = Field(
                name=a["name"],
                tag="select",
                type="select",
                required="required" in a,
                multiple="multiple" in a,
            )
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), "selected" in a, ""]
        elif tag == "textarea" and a.get("name"):
            self._textarea = Field(
                name=a["name"],
                tag="textarea",
                type="textarea",
                required="required" in a,
                maxlength=parse_int(a.get("maxlength")),
            )
            self._form.fields.append(self._textarea)

    def _submit_button(self, a: dict) -> None:
        """A click sends the first named submit button's name and value."""
        if self._form.submit is None:
            self._form.submit = (a["name"], a.get("value", ""))

    def handle_data(self, data):
        if self._option is not None:
            self._option[2] += data
        elif self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None and self._select is not None:
            value, selected, text = self._option
            self._select.options.append((text.strip() if value is None else value, selected))
            self._option = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._textarea.value = self._textarea.value.removeprefix("\n")
            self._textarea = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def parse_page(url: str, html: str) -> tuple[list[str], list[Form]]:
    """(internal links as paths with their query, POST forms) of one page."""
    parser = _PageParser(url)
    parser.feed(html)
    links = []
    for link in parser.links:
        parts = urlsplit(link)
        if parts.scheme in ("http", "https", "") and parts.netloc in ("", "testserver"):
            links.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    for form in parser.forms:
        parts = urlsplit(form.action)
        form.action = parts.path + (f"?{parts.query}" if parts.query else "")
    return links, parser.forms


# --- What a browser sends -------------------------------------------------------------------

FIRST_BOX = object()  # a `fill` value: tick the first checkbox of the group


def days_from_today(days: int):
    """A `fill` value: the day `days` after the form's today, as a date field wants it."""
    return lambda today: (today + timedelta(days=days)).isoformat()


def browser_data(form: Form, *, today: str, fill: dict[str, str] | None = None) -> dict:
    """What the browser sends when the user fills in every field and clicks the first button:
    the page's own values, each blank given a plausible value of its type (the first choice of
    a list), `fill` on top. Checkboxes stay as the page has them."""
    fill = {
        name: value(date.fromisoformat(today)) if callable(value) else value
        for name, value in (fill or {}).items()
    }
    data: dict[str, object] = {}
    radios_done: set[str] = set()
    for f in form.fields:
        if fill.get(f.name) is FIRST_BOX:
            if f.type == "checkbox" and f.name not in data:
                data[f.name] = [f.value]
        elif f.name in fill:
            data[f.name] = fill[f.name]
        elif f.type == "checkbox":
            if f.checked or f.required:
                data.setdefault(f.name, [])
                data[f.name].append(f.value)  # type: ignore[union-attr]
        elif f.type == "radio":
            if f.name in radios_done:
                continue
            group = [g for g in form.fields if g.name == f.name]
            chosen = next((g for g in group if g.checked), group[0])
            data[f.name] = chosen.value
            radios_done.add(f.name)
        elif f.type == "select":
            selected = [v for v, s in f.options if s]
            first = next((v for v, _ in f.options if v), "")
            if f.multiple:
                data[f.name] = selected or ([first] if first else [])
            else:
                data[f.name] = (selected[0] if selected else "") or first
        elif f.type == "file":
            data[f.name] = _spreadsheet() if ".csv" in f.accept else _pdf()
        elif f.value or f.type == "hidden":
            data[f.name] = f.value
        else:
            data[f.name] = sample_value(f, today=today)
    if form.submit:
        data.setdefault(form.submit[0], form.submit[1])
    return data


def sample_value(f: Field, *, today: str) -> str:
    """A plausible value for a required blank field of this type."""
    name = f.name.lower()
    if f.type == "email" or "email" in name:
        return "test.person@demo.fokus.example"
    if f.type == "tel" or "phone" in name:
        return "010-123 45 67"
    if f.type == "url":
        return "https://fokus.example/"
    if f.type == "number":
        return f.min if (parse_int(f.min) or 0) > 0 else "1"
    if f.type == "date":
        return today
    if f.type == "datetime-local":
        return f"{today}T10:00"
    if f.type == "time":
        return "10:00"
    if f.type == "month":
        return today[:7]
    return "Test"[: f.maxlength or 4]


def _pdf() -> SimpleUploadedFile:
    # A real one: uploads are parsed whole, not only sniffed (referrals/uploads.py).
    return SimpleUploadedFile("underlag.pdf", documents.pdf(), "application/pdf")


def _spreadsheet() -> SimpleUploadedFile:
    # An import's upload (imports): its rows are checked later, by the job it starts.
    return SimpleUploadedFile("underlag.csv", b"external_id\n", "text/csv")


# --- Bad input ------------------------------------------------------------------------------

UNICODE_DIGIT = "²"  # str.isdigit() says yes; int() says no
IMPOSSIBLE_DATE = "2026-02-30"


@dataclass
class Variant:
    name: str
    data: dict
    strict: bool  # True: must be refused with an error; False: must only not crash


def bad_variants(form: Form, valid: dict) -> list[Variant]:
    """The ways a user (or a hand-made request) gets a form wrong."""
    variants = []
    visible = [f for f in form.fields if f.visible and f.type not in ("checkbox", "radio")]
    required = [f for f in visible if f.required and f.type != "file"]
    if required:
        data = dict(valid)
        for f in visible:
            if f.type != "file":
                data[f.name] = [] if f.multiple else ""
        variants.append(Variant("empty", data, strict=True))
    long = [f for f in visible if f.maxlength and f.type in TEXT_TYPES | {"textarea"}]
    if long:
        variants.append(
            Variant(
                "too long",
                {**valid, **{f.name: "x" * (f.maxlength + 1) for f in long}},
                strict=True,
            )
        )
    numbers = [f for f in visible if f.type == "number"]
    dates = [f for f in visible if f.type in ("date", "datetime-local")]
    if numbers or dates:
        variants.append(
            Variant(
                "unicode digit",
                {**valid, **{f.name: UNICODE_DIGIT for f in numbers + dates}},
                strict=True,
            )
        )
    if dates:
        impossible = {
            f.name: IMPOSSIBLE_DATE if f.type == "date" else f"{IMPOSSIBLE_DATE}T10:00"
            for f in dates
        }
        variants.append(Variant("impossible date", {**valid, **impossible}, strict=True))
    non_negative = [f for f in numbers if f.min is not None and _is_non_negative(f.min)]
    if non_negative:
        variants.append(
            Variant("negative", {**valid, **{f.name: "-1" for f in non_negative}}, strict=True)
        )
    # Hand-made requests: a Unicode digit where the page sends an id, in a value or in a
    # field name such as attendance-<id>. The view may ignore what it does not know, so these
    # need only not crash.
    numeric = [f for f in form.fields if parse_int(f.value) is not None]
    keyed = [f for f in form.fields if parse_int(f.name.rsplit("-", 1)[-1]) is not None]
    if numeric or keyed:
        data = {**valid, **{f.name: UNICODE_DIGIT for f in numeric}}
        for f in keyed:
            data[f"{f.name.rsplit('-', 1)[0]}-{UNICODE_DIGIT}"] = data.pop(f.name, f.value)
        variants.append(Variant("unicode digit in ids", data, strict=False))
    return variants


def _is_non_negative(value: str) -> bool:
    try:
        return float(value) >= 0
    except ValueError:
        return False
