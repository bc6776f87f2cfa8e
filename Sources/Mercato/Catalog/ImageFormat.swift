import Foundation

/// The image formats product photos may be uploaded in, recognised by their leading bytes (never
/// by the client's `Content-Type`, which is only a claim).
enum ImageFormat: String, CaseIterable {
    case jpeg, png, webp, avif

    var contentType: String { "image/\(rawValue)" }
    var fileExtension: String { self == .jpeg ? "jpg" : rawValue }

    init?(sniffing data: Data) {
        let bytes = [UInt8](data.prefix(16))
        func ascii(_ range: Range<Int>) -> String? {
            bytes.count >= range.upperBound ? String(decoding: bytes[range], as: UTF8.self) : nil
        }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) {
            self = .jpeg
        } else if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
            self = .png
        } else if ascii(0..<4) == "RIFF", ascii(8..<12) == "WEBP" {
            self = .webp
        } else if ascii(4..<8) == "ftyp", let brand = ascii(8..<12), ["avif", "avis"].contains(brand) {
            self = .avif
        } else {
            return nil
        }
    }
}
