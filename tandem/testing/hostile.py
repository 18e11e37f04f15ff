"""Hostile input for fuzz tests: the values, and the forms a page offers to send them to."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

# Each is something a person, a browser or a script really sends now and then.
HOSTILE = [
    "²",  # str.isdigit() says yes, int() says no
    "١٢",  # Arabic-Indic digits: int() takes them
    "٣",
    "\x00",
    "7\x00",
    "99999999999999999999",
    "-1",
    "-99999999999999999999",
    "",
    "x" * 10_000,
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "9999-12-31T23:59",
    "0001-01-01T00:00",
    "2026-02-30T10:00",
    "25:61",
    "not-a-choice",
]


@dataclass
class PageForm:
    """One form on a page: where it goes, how, and the values it would send as rendered."""

    method: str
    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)

    def baseline(self) -> dict[str, str]:
        """Return the values a person submitting the form unchanged would send."""
        return {name: values[0] if values else "" for name, values in self.fields.items()}


class _FormParser(HTMLParser):
    def __init__(self, page_path: str) -> None:
        super().__init__()
        self.page_path = page_path
        self.forms: list[PageForm] = []
        self._form: PageForm | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            action = urlsplit(a.get("action") or self.page_path).path
            self._form = PageForm(method=(a.get("method") or "get").lower(), action=action)
            self.forms.append(self._form)
            return
        if self._form is None or not a.get("name") or a["name"] == "csrfmiddlewaretoken":
            if tag == "option" and self._form is not None and self._select:
                self._form.fields[self._select].append(a.get("value", ""))
            return
        name = a["name"]
        values = self._form.fields.setdefault(name, [])
        if tag == "select":
            self._select = name
        elif tag == "textarea":
            values.append("")
        elif a.get("type") in ("radio", "checkbox"):
            # A checked box comes first: submitting the form as shown sends it.
            values.insert(0, a.get("value", "on")) if "checked" in a else values.append(
                a.get("value", "on")
            )
        else:
            values.append(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def page_forms(html: str, page_path: str) -> list[PageForm]:
    """Return the forms in a page, each with its target path and its fields' values."""
    parser = _FormParser(page_path)
    parser.feed(html)
    return parser.forms
