"""Clean HTML (from `convert.py`) written as the Markdown this site's authors write, with markdownify.

Text is escaped for Python-Markdown as this site reads it (extra, sane_lists, smarty, toc): nothing in an
old post's words can turn into markup it did not have. A figure with a caption, a table and a `<details>`
have no Markdown of their own and stay as HTML blocks; superscripts and the like as inline HTML.
"""

import re
from typing import ClassVar

from bs4 import BeautifulSoup, NavigableString, Tag
from markdownify import ATX, MarkdownConverter

LIST_INDENT = 4
ENTITY_LIKE = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
# Characters Python-Markdown reads as markup anywhere in a line, escaped with a backslash.
INLINE_MARKUP = re.compile(r"([\\`*_\[\]{}])")
# What starts a block at the beginning of a line: a heading, a quotation, a list item, a definition.
LINE_START = re.compile(r"^(\s*)(#|>|[-+](?=\s|$)|(\d+)(?=[.)](?:\s|$))|:(?=\s)|=+\s*$|-[-\s]*$)")
UNESCAPED_STAR = re.compile(r"(?<!\\)\*")
URL_UNSAFE = re.compile(r"[\s()<>]")
BLOCK_CHILDREN = ["p", "ul", "ol", "pre", "blockquote", "table", "figure", "details", "dl", "h2", "h3", "h4"]
RAW_INLINE = {"sup", "sub", "u", "ins", "del", "s", "mark", "abbr", "samp", "var"}


def escape_text(text: str) -> str:
    """A run of text as Markdown that shows exactly these characters."""
    text = INLINE_MARKUP.sub(r"\\\1", text.replace("\n", " "))
    text = ENTITY_LIKE.sub("&amp;", text)
    return text.replace("<", "&lt;")


def protect_line_starts(text: str) -> str:
    """Each line of a paragraph with whatever would start a block there escaped (`1.` `#` `>` `-` …)."""

    def one(match: re.Match) -> str:
        space, marker, number = match.group(1), match.group(2), match.group(3)
        if number:
            return f"{space}{number}\\"
        if marker.startswith("="):
            return space + marker.replace("=", "&#61;")
        if marker.startswith("-") and len(marker) > 1:
            return space + marker.replace("-", "\\-")
        if marker == ":":
            return f"{space}&#58;"
        return f"{space}\\{marker}"

    return "\n".join(LINE_START.sub(one, line.lstrip(" ")) for line in text.split("\n"))


def safe_url(url: str) -> str:
    return URL_UNSAFE.sub(lambda m: f"%{ord(m.group(0)):02X}", url)


def is_loose(list_element: Tag) -> bool:
    """Whether a list's items hold blocks (paragraphs, lists, code): Markdown then needs a blank line
    between its items, or an item after a nested block would run into it."""
    return any(
        isinstance(child, Tag) and child.find(BLOCK_CHILDREN) is not None
        for child in list_element.find_all("li", recursive=False)
    )


def raw_html(element: Tag) -> str:
    """An element as one line of HTML, so Markdown takes it as a block of HTML as it is."""
    text = element.decode(formatter="html5")
    return re.sub(r"\s*\n\s*", " ", text).strip()


class SiteMarkdown(MarkdownConverter):
    """markdownify with this site's Markdown: ATX headings with their ids, four-space list indentation,
    fenced code (indented inside lists and quotations), and escaping that Python-Markdown honours."""

    class Options(MarkdownConverter.DefaultOptions):
        heading_style = ATX
        bullets = "-"
        escape_asterisks = False
        escape_underscores = False
        escape_misc = False
        keep_inline_images_in: ClassVar = ["h2", "h3", "h4", "h5", "h6", "td", "th", "a", "p"]
        strip_document = "strip"

    def escape(self, text, parent_tags):
        return escape_text(text) if text else ""

    def convert_hN(self, n, el, text, parent_tags):
        if "_inline" in parent_tags:
            return text
        text = re.sub(r"\s+", " ", text).strip()
        if not text:
            return ""
        anchor = f" {{#{el['id']}}}" if el.get("id") else ""
        return f"\n\n{'#' * max(2, min(6, n))} {text}{anchor}\n\n"

    def convert_p(self, el, text, parent_tags):
        if "_inline" in parent_tags:
            return " " + text.strip() + " "
        text = protect_line_starts(text.strip(" \t\r\n"))
        return f"\n\n{text}\n\n" if text.strip() else ""

    def convert_a(self, el, text, parent_tags):
        href = el.get("href")
        if not href:
            return f'<a id="{el["id"]}"></a>' if el.get("id") else text
        prefix, suffix, text = (" " if text[:1] == " " else "", " " if text[-1:] == " " else "", text.strip())
        if not text:
            return ""
        return f"{prefix}[{text}]({safe_url(href)}){suffix}"

    def convert_img(self, el, text, parent_tags):
        alt = escape_text(el.get("alt") or "")
        return f"![{alt}]({safe_url(el.get('src') or '')})"

    def convert_pre(self, el, text, parent_tags):
        code = el.get_text()
        code = code.strip("\n")
        if not code.strip():
            return ""
        if parent_tags & {"li", "blockquote"}:
            indented = "\n".join(f"    {line}" if line.strip() else "" for line in code.split("\n"))
            return f"\n\n{indented}\n\n"
        language = ""
        inner = el.find("code")
        if isinstance(inner, Tag):
            language = next(
                (c.removeprefix("language-") for c in inner.get("class") or [] if c.startswith("language-")),
                "",
            )
        longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
        fence = "`" * max(3, longest + 1)
        return f"\n\n{fence}{language}\n{code}\n{fence}\n\n"

    def convert_li(self, el, text, parent_tags):
        text = (text or "").strip()
        if not text:
            return "\n"
        parent = el.parent
        if parent is not None and parent.name == "ol":
            start = parent.get("start")
            first = int(start) if str(start or "").isdigit() else 1
            bullet = f"{first + len(el.find_previous_siblings('li'))}."
        else:
            bullet = "-"
        lines = text.split("\n")
        first_line = protect_line_starts(lines[0])
        rest = [(" " * LIST_INDENT + line) if line.strip() else "" for line in lines[1:]]
        item = "\n".join([f"{bullet.ljust(LIST_INDENT - 1)} {first_line}", *rest])
        return item + ("\n\n" if parent is not None and self.loose(parent) else "\n")

    def loose(self, list_element: Tag) -> bool:
        """`is_loose`, worked out once for each list (every item of it asks)."""
        known = self.__dict__.setdefault("loose_lists", {})
        if id(list_element) not in known:
            known[id(list_element)] = is_loose(list_element)
        return known[id(list_element)]

    def convert_list(self, el, text, parent_tags):
        return "\n\n" + text.rstrip() + "\n\n"

    convert_ul = convert_list
    convert_ol = convert_list

    def convert_blockquote(self, el, text, parent_tags):
        text = (text or "").strip("\n").rstrip()
        if not text:
            return ""
        quoted = "\n".join(f"> {line}" if line else ">" for line in text.split("\n"))
        return f"\n\n{quoted}\n\n"

    def convert_dt(self, el, text, parent_tags):
        text = re.sub(r"\s+", " ", text or "").strip()
        return f"\n\n{protect_line_starts(text)}\n" if text else ""

    def convert_code(self, el, text, parent_tags):
        if isinstance(el, Tag) and el.find("a") is not None and "_noformat" not in parent_tags:
            # Markdown has no link inside code: the element stays HTML, as it was.
            return raw_html(el)
        return super().convert_code(el, text, parent_tags)

    def _emphasis(self, el, text, parent_tags, marker: str) -> str:
        """`*…*` or `**…**`, or the HTML element when the text already holds emphasis or a line break,
        where Markdown's asterisks would pair up wrongly."""
        if "_noformat" in parent_tags:
            return text
        prefix = " " if text[:1].isspace() else ""
        suffix = " " if text[-1:].isspace() else ""
        inner = text.strip()
        if not inner:
            return prefix or suffix
        if UNESCAPED_STAR.search(inner) or "\n" in inner:
            tag = "strong" if len(marker) == 2 else "em"
            return f"{prefix}<{tag}>{inner}</{tag}>{suffix}"
        return f"{prefix}{marker}{inner}{marker}{suffix}"

    def convert_em(self, el, text, parent_tags):
        return self._emphasis(el, text, parent_tags, "*")

    def convert_strong(self, el, text, parent_tags):
        return self._emphasis(el, text, parent_tags, "**")

    convert_i = convert_em
    convert_b = convert_strong

    def convert_hr(self, el, text, parent_tags):
        return "\n\n---\n\n"

    def convert_figure(self, el, text, parent_tags):
        return f"\n\n{raw_html(el)}\n\n"

    convert_table = convert_figure
    convert_details = convert_figure

    def convert_br(self, el, text, parent_tags):
        return "  \n"

    def convert_q(self, el, text, parent_tags):
        return f"“{text}”"

    def _raw_inline(self, el, text, parent_tags):
        attributes = "".join(f' {k}="{v}"' for k, v in el.attrs.items() if isinstance(v, str))
        return f"<{el.name}{attributes}>{text}</{el.name}>" if text.strip() else text


for _name in RAW_INLINE:
    setattr(SiteMarkdown, f"convert_{_name}", SiteMarkdown._raw_inline)


def to_markdown(fragment: str | Tag) -> str:
    """Markdown for an HTML fragment (or a parsed element, whose children are converted)."""
    soup = fragment if isinstance(fragment, Tag) else BeautifulSoup(fragment, "html.parser")
    text = SiteMarkdown().convert_soup(soup)
    text = re.sub(r"[ \t]+\n(?!\n)", lambda m: "  \n" if m.group(0).startswith("  ") else "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip() + "\n" if text.strip() else ""


__all__ = ["NavigableString", "to_markdown"]
