"""Accounts with django-allauth: sign-up and verification, public-servant status, sign-in limits,
password reset, TOTP two-factor, and the OpenID Connect government sign-in with `ui_locales`."""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.test import Client

from carrefour.directory.adapters import ui_locales
from carrefour.directory.models import User
from tests.directory.factories import JurisdictionFactory, UserFactory

PASSWORD = "a-long-and-unusual-passphrase"


@pytest.fixture
def ontario(db):
    return JurisdictionFactory(code="on", name_en="Ontario", name_fr="Ontario", email_domains=["ontario.ca"])


def _link(message, pattern: str) -> str:
    match = re.search(r"https?://testserver(/\S*" + pattern + r"\S*/)", message.body)
    assert match, message.body
    return match.group(1)


def _sign_up(client: Client, email: str, lang: str = "en"):
    return client.post(f"/{lang}/accounts/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD})


def _confirm(client: Client, message) -> None:
    url = _link(message, "confirm-email")
    assert client.get(url).status_code == 200  # a page with a button: no confirmation on GET
    response = client.post(url)
    assert response.status_code == 302


def test_sign_up_sends_a_verification_email_then_confirming_signs_in(ontario):
    client = Client()
    response = _sign_up(client, "Raj.Patel@Ontario.ca")
    assert response.status_code == 302 and response["Location"] == "/en/accounts/confirm-email/"
    user = User.objects.get(email__iexact="raj.patel@ontario.ca")
    assert user.preferred_language == "en"
    # Until verified, a government address does not count, and one cannot sign in.
    assert not user.is_public_servant
    assert client.get("/en/directory/me/").status_code == 302

    (message,) = mail.outbox
    assert message.to == ["raj.patel@ontario.ca"]  # allauth keeps addresses in lower case
    assert message.subject.startswith("[Carrefour] ")
    _confirm(client, message)

    response = client.get("/en/directory/me/")
    assert response.status_code == 200
    assert response.context["user"].pk == user.pk
    user.refresh_from_db()
    assert user.jurisdiction == ontario and user.is_public_servant
    assert "Public servant, Ontario" in response.content.decode()


def test_a_citizen_address_stays_citizen(ontario):
    client = Client()
    _sign_up(client, "someone@example.org")
    _confirm(client, mail.outbox[0])
    user = User.objects.get(email="someone@example.org")
    assert user.jurisdiction is None and not user.is_public_servant
    assert user.kind_label == "Citizen"


def test_a_lookalike_domain_is_not_government(ontario):
    client = Client()
    _sign_up(client, "someone@notontario.ca")
    _confirm(client, mail.outbox[0])
    assert not User.objects.get(email="someone@notontario.ca").is_public_servant


def test_subdomains_of_a_listed_domain_count(ontario):
    user = UserFactory(email="analyst@health.ontario.ca")
    assert user.jurisdiction == ontario


def test_french_sign_up_gets_a_french_first_email_and_preference(ontario):
    client = Client()
    _sign_up(client, "julie@example.org", lang="fr")
    (message,) = mail.outbox
    assert "/fr/accounts/confirm-email/" in message.body
    assert message.subject == "[Carrefour] Confirmez votre adresse courriel / Please Confirm Your Email Address"
    assert "Bonjour, c'est Carrefour" in message.body and "Hello from Carrefour!" in message.body  # not example.com
    assert User.objects.get(email="julie@example.org").preferred_language == "fr"


class CountingHasher(MD5PasswordHasher):
    """The tests' fast hasher, counting the hashes it computes (the cost of a sign-up)."""

    hashes = 0

    def encode(self, password, salt):
        CountingHasher.hashes += 1
        return super().encode(password, salt)


def _hashes_for_sign_up(email: str) -> int:
    before = CountingHasher.hashes
    response = _sign_up(Client(), email)
    assert response.status_code == 302 and response["Location"] == "/en/accounts/confirm-email/"
    return CountingHasher.hashes - before


def test_sign_up_with_a_known_address_costs_what_a_new_one_costs(db, settings):
    """The answer is the same page; it must also take the same work, so its time tells nothing."""
    settings.PASSWORD_HASHERS = ["tests.directory.test_accounts.CountingHasher"]
    UserFactory(email="known@example.org")
    new = _hashes_for_sign_up("new@example.org")
    known = _hashes_for_sign_up("known@example.org")
    assert new >= 1
    assert known == new
    assert User.objects.filter(email="known@example.org").count() == 1
    assert "already" in mail.outbox[-1].body  # the owner of the known address is told instead


def test_unverified_accounts_cannot_sign_in(ontario):
    client = Client()
    _sign_up(client, "late@ontario.ca")
    client.logout()
    response = Client().post("/en/accounts/login/", {"login": "late@ontario.ca", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/en/accounts/confirm-email/"
    assert len(mail.outbox) == 1  # no second email within allauth's `confirm_email` limit (1 per 3 min)


def test_adding_a_government_address_counts_only_once_verified(ontario):
    user = UserFactory(email="me@example.org")
    client = Client()
    client.force_login(user)
    response = client.post("/en/accounts/email/", {"email": "me@ontario.ca", "action_add": ""})
    assert response.status_code == 302
    assert EmailAddress.objects.filter(user=user, email="me@ontario.ca", verified=False).exists()
    user.refresh_from_db()
    assert not user.is_public_servant
    # Signing in again does not make an unverified address count either.
    client.logout()
    client.post("/en/accounts/login/", {"login": "me@example.org", "password": "correct-horse-battery"})
    user.refresh_from_db()
    assert not user.is_public_servant

    _confirm(client, mail.outbox[-1])
    user.refresh_from_db()
    assert user.jurisdiction == ontario


def test_removing_the_government_address_makes_a_citizen_again(ontario):
    user = UserFactory(email="me@example.org")
    EmailAddress.objects.create(user=user, email="me@ontario.ca", verified=True, primary=False)
    from carrefour.directory.services import user_refresh_jurisdiction

    user_refresh_jurisdiction(user=user)
    assert user.is_public_servant
    client = Client()
    client.force_login(user)
    client.post("/en/accounts/email/", {"email": "me@ontario.ca", "action_remove": ""})
    assert not EmailAddress.objects.filter(email="me@ontario.ca").exists()
    # At once, in the same session: not at the next sign-in.
    user.refresh_from_db()
    assert not user.is_public_servant
    client.logout()
    client.post("/en/accounts/login/", {"login": "me@example.org", "password": "correct-horse-battery"})
    user.refresh_from_db()
    assert not user.is_public_servant


def test_status_follows_addresses_changed_outside_allauth(ontario, django_capture_on_commit_callbacks):
    """An administrator deleting or un-verifying the government address ends the status too."""
    user = UserFactory(email="me@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        address = EmailAddress.objects.create(user=user, email="me@ontario.ca", verified=True, primary=False)
    user.refresh_from_db()
    assert user.jurisdiction == ontario
    with django_capture_on_commit_callbacks(execute=True):
        address.verified = False
        address.save()
    user.refresh_from_db()
    assert not user.is_public_servant
    with django_capture_on_commit_callbacks(execute=True):
        address.verified = True
        address.save()
    user.refresh_from_db()
    assert user.is_public_servant
    with django_capture_on_commit_callbacks(execute=True):
        address.delete()
    user.refresh_from_db()
    assert not user.is_public_servant


def test_deleting_a_person_with_a_government_address_works(ontario, django_capture_on_commit_callbacks):
    user = UserFactory(email="gone@ontario.ca")
    assert user.is_public_servant
    with django_capture_on_commit_callbacks(execute=True):
        user.delete()
    assert not User.objects.filter(email="gone@ontario.ca").exists()


def test_sign_in_with_email_and_password(db):
    UserFactory(email="citizen@example.org")
    client = Client()
    response = client.post("/en/accounts/login/", {"login": "CITIZEN@example.org", "password": "correct-horse-battery"})
    assert response.status_code == 302 and response["Location"] == "/en/"
    assert client.get("/en/directory/me/").status_code == 200


def test_failed_sign_ins_are_rate_limited(db):
    """allauth's `login_failed` limit, counted in the database cache, refuses even the right password."""
    UserFactory(email="target@example.org")
    client = Client()
    for _ in range(5):
        response = client.post("/en/accounts/login/", {"login": "target@example.org", "password": "wrong-password"})
        assert response.status_code == 200
        assert "not correct" in response.content.decode()
    response = client.post("/en/accounts/login/", {"login": "target@example.org", "password": "correct-horse-battery"})
    assert response.status_code in (200, 429)
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def _sign_in(client: Client, password: str, email: str = "target@example.org"):
    return client.post("/en/accounts/login/", {"login": email, "password": password})


def test_a_stranger_cannot_lock_a_person_out(db):
    """Five wrong passwords lock the account for that client only: its owner elsewhere signs in."""
    UserFactory(email="target@example.org")
    stranger = Client(REMOTE_ADDR="198.51.100.7")
    for _ in range(5):
        assert "not correct" in _sign_in(stranger, "wrong-password").content.decode()
    assert "Too many failed login attempts" in _sign_in(stranger, "correct-horse-battery").content.decode()
    owner = Client(REMOTE_ADDR="203.0.113.5")
    response = _sign_in(owner, "correct-horse-battery")
    assert response.status_code == 302 and "_auth_user_id" in owner.session


def test_behind_a_proxy_the_lock_is_keyed_on_the_client_not_the_proxy(db, settings):
    """Every request comes from the proxy's address; the client is the hop the proxy appended."""
    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(email="target@example.org")
    UserFactory(email="other@example.org")
    stranger = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")
    for _ in range(20):  # the per-client limit over every account, as well as the account's
        _sign_in(stranger, "wrong-password")
    assert "Too many failed login attempts" in _sign_in(stranger, "correct-horse-battery").content.decode()
    # A made-up first hop does not give the stranger a new address.
    forged = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.99, 198.51.100.7")
    assert "Too many failed login attempts" in _sign_in(forged, "correct-horse-battery").content.decode()
    for email, address in (("target@example.org", "203.0.113.5"), ("other@example.org", "203.0.113.6")):
        person = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=address)
        response = _sign_in(person, "correct-horse-battery", email)
        assert response.status_code == 302 and "_auth_user_id" in person.session


def test_many_clients_failing_on_one_account_meet_its_ceiling(db, settings):
    """A guessing attack spread over many addresses still stops at the per-account ceiling."""
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed_account": "3/1h/key"}
    UserFactory(email="target@example.org")
    for n in range(3):
        _sign_in(Client(REMOTE_ADDR=f"198.51.100.{n + 1}"), "wrong-password")
    owner = Client(REMOTE_ADDR="203.0.113.5")
    assert "Too many failed login attempts" in _sign_in(owner, "correct-horse-battery").content.decode()
    assert "_auth_user_id" not in owner.session


def test_successful_sign_ins_do_not_count_towards_the_locks(db, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed_account": "2/1h/key"}
    UserFactory(email="target@example.org")
    for _ in range(4):
        client = Client(REMOTE_ADDR="203.0.113.5")
        assert _sign_in(client, "correct-horse-battery").status_code == 302


def test_password_reset_by_email(db):
    UserFactory(email="forgot@example.org")
    client = Client()
    response = client.post("/fr/accounts/password/reset/", {"email": "forgot@example.org"})
    assert response.status_code == 302
    (message,) = mail.outbox
    url = _link(message, "password/reset/key")
    assert url.startswith("/fr/")
    # One prefix, then the French subject and the English one; the French text comes first.
    assert message.subject.startswith("[Carrefour] ") and message.subject.count("[Carrefour]") == 1
    assert " / " in message.subject and not message.alternatives
    assert message.body.startswith("(The English version follows.)")
    assert message.body.index("réinitialisation de mot de passe") < message.body.index("password reset")
    response = client.get(url)
    assert response.status_code == 302  # the key moves into the session
    set_password_url = response["Location"]
    response = client.post(set_password_url, {"password1": "another-long-passphrase", "password2": "another-long-passphrase"})
    assert response.status_code == 302
    client = Client()
    response = client.post("/en/accounts/login/", {"login": "forgot@example.org", "password": "another-long-passphrase"})
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_password_reset_for_an_unknown_address_reveals_nothing(db):
    response = Client().post("/en/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert all("password/reset/key" not in m.body for m in mail.outbox)


def _totp_code(secret: str, offset: int = 0) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset))


def test_totp_activation_then_sign_in_asks_for_the_code(db, settings):
    settings.MFA_TOTP_TOLERANCE = 1  # the test uses two different codes of neighbouring periods
    user = UserFactory(email="secure@example.org")
    client = Client()
    client.post("/en/accounts/login/", {"login": "secure@example.org", "password": "correct-horse-battery"})
    # Activating two-factor authentication asks for the password again first.
    response = client.get("/en/accounts/2fa/totp/activate/")
    assert response.status_code == 302 and response["Location"].startswith("/en/accounts/reauthenticate/")
    response = client.post(response["Location"], {"password": "correct-horse-battery"})
    assert response.status_code == 302 and response["Location"] == "/en/accounts/2fa/totp/activate/"
    response = client.get("/en/accounts/2fa/totp/activate/")
    assert response.status_code == 200
    secret = client.session["mfa.totp.secret"]
    assert secret in response.content.decode()  # shown for manual entry next to the QR code

    response = client.post("/en/accounts/2fa/totp/activate/", {"code": "000000" if _totp_code(secret) != "000000" else "111111"})
    assert response.status_code == 200 and not Authenticator.objects.filter(user=user).exists()
    response = client.post("/en/accounts/2fa/totp/activate/", {"code": _totp_code(secret, -1)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

    client = Client()
    response = client.post("/en/accounts/login/", {"login": "secure@example.org", "password": "correct-horse-battery"})
    assert response.status_code == 302 and response["Location"] == "/en/accounts/2fa/authenticate/"
    assert "_auth_user_id" not in client.session  # the password alone is not enough
    response = client.post("/en/accounts/2fa/authenticate/", {"code": "123456" if _totp_code(secret) != "123456" else "654321"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    response = client.post("/en/accounts/2fa/authenticate/", {"code": _totp_code(secret)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_ui_locales_put_the_page_language_first():
    assert ui_locales("fr").split() == ["fr-CA", "fr", "en-CA", "en"]
    assert ui_locales("en").split() == ["en-CA", "en", "fr-CA", "fr"]


class _Discovery(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the http.server API
        if self.path != "/.well-known/openid-configuration":
            self.send_response(404)
            self.end_headers()
            return
        base = f"http://127.0.0.1:{self.server.server_port}"
        body = json.dumps({
            "issuer": base,
            "authorization_endpoint": f"{base}/authorize",
            "token_endpoint": f"{base}/token",
            "userinfo_endpoint": f"{base}/userinfo",
            "jwks_uri": f"{base}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
        }).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def oidc_server(settings):
    server = HTTPServer(("127.0.0.1", 0), _Discovery)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [{
                "provider_id": "gc-sign-in",
                "name": "GC Sign In",
                "client_id": "carrefour-test",
                "secret": "not-a-real-secret",
                "settings": {"server_url": base, "token_auth_method": "client_secret_basic"},
            }],
        }
    }
    yield base
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(("lang", "expected"), [("fr", "fr-CA fr en-CA en"), ("en", "en-CA en fr-CA fr")])
def test_oidc_sign_in_passes_the_page_language_as_ui_locales(db, oidc_server, lang, expected):
    client = Client()
    login_page = client.get(f"/{lang}/accounts/login/").content.decode()
    assert "GC Sign In" in login_page
    response = client.post(f"/{lang}/accounts/oidc/gc-sign-in/login/")
    assert response.status_code == 302
    location = urlparse(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{oidc_server}/authorize"
    query = parse_qs(location.query)
    assert query["ui_locales"] == [expected]
    assert query["client_id"] == ["carrefour-test"]
    assert query["response_type"] == ["code"]
    assert "code_challenge" in query  # PKCE
    assert query["redirect_uri"][0].endswith(f"/{lang}/accounts/oidc/gc-sign-in/login/callback/")
