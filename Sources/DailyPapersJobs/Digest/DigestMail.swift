import DailyPapersCore
import DailyPapersMail
import Foundation

/// The site as a digest needs it: its name, where it lives, who sends.
public struct DigestSite: Sendable {
    public var name: String
    public var publicURL: String
    public var from: MailAddress

    public init(name: String, publicURL: String, from: MailAddress) {
        self.name = name
        self.publicURL = publicURL
        self.from = from
    }

    var host: String { URL(string: publicURL)?.host ?? "localhost" }
    func manageURL(_ token: String) -> String { publicURL + "/subscription/" + token }
    func unsubscribeURL(_ token: String) -> String { publicURL + "/unsubscribe/" + token }
}

/// A digest as a function from values to a message: a plain-text part and an HTML part with inline
/// styles (no remote images, readable in clients that strip <style>), and the bulk-sender headers
/// the big providers require (RFC 2369 List-Unsubscribe with HTTPS and mailto, RFC 8058 one-click).
public enum DigestMail {
    /// A paper's block in both parts, in text and already quoted-printable. The same for every subscriber,
    /// so a run renders and encodes each once; only its number in the list is per message.
    public struct PaperBlock: Sendable {
        /// The title line (after the number) and the rest of the text block.
        let title: QuotedPrintable.Lines
        let rest: QuotedPrintable.Lines
        let html: QuotedPrintable.Lines

        public init(_ f: FeaturedPaper, index: Int? = nil, site: DigestSite) {
            let p = f.paper
            let e = TextHelpers.htmlEscaped
            let link = "\(site.publicURL)/papers/\(p.id.base)"
            let authors = p.authors.isEmpty ? nil : TextHelpers.shortAuthorList(p.authors.map(\.name))
            let excerpt = TextHelpers.excerpt(p.abstract, limit: 240)
            var t = ""
            if let authors { t += "   \(authors)\n" }
            t += "   \(excerpt)\n   ▲ \(f.upvotes) · \(link)\n\n"
            title = QuotedPrintable.Lines(p.title + "\n")
            rest = QuotedPrintable.Lines(t)
            let block = Markup.fragment(capacity: 1024) { h in
                h.element("tr") { h in
                    h.element("td", [("style", "padding:16px 24px;border-bottom:1px solid #e5e7eb")]) { h in
                        h.link(link, p.title, [("style", "font-size:17px;font-weight:600;color:#3730a3;text-decoration:none")])
                        if let authors { h.element("div", [("style", "font-size:13px;color:#4b5563;margin-top:4px")], text: authors) }
                        h.element("div", [("style", "font-size:14px;line-height:1.45;margin-top:6px")], text: excerpt)
                        h.element("div", [("style", "font-size:13px;color:#92400e;margin-top:6px")]) { h in
                            h.text("▲ \(f.upvotes) upvotes · ")
                            h.link(link, "Read on \(site.name)", [("style", "color:#3730a3")])
                        }
                    }
                }
                h.text("\n")
            }
            html = QuotedPrintable.Lines(block.html)
        }
    }

    public static func render(papers: [FeaturedPaper], period: DigestPeriod, manageToken: String, to: MailAddress,
                              site: DigestSite) -> MailMessage {
        render(blocks: papers.map { PaperBlock($0, site: site) }, period: period, manageToken: manageToken, to: to, site: site)
    }

    /// `sections`: a member's own sections after the trending papers, each titled, numbered on from them.
    public static func render(blocks: [PaperBlock], sections: [(title: String, papers: [PaperBlock])] = [], period: DigestPeriod,
                              manageToken: String, to: MailAddress, site: DigestSite) -> MailMessage {
        let papers = blocks
        let sections = sections.filter { !$0.papers.isEmpty }
        let when = period.frequency == .daily ? period.feedPeriod.title : period.feedPeriod.title.replacingOccurrences(of: " · ", with: ", ")
        let subject = papers.isEmpty ? "\(site.name): no new papers for your topics (\(when))"
            : "\(site.name): \(papers.count) trending paper\(papers.count == 1 ? "" : "s") · \(when)"
        let manage = site.manageURL(manageToken), unsubscribe = site.unsubscribeURL(manageToken)
        // Each part as whole-line pieces: the per-message ones are encoded here, the papers' were encoded once.
        var text = Pieces()
        text.add("\(site.name) · \(when)\n\n")
        if papers.isEmpty { text.add("Nothing matched your topics in this period.\n\n") }
        for (i, block) in papers.enumerated() {
            text.add("\(i + 1). " + block.title.text)
            text.add(block.rest)
        }
        var number = papers.count
        for section in sections {
            text.add(section.title + "\n\n")
            for block in section.papers {
                number += 1
                text.add("\(number). " + block.title.text)
                text.add(block.rest)
            }
        }
        text.add("Change what you get: \(manage)\nUnsubscribe: \(unsubscribe)\n")

        // The frame around the papers, written once per message with a hole where the papers go.
        let frame = Stencil(holes: 1) { h, hole in
            h.doctype()
            h.element("html", [("lang", "en")]) { h in
                h.element("head") { h in
                    h.void("meta", [("charset", "utf-8")])
                    h.void("meta", [("name", "viewport"), ("content", "width=device-width")])
                    h.element("title", text: subject)
                }
                h.element("body", [("style", "margin:0;padding:0;background:#f3f4f6;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#111827")]) { h in
                    table([("style", "background:#f3f4f6")], into: &h) { h in
                        h.element("td", [("align", "center"), ("style", "padding:16px")]) { h in
                            table([("style", "max-width:640px;background:#ffffff;border-radius:8px")], into: &h) { h in
                                h.element("td", [("style", "padding:20px 24px;border-bottom:1px solid #e5e7eb")]) { h in
                                    h.element("div", [("style", "font-size:20px;font-weight:700")], text: site.name)
                                    h.element("div", [("style", "font-size:14px;color:#4b5563")], text: when)
                                }
                            } rows: { h in
                                h.text("\n")
                                if papers.isEmpty {
                                    h.element("tr") { h in
                                        h.element("td", [("style", "padding:16px 24px;font-size:15px")], text: "Nothing matched your topics in this period.")
                                    }
                                    h.text("\n")
                                }
                                h.text(hole(0))
                                h.element("tr") { h in
                                    h.element("td", [("style", "padding:16px 24px;font-size:13px;color:#4b5563")]) { h in
                                        h.text("You get this because you subscribed at \(site.publicURL). ")
                                        h.link(manage, "Change what you get", [("style", "color:#3730a3")])
                                        h.text(" · ")
                                        h.link(unsubscribe, "Unsubscribe", [("style", "color:#3730a3")])
                                    }
                                }
                            }
                        }
                    } rows: { _ in }
                }
            }
            h.text("\n")
        }
        var html = Pieces()
        html.add(frame.pieces[0])
        for block in papers { html.add(block.html) }
        for section in sections {
            html.add(Markup.fragment(capacity: 256) { h in
                h.element("tr") { h in
                    h.element("td", [("style", "padding:16px 24px 4px;font-size:18px;font-weight:700;border-bottom:1px solid #e5e7eb")],
                              text: section.title)
                }
                h.text("\n")
            }.html)
            for block in section.papers { html.add(block.html) }
        }
        html.add(frame.pieces[1])
        var message = MailMessage(from: site.from, to: to, subject: subject, text: text.text, html: html.text, headers: [
            ("List-Unsubscribe", "<\(unsubscribe)>, <mailto:\(site.from.address)?subject=unsubscribe%20\(manageToken)>"),
            ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
            ("List-Id", "\(site.name.filter { $0.isLetter || $0.isNumber || $0 == " " }) digest <digest.\(site.host)>"),
        ])
        message.encodedText = text.encoded
        message.encodedHTML = html.encoded
        return message
    }

    /// A layout table (`role="presentation"`): its first row's cell, then more rows.
    static func table(_ style: [(String, String)], into h: inout HTMLWriter<Never>, _ firstCell: (inout HTMLWriter<Never>) -> Void,
                      rows: (inout HTMLWriter<Never>) -> Void) {
        h.element("table", [("role", "presentation"), ("width", "100%"), ("cellpadding", "0"), ("cellspacing", "0")] + style) { h in
            h.element("tr") { h in firstCell(&h) }
            rows(&h)
        }
    }

    /// A part as text and as quoted-printable, built from whole-line pieces.
    struct Pieces {
        var text = ""
        var encoded: [UInt8] = []
        mutating func add(_ lines: QuotedPrintable.Lines) {
            text += lines.text
            encoded += lines.encoded
        }
        mutating func add(_ lines: String) { add(QuotedPrintable.Lines(lines)) }
    }

    /// The double opt-in mail: the only mail an unconfirmed address ever gets.
    public static func confirmation(to: MailAddress, link: String, manage: String, site: DigestSite) -> MailMessage {
        MailMessage(from: site.from, to: to, subject: "Confirm your \(site.name) digest", text: """
            Someone (we hope you) asked to get trending papers from \(site.name) by mail at this address.

            Confirm by opening this link (it works for 48 hours):

            \(link)

            If it was not you, ignore this mail: nothing more will be sent.
            To change the subscription before confirming: \(manage)
            """)
    }
}
