// Site search with Pagefind: reads ?q= and the filters from the address, shows results in the page,
// announces how many there are, and keeps the address up to date so a search can be shared.
// Without JavaScript the page explains itself and links to the hub's facet pages instead.
//
// Pagefind finds the words; the category, topic and year filters are applied here, from the hub's
// articles.json, because Pagefind's own filter index differs from build to build (Pagefind issue #638).
// The bundle's result-urls.json (written by the search plugin) gives each Pagefind result's page URL.

const root = document.querySelector("[data-search]");
const form = root.querySelector("form");
const query = form.querySelector("#search-query");
const selects = [...form.querySelectorAll("select")];
const filterSelects = selects.filter((s) => s.id.startsWith("filter-"));
const status = root.querySelector("[data-search-status]");
const list = root.querySelector("[data-search-results]");
const siteRoot = root.dataset.root || "";
const MAX_RESULTS = 50;
let pagefind = null;
let catalogue = null;
let latest = 0;

root.querySelector("[data-search-fallback]").hidden = true;

function readAddress() {
  const params = new URLSearchParams(location.search);
  query.value = params.get("q") || "";
  for (const select of selects) {
    const wanted = params.get(select.name) || "";
    select.value = [...select.options].some((o) => o.value === wanted) ? wanted : "";
  }
}

function writeAddress() {
  const params = new URLSearchParams();
  if (query.value.trim()) params.set("q", query.value.trim());
  for (const select of selects) if (select.value) params.set(select.name, select.value);
  const search = params.toString();
  history.replaceState(null, "", search ? `?${search}` : location.pathname);
}

// One key for a page whoever names it: articles.json (with the site's root path, e.g. /sub/articles/x/)
// and Pagefind (from the site root, /articles/x/ or /articles/x/index.html).
function pageKey(url) {
  let path = new URL(url, location.origin).pathname;
  if (siteRoot && (path === siteRoot || path.startsWith(`${siteRoot}/`))) path = path.slice(siteRoot.length);
  path = path.replace(/index\.html$/, "");
  if (!path.startsWith("/")) path = `/${path}`;
  return path.endsWith("/") ? path : `${path}/`;
}

async function fetchJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

// Every article (newest first, as articles.json lists them) and each Pagefind result id's article.
async function loadCatalogue() {
  const [articles, resultUrls] = await Promise.all([
    fetchJson(root.dataset.index),
    fetchJson(`${root.dataset.bundle}result-urls.json`),
  ]);
  const byPage = new Map(articles.map((a) => [pageKey(a.url), a]));
  const byResult = new Map();
  for (const [id, url] of Object.entries(resultUrls)) {
    const article = byPage.get(pageKey(url));
    if (article) byResult.set(id, article);
  }
  return { articles, byResult };
}

function matches(article, filters) {
  return (
    article !== undefined &&
    (!filters.category || article.category.name === filters.category) &&
    (!filters.topic || article.topics.some((t) => t.name === filters.topic)) &&
    (!filters.year || article.year === filters.year)
  );
}

// A result's picture: the one copy of its card crop the index names (Pagefind's meta, or articles.json),
// alt text empty as on every card, fetched as it nears the screen.
function thumbnail({ src, modern_src: modern, modern_type: type }) {
  const picture = document.createElement("picture");
  picture.className = "card-picture";
  if (modern) picture.append(Object.assign(document.createElement("source"), { srcset: modern, type }));
  picture.append(Object.assign(document.createElement("img"), { src, alt: "", loading: "lazy", decoding: "async" }));
  return picture;
}

// Pagefind's excerpt is its indexed words with only < and > escaped and each match in <mark>: read as HTML,
// an author's "&amp;" would show as "&". So the words are taken from the indexed text, as text, and marked
// where Pagefind marked them (as text alone when they cannot be found in it).
function excerptNodes(content, excerpt) {
  const shown = excerpt.split(" ");
  const bare = shown.map((word) => word.replace(/^<mark>/, "").replace(/<\/mark>$/, ""));
  const escaped = (word) => word.replaceAll("<", "&lt;").replaceAll(">", "&gt;");
  const words = (content || "").split(/\s+/).filter(Boolean);
  const start = words.findIndex((_, i) => bare.every((word, j) => escaped(words[i + j] ?? "") === word));
  if (start < 0) return [new DOMParser().parseFromString(excerpt, "text/html").body.textContent];
  return shown.flatMap((word, j) => {
    const original = words[start + j];
    const node = word.startsWith("<mark>") ? Object.assign(document.createElement("mark"), { textContent: original }) : original;
    return j ? [" ", node] : [node];
  });
}

function resultItem({ url, title, date, excerpt, content, teaser, note, image }) {
  const item = document.createElement("li");
  item.className = "search-result";
  if (image?.src) item.append(thumbnail(image));
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = url;
  link.textContent = title || url;
  heading.append(link);
  item.append(heading);
  if (date) {
    const line = document.createElement("p");
    line.className = "meta";
    line.textContent = date;
    item.append(line);
  }
  if (note) {
    // The article's content note before its teaser, as on the site's own cards: text, never markup.
    const warning = document.createElement("p");
    warning.className = "card-note";
    warning.append(Object.assign(document.createElement("strong"), { textContent: "Content note:" }), " ", note);
    item.append(warning);
  }
  const text = document.createElement("p");
  if (excerpt !== undefined) text.append(...excerptNodes(content, excerpt));
  else text.textContent = teaser;
  item.append(text);
  return item;
}

function fromPagefind(data) {
  const { title, date, thumbnail: src, thumbnail_modern: modern, thumbnail_type: type } = data.meta;
  const image = { src, modern_src: modern, modern_type: type };
  return { url: data.url, title, date, excerpt: data.excerpt, content: data.content, image };
}

function fromArticle(article) {
  const date = new Date(article.date).toLocaleDateString("en-GB", {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "Europe/London",
  });
  const teaser = article.teaser_cut ? `${article.teaser} […]` : article.teaser;
  return { url: article.url, title: article.title, date, teaser, note: article.content_note, image: article.image };
}

async function run() {
  const ticket = ++latest;
  writeAddress();
  const words = query.value.trim();
  const filters = Object.fromEntries(filterSelects.filter((s) => s.value).map((s) => [s.name, s.value]));
  const filtered = Object.keys(filters).length > 0;
  const sort = form.querySelector("#search-sort").value === "date" ? { date: "desc" } : undefined;
  if (!words && !filtered) {
    list.replaceChildren();
    status.textContent = "Type a word or choose a category, topic or year.";
    return;
  }
  status.textContent = "Searching…";
  try {
    if (filtered) catalogue ??= await loadCatalogue();
    let count;
    let shown;
    if (words) {
      pagefind ??= await import(root.dataset.bundle + "pagefind.js");
      const search = await pagefind.search(words, { sort });
      const results = filtered
        ? search.results.filter((r) => matches(catalogue.byResult.get(r.id), filters))
        : search.results;
      count = results.length;
      shown = (await Promise.all(results.slice(0, MAX_RESULTS).map((r) => r.data()))).map(fromPagefind);
    } else {
      // No words: every article in the chosen category, topic and year, newest first.
      const matching = catalogue.articles.filter((a) => matches(a, filters));
      count = matching.length;
      shown = matching.slice(0, MAX_RESULTS).map(fromArticle);
    }
    if (ticket !== latest) return;
    list.replaceChildren(...shown.map(resultItem));
    const more = count > MAX_RESULTS ? ` The first ${MAX_RESULTS} are shown.` : "";
    const about = words ? ` for “${words}”` : "";
    status.textContent = `${count} ${count === 1 ? "result" : "results"}${about}.${more}`;
  } catch (error) {
    if (ticket !== latest) return;
    status.textContent = "Search is not available at the moment. Browse Knowledge & Resources instead.";
    root.querySelector("[data-search-fallback]").hidden = false;
    console.error(error);
  }
}

let typing;
form.addEventListener("submit", (event) => {
  event.preventDefault();
  run();
});
query.addEventListener("input", () => {
  clearTimeout(typing);
  typing = setTimeout(run, 300);
});
for (const select of selects) select.addEventListener("change", run);

readAddress();
if (location.search) run();
