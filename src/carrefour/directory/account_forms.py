"""allauth's sign-up form, answering in the same time whether the address has an account or not."""

from __future__ import annotations

from allauth.account.forms import SignupForm as AllauthSignupForm
from django.contrib.auth.hashers import make_password
from django.utils.crypto import get_random_string


class SignupForm(AllauthSignupForm):
    def try_save(self, request):
        # allauth does not tell that an address has an account (it emails its owner instead), but
        # a new account costs a password hash and an existing one cost nothing: the sign-up
        # answered ten times faster for a known address. Hash the password in both cases.
        if self.account_already_exists:
            make_password(self.cleaned_data.get("password1") or get_random_string(32))
        return super().try_save(request)
