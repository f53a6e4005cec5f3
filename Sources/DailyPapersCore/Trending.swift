import Foundation

/// The trending score, in the spirit of Reddit's and Lobsters' "hotness": the log of a paper's
/// engagement plus its submission time divided by a window. Because time enters linearly and
/// engagement logarithmically, a paper needs `10x` the engagement to outrank one submitted one
/// window later. The score depends only on stored values, so it is computed when votes or comments
/// change and kept in an indexed column, and never has to be recomputed as the clock moves.
public struct Trending: Sendable, Equatable {
    /// How much one comment weighs against one upvote: discussion is a stronger signal than a click.
    public var commentWeight: Double
    /// Seconds of age that cost as much as a tenfold drop in engagement. Smaller is more "gravity".
    public var windowSeconds: Double

    /// 12.5 hours, Reddit's classic constant: yesterday's papers fade within a day or two.
    public static let standard = Trending(commentWeight: 2, windowSeconds: 45_000)

    public init(commentWeight: Double, windowSeconds: Double) {
        self.commentWeight = commentWeight
        self.windowSeconds = windowSeconds
    }

    /// Epoch of the time term: 2024-01-01T00:00:00Z, so scores stay small readable numbers.
    public static let epoch = Timestamp(millisecondsSince1970: 1_704_067_200_000)

    public func score(upvotes: Int, comments: Int, submittedAt: Timestamp) -> Double {
        let engagement = Double(max(upvotes, 0)) + commentWeight * Double(max(comments, 0))
        let age = (submittedAt.secondsSince1970 - Trending.epoch.secondsSince1970) / windowSeconds
        return log10(max(engagement, 1)) + age
    }
}
