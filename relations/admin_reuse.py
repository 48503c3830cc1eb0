"""What Django's admin builds again on every request, though it depends only on who asks and in which language.

The sidebar's list of apps and models (a permission check and two URL reversals per model; its markup is kept by
relations/admin_sidebar.py), the change form's
ModelForm class and each inline's formset class (a form field, widget and related-links wrapper per model field,
and a class built by a metaclass) come out the same for every request of users with the same permissions, in the
same language, for an object being added or changed. They are built once per such key and reused.

This relies on the admin's permission methods deciding by the user's permissions and the object being new or not
(Django's defaults, which every admin here keeps). Only GET and HEAD reuse form classes: a submitted form is
validated by a class built for its own request, whose checks may look at the request.
"""

from __future__ import annotations

import copy
from collections.abc import Hashable

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.forms import BaseInlineFormSet
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.translation import get_language

from .memo import remember, url_key


def permission_key(user) -> Hashable:
    """What the admin's default permission checks look at."""
    if not (user.is_active and user.is_staff):
        return ("none",)
    if user.is_superuser:
        return ("superuser",)
    return ("staff", frozenset(user.get_all_permissions()))


class AdminSite(admin.AdminSite):
    """Django's site, its app list built once per permissions, language and URL configuration."""

    @cached_property
    def _app_lists(self) -> dict:
        return {}

    def get_app_list(self, request, app_label=None):
        key = (permission_key(request.user), get_language(), app_label, *url_key())
        found = remember(self._app_lists, key, lambda: super(AdminSite, self).get_app_list(request, app_label))
        # A copy of the lists and dicts the caller may change (an index template's context, say); the values
        # themselves (names, URLs, model classes) are shared.
        return [{**app, "models": [dict(model) for model in app["models"]]} for app in found]


def _frozen(value) -> Hashable:
    if isinstance(value, list | tuple):
        return tuple(_frozen(item) for item in value)
    if isinstance(value, dict):
        return tuple(sorted((name, _frozen(item)) for name, item in value.items()))
    hash(value)  # TypeError: not a key; the caller builds the class afresh
    return value


def class_key(request, obj, kwargs: dict) -> Hashable | None:
    """The key of a form or formset class for this request, or None when it must be built for the request."""
    if request is None or request.method not in ("GET", "HEAD"):
        return None
    try:
        arguments = _frozen(kwargs)
    except TypeError:
        return None
    return (permission_key(request.user), get_language(), obj is None, arguments)


def forget_request(form_class) -> None:
    """The admin's field callback holds the request that built the class; it is only used while building it, and a
    class kept for later requests must not keep that request (its user, session and cookies) alive."""
    form_class._meta.formfield_callback = None
    if hasattr(form_class, "Meta"):
        form_class.Meta.formfield_callback = None


class KeptFields(dict):
    """A kept form class's `base_fields`, which every form copies (BaseForm.__init__ deep-copies them): copied as
    Django copies them, except that a choice field's choices are shared instead of deep-copied. Nothing here changes
    a choice list in place (a form that limits choices assigns new ones), and copying every lazy label of every
    choice list, for every form of the page, was most of the forms' construction."""

    def __deepcopy__(self, memo):
        return {name: _copy_field(field, memo) for name, field in self.items()}


def _copy_field(field: forms.Field, memo: dict) -> forms.Field:
    if type(field).__deepcopy__ is forms.ChoiceField.__deepcopy__:
        return forms.Field.__deepcopy__(field, memo)  # ChoiceField's own, less the choices' copy (see above)
    return copy.deepcopy(field, memo)


def keep(form_class) -> None:
    """Make `form_class` fit to be kept for later requests (see forget_request and KeptFields)."""
    forget_request(form_class)
    form_class.base_fields = KeptFields(form_class.base_fields)


class ReusedFormClass:
    """A ModelAdmin whose change form's ModelForm class is built once per permissions, language and add/change."""

    @cached_property
    def _form_classes(self) -> dict:
        return {}

    def get_form(self, request, obj=None, change=False, **kwargs):
        key = class_key(request, obj, {"change": change, **kwargs})
        if key is None:
            return super().get_form(request, obj, change=change, **kwargs)

        def build():
            form_class = super(ReusedFormClass, self).get_form(request, obj, change=change, **kwargs)
            keep(form_class)
            return form_class

        return remember(self._form_classes, key, build)


# Inline admins are made anew for every request (ModelAdmin.get_inline_instances): their classes are kept here,
# a memo per inline.
_formset_classes: dict = {}


class ReusedFormsetClass:
    """An inline whose formset class is built once per permissions, language and add/change.

    A class kept so says `reused = True`: what is written once per class (relations/admin_inlines.py) is written
    only for those, never for a class built for one request."""

    def get_formset(self, request, obj=None, **kwargs):
        key = class_key(request, obj, kwargs)
        if key is None:
            return super().get_formset(request, obj, **kwargs)

        def build():
            formset_class = super(ReusedFormsetClass, self).get_formset(request, obj, **kwargs)
            keep(formset_class.form)
            formset_class.reused = True
            return formset_class

        memo = _formset_classes.setdefault((type(self), self.parent_model, self.admin_site), {})
        return remember(memo, key, build)


class InlineFormSet(BaseInlineFormSet):
    """Django's inline formset, its blank form built once.

    `empty_form` is a property that builds a new form at each use, and the admin uses it several times a page
    (the table's header, the media, the row "Add another" copies). The form is built when first looked into: the
    admin's iterations over an inline's forms hand it around unopened (the prepopulated fields' script looks into
    none when the inline has no such field), and a blank row written once (relations/admin_inlines.py) needs none."""

    @cached_property
    def empty_form(self):
        # One object for the whole request: what changes it in place changes the blank row the page shows.
        return SimpleLazyObject(lambda: super(InlineFormSet, self).empty_form)


class InlineAdminFormSet(helpers.InlineAdminFormSet):
    """The admin's wrapper of an inline formset, its media taken from the formset.

    Django's adds up the media of every form of the formset, the blank one built again for it, though a formset's
    forms share their fields' widgets (BaseFormSet.media asks the first form only, for that reason)."""

    @property
    def media(self):
        return self.opts.media + self.formset.media


class ReusedInlineAdmin:
    """A ModelAdmin whose inlines' admin wrappers take their media from the formset (above)."""

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        found = super().get_inline_formsets(request, formsets, inline_instances, obj)
        for wrapper in found:
            if type(wrapper) is helpers.InlineAdminFormSet:
                # The same object, only its class's media differs: Django builds these in a method of its own.
                # The subclass adds no attribute, so it stays compatible with whatever Django's class holds.
                wrapper.__class__ = InlineAdminFormSet
        return found
