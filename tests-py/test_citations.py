"""A paper's citation on a live server, read by the parsers reference tools use: its Highwire `citation_*` meta
tags (Google Scholar's and Zotero's names), BibTeX by bibtexparser, RIS by rispy, CSL-JSON rendered by citeproc-py."""
import json
import urllib.error
import urllib.request
from html.parser import HTMLParser

import bibtexparser
import rispy
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON

PAPER = "2412.01981"


def get(url):
    with urllib.request.urlopen(url) as r:
        return r.status, r.headers.get("Content-Type"), r.read().decode()


def api_paper(server):
    return json.loads(get(f"{server}/api/papers/{PAPER}")[2])


class Meta(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and a.get("name", "").startswith("citation_"):
            self.tags.append((a["name"], a.get("content")))


def test_the_page_carries_highwire_tags_in_the_authors_order(server):
    paper = api_paper(server)
    meta = Meta()
    meta.feed(get(f"{server}/papers/{PAPER}")[2])
    tags = meta.tags
    names = {name for name, _ in tags}
    # The names Google Scholar's inclusion guidelines give, no others invented.
    assert names <= {"citation_title", "citation_author", "citation_publication_date", "citation_online_date",
                     "citation_arxiv_id", "citation_pdf_url", "citation_abstract_html_url", "citation_doi", "citation_publisher"}
    assert dict(tags)["citation_title"] == " ".join(paper["title"].split())
    assert [c for n, c in tags if n == "citation_author"] == [a["name"] for a in paper["authors"]]
    assert dict(tags)["citation_arxiv_id"] == PAPER
    assert dict(tags)["citation_pdf_url"] == f"https://arxiv.org/pdf/{PAPER}"
    date = dict(tags)["citation_publication_date"]
    assert len(date) == 10 and date[4] == "/" and date[7] == "/" and date.replace("/", "").isdigit()
    assert date.replace("/", "-") == paper["publishedAt"][:10]


def test_bibtex_parses_as_arxivs_misc_entry(server):
    paper = api_paper(server)
    status, content_type, text = get(f"{server}/papers/{PAPER}.bib")
    assert status == 200 and content_type.startswith("application/x-bibtex")
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    [entry] = library.entries
    assert entry.entry_type == "misc"
    fields = {k.lower(): v for k, v in entry.fields_dict.items()}
    assert fields["eprint"].value == PAPER
    assert fields["archiveprefix"].value == "arXiv"
    assert fields["primaryclass"].value == "cs.LG"
    assert fields["year"].value == paper["publishedAt"][:4]
    assert fields["author"].value.split(" and ") == [a["name"] for a in paper["authors"]]
    assert fields["url"].value == f"https://arxiv.org/abs/{PAPER}"


def test_ris_parses_with_the_authors_and_abstract(server):
    paper = api_paper(server)
    status, content_type, text = get(f"{server}/papers/{PAPER}.ris")
    assert status == 200 and content_type.startswith("application/x-research-info-systems")
    [entry] = rispy.loads(text)
    assert entry["type_of_reference"] == "UNPB"
    assert entry["title"] == " ".join(paper["title"].split())
    assert len(entry["authors"]) == len(paper["authors"])
    family = paper["authors"][0]["name"].split()[-1]
    assert entry["authors"][0].startswith(family + ", ")
    assert entry["abstract"] == " ".join(paper["summary"].split())
    assert entry["year"] == paper["publishedAt"][:4]


def test_csl_json_renders_with_citeproc(server):
    paper = api_paper(server)
    status, content_type, text = get(f"{server}/papers/{PAPER}.csl.json")
    assert status == 200 and content_type.startswith("application/vnd.citationstyles.csl+json")
    items = json.loads(text)
    assert len(items) == 1 and items[0]["type"] == "article" and items[0]["number"] == f"arXiv:{PAPER}"
    source = CiteProcJSON(items)
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bibliography = CitationStylesBibliography(style, source, formatter.plain)
    bibliography.register(Citation([CitationItem(items[0]["id"])]))
    [rendered] = [str(line) for line in bibliography.bibliography()]
    assert " ".join(paper["title"].split()) in rendered
    assert paper["publishedAt"][:4] in rendered
    assert paper["authors"][0]["name"].split()[-1] in rendered


def test_an_unknown_paper_has_no_citation(server):
    req = urllib.request.Request(f"{server}/papers/2101.99999.bib")
    try:
        urllib.request.urlopen(req)
        raise AssertionError("expected 404")
    except urllib.error.HTTPError as e:
        assert e.code == 404


def test_a_search_page_exports_its_papers(server):
    found = json.loads(get(f"{server}/api/papers/search?q=reasoning")[2])
    assert found
    status, content_type, text = get(f"{server}/search?q=reasoning&format=bib")
    assert status == 200 and content_type.startswith("application/x-bibtex")
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    keys = [e.key for e in library.entries]
    assert len(keys) == min(len(found), 20) and len(set(keys)) == len(keys)
    assert len(rispy.loads(get(f"{server}/search?q=reasoning&format=ris")[2])) == len(keys)
    assert len(json.loads(get(f"{server}/search?q=reasoning&format=csl.json")[2])) == len(keys)
    try:
        urllib.request.urlopen(f"{server}/search?q=reasoning&format=docx")
        raise AssertionError("expected 400")
    except urllib.error.HTTPError as e:
        assert e.code == 400
