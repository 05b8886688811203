// Optional filter panel for Knowledge & Resources: category, topic and year together, in place.
// The facet pages already do this job without JavaScript; this only saves a page load or two.
// State lives in the address (?category=news&topic=fostering&year=2025) so a filtered view can be shared.

const facets = document.querySelector("[data-hub-facets]");
const results = document.querySelector("[data-hub-results]");

function groupValues(kind) {
  return [...facets.querySelectorAll(`[aria-labelledby="facet-${kind}"] a`)].map((a) => ({
    slug: a.pathname.replace(/\/$/, "").split("/").pop(),
    name: a.firstChild.textContent.trim(),
  }));
}

function select(kind, label, anyLabel) {
  const wrapper = document.createElement("div");
  wrapper.className = "search-filter";
  const labelElement = document.createElement("label");
  labelElement.htmlFor = `hub-filter-${kind}`;
  labelElement.textContent = label;
  const control = document.createElement("select");
  control.id = `hub-filter-${kind}`;
  control.name = kind;
  control.add(new Option(anyLabel, ""));
  for (const value of groupValues(kind)) control.add(new Option(value.name, value.slug));
  wrapper.append(labelElement, control);
  return wrapper;
}

function card(article) {
  const node = (tag, className, text) => {
    const element = document.createElement(tag);
    if (className) element.className = className;
    if (text !== undefined) element.textContent = text;
    return element;
  };
  const link = (href, text, className) => {
    const a = node("a", className, text);
    a.href = href;
    return a;
  };
  // The same card the page's own list shows (partials/listing.html, layout "row").
  const item = node("article", article.image ? "card card-row has-picture" : "card card-row");
  if (article.image) item.append(picture(article.image));
  const body = node("div", "card-body");
  const heading = node("h3", "card-title");
  heading.append(link(article.url, article.title));
  const meta = node("p", "meta");
  const time = node("time", "", new Date(article.date).toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "Europe/London" }));
  time.dateTime = article.date;
  const separator = node("span", "meta-sep", "·");
  separator.setAttribute("aria-hidden", "true");
  meta.append(time, " ", separator, " ", link(article.category.url, article.category.name));
  body.append(heading, meta);
  if (article.content_note) body.append(contentNote(article.content_note));
  body.append(node("p", "teaser", article.teaser_cut ? `${article.teaser} […]` : article.teaser));
  if (article.topics.length) {
    const topics = node("p", "card-topics");
    topics.append(node("span", "visually-hidden", "Topics: "));
    for (const topic of article.topics) topics.append(link(topic.url, topic.name, "topic"), " ");
    body.append(topics);
  }
  const more = link(article.url, "Read Full Story", "read-more");
  more.append(node("span", "visually-hidden", `: ${article.title}`));
  const moreLine = node("p", "read-more-line");
  moreLine.append(more);
  body.append(moreLine);
  item.append(body);
  return item;
}

// An article's content note before its teaser, as the page's own cards show it: text, never markup.
function contentNote(text) {
  const note = document.createElement("p");
  note.className = "card-note";
  const label = document.createElement("strong");
  label.textContent = "Content note:";
  note.append(label, " ", text);
  return note;
}

// A card's picture from the index's one copy of it (see the images plugin's `card_image`): alt text
// empty, as on the page's own cards; fetched only as it nears the screen.
function picture({ src, modern_src: modern, modern_type: type, width, height }) {
  const element = document.createElement("picture");
  element.className = "card-picture";
  if (modern) element.append(Object.assign(document.createElement("source"), { srcset: modern, type }));
  element.append(Object.assign(document.createElement("img"), { src, width, height, alt: "", loading: "lazy", decoding: "async" }));
  return element;
}

if (facets && results) {
  const original = results.cloneNode(true);
  const form = document.createElement("form");
  form.className = "hub-filter";
  form.setAttribute("aria-labelledby", "hub-filter-heading");
  const heading = document.createElement("h2");
  heading.id = "hub-filter-heading";
  heading.textContent = "Filter articles";
  const controls = document.createElement("div");
  controls.className = "search-filters";
  controls.append(select("category", "Category", "Any category"), select("topic", "Topic", "Any topic"), select("year", "Year", "Any year"));
  // A form has a submit button (WCAG 3.2.2; pa11y's H32.2): it applies the chosen filters, as choosing a
  // value does at once, so keyboard and screen-reader users have an explicit control to press.
  const submit = document.createElement("button");
  submit.type = "submit";
  submit.textContent = "Apply filters";
  const clear = document.createElement("button");
  clear.type = "reset";
  clear.textContent = "Clear filters";
  const status = document.createElement("p");
  status.className = "search-status";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  form.append(heading, controls, submit, " ", clear, status);
  results.before(form);

  let articles = null;
  const selects = [...form.querySelectorAll("select")];

  async function apply() {
    const chosen = Object.fromEntries(selects.filter((s) => s.value).map((s) => [s.name, s.value]));
    const params = new URLSearchParams(chosen).toString();
    history.replaceState(null, "", params ? `?${params}` : location.pathname);
    // The featured story is one of the filtered results when it matches: never shown twice.
    document.querySelector("[data-hub-featured]")?.toggleAttribute("hidden", Boolean(params));
    if (!params) {
      document.querySelector("[data-hub-results]").replaceWith(original.cloneNode(true));
      status.textContent = "Filters cleared: showing all articles.";
      return;
    }
    articles ??= await (await fetch(facets.dataset.index)).json();
    const matching = articles.filter(
      (a) =>
        (!chosen.category || a.category.slug === chosen.category) &&
        (!chosen.topic || a.topics.some((t) => t.slug === chosen.topic)) &&
        (!chosen.year || a.year === chosen.year),
    );
    const current = document.querySelector("[data-hub-results]");
    const list = document.createElement("div");
    list.className = "card-list";
    list.append(...matching.map(card));
    const fresh = document.createElement("section");
    fresh.className = current.className;
    fresh.dataset.hubResults = "";
    fresh.setAttribute("aria-labelledby", "all-heading");
    const title = document.createElement("h2");
    title.id = "all-heading";
    title.textContent = "Filtered articles";
    fresh.append(title, list);
    current.replaceWith(fresh);
    status.textContent = `${matching.length} ${matching.length === 1 ? "article matches" : "articles match"}.`;
  }

  for (const control of selects) control.addEventListener("change", apply);
  form.addEventListener("reset", () => setTimeout(apply));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    apply();
  });

  const params = new URLSearchParams(location.search);
  for (const control of selects) {
    const wanted = params.get(control.name);
    if (wanted && [...control.options].some((o) => o.value === wanted)) control.value = wanted;
  }
  if (selects.some((s) => s.value)) apply();
}
