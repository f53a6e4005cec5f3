import DailyPapersCore
import DailyPapersStore
import Foundation

/// The bundled sample that makes a first run worth looking at: ten real days of Hugging Face daily
/// papers and the four papers of the page Daily Papers is modelled on (see DemoData/README.md).
public enum DemoData {
    public static var folder: String? {
        Bundle.module.url(forResource: "DemoData", withExtension: nil)?.path
    }

    /// Loads the sample into the store. Idempotent, like every import.
    public static func load(into store: PaperStore, trending: Trending) async throws -> HFDailyImport.Summary {
        guard let folder else { throw StoreError("the demo data is missing from this build") }
        return try await HFDailyImport(store: store, trending: trending).run(paths: [folder])
    }
}
