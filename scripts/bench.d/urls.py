#!/usr/bin/env python3
"""URL files for scripts/bench, generated from the running shop's Store API (Python 3 stdlib only).

    urls.py generate --base http://127.0.0.1:58499 --out DIR [--seed 1] [--listing-urls 10000]
                     [--search-urls 10000] [--variant-products 2000] [--workers 4]
    urls.py probe --base http://127.0.0.1:58499 FILE [--count 50]

`generate` pages through /api/v1/products (every slug), reads /api/v1/categories (the tree) and
each category's facets (brands, option values, price bands), then writes one path per line:

    product-html.txt   /p/{slug}, every product
    product-api.txt    /api/v1/products/{slug}, every product
    category-html.txt  /c/{slug}?brand=…&option=…&minPrice=…&maxPrice=…&inStock=1&sort=…&page=…
    list-api.txt       /api/v1/products?category=…&brand=…&options=…&minPrice=…&inStock=true&sort=…&page=…
    search-html.txt    /search?q=…  (words from product titles: single words, pairs, typos)
    search-api.txt     /api/v1/search?q=…
    variants.json      in-stock SKUs of a random sample of products, for checkout.py
    summary.txt        key=value counts the bench prints

Listing URLs draw a random category and sort; half of them also get filters drawn from that
category's own facets (each of brand, option value, price band and in-stock with p = 0.4, at
least one). Pages are drawn only where the number of results is known (no filter, or a single
brand or option value whose facet count is known), so every URL names a page that exists (the
storefront answers 404 past the last page).

`probe` requests COUNT random lines of FILE and prints how they answered (`200x48 404x2`).
"""

import argparse
import http.client
import json
import os
import random
import re
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

PAGE_SIZE = 100  # CatalogQuery.maximumPageSize
LISTING_PAGE_SIZE = 24  # CatalogQuery.defaultPageSize: what category pages and the list API show
SORTS = [None, "price_asc", "price_desc", "newest", "title"]  # relevance needs text (search only)


class Client:
    """One keep-alive connection per thread."""

    def __init__(self, base):
        parsed = urllib.parse.urlsplit(base)
        self.host, self.port = parsed.hostname, parsed.port or 80
        self.local = threading.local()

    def _connection(self):
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
            self.local.conn = conn
        return conn

    def get(self, path):
        """(status, body bytes); reconnects once when the server closed the connection."""
        for attempt in range(2):
            conn = self._connection()
            try:
                conn.request("GET", path, headers={"Accept": "application/json"})
                response = conn.getresponse()
                body = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    self.local.conn = None
                return response.status, body
            except (http.client.HTTPException, OSError):
                conn.close()
                self.local.conn = None
                if attempt == 1:
                    raise
        raise AssertionError("unreachable")

    def json(self, path):
        status, body = self.get(path)
        if status != 200:
            raise SystemExit(f"urls.py: GET {path} answered {status}: {body[:300]!r}")
        return json.loads(body)


def quote(value):
    return urllib.parse.quote(str(value), safe="")


def whole_units(minor):
    """4999 -> '49.99', 2500 -> '25' (ListingParameters.wholeUnits: what the filter form sends)."""
    return str(minor // 100) if minor % 100 == 0 else f"{minor // 100}.{minor % 100:02d}"


def flatten(nodes, depth=0):
    for node in nodes:
        yield node["slug"], depth
        yield from flatten(node.get("children", []), depth + 1)


def words_of(title):
    """Lowercased words of letters and digits, as the search index sees them (SearchText.terms)."""
    return [w for w in re.findall(r"[^\W_]+", title.lower()) if len(w) > 1]


def typo(word, rng):
    """A letter dropped or two neighbours swapped; words under 4 letters stay as they are."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    if rng.random() < 0.5:
        return word[:i] + word[i + 1 :]
    swapped = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return swapped if swapped != word else word[:i] + word[i + 1 :]


def fetch_products(client, workers):
    first = client.json(f"/api/v1/products?pageSize={PAGE_SIZE}&sort=newest&page=1")
    total, pages = first["total"], first["totalPages"]
    if pages > 10_000:  # CatalogQuery.maximumPage
        raise SystemExit(f"urls.py: {total} products need {pages} pages, more than the API's 10,000")
    results = {1: first["items"]}

    def page(number):
        return number, client.json(f"/api/v1/products?pageSize={PAGE_SIZE}&sort=newest&page={number}")["items"]

    with ThreadPoolExecutor(workers) as pool:
        for number, items in pool.map(page, range(2, pages + 1)):
            results[number] = items
    products, seen = [], set()
    for number in sorted(results):
        for item in results[number]:
            if item["slug"] not in seen:
                seen.add(item["slug"])
                products.append(item)
    if len(products) != total:
        print(f"urls.py: warning: paging found {len(products)} distinct slugs, the API reports {total}", file=sys.stderr)
    return products


def fetch_facets(client, slugs, workers):
    def facets(slug):
        page = client.json(f"/api/v1/products?category={quote(slug)}&facets=true&pageSize=1")
        return slug, {"total": page["total"], "facets": page.get("facets") or {}}

    with ThreadPoolExecutor(workers) as pool:
        return dict(pool.map(facets, slugs))


def fetch_variants(client, slugs, workers):
    def variants(slug):
        status, body = client.get(f"/api/v1/products/{quote(slug)}/variants")
        if status != 200:
            return []
        return [
            {"sku": v["sku"], "available": v["stock"]["available"], "product": slug}
            for v in json.loads(body)["variants"]
            if v["stock"]["available"] > 0
        ]

    with ThreadPoolExecutor(workers) as pool:
        return [v for batch in pool.map(variants, slugs) for v in batch]


def pages_for(count):
    return max(1, -(-count // LISTING_PAGE_SIZE))


def listing_spec(rng, slug, info):
    """A random listing of category `slug`: sort, filters drawn from its facets, and a page."""
    facets = info["facets"]
    brands = [b for b in facets.get("brands", []) if b["count"] > 0]
    options = [(o["name"], [v for v in o["values"] if v["count"] > 0]) for o in facets.get("options", [])]
    options = [(name, values) for name, values in options if values]
    bands = [b for b in facets.get("priceBands", []) if b["count"] > 0]
    spec = {"category": slug, "sort": rng.choice(SORTS), "brands": [], "options": [], "min": None, "max": None,
            "inStock": False, "page": 1}
    known_count = info["total"]
    filters = 0
    if rng.random() < 0.5:  # half the listings unfiltered: category, sort and page only
        wanted = set()
    else:  # the other half: each filter with p = 0.4, at least one
        wanted = {name for name in ("brand", "option", "price", "stock") if rng.random() < 0.4}
        wanted = wanted or {rng.choice(["brand", "option", "price", "stock"])}
    if brands and "brand" in wanted:
        chosen = rng.sample(brands, min(len(brands), 2 if rng.random() < 0.2 else 1))
        spec["brands"] = [b["value"] for b in chosen]
        known_count = chosen[0]["count"] if len(chosen) == 1 else None
        filters += 1
    if options and "option" in wanted:
        name, values = rng.choice(options)
        chosen = rng.sample(values, min(len(values), 2 if rng.random() < 0.2 else 1))
        spec["options"] = [(name, v["value"]) for v in chosen]
        known_count = chosen[0]["count"] if len(chosen) == 1 else None
        filters += 1
    if bands and "price" in wanted:
        band = rng.choice(bands)
        shape = rng.random()
        if shape < 0.6 or band.get("max") is None:
            spec["min"] = band["min"]
            spec["max"] = band.get("max") if shape < 0.6 else None
        else:
            spec["max"] = band["max"]
        filters += 2  # the band's count is only known alone, and then only roughly: take page 1
    if "stock" in wanted:
        spec["inStock"] = True
        filters += 2
    if filters <= 1 and known_count:
        pages = pages_for(known_count)
        # Shoppers mostly stay on the first pages; crawlers walk them all.
        spec["page"] = rng.randint(1, pages) if rng.random() < 0.5 else rng.randint(1, min(pages, 3))
    return spec


def category_html(spec):
    query = [("brand", b) for b in spec["brands"]] + [("option", f"{n}:{v}") for n, v in spec["options"]]
    if spec["min"] is not None:
        query.append(("minPrice", whole_units(spec["min"])))
    if spec["max"] is not None:
        query.append(("maxPrice", whole_units(spec["max"])))
    if spec["inStock"]:
        query.append(("inStock", "1"))
    if spec["sort"]:
        query.append(("sort", spec["sort"]))
    if spec["page"] > 1:
        query.append(("page", str(spec["page"])))
    path = f"/c/{quote(spec['category'])}"
    return path + ("?" + urllib.parse.urlencode(query, quote_via=urllib.parse.quote) if query else "")


def list_api(spec):
    query = [("category", spec["category"])]
    if spec["brands"]:
        query.append(("brand", ",".join(spec["brands"])))
    if spec["options"]:
        query.append(("options", ",".join(f"{n}:{v}" for n, v in spec["options"])))
    if spec["min"] is not None:
        query.append(("minPrice", str(spec["min"])))
    if spec["max"] is not None:
        query.append(("maxPrice", str(spec["max"])))
    if spec["inStock"]:
        query.append(("inStock", "true"))
    if spec["sort"]:
        query.append(("sort", spec["sort"]))
    if spec["page"] > 1:
        query.append(("page", str(spec["page"])))
    return "/api/v1/products?" + urllib.parse.urlencode(query, quote_via=urllib.parse.quote)


def search_text(rng, titles):
    """A single word (40 %), a pair from one title (35 %) or either with a typo (25 %)."""
    words = words_of(rng.choice(titles))
    roll = rng.random()
    if roll < 0.4 or len(words) < 2:
        return rng.choice(words), "word"
    if roll < 0.75:
        return " ".join(rng.sample(words, 2)), "pair"
    picked = rng.sample(words, 2) if rng.random() < 0.5 else [rng.choice(words)]
    long_words = [i for i, w in enumerate(picked) if len(w) >= 4]
    if long_words:
        i = rng.choice(long_words)
        picked[i] = typo(picked[i], rng)
    return " ".join(picked), "typo"


def write_lines(path, lines):
    with open(path, "w", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")


def generate(args):
    rng = random.Random(args.seed)
    client = Client(args.base)
    started = time.monotonic()
    os.makedirs(args.out, exist_ok=True)

    tree = client.json("/api/v1/categories")
    categories = list(flatten(tree["categories"]))
    products = fetch_products(client, args.workers)
    if not products or not categories:
        raise SystemExit("urls.py: the shop has no products or no categories; was it seeded?")
    facets = fetch_facets(client, [slug for slug, _ in categories], args.workers)
    listable = [(slug, info) for slug, info in facets.items() if info["total"] > 0]

    slugs = [p["slug"] for p in products]
    rng.shuffle(slugs)
    write_lines(os.path.join(args.out, "product-html.txt"), [f"/p/{quote(s)}" for s in slugs])
    write_lines(os.path.join(args.out, "product-api.txt"), [f"/api/v1/products/{quote(s)}" for s in slugs])

    specs = [listing_spec(rng, *rng.choice(listable)) for _ in range(args.listing_urls)]
    write_lines(os.path.join(args.out, "category-html.txt"), [category_html(s) for s in specs])
    write_lines(os.path.join(args.out, "list-api.txt"), [list_api(s) for s in specs])
    filtered = sum(1 for s in specs if s["brands"] or s["options"] or s["min"] is not None
                   or s["max"] is not None or s["inStock"])

    titles = [p["title"] for p in products]
    kinds = {"word": 0, "pair": 0, "typo": 0}
    queries = []
    for _ in range(args.search_urls):
        text, kind = search_text(rng, titles)
        kinds[kind] += 1
        queries.append(text)
    write_lines(os.path.join(args.out, "search-html.txt"), [f"/search?q={quote(q)}" for q in queries])
    write_lines(os.path.join(args.out, "search-api.txt"), [f"/api/v1/search?q={quote(q)}" for q in queries])

    sample = rng.sample(slugs, min(len(slugs), args.variant_products))
    variants = fetch_variants(client, sample, args.workers)
    with open(os.path.join(args.out, "variants.json"), "w", encoding="utf-8") as out:
        json.dump(variants, out)

    summary = {
        "products": len(products),
        "categories": len(categories),
        "listing_urls": len(specs),
        "listing_filtered": filtered,
        "listing_distinct": len(set(map(list_api, specs))),
        "search_urls": len(queries),
        "search_distinct": len(set(queries)),
        "search_words": kinds["word"],
        "search_pairs": kinds["pair"],
        "search_typos": kinds["typo"],
        "variant_products": len(sample),
        "variants": len(variants),
        "units": sum(v["available"] for v in variants),
        "seconds": round(time.monotonic() - started, 1),
    }
    with open(os.path.join(args.out, "summary.txt"), "w", encoding="utf-8") as out:
        out.writelines(f"{key}={value}\n" for key, value in summary.items())
    print(
        f"URL files: {summary['products']} product slugs, {summary['categories']} categories, "
        f"{summary['listing_urls']} listing URLs ({summary['listing_distinct']} distinct, {filtered} filtered), "
        f"{summary['search_urls']} searches ({summary['search_distinct']} distinct: {kinds['word']} words, "
        f"{kinds['pair']} pairs, {kinds['typo']} typos), {summary['variants']} in-stock variants "
        f"({summary['units']} units) from {len(sample)} products, in {summary['seconds']} s",
        file=sys.stderr,
    )


def probe(args):
    rng = random.Random(args.seed)
    with open(args.file, encoding="utf-8") as lines:
        paths = [line.strip() for line in lines if line.strip()]
    client = Client(args.base)
    statuses = {}
    for path in rng.choices(paths, k=args.count):
        status, _ = client.get(path)
        statuses[status] = statuses.get(status, 0) + 1
        if status != 200 and args.verbose:
            print(f"  {status} {path}", file=sys.stderr)
    print(" ".join(f"{status}x{count}" for status, count in sorted(statuses.items())))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    gen = commands.add_parser("generate")
    gen.add_argument("--base", required=True)
    gen.add_argument("--out", required=True)
    gen.add_argument("--seed", type=int, default=1)
    gen.add_argument("--listing-urls", type=int, default=10_000)
    gen.add_argument("--search-urls", type=int, default=10_000)
    gen.add_argument("--variant-products", type=int, default=2_000)
    gen.add_argument("--workers", type=int, default=4)
    pro = commands.add_parser("probe")
    pro.add_argument("--base", required=True)
    pro.add_argument("file")
    pro.add_argument("--count", type=int, default=50)
    pro.add_argument("--seed", type=int, default=1)
    pro.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    generate(args) if args.command == "generate" else probe(args)


if __name__ == "__main__":
    main()
