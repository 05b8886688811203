"""Development settings: `pelican content -s pelicanconf.py` (or `invoke build` / `invoke serve`)."""

import logging

SITENAME = "Children First"
SITE_STRAPLINE = "presented by WillisPalmer"
SITE_DESCRIPTION = (
    "News, research and guidance for professionals who work with children: social workers, "
    "foster carers, family-court and education staff."
)
SITEURL = "http://localhost:8000"
TIMEZONE = "Europe/London"
DEFAULT_LANG = "en-GB"

PATH = "content"
ARTICLE_PATHS = ["articles"]
PAGE_PATHS = ["pages"]
# content/files/ holds documents and recordings articles link to (PDFs, MP3s), published as they are.
STATIC_PATHS = ["images", "files", "extra"]
# The sample images' licences, kept beside them for the project, not published.
IGNORE_FILES = [".#*", "LICENCES.txt"]
EXTRA_PATH_METADATA = {
    "extra/favicon.svg": {"path": "favicon.svg"},
    "extra/logo.png": {"path": "logo.png"},
}
OUTPUT_PATH = "output"
# The images plugin reports an image without alt text at its file and line (a draft may wait for it), so
# Pelican's own, vaguer line for the same image is not printed too.
LOG_FILTER = [(logging.WARNING, "Empty alt attribute for image %s in %s")]
THEME = "theme"
PLUGIN_PATHS = ["plugins"]
# Only Markdown is read: raw .html or .rst files would skip validation and sanitising.
READERS = {"html": None, "htm": None, "rst": None}
# Each plugin stands alone on the shared core (plugins/site_core); all but front_matter and templating (the
# theme's) can be left out. The order is the order in which a signal calls them, and it matters where two
# plugins work on the same output at the same step: optimise rewrites the finished output before search and
# link_check read it, and the editor adds /admin/ before optimise precompresses. `_headers` does not depend
# on it: the core writes it from the rules each plugin declares (security_headers, editor, optimise).
PLUGINS = [
    "safe_build",
    "incremental",
    "front_matter",
    "images",
    "templating",
    "related",
    "structured_data",
    "feeds",
    "hub",
    "redirects",
    # the e-mail digest's archive (/newsletter/) and the Subscribe page's sign-up form
    "newsletter",
    # before optimise, so the editor's files are precompressed with the rest
    "editor",
    "optimise",
    "search",
    "sitemap",
    "link_check",
    "security_headers",
]

# Scheduling is the front_matter reader's job (it honours SOURCE_DATE_EPOCH); Pelican must not
# second-guess it.
WITH_FUTURE_DATES = True
SLUGIFY_SOURCE = "basename"
DELETE_OUTPUT_DIRECTORY = False
# "pagefind": development builds keep the last search index (serve refreshes it in the background).
OUTPUT_RETENTION = [".git", ".nojekyll", "CNAME", "pagefind"]
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False

# The content model: categories and topics (name shown to readers -> slug in URLs).
FRONT_MATTER = {
    "categories": {
        "News": "news",
        "Features": "features",
        "Research": "research",
        "Guidance": "guidance",
        "Interviews": "interviews",
        "Opinion": "opinion",
    },
    "topics": {
        "Safeguarding": "safeguarding",
        "Child sexual abuse and exploitation": "child-sexual-abuse-and-exploitation",
        "Harmful sexual behaviour": "harmful-sexual-behaviour",
        "Fostering": "fostering",
        "Adoption": "adoption",
        "Children in care": "children-in-care",
        "Care leavers": "care-leavers",
        "Family justice": "family-justice",
        "Mental health": "mental-health",
        "Self-harm and suicide": "self-harm-and-suicide",
        "Domestic abuse": "domestic-abuse",
        "Education and SEND": "education-and-send",
        "Youth justice": "youth-justice",
        "Workforce": "workforce",
        "Policy": "policy",
        "COVID-19": "covid-19",
    },
    # Topics whose articles must warn readers first: each needs a `content_note` before it is published.
    "sensitive_topics": [
        "Child sexual abuse and exploitation",
        "Harmful sexual behaviour",
        "Domestic abuse",
        "Self-harm and suicide",
    ],
    "default_author": "Children First",
}

# The editor in the browser, /admin/ (Decap CMS, README "Editing in the browser"). Development builds save
# through `invoke serve`'s local backend. For the live site, name the git host, e.g.
#   "backend": {"name": "github", "repo": "owner/children-first", "branch": "main",
#               "base_url": "https://oauth.children-first.example"},
# and publish builds get /admin/ too, with the editorial workflow (draft, in review, ready).
EDITOR = {
    "local": True,
    # True: the local backend in git mode, with the editorial workflow (a branch per draft), as live
    "local_workflow": False,
    "backend": {},
}

# URL scheme: every page is a folder with an index.html, so addresses stay clean on any host.
ARTICLE_URL = "articles/{slug}/"
ARTICLE_SAVE_AS = "articles/{slug}/index.html"
DRAFT_URL = ""
DRAFT_SAVE_AS = ""
DRAFT_LANG_SAVE_AS = ""
ARTICLE_LANG_SAVE_AS = ""
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
PAGE_LANG_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""
DRAFT_PAGE_LANG_SAVE_AS = ""
CATEGORY_URL = "category/{slug}/"
CATEGORY_SAVE_AS = "category/{slug}/index.html"
CATEGORIES_URL = "category/"
CATEGORIES_SAVE_AS = "category/index.html"
TAG_URL = "topic/{slug}/"
TAG_SAVE_AS = "topic/{slug}/index.html"
TAGS_URL = "topic/"
TAGS_SAVE_AS = "topic/index.html"
AUTHOR_URL = "author/{slug}/"
AUTHOR_SAVE_AS = "author/{slug}/index.html"
AUTHORS_URL = "author/"
AUTHORS_SAVE_AS = "author/index.html"
ARCHIVES_SAVE_AS = ""
YEAR_ARCHIVE_SAVE_AS = ""
MONTH_ARCHIVE_SAVE_AS = ""
DAY_ARCHIVE_SAVE_AS = ""

INDEX_URL = ""
INDEX_SAVE_AS = "index.html"
DIRECT_TEMPLATES = ["index", "categories", "tags", "authors", "hub", "search", "subscribe", "404", "robots"]
SUBSCRIBE_URL = "subscribe/"
SUBSCRIBE_SAVE_AS = "subscribe/index.html"
HUB_URL = "knowledge-resources/"
HUB_SAVE_AS = "knowledge-resources/index.html"
# Indexing 5,000 articles takes Pagefind about 12 s, so development builds skip it: publish builds,
# `invoke search-index` and the background step of `invoke serve` build it.
SEARCH = {"index": False}
SEARCH_URL = "search/"
SEARCH_SAVE_AS = "search/index.html"
ROBOTS_SAVE_AS = "robots.txt"
PAGINATED_TEMPLATES = {"index": 10, "category": 10, "tag": 10, "author": 10, "hub": 20}
DEFAULT_PAGINATION = 10
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

# Feeds come from the feeds plugin (feedgen): Pelican's own feed writer is switched off.
FEED_ALL_ATOM = None
FEED_ALL_RSS = None
FEED_ATOM = None
FEED_RSS = None
CATEGORY_FEED_ATOM = None
CATEGORY_FEED_RSS = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TAG_FEED_ATOM = None
TAG_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
TRANSLATION_FEED_RSS = None
FEED_MAX_ITEMS = 50
FEEDS = {"logo": "logo.png", "icon": "favicon.svg", "stylesheet": "feeds/feed.css"}

JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True}

ORGANISATION = {
    "name": "WillisPalmer",
    "address": [
        "D1, Parkside",
        "Knowledge Gateway",
        "Nesfield Road",
        "Colchester",
        "Essex",
        "CO4 3ZL",
    ],
}

RELATIVE_URLS = False

# What the theme shows around the content (see README, "Banner, navigation and helplines").
THEME_OPTIONS = {
    "banner": {
        "heading": "Announcement",
        "title": "WillisPalmer launches Remote Assessment Service",
        "text": "Social work assessments for families and courts, carried out by secure video call.",
        "links": [
            {"text": "Read more", "url": "/articles/willispalmer-remote-assessment-service/"},
            {"text": "Make an Enquiry", "url": "/enquiry/"},
            {"text": "Contact Us", "url": "/contact/"},
        ],
        # The last day it is shown (the site's TIMEZONE); a build after it leaves it out.
        "until": "2027-03-31",
    },
    "social_links": [
        {"name": "LinkedIn", "url": "https://www.linkedin.com/company/willispalmer/"},
        {"name": "Facebook", "url": "https://www.facebook.com/WillisPalmerLtd/"},
        {"name": "X (Twitter)", "url": "https://x.com/WillisPalmerLtd"},
        {"name": "YouTube", "url": "https://www.youtube.com/@willispalmer"},
        {"name": "Instagram", "url": "https://www.instagram.com/willispalmerltd/"},
    ],
}
RELATED = {"max_related": 3}
# The theme's article card (theme/templates/partials/listing.html) depends on the article alone: each card
# is rendered once per build and reused on every listing that shows it.
INCREMENTAL = {"pure_macros": ["card"]}

# The weekly e-mail digest (`python3 dev.py digest`; README, "E-mail digest"; defaults in
# plugins/site_core/digest.py). The subscribers live with the mailing-list service, never here: until
# `service` is set, `--preview` works and `--send` says what is missing.
DIGEST = {
    "sender_address": "digest@children-first.example",
    "list_id": "digest.children-first.example",
}
