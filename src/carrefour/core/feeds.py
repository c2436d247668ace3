"""The Atom feed of "What's new": public items only, in the language of its address."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from carrefour.core.news import NewsItem, news

FEED_DAYS = 365
FEED_ITEMS = 50


class WhatsNewFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, *args, **kwargs) -> str:
        # The "object" is the site's address in the feed's language: the author's link
        # (atom:author/atom:uri) must be absolute, and only the request knows the host.
        return request.build_absolute_uri(reverse("core:home"))

    def author_name(self) -> str:
        # atom:author is required (RFC 4287 §4.1.1): Carrefour publishes the feed.
        return _("Carrefour")

    def author_link(self, site_url: str) -> str:
        return site_url

    def title(self) -> str:
        return _("Carrefour: what's new")

    def subtitle(self) -> str:
        return _("Published results, achievements, declarations and consultations that anyone may see.")

    def link(self) -> str:
        return reverse("core:whats_new")

    def feed_url(self) -> str:
        return reverse("core:whats_new_feed")

    def items(self) -> list[NewsItem]:
        # Always an anonymous reader: a feed address is shared and fetched without a session.
        since = timezone.localdate() - datetime.timedelta(days=FEED_DAYS)
        return news(user=AnonymousUser(), since=since, limit=FEED_ITEMS)

    def item_title(self, item: NewsItem) -> str:
        return f"{item.kind_label} — {item.title}"

    def item_description(self, item: NewsItem) -> str:
        return item.summary

    def item_author_name(self, item: NewsItem) -> str | None:
        # Where the source knows who published the item; otherwise the entry inherits the feed's author.
        return item.author or None

    def item_link(self, item: NewsItem) -> str:
        return item.url

    def item_guid(self, item: NewsItem) -> str:
        # A tag URI (RFC 4151): stable for the same item, whatever the host is called later.
        return f"tag:carrefour,{item.when:%Y-%m-%d}:{item.kind}:{item.url}"

    def item_guid_is_permalink(self, item: NewsItem) -> bool:
        return False

    def item_pubdate(self, item: NewsItem) -> datetime.datetime:
        return item.when

    def item_updateddate(self, item: NewsItem) -> datetime.datetime:
        return item.when
