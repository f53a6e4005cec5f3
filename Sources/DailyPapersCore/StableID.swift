/// Hugging Face gives authors, users and discussions 24-hex-digit ids. Records that did not come
/// from Hugging Face get an id derived from their own key, so the API's `_id` is stable across runs
/// and processes (FNV-1a, 96 bits from three differently seeded 32-bit hashes; not a security measure).
public enum StableID {
    public static func hex24(_ key: String) -> String {
        var out = ""
        for seed: UInt32 in [0x811C_9DC5, 0x050C_5D1F, 0x1EAD_BEEF] {
            var h = seed
            for b in key.utf8 { h = (h ^ UInt32(b)) &* 0x0100_0193 }
            let s = String(h, radix: 16)
            out += String(repeating: "0", count: 8 - s.count) + s
        }
        return out
    }
}
