"""Form widgets of this project: Django's, with what they render kept when it depends only on what they are given."""

from __future__ import annotations

import hashlib

import django.forms
from django.utils.translation import get_language

from .memo import remember

# (widget class, name, value, attributes, choices, language, renderer) -> markup.
_choice_markup: dict = {}


class RememberedChoices:
    """A select or list of checkboxes whose markup is kept by everything it is made of.

    A filter form offers hundreds of countries and dozens of sectors on every list page; they change only with a
    write, and Django builds an option dict per choice each time (a tenth of the page's time). The key holds a
    digest of the choices (values and labels in the active language), the chosen values and the attributes, so any
    change of those is a different entry. Values that are not among the choices (a hand-made address) are rendered
    as Django does and kept nowhere: what a visitor sends cannot fill the memo."""

    def render(self, name, value, attrs=None, renderer=None):
        try:
            choices = [(str(option), str(label)) for option, label in self.choices]
            chosen = tuple(self.format_value(value))
            offered = {option for option, _label in choices}
            if not offered.issuperset(chosen):
                raise ValueError("a value that is not a choice")
            digest = hashlib.blake2b(repr(choices).encode(), digest_size=16).digest()
            key = (
                type(self),
                name,
                chosen,
                tuple(sorted(self.build_attrs(self.attrs, attrs).items())),
                digest,
                self.is_required,
                get_language(),
                type(renderer),
            )
            hash(key)
        except (TypeError, ValueError):  # unhashable attributes, nested choices, unknown values: as Django does
            return super().render(name, value, attrs, renderer)
        render = super().render
        return remember(_choice_markup, key, lambda: render(name, value, attrs, renderer))


class RememberedCheckboxes(RememberedChoices, django.forms.CheckboxSelectMultiple):
    pass


class RememberedSelectMultiple(RememberedChoices, django.forms.SelectMultiple):
    pass
