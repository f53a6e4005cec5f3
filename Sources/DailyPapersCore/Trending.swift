import Foundation

/// The trending score, in the spirit of Reddit's and Lobsters' "hotness":
///
///     score = log10(max(upvotes + commentWeight × comments, 1)) + (submittedAt − epoch) / gravitySeconds
///
/// Time enters linearly and engagement logarithmically, so a paper needs 10× the engagement to outrank
/// one submitted `gravitySeconds` later: that is the decay with age (smaller is more "gravity"). Unlike
/// Hacker News's `(p−1)/(t+2)^1.8`, the score depends only on stored values, so it is computed when votes
/// or comments change, kept in an indexed column, and never recomputed as the clock moves; the order
/// it gives at any moment is the same as a decaying score's would be.
///
/// `windowDays` bounds what the trending lists consider: papers submitted within that many days of the
/// newest one on the site (not of "now", so an instance that stopped importing still trends).
public struct Trending: Sendable, Equatable {
    /// How much one comment weighs against one upvote: discussion is a stronger signal than a click.
    public var commentWeight: Double
    /// Seconds of age that cost as much as a tenfold drop in engagement.
    public var gravitySeconds: Double
    /// Days of submissions the trending lists look at.
    public var windowDays: Int

    /// 12.5 hours, Reddit's classic constant: yesterday's papers fade within a day or two; a week's window.
    public static let standard = Trending(commentWeight: 2, gravitySeconds: 45_000, windowDays: 7)

    public init(commentWeight: Double, gravitySeconds: Double, windowDays: Int = 7) {
        self.commentWeight = commentWeight
        self.gravitySeconds = gravitySeconds
        self.windowDays = windowDays
    }

    /// Epoch of the time term: 2024-01-01T00:00:00Z, so scores stay small readable numbers.
    public static let epoch = Timestamp(millisecondsSince1970: 1_704_067_200_000)

    public func score(upvotes: Int, comments: Int, submittedAt: Timestamp) -> Double {
        let engagement = Double(max(upvotes, 0)) + commentWeight * Double(max(comments, 0))
        let age = (submittedAt.secondsSince1970 - Trending.epoch.secondsSince1970) / gravitySeconds
        return log10(max(engagement, 1)) + age
    }
}
