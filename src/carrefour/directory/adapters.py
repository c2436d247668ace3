"""django-allauth adapters: remember the person's language; pass it to the government sign-in;
key sign-in locks on the account and the client."""

from __future__ import annotations

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider

from carrefour.core.i18n import active_language
from carrefour.core.mail import bilingual
from carrefour.core.ratelimit import client_ip

ACCOUNT_CEILING = "login_failed_account"


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request):
        """The one client address (core.ratelimit.client_ip, TRUSTED_PROXY_COUNT), for allauth too."""
        return client_ip(request) or super().get_client_ip(request)

    # allauth keys its failed-sign-in lock on the account alone, so five wrong passwords typed by
    # anyone lock the person out. Here the lock (`login_failed`) is keyed on the account *and* the
    # client: a stranger only locks themselves out. A much higher ceiling per account alone
    # (`login_failed_account`) still stops a guessing attack spread over many addresses.

    def _account_key(self, request, **credentials) -> str:
        return super()._get_login_attempts_cache_key(request, **credentials)

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        return f"{self._account_key(request, **credentials)}:client:{self.get_client_ip(request)}"

    def pre_authenticate(self, request, **credentials) -> None:
        super().pre_authenticate(request, **credentials)
        self._account_ceiling_usage = ratelimit.consume(
            request, app="allauth.account", action=ACCOUNT_CEILING, key=self._account_key(request, **credentials)
        )
        if not self._account_ceiling_usage:
            super()._rollback_login_failed_rl_usage()
            raise self.validation_error("too_many_login_attempts")

    def _rollback_login_failed_rl_usage(self) -> None:
        super()._rollback_login_failed_rl_usage()
        usage = getattr(self, "_account_ceiling_usage", None)
        if usage:
            usage.rollback()

    def _delete_login_attempts_cached_email(self, request, **credentials) -> None:
        super()._delete_login_attempts_cached_email(request, **credentials)
        ratelimit.clear(request, app="allauth.account", action=ACCOUNT_CEILING, key=self._account_key(request, **credentials))

    def save_user(self, request, user, form, commit=True):
        user.preferred_language = active_language()
        return super().save_user(request, user, form, commit=commit)

    def format_email_subject(self, subject):
        return str(subject)  # the "[Carrefour] " prefix goes once before both languages (render_mail)

    def render_mail(self, template_prefix, email, context, headers=None):
        """allauth's emails (verification, password reset…) in both languages, the page's first."""
        messages = []

        def render():
            message = super(AccountAdapter, self).render_mail(template_prefix, email, context, headers)
            messages.append(message)
            return message.subject, message.body

        subject, body = bilingual(render, active_language())
        message = messages[0]
        message.subject = f"{account_settings.EMAIL_SUBJECT_PREFIX or ''}{subject}"
        message.body = body
        if hasattr(message, "alternatives"):
            message.alternatives = []  # plain text only: no HTML part in a single language
        return message


def ui_locales(lang: str) -> str:
    """OIDC `ui_locales`: the person's language first, Canadian variant before the generic one."""
    return "fr-CA fr en-CA en" if lang == "fr" else "en-CA en fr-CA fr"


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def get_provider(self, request, provider, client_id=None):
        instance = super().get_provider(request, provider, client_id=client_id)
        if isinstance(instance, OpenIDConnectProvider):
            original = instance.get_auth_params_from_request

            def with_locale(req, action):
                params = dict(original(req, action))
                params.setdefault("ui_locales", ui_locales(active_language()))
                return params

            instance.get_auth_params_from_request = with_locale
        return instance

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        user.preferred_language = active_language()
        return user
