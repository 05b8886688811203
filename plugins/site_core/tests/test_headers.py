"""`_headers`: written once by the core from the rules plugins declare, the same whatever order they declare
them in; a header given two values for one path is a problem at each setting that gave it."""

import itertools

import pytest

from site_core import HEADERS_FILE, Build, HeaderRules

SITE = {"Content-Security-Policy": "default-src 'none'", "X-Frame-Options": "DENY"}
ADMIN = {"Content-Security-Policy": "default-src 'none'; script-src 'self' 'unsafe-eval'"}
THEME = {"Cache-Control": "public, max-age=31536000, immutable"}
DECLARATIONS = [
    ("/theme/*", THEME, "optimise", "OPTIMISE", ""),
    ("/admin/*", ADMIN, "editor", "EDITOR", "Why the editor's policy is looser.\nAnd a second line."),
    ("/*", SITE, "security_headers", "SECURITY_HEADERS", ""),
    ("/admin/config.yml", {"Cache-Control": "no-cache"}, "editor", "EDITOR", ""),
]
EXPECTED = (
    "/*\n"
    "  Content-Security-Policy: default-src 'none'\n"
    "  X-Frame-Options: DENY\n"
    "\n"
    "# Why the editor's policy is looser.\n"
    "# And a second line.\n"
    "/admin/*\n"
    "  Content-Security-Policy: default-src 'none'; script-src 'self' 'unsafe-eval'\n"
    "\n"
    "/admin/config.yml\n"
    "  Cache-Control: no-cache\n"
    "\n"
    "/theme/*\n"
    "  Cache-Control: public, max-age=31536000, immutable\n"
)


def rules_from(declarations) -> HeaderRules:
    rules = HeaderRules()
    for pattern, headers, by, setting, note in declarations:
        rules.declare(pattern, headers, by=by, setting=setting, note=note)
    return rules


@pytest.fixture
def settings(tmp_path, monkeypatch):
    """A project whose settings file sets EDITOR and SECURITY_HEADERS, so problems can name their lines."""
    (tmp_path / "content").mkdir()
    (tmp_path / "pelicanconf.py").write_text(
        'SITENAME = "x"\n\nEDITOR = {\n    "local": True,\n}\nSECURITY_HEADERS = {}\n', encoding="utf-8"
    )
    monkeypatch.setattr("sys.argv", ["pelican", "content", "-s", str(tmp_path / "pelicanconf.py")])
    return {"PATH": str(tmp_path / "content")}


def test_rules_go_from_the_general_to_the_particular_whatever_the_order_declared():
    for order in itertools.permutations(DECLARATIONS):
        assert rules_from(order).text() == EXPECTED


def test_two_plugins_rules_for_one_pattern_are_one_block_in_the_order_of_their_names():
    late = ("/*", {"X-Robots-Tag": "noindex"}, "zeta", "ZETA", "Zeta's note.")
    early = ("/*", {"X-Content-Type-Options": "nosniff"}, "alpha", "ALPHA", "Alpha's note.")
    for order in ([late, early], [early, late]):
        assert rules_from(order).text() == (
            "# Alpha's note.\n# Zeta's note.\n"
            "/*\n  X-Content-Type-Options: nosniff\n  X-Robots-Tag: noindex\n"
        )


def test_a_header_declared_twice_with_one_value_is_written_once(settings):
    twice = [("/*", SITE, "security_headers", "SECURITY_HEADERS", "")] * 2
    also = ("/*", {"x-frame-options": "DENY"}, "sitemap", "SITEMAP", "")
    rules = rules_from([*twice, also])
    assert rules.problems(settings) == []
    assert rules.text() == "/*\n  Content-Security-Policy: default-src 'none'\n  X-Frame-Options: DENY\n"


def test_two_values_for_one_header_are_a_problem_at_each_setting_and_no_file_is_written(settings, tmp_path):
    output = tmp_path / "output"
    output.mkdir()
    build = Build(settings)
    build.declare_headers("/admin/*", ADMIN, by="editor", setting="EDITOR")
    # Header names are the same header whatever their case.
    other = {"content-security-policy": "default-src 'self'"}
    build.declare_headers("/admin/*", other, by="security_headers", setting="SECURITY_HEADERS")
    build.write_headers(output)
    assert not (output / HEADERS_FILE).exists()
    problems = build.problems.sorted()
    assert [(p.path, p.line) for p in problems] == [
        (str(tmp_path / "pelicanconf.py"), 3),
        (str(tmp_path / "pelicanconf.py"), 6),
    ]
    for problem in problems:
        assert "/admin/* two Content-Security-Policy headers" in problem.message
        assert "(from editor, EDITOR)" in problem.message
        assert "(from security_headers, SECURITY_HEADERS)" in problem.message
        assert "default-src 'self'" in problem.message


def test_a_line_break_in_a_value_is_a_problem(settings):
    rules = rules_from(
        [("/*", {"Referrer-Policy": "no-referrer\n/x"}, "security_headers", "SECURITY_HEADERS", "")]
    )
    [problem] = rules.problems(settings)
    assert problem.line == 6
    assert "the Referrer-Policy header (from security_headers, SECURITY_HEADERS) for /* has a line break" in (
        problem.message
    )


def test_the_file_is_written_once_and_a_rule_declared_later_is_refused(settings, tmp_path):
    build = Build(settings)
    for pattern, headers, by, setting, note in DECLARATIONS:
        build.declare_headers(pattern, headers, by=by, setting=setting, note=note)
    build.write_headers(tmp_path)
    assert (tmp_path / HEADERS_FILE).read_text(encoding="utf-8") == EXPECTED
    with pytest.raises(RuntimeError, match=r"declare them by the end of site_core\.before_publish"):
        build.declare_headers("/late/*", THEME, by="optimise", setting="OPTIMISE")
    build.reset()
    build.declare_headers("/late/*", THEME, by="optimise", setting="OPTIMISE")


def test_without_a_rule_no_file_is_written(settings, tmp_path):
    Build(settings).write_headers(tmp_path)
    assert not (tmp_path / HEADERS_FILE).exists()


@pytest.mark.parametrize("pattern", ["theme/*", "/with space/*", ""])
def test_a_pattern_is_a_path_from_the_root(pattern):
    with pytest.raises(ValueError, match="a path from /"):
        HeaderRules().declare(pattern, THEME, by="optimise", setting="OPTIMISE")


def test_a_header_name_is_a_token():
    with pytest.raises(ValueError, match="is not a header name"):
        HeaderRules().declare("/*", {"Cache Control": "no-cache"}, by="optimise", setting="OPTIMISE")
