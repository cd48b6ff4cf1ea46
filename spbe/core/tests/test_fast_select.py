from __future__ import annotations

from html.parser import HTMLParser

from django import forms

from spbe.core.fast_select import FastSelect


class Options(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.select: dict[str, str | None] = {}
        self.options: list[tuple[str | None, bool, str]] = []
        self._open = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "select":
            self.select = dict(attrs)
        if tag == "option":
            found = dict(attrs)
            self.options.append((found.get("value"), "selected" in found, ""))
            self._open = True

    def handle_data(self, data: str) -> None:
        if self._open and data.strip():
            value, selected, _label = self.options[-1]
            self.options[-1] = (value, selected, data.strip())

    def handle_endtag(self, tag: str) -> None:
        self._open = False


def parsed(html: str) -> Options:
    parser = Options()
    parser.feed(html)
    return parser


class Plain(forms.Form):
    place = forms.ChoiceField(required=False)


class Fast(forms.Form):
    place = forms.ChoiceField(required=False, widget=FastSelect)


CHOICES = [("", "Semua"), ("35.10.02.2001", "Sukorejo"), ("35.10.16.1008", 'Kepatihan <"&>')]


def test_it_renders_what_djangos_select_renders(settings):
    for data in ({}, {"place": "35.10.16.1008"}, {"place": "tidak-ada"}):
        plain, fast = Plain(data), Fast(data)
        plain.fields["place"].choices = fast.fields["place"].choices = CHOICES
        mine, theirs = parsed(str(fast["place"])), parsed(str(plain["place"]))
        assert mine.select == theirs.select
        assert mine.options == theirs.options
    form = Fast({"place": "35.10.16.1008"})
    form.fields["place"].choices = CHOICES
    html = str(form["place"])
    assert "&lt;&quot;&amp;&gt;" in html and '<"&>' not in html
