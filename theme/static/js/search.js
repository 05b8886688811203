// Site search with Pagefind: reads ?q= and the filters from the address, shows results in the page,
// announces how many there are, and keeps the address up to date so a search can be shared.
// Without JavaScript the page explains itself and links to the hub's facet pages instead.

const root = document.querySelector("[data-search]");
const form = root.querySelector("form");
const query = form.querySelector("#search-query");
const selects = [...form.querySelectorAll("select")];
const status = root.querySelector("[data-search-status]");
const list = root.querySelector("[data-search-results]");
const MAX_RESULTS = 50;
let pagefind = null;
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

function resultItem(data) {
  const item = document.createElement("li");
  item.className = "search-result";
  const heading = document.createElement("h2");
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta.title || data.url;
  heading.append(link);
  item.append(heading);
  if (data.meta.date) {
    const date = document.createElement("p");
    date.className = "meta";
    date.textContent = data.meta.date;
    item.append(date);
  }
  const excerpt = document.createElement("p");
  // Pagefind's excerpt is the indexed text, escaped, with the matches wrapped in <mark>.
  excerpt.innerHTML = data.excerpt;
  item.append(excerpt);
  return item;
}

async function run() {
  const ticket = ++latest;
  writeAddress();
  const words = query.value.trim();
  const filters = Object.fromEntries(selects.filter((s) => s.name !== "sort" && s.value).map((s) => [s.name, s.value]));
  const sort = form.querySelector("#search-sort").value === "date" ? { date: "desc" } : undefined;
  if (!words && !Object.keys(filters).length) {
    list.replaceChildren();
    status.textContent = "Type a word or choose a category, topic or year.";
    return;
  }
  status.textContent = "Searching…";
  try {
    pagefind ??= await import(root.dataset.bundle + "pagefind.js");
    const search = await pagefind.search(words || null, { filters, sort });
    const found = await Promise.all(search.results.slice(0, MAX_RESULTS).map((r) => r.data()));
    if (ticket !== latest) return;
    list.replaceChildren(...found.map(resultItem));
    const count = search.results.length;
    const shown = count > MAX_RESULTS ? ` The first ${MAX_RESULTS} are shown.` : "";
    const about = words ? ` for “${words}”` : "";
    status.textContent = `${count} ${count === 1 ? "result" : "results"}${about}.${shown}`;
  } catch (error) {
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
