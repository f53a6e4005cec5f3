import DailyPapersCore
import DailyPapersStore
import NIOCore

/// A place in a page shared by members where one member's part goes (see `PageTemplate`).
enum PersonalSlot: Sendable {
    /// The header's account links: the member's name and the log-out form.
    case accountNav
    /// A notice for this request (`?msg=`).
    case notice
    /// The hidden form token.
    case csrf
    /// The upvote form: the member's vote and the paper's count now (the shared page may show counts a
    /// few seconds old; a member must see their own vote counted at once).
    case vote(paper: ArxivID, upvotes: Int)
    /// The save form: whether the member saved the paper.
    case save(paper: ArxivID)
    /// Edit and delete, if the member wrote this comment.
    case ownComment(Comment)
}

/// One member's parts, for filling a shared page's slots.
struct PersonalFill {
    var viewer: Viewer
    var notice: String?
    /// The page's papers as this member sees them now (`VoteStore.viewerState`).
    var papers: [String: PaperViewerState] = [:]
    var editWindow: Double
    var now: Timestamp
    /// The token's hidden input, as every form of the page carries it.
    let csrfInput: Markup

    init(viewer: Viewer, notice: String?, papers: [String: PaperViewerState] = [:], editWindow: Double = 900, now: Timestamp = .now) {
        self.viewer = viewer
        self.notice = notice
        self.papers = papers
        self.editWindow = editWindow
        self.now = now
        csrfInput = HTML.csrfInput(viewer.csrf)
    }

    func write(_ slot: PersonalSlot, into out: inout ByteBuffer) {
        // A page has up to a hundred vote buttons: written straight into the page, the token escaped once.
        if case .vote(let paper, let upvotes) = slot {
            let state = papers[paper.base]
            return VoteButtonView.write(paper: paper.base, upvotes: state?.upvotes ?? upvotes, voted: state?.voted ?? false,
                                        csrfInput: csrfInput, into: &out)
        }
        if case .save(let paper) = slot {
            return SaveButtonView.write(paper: paper.base, saved: papers[paper.base]?.saved ?? false, csrfInput: csrfInput, into: &out)
        }
        switch slot {
        case .csrf: out.writeString(csrfInput.html); return
        case .accountNav: return Layout.accountNav(viewer, csrfInput: csrfInput, into: &out)
        default: break
        }
        var h = HTML(capacity: 512)
        write(slot, into: &h)
        out.writeString(h.output)
    }

    func write(_ slot: PersonalSlot, into h: inout HTML) {
        switch slot {
        case .accountNav:
            Layout.accountNav(viewer, into: &h)
        case .notice:
            h.notice(notice)
        case .csrf:
            h.csrf(viewer.csrf)
        case .vote(let paper, let upvotes):
            let state = papers[paper.base]
            VoteButtonView.render(paper: paper.base, upvotes: state?.upvotes ?? upvotes, voted: state?.voted ?? false,
                                  csrf: viewer.csrf, into: &h)
        case .save(let paper):
            SaveButtonView.render(paper: paper.base, saved: papers[paper.base]?.saved ?? false, csrf: viewer.csrf, into: &h)
        case .ownComment(let c):
            guard c.author.username == viewer.account.username else { return }
            CommentThreadView.ownActions(c, csrf: viewer.csrf, editWindow: editWindow, now: now, into: &h)
        }
    }
}
