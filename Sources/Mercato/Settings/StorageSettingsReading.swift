import Foundation

extension StorageSettings {
    /// Reads the `storage` section; a malformed `keyPrefix` or `publicBaseURL` is a boot problem.
    init(reading reader: inout SettingsReader) {
        self.init(
            directory: reader.text("storage.directory", default: "data/media") ?? "data/media",
            bucket: reader.text("storage.bucket"),
            region: reader.text("storage.region", default: "us-east-1") ?? "us-east-1",
            endpoint: reader.text("storage.endpoint"),
            pathStyle: reader.boolean("storage.pathStyle", default: false),
            publicBaseURL: reader.text("storage.publicBaseURL")
        )
        if let prefix = reader.text("storage.keyPrefix") {
            switch Self.normalisedKeyPrefix(prefix) {
            case .some(let normalised): keyPrefix = normalised
            case .none:
                reader.fail(
                    "storage.keyPrefix",
                    "'\(prefix)' is not a key prefix; use folder names of letters, digits, '-', '_' and '.' "
                        + "separated by '/', such as media/")
            }
        }
        if var url = publicBaseURL {
            while url.hasSuffix("/") { url.removeLast() }
            publicBaseURL = url
            let components = URLComponents(string: url)
            let scheme = components?.scheme?.lowercased()
            if components?.host?.isEmpty != false || !(scheme == "http" || scheme == "https")
                || components?.query != nil
            {
                reader.fail(
                    "storage.publicBaseURL",
                    "'\(url)' is not an http:// or https:// URL such as https://shop.example.com")
            } else if !keyPrefix.isEmpty, let path = components?.path,
                (path + "/").hasSuffix("/" + keyPrefix)
            {
                // The prefix is part of every public URL already: `…/media` + `media/key` would be `/media/media/key`.
                reader.fail(
                    "storage.publicBaseURL",
                    "'\(url)' already ends with the key prefix '\(keyPrefix)', which every URL gets; "
                        + "give the CDN's root, e.g. https://\(components?.host ?? "shop.example.com")")
            }
        }
    }

    /// `media` → `media/`; `nil` for a leading `/`, empty or dot segments, or characters a CDN path
    /// would have to encode.
    static func normalisedKeyPrefix(_ text: String) -> String? {
        var prefix = text.trimmingCharacters(in: .whitespaces)
        if prefix.isEmpty { return "" }
        if !prefix.hasSuffix("/") { prefix += "/" }
        let segments = prefix.dropLast().split(separator: "/", omittingEmptySubsequences: false)
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
        for segment in segments {
            guard !segment.isEmpty, segment != ".", segment != "..",
                segment.unicodeScalars.allSatisfy(allowed.contains)
            else { return nil }
        }
        return prefix
    }
}
