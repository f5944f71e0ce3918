"""Input of the public pages: query strings are parsed here, never read raw by a view."""

from django import forms


class TimetableFilterForm(forms.Form):
    day = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    track = forms.SlugField(required=False, max_length=50)


class SpeakerSearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100)
