"""The editor's config.yml, made from the content model: what the form offers is what a build accepts."""

import base64
import re

import pytest
from lxml import etree

import pelicanconf
from editor.decap import (
    HAND_WRITTEN_ONLY,
    EditorOptions,
    Site,
    UnknownKind,
    decap_config,
    logo_address,
    option_problems,
    widget,
)
from front_matter.config import load_config
from front_matter.schema import FIELDS, SUMMARY_PATTERN, content_model
from site_core import ModelField, Requirement

SETTINGS = {name: getattr(pelicanconf, name) for name in dir(pelicanconf) if name.isupper()}


def generated(front_matter: dict | None = None, **options) -> dict:
    config, problems = load_config({**SETTINGS, "FRONT_MATTER": front_matter or pelicanconf.FRONT_MATTER})
    assert problems == []
    return decap_config(content_model(config), EditorOptions(**options), Site("Children First"))


def fields_of(config: dict, collection: str) -> dict[str, dict]:
    chosen = next(c for c in config["collections"] if c["name"] == collection)
    return {field["name"]: field for field in chosen["fields"]}


def test_category_and_topic_choices_are_the_sites_own():
    fields = fields_of(generated(local=True), "articles")
    assert fields["category"]["options"] == list(pelicanconf.FRONT_MATTER["categories"])
    assert fields["topics"]["options"] == list(pelicanconf.FRONT_MATTER["topics"])
    assert fields["topics"]["multiple"] is True


def test_a_topic_added_to_the_settings_is_offered_by_the_editor():
    vocabulary = {**pelicanconf.FRONT_MATTER["topics"], "Kinship care": "kinship-care"}
    fields = fields_of(generated({**pelicanconf.FRONT_MATTER, "topics": vocabulary}), "articles")
    assert "Kinship care" in fields["topics"]["options"]


@pytest.mark.parametrize(("kind", "collection"), [("article", "articles"), ("page", "pages")])
def test_every_schema_key_has_a_field_with_the_schemas_rule(kind, collection):
    """A key added to the schema without a field (or a widget for its kind) fails here; the only keys
    left out are the shorthands of files written by hand."""
    fields = fields_of(generated(local=True), collection)
    assert list(fields) == [*(name for name in FIELDS[kind] if name not in HAND_WRITTEN_ONLY), "body"]
    for name, spec in FIELDS[kind].items():
        if name in HAND_WRITTEN_ONLY:
            continue
        field = fields[name]
        assert field.get("required", True) is spec.required, name
        # A date's hint adds how the form takes it (the test below); a key some articles need says which.
        plain = spec.kind != "date" and spec.requirement is None
        hint = field["hint"] if plain else field["hint"][: len(spec.description)]
        assert hint == spec.description
        rule = field.get("pattern") or field.get("field", {}).get("pattern")
        assert (rule[0] if rule else None) == spec.pattern, name


def test_a_page_can_be_saved_as_a_draft():
    status = fields_of(generated(local=True), "pages")["status"]
    assert status["widget"] == "select"
    assert status["options"] == ["published", "draft"]
    assert status["required"] is False


def test_sources_are_records_of_title_and_url_with_the_address_rule():
    sources = fields_of(generated(), "articles")["sources"]
    assert [item["name"] for item in sources["fields"]] == ["title", "url"]
    url_rule = re.compile(sources["fields"][1]["pattern"][0])
    assert url_rule.match("https://example.org/report")
    assert not url_rule.match("example.org/report")


def test_the_content_note_is_required_with_a_sensitive_topic_unless_a_draft():
    """Decap's `required` is all or nothing: the rule goes to the editor's own check (files/editor.js),
    with the build's message for each sensitive topic, by name or slug."""
    note = fields_of(generated(), "articles")["content_note"]
    assert note["widget"] == "conditional_string"
    assert note["required"] is False
    rule = note["required_when"]
    assert rule["field"] == "topics"
    assert rule["unless"] == {"status": "draft"}
    sensitive = pelicanconf.FRONT_MATTER["sensitive_topics"]
    slugs = [pelicanconf.FRONT_MATTER["topics"][name] for name in sensitive]
    assert sorted(rule["values"]) == sorted([*sensitive, *slugs])
    assert (
        rule["values"]["domestic-abuse"]
        == rule["values"]["Domestic abuse"]
        == (
            'The topic "Domestic abuse" needs a content note: write one plain sentence warning readers what '
            'the article covers, such as "This article discusses domestic abuse." A draft may wait for it.'
        )
    )
    assert all(name in note["hint"] for name in sensitive)


def test_without_sensitive_topics_the_content_note_is_a_plain_optional_text():
    front_matter = {**pelicanconf.FRONT_MATTER, "sensitive_topics": []}
    note = fields_of(generated(front_matter), "articles")["content_note"]
    assert note["widget"] == "string"
    assert "required_when" not in note


def test_a_requirement_on_a_kind_without_a_conditional_widget_is_refused():
    requirement = Requirement("topics", (("Fostering", "Say why."),))
    with pytest.raises(UnknownKind, match="`featured` is of the kind `flag`"):
        widget(ModelField("featured", "flag", "Lead story.", required_when=requirement))


def test_a_key_of_a_kind_no_widget_shows_is_refused():
    with pytest.raises(UnknownKind, match="`rating` is of the kind `stars`"):
        widget(ModelField("rating", "stars", "How many stars."))


@pytest.mark.parametrize(
    ("summary", "accepted"),
    [
        ("Children & families: one in five waits over a year.", True),
        ("Snake_case names and 3*4 sums are plain text.", True),
        ("A <b>bold</b> claim.", False),
        ("A **strong** claim.", False),
        ("See [the report](https://example.org).", False),
        ("Fish &amp; chips", False),
    ],
)
def test_the_summary_rule_in_the_form_is_the_builds(summary, accepted):
    assert bool(re.fullmatch(SUMMARY_PATTERN, summary)) is accepted


def test_the_live_site_gets_the_editorial_workflow_and_no_local_backend():
    backend = {"name": "github", "repo": "example/children-first", "branch": "main"}
    config = generated(backend=backend)
    assert config["backend"] == backend
    assert config["publish_mode"] == "editorial_workflow"
    assert "local_backend" not in config


@pytest.mark.parametrize(
    ("options", "complaint"),
    [
        ({"publish_mode": "instant"}, "EDITOR['publish_mode'] is 'instant'"),
        ({"backend": {"name": "svn", "repo": "a/b"}}, "EDITOR['backend']['name'] is 'svn'"),
        (
            {"backend": {"name": "github", "repo": "children-first"}},
            "EDITOR['backend']['repo'] is 'children-first'",
        ),
        ({"backend": {"name": "gitea", "repo": "a/b"}}, "a Gitea backend needs its `api_root`"),
    ],
)
def test_each_wrong_option_is_named_with_its_fix(options, complaint):
    problems = option_problems(EditorOptions(**options))
    assert [message for _, message, _ in problems] == [complaint]
    assert all(fix for _, _, fix in problems)


def test_a_right_setting_has_no_problem():
    backend = {"name": "gitlab", "repo": "team/site", "auth_type": "pkce", "app_id": "abc"}
    assert option_problems(EditorOptions(backend=backend)) == []


def test_the_form_has_one_byline_field_a_list_of_names_and_the_schema_still_takes_author():
    fields = fields_of(generated(local=True), "articles")
    assert "author" not in fields
    assert fields["authors"]["widget"] == "list"
    # Each name shows in its own box, not folded away under the list's label.
    assert fields["authors"]["collapsed"] is False
    # A file written by hand may still say `author: Jane Smith`; the form shows it as the list.
    assert "author" in FIELDS["article"]
    assert HAND_WRITTEN_ONLY == {"author": "authors"}
    assert all(full in fields for full in HAND_WRITTEN_ONLY.values())


@pytest.mark.parametrize("name", ["date", "modified"])
def test_dates_are_shown_day_first_and_written_as_iso(name):
    field = fields_of(generated(local=True), "articles")[name]
    assert field["widget"] == "datetime"
    assert field["date_format"] == "DD/MM/YYYY"
    assert field["time_format"] == "HH:mm"
    assert field["format"] == "YYYY-MM-DDTHH:mm"
    assert (
        field["hint"]
        == f"{FIELDS['article'][name].description} Type it day first, DD/MM/YYYY HH:mm; the time if wanted."
    )


def test_no_field_writes_a_value_the_author_did_not_give():
    """Decap writes a field's `default` into every file it saves (`featured: false`): no field has one."""
    config = generated(local=True)

    def every_field(fields):
        for field in fields:
            yield field
            yield from every_field(field.get("fields", []))
            if "field" in field:
                yield field["field"]

    for collection in config["collections"]:
        for field in every_field(collection["fields"]):
            assert "default" not in field, (collection["name"], field["name"])
    featured = fields_of(config, "articles")["featured"]
    assert featured["widget"] == "boolean"
    assert featured["required"] is False


def test_articles_are_listed_newest_first_with_their_date_day_first():
    config = generated(local=True)
    for collection in config["collections"]:
        fields = {field["name"] for field in collection["fields"]}
        sortable = [
            item if isinstance(item, dict) else {"field": item} for item in collection["sortable_fields"]
        ]
        assert {item["field"] for item in sortable} <= fields
        # Decap accepts one default sort a collection.
        assert len([item for item in sortable if "default_sort" in item]) == 1
    articles = next(c for c in config["collections"] if c["name"] == "articles")
    assert articles["sortable_fields"][0] == {"field": "date", "default_sort": "desc"}
    assert "{{date | date('DD/MM/YYYY')}}" in articles["summary"]


def test_the_editor_is_the_sites_with_its_logo():
    site = Site("Children First", "https://children-first.example", "/logo.png")
    config = decap_config(content_model(load_config(SETTINGS)[0]), EditorOptions(local=True), site)
    assert config["site_url"] == config["display_url"] == "https://children-first.example"
    assert config["logo"] == {"src": "/logo.png", "show_in_header": True}


def test_a_site_without_a_logo_shows_its_name_not_decaps_logo():
    config = decap_config(content_model(load_config(SETTINGS)[0]), EditorOptions(), Site("Kinship & Care"))
    address = config["logo"]["src"]
    assert address.startswith("data:image/svg+xml;base64,")
    picture = etree.fromstring(base64.b64decode(address.partition(",")[2]))
    assert "".join(picture.itertext()) == "Kinship & Care"


def test_the_logo_is_where_the_site_publishes_content_extra_logo_png(tmp_path):
    (tmp_path / "extra").mkdir()
    settings = {
        "PATH": str(tmp_path),
        "STATIC_PATHS": ["images", "extra"],
        "SITEURL": "https://a.example/news",
    }
    assert logo_address(settings) == ""
    (tmp_path / "extra" / "logo.png").write_bytes(b"\x89PNG")
    assert logo_address(settings) == "/news/extra/logo.png"
    moved = {"EXTRA_PATH_METADATA": {"extra/logo.png": {"path": "logo.png"}}}
    assert logo_address({**settings, **moved}) == "/news/logo.png"
    # A logo the site does not publish is not shown.
    assert logo_address({**settings, "STATIC_PATHS": ["images"]}) == ""
