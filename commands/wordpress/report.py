"""The import's report: one Markdown page for people, saying what came in, what did not and why, and what
needs a person, each with the item's WordPress id and the file and line it went to.

It names no commenter, no form's sender and no address or password: the items that held them are counted,
and form submissions are named only by their id.
"""

from collections import Counter
from pathlib import Path

from .convert import CHANGED, NEEDS, Note
from .importer import FORMS_REASON, Doc, Result

SHOWN_TAGS = 30
FRESH = {"written", "updated", "unchanged"}


def where(doc: Doc, project: Path, note: Note | None = None) -> str:
    relative = doc.path.relative_to(project).as_posix() if doc.path else "?"
    line = note.line if note is not None else 1
    return f"{relative}:{line}"


def state_of(doc: Doc) -> str:
    """The file's state after the run, the same however many times the import ran: the report of a second
    run over the same export is the same file."""
    return "as imported" if doc.outcome in FRESH else doc.outcome


def title_of(doc: Doc) -> str:
    return doc.values.get("title", "") or f"{doc.item.post_type} {doc.item.post_id}"


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def counts(result: Result) -> list[tuple[str, int]]:
    published = sum(1 for d in result.docs if d.published)
    rows = [
        ("imported and published", published),
        ("imported as drafts (a person must look first; listed below)", len(result.docs) - published),
    ]
    reasons = Counter(s.reason for s in result.skipped)
    rows += [(f"not imported: {reason}", count) for reason, count in sorted(reasons.items())]
    return rows


def render(result: Result, project: Path) -> str:
    scan, options = result.scan, result.options
    channel = scan.channel
    rows = counts(result)
    total = sum(count for _, count in rows)
    lines = [
        f"# WordPress import: {channel.title or options.export.name}",
        "",
        f"From `{options.export.name}` ({channel.link or channel.base_site_url}). "
        + (
            "**Dry run: nothing was written to content/.**"
            if options.dry_run or result.stopped
            else "Written into content/ as listed below."
        ),
        "",
    ]
    if result.stopped:
        lines += [f"**Not imported yet:** {result.stopped}", ""]
    lines += ["## In numbers", "", "| | items |", "|---|---:|"]
    lines += [f"| {cell(label)} | {count} |" for label, count in rows]
    lines += [f"| **all items in the export** | **{total}** |", ""]
    posts_and_pages = [i for i in scan.items if i.post_type in ("post", "page")]
    imported_ids = {d.item.index for d in result.docs}
    media_ok = [r for r in result.media.refs if r.local is not None]
    media_missing = [r for r in result.media.refs if r.local is None]
    comments = sum(i.comments for i in scan.items)
    aliases = sum(len(d.aliases) for d in result.docs if d.published)
    lines += [
        f"- Posts and pages: {len(posts_and_pages)} in the export, "
        f"{sum(1 for i in posts_and_pages if i.index in imported_ids)} "
        "imported, the rest counted above with the reason.",
        f"- Media: {len(media_ok)} files brought in "
        f"({sum(1 for r in media_ok if r.kind == 'image')} images); {len(media_missing)} could not be "
        "(below).",
        f"- Comments: {comments} not imported. Commenters' names, e-mail and IP addresses are never written.",
        f"- Old addresses: {aliases} permalinks and earlier slugs of published items redirect to their new "
        f"pages; {len(result.query_rules)} `?p=` / `?page_id=` addresses need a rule on the web server "
        "(at the end).",
    ]
    if scan.dropped_bytes:
        lines.append(
            f"- The export held {scan.dropped_bytes} invisible control characters, which were dropped."
        )
    if result.defaulted:
        names = ", ".join(f"`{u.slug}` ({u.posts})" for u in result.defaulted)
        target = options.default_category or "(none)"
        lines.append(
            f"- Sent to the category {target} by --default-category, having no target in the map: {names}."
        )
    if result.unmapped_tags:
        most_used = sorted(result.unmapped_tags, key=lambda u: (-u.posts, u.slug))
        names = ", ".join(f"`{u.slug}` ({u.posts})" for u in most_used[:SHOWN_TAGS])
        if len(most_used) > SHOWN_TAGS:
            names += f" and {len(most_used) - SHOWN_TAGS} more, each in the map"
        lines.append(
            f"- Tags with no topic in the map, left out of the articles ({len(result.unmapped_tags)}): "
            f"{names}."
        )
    outcomes = Counter(state_of(d) for d in result.docs)
    lines.append("- Files: " + ", ".join(f"{n} {o}" for o, n in sorted(outcomes.items())) + ".")
    lines += ["", *needs_section(result, project), *summaries_section(result, project)]
    lines += [*changed_section(result, project), *media_section(result), *skipped_section(result)]
    lines += query_section(result)
    return "\n".join(lines).rstrip() + "\n"


def needs_section(result: Result, project: Path) -> list[str]:
    docs = [d for d in result.docs if not d.published or any(n.kind == NEEDS for n in d.notes)]
    lines = [f"## Needs a person ({len(docs)} items)", ""]
    if not docs:
        return [*lines, "Nothing.", ""]
    lines += [
        "Each item below is listed with its WordPress id and the file it went to. Drafts stay off the site "
        "until the line `status: draft` is removed.",
        "",
    ]
    for doc in sorted(docs, key=lambda d: (d.published, d.item.index)):
        state = "draft" if not doc.published else "published"
        lines.append(f"### {cell(title_of(doc))}")
        lines.append("")
        lines.append(
            f"WordPress {doc.item.post_type} {doc.item.post_id} → `{where(doc, project)}` "
            f"({state}; {state_of(doc)})"
        )
        lines.append("")
        shown = [n for n in doc.notes if n.kind == NEEDS]
        for reason in doc.draft_reasons:
            if not any(n.what == reason for n in shown):
                lines.append(f"- {reason}")
        for note in shown:
            lines.append(f"- `{where(doc, project, note)}`: {note.what} — {note.fix}")
        lines.append("")
    return lines


def summaries_section(result: Result, project: Path) -> list[str]:
    docs = [d for d in result.docs if d.summary_derived]
    if not docs:
        return []
    lines = [
        f"## Summaries written from the text ({len(docs)})",
        "",
        "These had no excerpt in WordPress, so their summary is the opening of the text. Read each; "
        "change it "
        "if it does not stand on its own.",
        "",
    ]
    for doc in docs:
        relative = doc.path.relative_to(project).as_posix() if doc.path else "?"
        lines.append(f"- `{relative}:{doc.summary_line}` ({doc.item.post_type} {doc.item.post_id})")
    return [*lines, ""]


def changed_section(result: Result, project: Path) -> list[str]:
    docs = [d for d in result.docs if any(n.kind == CHANGED for n in d.notes)]
    if not docs:
        return []
    lines = [f"## Changed on the way ({len(docs)} items)", ""]
    for doc in docs:
        lines.append(
            f"- **{cell(title_of(doc))}** ({doc.item.post_type} {doc.item.post_id}, `{where(doc, project)}`)"
        )
        for note in dict.fromkeys(n.what for n in doc.notes if n.kind == CHANGED):
            lines.append(f"  - {note}")
    return [*lines, ""]


def media_section(result: Result) -> list[str]:
    missing = [r for r in result.media.refs if r.local is None]
    notes = [(r, n) for r in result.media.refs for n in r.notes]
    if not missing and not notes:
        return []
    lines = [f"## Media not brought in ({len(missing)})", ""]
    lines += [f"- `{r.label}`: {r.problem} — {r.fix}" for r in missing]
    if notes:
        lines += ["", "Media changed on the way:", ""]
        lines += [f"- {n}" for _, n in notes]
    return [*lines, ""]


def skipped_section(result: Result) -> list[str]:
    lines = [f"## Not imported ({len(result.skipped)} items)", ""]
    by_reason: dict[str, list] = {}
    for skipped in result.skipped:
        by_reason.setdefault(skipped.reason, []).append(skipped.item)
    for reason, items in sorted(by_reason.items()):
        lines.append(f"- {reason}: {len(items)}")
        if reason == FORMS_REASON:
            lines.append("  (ids only: " + ", ".join(str(i.post_id) for i in items) + ")")
        elif reason.startswith(("in the bin", "Duplicate", "posts with", "automatic")):
            for item in items:
                lines.append(f"  - {item.post_type} {item.post_id}: {cell(item.title) or '(no title)'}")
    return [*lines, ""]


def query_section(result: Result) -> list[str]:
    if not result.query_rules:
        return []
    return [
        f"## Server rules for `?p=` and `?page_id=` addresses ({len(result.query_rules)})",
        "",
        "WordPress also answered every post at `/?p=ID` (and pages at `/?page_id=ID`). A static host cannot "
        "redirect by query string; a web server can. The rules are written beside this report for nginx "
        "(`.nginx.conf`, include it in the `server` block) and Apache (`.htaccess`).",
        "",
        "| old address | new address |",
        "|---|---|",
        *[f"| `{old}` | `{new}` |" for old, new in result.query_rules],
        "",
    ]


def nginx_rules(rules: list[tuple[str, str]]) -> str:
    lines = ["# WordPress's /?p=ID and /?page_id=ID addresses: include inside the site's `server` block."]
    for old, new in rules:
        key, _, value = old.removeprefix("/?").partition("=")
        lines.append(f'if ($arg_{key} = "{value}") {{ return 301 {new}; }}')
    return "\n".join(lines) + "\n"


def apache_rules(rules: list[tuple[str, str]]) -> str:
    lines = [
        "# WordPress's /?p=ID and /?page_id=ID addresses, for Apache (.htaccess at the site's root).",
        "RewriteEngine On",
    ]
    for old, new in rules:
        key, _, value = old.removeprefix("/?").partition("=")
        lines += [
            f"RewriteCond %{{QUERY_STRING}} (^|&){key}={value}(&|$)",
            f"RewriteRule ^$ {new}? [R=301,L]",
        ]
    return "\n".join(lines) + "\n"


def write_report(result: Result, project: Path) -> Path:
    options = result.options
    path = options.report_path or options.default_report()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(result, project), encoding="utf-8")
    if result.query_rules and not (options.dry_run or result.stopped):
        base = path.with_suffix("").with_suffix("")
        base.with_name(base.name + ".nginx.conf").write_text(
            nginx_rules(result.query_rules), encoding="utf-8"
        )
        base.with_name(base.name + ".htaccess").write_text(apache_rules(result.query_rules), encoding="utf-8")
    return path
