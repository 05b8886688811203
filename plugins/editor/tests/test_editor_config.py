"""The editor's config.yml, made from the content model: what the form offers is what a build accepts."""

import re

import pytest

import pelicanconf
from editor.decap import EditorOptions, UnknownKind, decap_config, option_problems, widget
from front_matter.config import load_config
from front_matter.schema import FIELDS, SUMMARY_PATTERN, content_model
from site_core import ModelField

SETTINGS = {name: getattr(pelicanconf, name) for name in dir(pelicanconf) if name.isupper()}


def generated(front_matter: dict | None = None, **options) -> dict:
    config, problems = load_config({**SETTINGS, "FRONT_MATTER": front_matter or pelicanconf.FRONT_MATTER})
    assert problems == []
    return decap_config(content_model(config), EditorOptions(**options), "")


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
    """A key added to the schema without a field (or a widget for its kind) fails here."""
    fields = fields_of(generated(local=True), collection)
    assert list(fields) == [*FIELDS[kind], "body"]
    for name, spec in FIELDS[kind].items():
        field = fields[name]
        assert field.get("required", True) is spec.required, name
        assert field["hint"] == spec.description
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
