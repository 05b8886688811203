"""HTML made plain: the element-by-element steps that leave only what Markdown and this site's sanitiser
keep, whatever produced the HTML. `convert.py` decides what each WordPress construct means; these
functions only tidy the result (figures, tables, code, lists and paragraphs as a browser showed them)."""

from bs4 import BeautifulSoup, Comment, NavigableString, Tag
from markdown.extensions.toc import slugify as toc_slugify
from markdown.extensions.toc import unique as toc_unique

# Where `<!--more-->` was: every step keeps it until the text before it has been taken as the teaser.
MORE_MARK = "wp-more"

# Elements kept as themselves; any other is unwrapped (its text kept).
KEPT_ELEMENTS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "a", "img", "figure", "figcaption", "blockquote", "ul",
    "ol", "li", "dl", "dt", "dd", "pre", "code", "em", "i", "strong", "b", "u", "s", "del", "ins", "sub",
    "sup", "abbr", "mark", "kbd", "samp", "var", "cite", "q", "small", "table", "caption", "thead", "tbody",
    "tr", "th", "td", "details", "summary", "time",
}  # fmt: skip
KEPT_ATTRIBUTES = {
    "a": {"href", "id"},
    "img": {"src", "alt"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
    "abbr": {"title"},
    "time": {"datetime"},
    "code": {"class"},
    **{f"h{n}": {"id"} for n in range(2, 7)},
}
BLOCK_LEVEL = {
    "p", "hr", "h2", "h3", "h4", "h5", "h6", "figure", "blockquote", "ul", "ol", "dl", "pre", "table",
    "details", "summary", MORE_MARK,
}  # fmt: skip
# Whose children may mix text and blocks, so loose text among blocks is made a paragraph.
FLOW_CONTAINERS = {"[document]", "blockquote", "details", "li", "dd", "figcaption"}


def figure_html(image, caption_html: str) -> str:
    """A figure of one image (or a link around one) and its caption; without a caption, a paragraph."""
    if not BeautifulSoup(caption_html or "", "html.parser").get_text(strip=True):
        return f"<p>{image}</p>"
    return f"<figure>{image}<figcaption>{caption_html}</figcaption></figure>"


def rework_figure(soup: BeautifulSoup, figure: Tag) -> None:
    """A figure is kept only as one image with its caption; a table's caption moves into the table; any
    other figure is unwrapped."""
    table = figure.find("table")
    caption = figure.find("figcaption")
    if table is not None:
        if caption is not None and caption.get_text(strip=True):
            table_caption = soup.new_tag("caption")
            table_caption.extend(list(caption.contents))
            table.insert(0, table_caption)
        if caption is not None:
            caption.decompose()
        figure.unwrap()
        return
    images = figure.find_all("img")
    if len(images) == 1 and caption is not None and caption.get_text(strip=True):
        image = images[0]
        holder = image.parent if image.parent is not None and image.parent.name == "a" else image
        kept = soup.new_tag("figure")
        kept.append(holder.extract())
        kept.append(caption.extract())
        figure.replace_with(kept)
        return
    if caption is not None:
        caption.name = "p"
    for image in images:
        holder = image.parent if image.parent is not None and image.parent.name == "a" else image
        if holder.parent is not None and holder.parent.name in ("p", "a"):
            continue
        paragraph = soup.new_tag("p")
        holder.wrap(paragraph)
    figure.unwrap()


def by_name(root: Tag, comments: bool = False) -> dict[str, list]:
    """The elements below `root` grouped by name, in document order (comments under `#comment`)."""
    found: dict[str, list] = {}
    for node in root.descendants:
        if isinstance(node, Tag):
            found.setdefault(node.name, []).append(node)
        elif comments and isinstance(node, Comment):
            found.setdefault("#comment", []).append(node)
    return found


def plain_pre(soup: BeautifulSoup, pre: Tag) -> None:
    """A `<pre>` with its line breaks as newlines; a verse (the block editor's poem) as lines of text."""
    for line_break in pre.find_all("br"):
        line_break.replace_with("\n")
    if "wp-block-verse" in (pre.get("class") or []):
        verse = soup.new_tag("p")
        for index, line in enumerate(pre.get_text().strip("\n").split("\n")):
            if index:
                verse.append(soup.new_tag("br"))
            verse.append(line)
        pre.replace_with(verse)


def multiline_code(soup: BeautifulSoup, code: Tag) -> None:
    """Inline code broken over lines (`wpautop` put `<br>` in it) is a code block when it is the whole
    paragraph, else one line."""
    breaks = code.find_all("br")
    if not breaks or code.find_parent("pre") is not None:
        return
    for line_break in breaks:
        line_break.replace_with("\n")
    paragraph = code.parent
    alone = (
        paragraph is not None
        and paragraph.name == "p"
        and paragraph.get_text().strip() == code.get_text().strip()
    )
    if alone:
        block = soup.new_tag("pre")
        block.append(soup.new_tag("code"))
        block.code.string = code.get_text()
        paragraph.replace_with(block)
    else:
        code.string = " ".join(line.strip() for line in code.get_text().split("\n"))


def keep_anchor(soup: BeautifulSoup, element: Tag) -> None:
    """An element that is unwrapped keeps its `id` as an empty anchor, so links to it still arrive."""
    identifier = element.get("id")
    if identifier and element.name not in KEPT_ELEMENTS:
        element.insert_before(soup.new_tag("a", attrs={"id": str(identifier)}))


def tidy_attributes(soup: BeautifulSoup, element: Tag) -> None:
    allowed = KEPT_ATTRIBUTES.get(element.name, set())
    identifier = element.get("id")
    if identifier and "id" not in allowed and element.name not in ("figure", "table", "details"):
        if element.name in ("p", "li", "blockquote", "dd", "dt", "td", "th", "figcaption", "summary"):
            element.insert(0, soup.new_tag("a", attrs={"id": str(identifier)}))
        else:
            element.insert_before(soup.new_tag("a", attrs={"id": str(identifier)}))
    kept = {}
    for name, value in element.attrs.items():
        if name == "id" and element.name in ("figure", "table", "details"):
            kept[name] = value
        elif name in allowed:
            if name == "class":
                languages = [c for c in (value or []) if c.startswith("language-")]
                if languages:
                    kept[name] = languages[:1]
            else:
                kept[name] = value
    element.attrs = kept


def wrap_orphan_items(soup: BeautifulSoup, root: Tag) -> None:
    """List items written without their list (browsers show them as one) are put in a list."""
    for item in root.find_all("li"):
        if item.parent is None or item.parent.name in ("ul", "ol"):
            continue
        run = [item]
        sibling = item.next_sibling
        while sibling is not None and (
            (isinstance(sibling, Tag) and sibling.name == "li")
            or (isinstance(sibling, NavigableString) and not sibling.strip())
        ):
            run.append(sibling)
            sibling = sibling.next_sibling
        holder = soup.new_tag("ul")
        item.insert_before(holder)
        for piece in run:
            holder.append(piece.extract())
        if holder.parent is not None and holder.parent.name == "p":
            paragraph = holder.parent
            paragraph.insert_after(holder.extract())
            if not paragraph.get_text(strip=True):
                paragraph.decompose()


def wrap_loose_text(soup: BeautifulSoup, root: Tag) -> None:
    """Text and inline elements left beside blocks (after a `<div>` was unwrapped) become paragraphs."""
    for container in [root, *root.find_all(list(FLOW_CONTAINERS - {"[document]"}))]:
        children = list(container.children)
        if not any(isinstance(c, Tag) and c.name in BLOCK_LEVEL for c in children):
            continue
        run: list = []
        for child in [*children, None]:
            if child is not None and not (isinstance(child, Tag) and child.name in BLOCK_LEVEL):
                run.append(child)
                continue
            if any(not isinstance(c, NavigableString) or c.strip() for c in run):
                paragraph = soup.new_tag("p")
                run[0].insert_before(paragraph)
                for piece in run:
                    paragraph.append(piece.extract())
            run = []


def remove_empty(soup: Tag) -> None:
    """Paragraphs, headings and the like with nothing in them (`<p>&nbsp;</p>`, a lone `<br>`) go."""
    for element in soup.find_all(["p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "figcaption"]):
        if element.decomposed or element.find(["img", "a", "hr", MORE_MARK]) is not None:
            continue
        if not element.get_text().replace("\u00a0", " ").strip():
            element.decompose()


def opening_text(root: Tag, words: int = 12) -> str:
    """The first paragraph of the text that reads as prose (at least `words` words, not in a quotation, a
    list or a table, not code): what a summary is made from when the post had no excerpt."""
    for paragraph in root.find_all("p"):
        if paragraph.find_parent(["blockquote", "li", "figure", "table", "details", "dd"]) is not None:
            continue
        text = " ".join(
            str(piece).strip()
            for piece in paragraph.find_all(string=True)
            if piece.strip() and piece.find_parent("code") is None
        )
        if len(text.split()) >= words:
            return text
    return ""


def heading_ids(soup: Tag) -> set[str]:
    """The ids the page will have: those kept from WordPress, and those Markdown's table of contents gives
    each heading (so links to `#anchor` can be checked before the build does)."""
    ids = {str(e["id"]) for e in soup.find_all(attrs={"id": True})}
    used = set(ids)
    for heading in soup.find_all(["h2", "h3", "h4", "h5", "h6"]):
        if heading.get("id"):
            continue
        ids.add(toc_unique(toc_slugify(heading.get_text(" ", strip=True), "-"), used))
    return ids
