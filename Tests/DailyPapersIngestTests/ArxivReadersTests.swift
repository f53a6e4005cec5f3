import DailyPapersCore
import DailyPapersIngest
import DailyPapersTestSupport
import Foundation
import Testing

@Suite struct ArxivAtomReaderTests {
    @Test func readsEveryFieldOfAnEntry() throws {
        let page = try ArxivAtomReader.read(try Fixtures.data("arxiv/api-id-1605.08386.json"))
        #expect(page.totalResults == 1)
        let p = try #require(page.papers.first)
        #expect(p.id.versioned == "1605.08386v1")
        #expect(p.title == "Heat-bath random walks with Markov bases")
        #expect(p.abstract.hasPrefix("Graphs on lattice points are studied"))
        #expect(p.authors.map(\.name) == ["Caprice Stanley", "Tobias Windisch"])
        #expect(p.categories == ["math.CO", "math.ST"])
        #expect(p.primaryCategory == "math.CO")
        #expect(p.firstVersionAt?.iso8601 == "2016-05-26T17:59:46.000Z")
        #expect(p.comment == "20 pages, 3 figures")
    }

    @Test func readsOldStyleIDsAndThe2016Format() throws {
        let old = try ArxivAtomReader.read(try Fixtures.data("arxiv/api-id-astro-ph-0601001.json"))
        #expect(old.papers.first?.id.base == "astro-ph/0601001")
        let p2016 = try ArxivAtomReader.read(try Fixtures.data("arxiv/api-2016-id-1111.2011v2.xml"))
        let p = try #require(p2016.papers.first)
        #expect(p.id.versioned == "1111.2011v2")
        #expect(!p.title.contains("\n"))
        #expect(p.authors.count >= 1)
    }

    @Test func pagesAndEmptyResults() throws {
        let page = try ArxivAtomReader.read(try Fixtures.data("arxiv/api-query-testing-page2.json"))
        #expect(page.startIndex == 10)
        #expect(page.papers.count == 10)
        #expect(page.problems.isEmpty)
        let empty = try ArxivAtomReader.read(try Fixtures.data("arxiv/api-id-0000.0000.json"))
        #expect(empty.papers.isEmpty)
    }

    @Test func errorFeedBecomesAClearError() throws {
        #expect {
            try ArxivAtomReader.read(try Fixtures.data("arxiv/api-error-id-abc.json"))
        } throws: { ($0 as? IngestError)?.message == "arXiv API error: incorrect id format for abc" }
    }

    @Test(arguments: [
        ("<feed xmlns=\"http://example.com/not-atom\"></feed>", "expected an Atom <feed> in namespace http://www.w3.org/2005/Atom"),
        ("<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><title>T", "not well-formed XML"),
        ("", "the file is empty"),
        ("not xml at all", "not well-formed XML at line 1"),
    ])
    func refusesBadDocuments(xml: String, expected: String) {
        #expect { try ArxivAtomReader.read(Data(xml.utf8)) } throws: { error in
            ((error as? IngestError)?.message ?? "").contains(expected)
        }
    }

    @Test func skipsBadEntriesAndNamesThem() throws {
        let xml = """
            <feed xmlns="http://www.w3.org/2005/Atom">
            <entry><title>No id here</title></entry>
            <entry><id>http://arxiv.org/abs/2101.00001v1</id><title>Bad date</title><published>soon</published></entry>
            <entry><id>http://arxiv.org/abs/2101.00002v1</id><title>Good</title><summary>S</summary></entry>
            </feed>
            """
        let page = try ArxivAtomReader.read(Data(xml.utf8))
        #expect(page.papers.map(\.id.base) == ["2101.00002"])
        #expect(page.problems.map(\.description) == ["entry 1 (line 2): no <id>", "entry 2 (line 3): <published> 'soon' is not an ISO 8601 date"])
    }
}

@Suite struct OAIPMHReaderTests {
    @Test func readsTheArXivFormatWithAffiliations() throws {
        let page = try OAIPMHReader.read(try Fixtures.data("arxiv/oai-arXiv-listrecords.xml"))
        #expect(page.papers.count + page.deleted.count + page.problems.count == 12)
        #expect(page.problems.isEmpty)
        let p = try #require(page.papers.first)
        #expect(!p.title.isEmpty)
        #expect(!p.authors.isEmpty)
        #expect(p.firstVersionAt != nil)
        let single = try OAIPMHReader.read(try Fixtures.data("arxiv/oai-arXiv-getrecord.xml"))
        #expect(single.papers.count == 1)
    }

    @Test func readsTheArXivRawFormatWithVersionsAndToken() throws {
        let page = try OAIPMHReader.read(try Fixtures.data("arxiv/oai-arXivRaw-excerpt.xml"))
        #expect(page.papers.count == 25)
        #expect(page.resumptionToken == "496549|96001")
        #expect(page.completeListSize == 907_096)
        let p = try #require(page.papers.first)
        #expect(p.id.versioned == "0811.36489v2")
        #expect(p.title == "Revisiting Norm Estimation in Data Streams")
        #expect(p.authors.map(\.name) == ["Daniel M. Kane", "Jelani Nelson", "David P. Woodruff"])
        #expect(p.categories == ["cs.DS", "cs.CC"])
        #expect(p.firstVersionAt?.iso8601 == "2008-11-21T22:55:07.000Z")
        #expect(p.latestVersionAt?.iso8601 == "2009-04-09T02:45:30.000Z")
        #expect(page.latestDatestamp != nil)
    }

    @Test func deletedRecordsErrorsAndDublinCore() throws {
        let xml = """
            <OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords>
            <record><header status="deleted"><identifier>oai:arXiv.org:hep-th/9901001</identifier><datestamp>2024-01-02</datestamp></header></record>
            <record><header><identifier>oai:arXiv.org:2101.00003</identifier><datestamp>2024-01-03</datestamp></header>
            <metadata><oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" xmlns:dc="http://purl.org/dc/elements/1.1/">
            <dc:title>A DC record</dc:title><dc:creator>Lovelace, Ada</dc:creator><dc:description>About it.</dc:description>
            <dc:date>2021-01-01</dc:date><dc:identifier>http://arxiv.org/abs/2101.00003</dc:identifier></oai_dc:dc></metadata></record>
            <record><header><identifier>oai:arXiv.org:2101.00004</identifier></header><metadata><x xmlns="urn:other"/></metadata></record>
            <resumptionToken/>
            </ListRecords></OAI-PMH>
            """
        let page = try OAIPMHReader.read(Data(xml.utf8))
        #expect(page.deleted.map(\.base) == ["hep-th/9901001"])
        #expect(page.papers.map(\.id.base) == ["2101.00003"])
        #expect(page.papers.first?.authors.first?.name == "Ada Lovelace")
        #expect(page.problems.first?.reason.contains("unknown metadata format <x>") == true)
        #expect(page.resumptionToken == nil)
        #expect(page.latestDatestamp == "2024-01-03")
    }

    @Test func oaiErrors() throws {
        let none = #"<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><error code="noRecordsMatch">none</error></OAI-PMH>"#
        #expect(try OAIPMHReader.read(Data(none.utf8)).papers.isEmpty)
        let bad = #"<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><error code="badResumptionToken">expired</error></OAI-PMH>"#
        #expect { try OAIPMHReader.read(Data(bad.utf8)) } throws: {
            ($0 as? IngestError)?.message == "OAI-PMH error badResumptionToken: expired"
        }
        #expect { try OAIPMHReader.read(Data("<OAI-PMH><ListRecords/></OAI-PMH>".utf8)) } throws: {
            ($0 as? IngestError)?.message.contains("without a namespace") == true
        }
    }
}

@Suite struct ListingAndJSONLTests {
    @Test func readsAllAnnounceTypes() throws {
        let listing = try ArxivListingReader.read(try Fixtures.data("arxiv/listing-rss-quant-ph.xml"))
        #expect(listing.items.count == 81)
        #expect(listing.problems.isEmpty)
        let counts = Dictionary(grouping: listing.items, by: \.announceType).mapValues(\.count)
        #expect(counts[.new] == 40 && counts[.cross] == 10 && counts[.replace] == 22 && counts[.replaceCross] == 9)
        let first = try #require(listing.items.first)
        #expect(first.paper.id.versioned == "2504.17830v1")
        #expect(first.paper.abstract.hasPrefix("We introduce a self-adjoint time operator"))
        #expect(first.paper.authors.map(\.name) == ["Radmir Kokoulin"])
        #expect(first.paper.categories == ["quant-ph"])
        #expect(first.announcedAt?.iso8601 == "2025-04-28T04:00:00.000Z")
    }

    @Test func readsKaggleAndCorpusLines() throws {
        let lines = try String(contentsOfFile: Fixtures.path("arxiv/kaggle-snapshot-sample.jsonl"), encoding: .utf8).split(separator: "\n")
        let p = try ArxivJSONLReader.paper(fromLine: Data(lines[0].utf8))
        #expect(p.id.versioned == "1605.08386v1")
        #expect(p.authors.map(\.name) == ["Caprice Stanley", "Tobias Windisch"])
        #expect(p.categories == ["math.CO", "math.ST"])
        #expect(p.firstVersionAt?.iso8601 == "2016-05-26T17:59:46.000Z")
        #expect(p.abstract == "Graphs on lattice points are studied whose edges come from a finite set of allowed moves of arbitrary length.")
        let old = try ArxivJSONLReader.paper(fromLine: Data(lines[1].utf8))
        #expect(old.id.versioned == "hep-th/9901001v2")
        #expect(old.authors.map(\.name) == ["A. Author", "B. Author", "C. Author"])
        #expect(old.title == "An old-style identifier")
        #expect(old.doi == "10.1016/S0370-2693(99)00001-1")
        for (i, expected) in [(3, "no \"id\""), (4, "version date 'yesterday' is not an RFC 2822 date"), (5, "")] {
            #expect { try ArxivJSONLReader.paper(fromLine: Data(lines[i].utf8)) } throws: { error in
                expected.isEmpty || (error as? IngestError)?.message == expected
            }
        }
        let corpus = try String(contentsOfFile: Fixtures.path("arxiv/corpus-excerpt.jsonl"), encoding: .utf8).split(separator: "\n")
        let c = try ArxivJSONLReader.paper(fromLine: Data(corpus[0].utf8))
        #expect(c.id.base == "2503.11731")
        #expect(c.categories == ["cs.CV", "cs.RO"])
        #expect(c.authors.count == 16)
        #expect(!c.abstract.contains("\n"))
    }

    @Test func rfc2822Dates() {
        #expect(Timestamp(rfc2822: "Fri, 21 Nov 2008 22:55:07 GMT")?.iso8601 == "2008-11-21T22:55:07.000Z")
        #expect(Timestamp(rfc2822: "Mon, 28 Apr 2025 00:00:00 -0400")?.iso8601 == "2025-04-28T04:00:00.000Z")
        #expect(Timestamp(rfc2822: "1 Jan 1999 10:00:00 GMT")?.iso8601 == "1999-01-01T10:00:00.000Z")
        #expect(Timestamp(rfc2822: "Fri, 31 Feb 2008 22:55:07 GMT") == nil)
        #expect(Timestamp(rfc2822: "yesterday") == nil)
    }
}

@Suite struct AtomListingTests {
    @Test func readsTheAtomListingFormat() throws {
        // The entry as arXiv's own specification of the Atom listing shows it (spec-docs/atom_specifications.md).
        let xml = """
            <feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
            <id>http://rss.arxiv.org/atom/math.OC</id><title>math.OC updates on arXiv.org</title>
            <entry><id>oai:arXiv.org:2203.01250v3</id>
            <title>Mass concentration in rescaled first order integral functionals</title>
            <link href="https://arxiv.org/abs/2203.01250" rel="alternate" type="text/html"/>
            <summary>arXiv:2203.01250v3 Announce Type: replace-cross
            Abstract: We consider first order local minimization problems.</summary>
            <category term="math.AP"/><category term="math.OC"/>
            <published>2024-08-23T00:00:00-04:00</published>
            <arxiv:announce_type>replace-cross</arxiv:announce_type>
            <arxiv:journal_reference>Journal de l'Ecole polytechnique 11 (2024)</arxiv:journal_reference>
            <arxiv:DOI>10.5802/jep.257</arxiv:DOI>
            <dc:creator>Antonin Monteil, Paul Pegon</dc:creator></entry>
            <entry><title>No id</title></entry>
            </feed>
            """
        let listing = try ArxivListingReader.read(Data(xml.utf8))
        let item = try #require(listing.items.first)
        #expect(item.paper.id.versioned == "2203.01250v3")
        #expect(item.announceType == .replaceCross)
        #expect(item.paper.categories == ["math.AP", "math.OC"])
        #expect(item.paper.authors.map(\.name) == ["Antonin Monteil", "Paul Pegon"])
        #expect(item.paper.abstract == "We consider first order local minimization problems.")
        #expect(item.paper.doi == "10.5802/jep.257")
        #expect(item.announcedAt?.iso8601 == "2024-08-23T04:00:00.000Z")
        #expect(listing.problems.map(\.description) == ["item 2 (line 14): no id (<guid> or <id>)"])
    }
}

/// Inputs the fuzzer found (Fuzz/Regressions): each is refused with a clear error, never a trap.
@Suite struct FuzzFindingsTests {
    /// Foundation's XMLParser traps on an element name that is not UTF-8 (`<\xFFo`); every XML reader is
    /// behind XMLTree.parse, which refuses such bytes first.
    @Test(arguments: [[0x3C, 0xFF, 0x6F, 0x01, 0x00], [0x3C, 0x61, 0x3E, 0xC3, 0x28, 0x3C, 0x2F, 0x61, 0x3E], [0x3C, 0x61, 0x00, 0x3E]] as [[UInt8]])
    func xmlThatIsNotUTF8IsRefused(bytes: [UInt8]) {
        for read in [{ _ = try ArxivAtomReader.read(Data(bytes)) }, { _ = try OAIPMHReader.read(Data(bytes)) },
                     { _ = try ArxivListingReader.read(Data(bytes)) }] as [() throws -> Void] {
            #expect(throws: IngestError.self) { try read() }
        }
        do { _ = try XMLNode.parse(Data(bytes)) } catch {
            #expect(error.message.contains("is not UTF-8 text"))
        }
    }

    /// Foundation's XMLParser read NULL for a processing instruction without data (`<?F?>`) and crashed;
    /// the reader is libxml2's now, which passes it over.
    @Test func processingInstructionsWithoutDataAreSkipped() throws {
        let node = try XMLNode.parse(Data("<?F?><feed><?x?><title>t</title></feed>".utf8))
        #expect(node.value("title") == "t")
        #expect(throws: IngestError.self) { try ArxivAtomReader.read(Data("<?F?>".utf8)) }
    }

    /// Entities are never expanded: neither a file nor a billion laughs gets in.
    @Test func entitiesAreNotExpanded() throws {
        let xxe = """
            <?xml version="1.0"?><!DOCTYPE feed [<!ENTITY x SYSTEM "file:///etc/passwd"><!ENTITY a "aaaaaaaaaa">
            <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
            <feed><title>&x;&c;&amp;</title></feed>
            """
        // libxml2 may refuse the nesting outright; either way no file content and no expansion comes through.
        if let node = try? XMLNode.parse(Data(xxe.utf8)) {
            #expect(node.value("title") == "&")
        }
        let plainEntity = "<!DOCTYPE feed [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><feed><title>a&x;b</title></feed>"
        #expect(try XMLNode.parse(Data(plainEntity.utf8)).value("title") == "ab")
    }

    @Test func validUTF8IsStillRead() throws {
        let node = try XMLNode.parse(Data("<feed><title>Ünïcödé 日本語 🧪</title></feed>".utf8))
        #expect(node.value("title") == "Ünïcödé 日本語 🧪")
    }
}
